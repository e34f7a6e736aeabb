"""`lodger mcp`: the six tools over stdio, through the official SDK's client and as raw JSON-RPC,
on the demo data with its fixed clock (assets/demo_FACTS.md)."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import anyio
import pytest

from indexing.workspace import Workspace
from lodger.mcp_server import LodgerTools

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-03-25T09:00:00+01:00"
TOOLS = {"schedule", "tasks", "search", "people", "brief", "ask"}
OVERDUE = ["Ask Tom about reclaimed bricks for the herb spiral",
           "Send the 2025 receipts to the tax advisor", "Send the revised planting plan",
           "Order pond liner samples"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """The demo data indexed with the hash embedder; closed, so servers open it themselves."""
    root = tmp_path_factory.mktemp("mcp")
    shutil.copytree(ROOT / "assets" / "demo", root / "demo")
    ws = Workspace.open(root / "data", embedder="hash", check=False)
    ws.indexer().index([str(root / "demo")])
    ws.remember([str(root / "demo")])
    ws.close()
    return root / "data"


@pytest.fixture(scope="module")
def tools(data_dir) -> LodgerTools:
    t = LodgerTools(str(data_dir), "Europe/Berlin", NOW, embedder="hash")
    yield t
    t.close()


def _server_args(data_dir: Path) -> list[str]:
    return ["-m", "lodger.cli", "mcp", "--data-dir", str(data_dir), "--embedder", "hash",
            "--now", NOW, "--tz", "Europe/Berlin"]


def _titles(out: dict) -> list[str]:
    return [i["title"] for i in out["items"]]


def test_sdk_client_lists_and_calls_every_tool(data_dir):
    """The SDK's stdio client starts `lodger mcp`, lists the six tools and calls each one."""
    from mcp import Client, StdioServerParameters

    calls = [("schedule", {"range": "tomorrow"}), ("tasks", {"status": "overdue"}),
             ("search", {"query": "shady corner behind the shed", "k": 3}),
             ("people", {"name": "Maria Keller"}), ("brief", {}),
             ("ask", {"question": "What's on my schedule tomorrow?"})]

    async def session() -> tuple[list, dict]:
        params = StdioServerParameters(command=sys.executable, args=_server_args(data_dir),
                                       cwd=str(ROOT))
        async with Client(params, mode="legacy") as client:
            listed = (await client.list_tools()).tools
            results = {}
            for name, args in calls:
                results[name] = await client.call_tool(name, args)
        return listed, results

    listed, results = anyio.run(session)
    assert {t.name for t in listed} == TOOLS
    assert all(t.annotations.read_only_hint for t in listed)
    for name, r in results.items():
        assert not r.is_error, (name, r.content)
        assert json.loads(r.content[0].text) == r.structured_content
    out = {name: r.structured_content for name, r in results.items()}
    for o in out.values():
        assert o["now"] == NOW
        assert {"answer", "items", "sources"} <= set(o)
    assert _titles(out["schedule"]) == ["Dentist appointment"]
    assert out["schedule"]["items"][0]["start"] == "2026-03-26T14:30:00+01:00"
    assert _titles(out["tasks"]) == OVERDUE
    assert "20260312184011.7730@example.com" in [s["locator"] for s in out["search"]["sources"]]
    assert len(out["search"]["sources"]) <= 3
    maria = {"20260310091402.4821@example.com", "20260312184011.7730@example.com",
             "20260318120355.6144@example.com", "20260321101200.8810@example.com"}
    assert {s["locator"] for s in out["people"]["sources"][:3]} <= maria
    assert out["brief"]["intent"] == "brief" and len(out["brief"]["items"]) == 11
    assert _titles(out["ask"]) == ["Dentist appointment"]


def test_raw_json_rpc_over_stdio(data_dir):
    """Newline-delimited JSON-RPC with no SDK: initialize, tools/list, then schedule finds the dentist."""
    proc = subprocess.Popen([sys.executable, *_server_args(data_dir)], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()

    def call(msg_id: int | None, method: str, params: dict | None = None) -> dict | None:
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        if msg_id is not None:
            msg["id"] = msg_id
        proc.stdin.write(json.dumps(msg) + "\n")
        proc.stdin.flush()
        while msg_id is not None:
            reply = json.loads(lines.get(timeout=30))
            if reply.get("id") == msg_id:
                return reply
        return None

    try:
        init = call(1, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                      "clientInfo": {"name": "raw-test", "version": "1"}})
        assert init["result"]["serverInfo"]["name"] == "lodger"
        assert init["result"]["protocolVersion"] == "2025-06-18"
        assert "tools" in init["result"]["capabilities"]
        call(None, "notifications/initialized")
        listed = call(2, "tools/list", {})
        assert {t["name"] for t in listed["result"]["tools"]} == TOOLS
        schema = next(t for t in listed["result"]["tools"] if t["name"] == "schedule")
        assert set(schema["inputSchema"]["properties"]) == {"range", "question"}
        reply = call(3, "tools/call", {"name": "schedule", "arguments": {"range": "tomorrow"}})
        result = reply["result"]
        assert result["isError"] is False
        body = json.loads(result["content"][0]["text"])
        assert body == result["structuredContent"]
        assert [(i["title"], i["start"], i["end"]) for i in body["items"]] == [
            ("Dentist appointment", "2026-03-26T14:30:00+01:00", "2026-03-26T15:15:00+01:00")]
        assert body["sources"][0]["locator"] == "dentist-20260326@rivera.example"
        bad = call(4, "tools/call", {"name": "tasks", "arguments": {"status": "someday"}})
        assert bad["result"]["isError"] is True or "error" in bad
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=20) == 0


