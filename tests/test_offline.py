"""The offline guarantee: indexing, asking (real embedder, real model) and the GUI never touch the
network, and the app switches the libraries' network paths off by itself.

Each command runs in a subprocess with ``tests/helpers/netguard`` on PYTHONPATH: its
``sitecustomize`` makes every Python-level connection or name lookup for a non-loopback address
fail loudly and logs it with its stack. Where strace is installed, every ``connect()`` system call
of the process tree is recorded too, which also covers native code (chromadb's Rust core,
onnxruntime, llama.cpp, Qt); it found onnxruntime (>= 1.29) looking up
mobile.events.data.microsoft.com for its telemetry. The child environment has none of the offline
switches (``HF_HUB_OFFLINE``, ``TRANSFORMERS_OFFLINE``, ``ANONYMIZED_TELEMETRY``,
``ORT_DISABLE_TELEMETRY``) and a fresh HOME, so nothing cached in the developer's home can help:
the switches the processes end with were set by Lodger itself (``set_offline_mode``).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.corpus import DEMO, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.model, pytest.mark.embedder]

GUARD = ROOT / "tests" / "helpers" / "netguard"
SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE",
            "HF_HUB_DISABLE_TELEMETRY", "ANONYMIZED_TELEMETRY", "ORT_DISABLE_TELEMETRY")
NOW = ["--now", "2026-03-25T09:00", "--tz", "Europe/Berlin"]
_CONNECT = re.compile(r'connect\(\d+, \{sa_family=(AF_INET6?),.*?(?:inet_addr\("([^"]+)"\)|'
                      r'inet_pton\(AF_INET6, "([^"]+)"\))')


class Guarded:
    """Runs Lodger commands under the network guard and collects what they tried."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.log = tmp / "netguard.jsonl"
        self.traces: list[Path] = []
        self.strace = shutil.which("strace") if sys.platform.startswith("linux") else None
        if self.strace and subprocess.run([self.strace, "-f", "-qq", "-e", "trace=connect",
                                           "-o", os.devnull, "true"],
                                          capture_output=True).returncode != 0:
            self.strace = None  # ptrace not allowed here: the Python guard still runs
        home = tmp / "home"
        home.mkdir()
        env = {k: v for k, v in os.environ.items()
               if k not in SWITCHES and not k.startswith(("HF_", "TRANSFORMERS_", "ORT_", "XDG_"))}
        env.update({"HOME": str(home), "LODGER_NETGUARD_LOG": str(self.log),
                    "PYTHONPATH": os.pathsep.join([str(GUARD), str(ROOT)]),
                    "QT_QPA_PLATFORM": "offscreen"})
        self.env = env

    def run(self, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "lodger.cli", *args]
        if self.strace:
            trace = self.tmp / f"strace-{len(self.traces)}.txt"
            self.traces.append(trace)
            cmd = [self.strace, "-f", "-qq", "-e", "trace=connect", "-e", "signal=none",
                   "-o", str(trace), *cmd]
        return subprocess.run(cmd, cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def records(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def native_connects(self) -> list[str]:
        """connect() system calls to addresses that are not loopback."""
        out = []
        for trace in self.traces:
            for line in trace.read_text(encoding="utf-8", errors="replace").splitlines():
                m = _CONNECT.search(line)
                if m and not ipaddress.ip_address(m.group(2) or m.group(3)).is_loopback:
                    out.append(line.strip())
        return out


@pytest.fixture(scope="module")
def offline_runs(tmp_path_factory) -> dict:
    """Index the demo data, ask three ways and run the GUI, all under the guard."""
    tmp = tmp_path_factory.mktemp("offline")
    assert not any(k in os.environ for k in ("LODGER_NETGUARD_LOG",))
    g = Guarded(tmp)
    assert not any(k in g.env for k in SWITCHES)
    demo = tmp / "demo"
    shutil.copytree(DEMO, demo)
    data = tmp / "data"
    runs: dict = {"guard": g}
    runs["index"] = g.run("index", str(demo), "--data-dir", str(data), "--quiet")
    assert runs["index"].returncode == 0, runs["index"].stderr[-3000:]
    # Let even the tiny default model phrase recall answers, so that it really runs.
    settings = json.loads((data / "settings.json").read_text(encoding="utf-8"))
    settings["llm_min_params"] = 0
    (data / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    runs["ask_model"] = g.run("ask", "What did Tom say about the contract?", "--data-dir",
                              str(data), "--json", *NOW)
    runs["ask_no_llm"] = g.run("ask", "When is my dentist appointment?", "--data-dir", str(data),
                               "--json", "--no-llm", *NOW)
    shots = tmp / "shots"
    runs["gui"] = g.run("gui", "--data-dir", str(data), "--ask", "What did Maria say about the pond?",
                        "--screenshot", str(shots), timeout=900)
    runs["shots"] = shots
    runs["data"] = data
    return runs


def test_no_network_attempt_anywhere(offline_runs):
    """Not one connection or name lookup to a non-loopback address, in Python or native code."""
    g = offline_runs["guard"]
    attempts = [r for r in g.records() if r["kind"] == "attempt"]
    assert attempts == [], "network attempts:\n" + "\n".join(
        f"{a['argv']} {a['call']} {a['target']}\n{''.join(a['stack'][-6:])}" for a in attempts)
    assert g.native_connects() == []
    # The guard really ran in every Lodger process (and in the probe children they start).
    exits = [r for r in g.records() if r["kind"] == "exit"]
    main = [r for r in exits if r["argv"] and r["argv"][0].endswith(os.path.join("lodger", "cli.py"))]
    assert len(main) == 4, [r["argv"] for r in exits]
    probes = [r for r in exits if r["argv"][:1] == ["-c"]]  # the first run has no index to probe
    assert len(probes) == 3, f"a vector probe child was not guarded: {[r['argv'] for r in exits]}"


def test_commands_worked_offline(offline_runs):
    """Index, a model-phrased answer, a code-rendered answer and the GUI all succeeded."""
    for name in ("ask_model", "ask_no_llm"):
        assert offline_runs[name].returncode == 0, offline_runs[name].stderr[-3000:]
    with_model = json.loads(offline_runs["ask_model"].stdout)
    assert with_model["intent"] == "recall"
    assert with_model["timings"]["tokens"] > 0, "the model did not run"
    assert any(s["path"].endswith("sam.mbox") for s in with_model["sources"])
    schedule = json.loads(offline_runs["ask_no_llm"].stdout)
    assert [(i["title"], i["start"]) for i in schedule["items"]] == [
        ("Dentist appointment", "2026-03-26T14:30:00+01:00")]
    gui = offline_runs["gui"]
    error = offline_runs["shots"] / "error.txt"
    assert gui.returncode == 0, (error.read_text() if error.exists() else "") + gui.stderr[-3000:]
    answers = json.loads((offline_runs["shots"] / "answers.json").read_text(encoding="utf-8"))
    assert answers and answers[0]["sources"], answers


def test_lodger_switches_the_libraries_offline_by_itself(offline_runs):
    """With none of the switches in its environment, each Lodger process ends with the hub,
    transformers and chromadb telemetry switched off, as the libraries themselves report."""
    g = offline_runs["guard"]
    main = [r for r in g.records() if r["kind"] == "exit" and r["argv"]
            and r["argv"][0].endswith(os.path.join("lodger", "cli.py"))]
    assert main
    for r in main:
        assert r["env"]["HF_HUB_OFFLINE"] == "1", r
        assert r["env"]["TRANSFORMERS_OFFLINE"] == "1", r
        assert r["env"]["ANONYMIZED_TELEMETRY"] == "False", r
        assert r["env"]["ORT_DISABLE_TELEMETRY"] == "1", r  # onnxruntime's 1DS telemetry
        assert r.get("hf_hub_offline", True) is True, r
        assert r.get("transformers_offline", True) is True, r
        assert r.get("chromadb_telemetry", False) is False, r
    # The libraries that could phone home were really loaded somewhere along the way.
    loaded = set().union(*(r["modules"] for r in main))
    assert {"chromadb", "llama_cpp", "PySide6", "onnxruntime"} <= loaded, loaded
    index = next(r for r in main if r["argv"][1] == "index")
    if "transformers" in index["modules"]:  # the ONNX export ran (first use of the data dir)
        assert index["transformers_offline"] is True and index["hf_hub_offline"] is True