def _ask_json(data_dir: Path, question: str) -> dict:
    r = subprocess.run([sys.executable, "-m", "lodger.cli", "ask", question, "--json",
                        "--no-llm", "--now", NOW, "--tz", "Europe/Berlin", "--data-dir",
                        str(data_dir), "--embedder", "hash"], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_tools_give_the_items_and_sources_of_ask_json(data_dir, tools):
    """schedule(range) and tasks(status) give exactly the items and sources of `lodger ask --json`."""
    for out, question in ((tools.schedule(range="tomorrow"), "What's on my schedule tomorrow?"),
                          (tools.schedule(range="this weekend"), "What's on this weekend?"),
                          (tools.tasks(status="overdue"), "What's overdue?")):
        asked = _ask_json(data_dir, question)
        assert out["items"] == asked["items"], question
        assert out["sources"] == asked["sources"], question
        assert out["range"] == asked["range"], question


def test_schedule_ranges(tools):
    """An ISO range lists its events and cites the cancelled ones; no range means the next 7 days."""
    out = tools.schedule(range="2026-03-27..2026-03-28")
    assert _titles(out) == ["Lunch with Ana", "Lena's birthday", "Dinner at Lena's"]
    assert [s["title"] for s in out["sources"]][-1] == "Site visit at Keller garden"
    assert "— cancelled [4]" in out["answer"]
    assert out["range"] == {"start": "2026-03-27T00:00:00+01:00",
                            "end": "2026-03-29T00:00:00+01:00"}
    week = tools.schedule()
    assert len(week["items"]) == 7 and week["items"][-1]["title"] == "Yoga class"


def test_task_filters(tools):
    """Promises, done-this-week, a project and "waiting" come from the agenda and mail queries."""
    assert _titles(tools.tasks(status="promises")) == [
        "Send the revised planting plan", "Bring the seed catalogue",
        "Get back to you on the contract"]
    assert _titles(tools.tasks(status="done", range="this week")) == [
        "Pay the dentist invoice from February", "Call Maria about the pond size",
        "Get the soil test results", "Send Tom photos of the north fence"]
    assert _titles(tools.tasks(project="Taxes")) == [
        "Send the 2025 receipts to the tax advisor", "Book the tax advisor for the annual return"]
    waiting = tools.tasks(status="waiting")
    assert waiting["intent"] == "waiting"
    assert [i["questions"] for i in waiting["items"]] == [
        ["Shall I bring a lemon tart for dessert?"]]
    with pytest.raises(ValueError, match="could not read"):
        tools.tasks(range="whenever it suits")
    with pytest.raises(ValueError, match="status must be"):
        tools.tasks(status="someday")  # type: ignore[arg-type]


def test_tools_are_read_only(data_dir, tools):
    """Calling the tools changes nothing in the index."""
    import sqlite3

    def snapshot() -> tuple:
        db = sqlite3.connect(f"file:{data_dir / 'lodger.db'}?mode=ro", uri=True)
        try:
            return tuple(db.execute(q).fetchall() for q in (
                "SELECT path, hash, indexed_at FROM files ORDER BY path",
                "SELECT count(*) FROM documents", "SELECT count(*) FROM tasks",
                "SELECT * FROM meta ORDER BY key"))
        finally:
            db.close()

    before = snapshot()
    tools.brief(days=7)
    tools.schedule(range="next week")
    tools.tasks(status="open")
    tools.search(query="planting plan", k=5)
    assert snapshot() == before


def test_nothing_indexed_is_a_clear_error(tmp_path):
    """A data dir with no index makes each tool say how to index, not crash or create one."""
    t = LodgerTools(str(tmp_path / "empty"), "Europe/Berlin", NOW)
    with pytest.raises(ValueError, match="Nothing is indexed"):
        t.brief()
    assert not (tmp_path / "empty").exists()
