"""Crash safety: SIGKILL the indexer at random points, restart it, and compare with a clean run.

The indexer runs in a subprocess (``tests/helpers/index_driver.py``, which does what ``lodger
index`` does) over a varied copy of real data (Enron MH mail, a slice of the same mailbox as an
mbox, a Markdown vault, todo.txt files, calendars, the demo data). Its process group is killed
with SIGKILL at a random point (during start-up, at a random file of the indexing, or shortly
after its first document write), restarted, killed again, and so on; each round ends with a
run that is let finish, then the folder changes the way a user's does (an mbox grows or is
rewritten, notes are edited, added and renamed, mail arrives and is deleted) and the next round
of kills begins. ``lodger index`` then finishes the job. The data dir must hold exactly what a
single clean ``lodger index`` over the final folder holds: the same documents, locations, chunks,
events, tasks and manifest, nothing twice, FTS rows matching the chunks, and the chromadb index
holding exactly SQLite's chunk ids with up-to-date vectors.

Kills are paced by events, not by the clock, so that a fast or a busy machine gets the same
number of them: the driver announces checkpoints (start, each file, each write) and, given a
target checkpoint, says when it reached it and stops a few checkpoints later to wait for the
kill. The test waits for the target, lets the run go on for a random moment (which only spreads
where the kill lands, between the target and that stop) and kills it. How many runs are killed
in each round comes from the seed alone (20 or more in all).

The seed is fixed and printed with every run's phase, target and delay; set ``LODGER_CRASH_SEED``
to try others. The fast tests below place the crash exactly in the windows that matter.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.corpus import ROOT, build_corpus, copy_enron, mbox_messages

SEED = int(os.environ.get("LODGER_CRASH_SEED", "20260325"))
MIN_KILLS = 20
MIN_ROUNDS = 3
FIRST_ROUND_KILLS = 8  # the first round indexes everything: the most places to die in
LATER_ROUND_KILLS = (2, 5)  # later rounds index only the changes
# Where kills land: start-up (imports, probe, reconcile), at a random file of the indexing, or
# after the run's first document write to lodger.db (parsing comes first and is long).
PHASES = (("start-up", 0.25), ("indexing", 0.25), ("writing", 0.5))
# Seconds the run goes on after its target checkpoint before the kill. They only spread the kill
# between the target and the hold point; a run that reaches the hold point waits there.
STARTUP_DELAY = (0.05, 2.0)
INDEXING_DELAY = (0.0, 0.5)
WRITING_DELAY = (0.0, 0.5)
HOLD_AFTER = (1, 60)  # checkpoints between the target and the hold point (files and writes)
# Only against a driver that hangs: a run normally reaches its target within seconds.
HANG_S = 300
DRIVER = ROOT / "tests" / "helpers" / "index_driver.py"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _run_to_end(corpus: Path, data: Path) -> str:
    """``lodger index`` itself, uninterrupted."""
    cmd = [sys.executable, "-m", "lodger.cli", "index", str(corpus), "--data-dir", str(data),
           "--embedder", "hash", "--quiet"]
    proc = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=HANG_S)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _kill_plan(rng: random.Random) -> list[int]:
    """How many runs are killed in each round (then one is let finish)."""
    plan = [FIRST_ROUND_KILLS]
    while len(plan) < MIN_ROUNDS or sum(plan) < MIN_KILLS:
        plan.append(rng.randint(*LATER_ROUND_KILLS))
    return plan


def _driver(corpus: Path, data: Path, log: Path, *gate: str) -> subprocess.Popen:
    with open(log, "wb") as err:
        return subprocess.Popen([sys.executable, str(DRIVER), str(corpus), str(data), *gate],
                                cwd=ROOT, env=_env(), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=err, start_new_session=True)


def _wait_for_line(proc: subprocess.Popen, words: tuple[bytes, ...], log: Path) -> bytes:
    """The driver's first stdout line that starts with one of ``words``."""
    while True:
        ready, _, _ = select.select([proc.stdout], [], [], HANG_S)
        assert ready, f"the driver hung: {log.read_text()[-3000:]}"
        line = proc.stdout.readline()
        assert line, f"the driver ended early ({proc.wait()}): {log.read_text()[-3000:]}"
        if line.split(b" ", 1)[0].strip() in words:
            return line.strip()


def _run_and_kill(corpus: Path, data: Path, rng: random.Random, log: Path) -> tuple[str, str]:
    """Start the indexer and SIGKILL its whole process group at a random point of its work.

    Returns (phase, what happened): the phase, then the target, the checkpoint the run was
    held at (or not reached), and the delay.
    """
    phase = rng.choices([p for p, _ in PHASES], [w for _, w in PHASES])[0]
    if phase == "start-up":
        target, hold, delay = "started", 1, rng.uniform(*STARTUP_DELAY)
    elif phase == "indexing":
        target, hold = f"file:{rng.random():.3f}", rng.randint(*HOLD_AFTER)
        delay = rng.uniform(*INDEXING_DELAY)
    else:
        target, hold, delay = "doc:1", rng.randint(*HOLD_AFTER), rng.uniform(*WRITING_DELAY)
    proc = _driver(corpus, data, log, target, str(hold))
    try:
        reached = _wait_for_line(proc, (b"target",), log)
        try:
            proc.wait(timeout=delay)  # it is held before the end: this always times out
        except subprocess.TimeoutExpired:
            pass
        else:
            pytest.fail(f"the run ended before it was killed ({proc.returncode}): "
                        f"{log.read_text()[-3000:]}")
        os.killpg(proc.pid, signal.SIGKILL)  # the probe child too: as if the power went
        proc.wait()
    finally:
        proc.stdin.close()
        proc.stdout.close()
    where = reached.decode().split(" ", 2)[1]
    return phase, f"{target:11} hold +{hold:<2} reached at {where:7} +{delay:.3f}s"


def _run_to_finish(corpus: Path, data: Path, log: Path) -> None:
    """The driver with no target: it must finish and succeed."""
    proc = _driver(corpus, data, log)
    try:
        out, _ = proc.communicate(timeout=HANG_S)
    finally:
        proc.stdout.close()
    assert proc.returncode == 0 and b"done" in out, log.read_text()[-3000:]


def _fingerprint(data: Path) -> tuple | None:
    """Changes whenever a run wrote anything to lodger.db (ids only ever grow)."""
    db = data / "lodger.db"
    if not db.exists():
        return None
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(
            "SELECT (SELECT count(*) FROM files), (SELECT coalesce(sum(parsed_offset), 0) FROM"
            " files), (SELECT count(*) FROM documents), (SELECT count(*) FROM chunks),"
            " (SELECT count(*) FROM locations), (SELECT coalesce(max(id), 0) FROM events),"
            " (SELECT coalesce(max(id), 0) FROM tasks), (SELECT count(*) FROM vector_pending)"
        ).fetchone()
    except sqlite3.Error:
        return None  # the schema is not there yet
    finally:
        con.close()


def _state(data: Path) -> dict:
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "helpers" / "dump_state.py"),
                           str(data)], cwd=ROOT, env=_env(), capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, f"reading the index failed ({proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout)


def _mutate(corpus: Path, round_no: int, rng: random.Random) -> str:
    """What a user's folder does between runs; returns what was done.

    Rounds 1 and 2 make fixed changes (checked at the end); later rounds pick small random
    ones. Mail positions follow tests.helpers.corpus: MH files 0..149 and 400.. exist, the mbox
    holds 100..; deleted MH files are below 100, so they are not also in the mbox.
    """
    mbox = corpus / "kaminski.mbox"
    inbox = corpus / "enron" / "inbox"
    if round_no == 0:
        return "initial corpus"
    if round_no == 1:
        with open(mbox, "ab") as fh:  # new mail at the end: the incremental mbox path
            fh.write(mbox_messages(260, 300))
        note = corpus / "vault" / "Books.md"  # same chunk ids, new text: vectors must follow
        note.write_text(note.read_text(encoding="utf-8").replace("book", "volume"),
                        encoding="utf-8")
        with open(corpus / "demo" / "todo.txt", "a", encoding="utf-8") as fh:
            fh.write("(B) 2026-03-25 Call the plumber about the boiler due:2026-03-30 +Home\n")
        for name in sorted(inbox.iterdir(), key=lambda p: int(p.name))[10:16]:
            name.unlink()
        copy_enron(inbox, range(400, 425))
        cal = corpus / "demo" / "calendar" / "sam.ics"
        cal.write_bytes(cal.read_bytes().replace(b"Lunch with Ana", b"Lunch with Ana and Lena"))
        return "mbox grew, note and calendar edited, todo line added, mail deleted and added"
    if round_no == 2:
        os.replace(corpus / "vault" / "recipes" / "toast.md", corpus / "vault" / "toast-v2.md")
        (corpus / "todo" / "SorterTest1.txt").unlink()
        mbox.write_bytes(mbox_messages(110, 330))  # lost ten, gained thirty: a full re-parse
        os.utime(corpus / "vault" / "Home.md", (time.time() + 5, time.time() + 5))  # touched only
        copy_enron(inbox, range(430, 440))
        return "note renamed, todo file deleted, mbox rewritten, note touched, mail added"
    words = ("compost", "hedge", "invoice", "meeting", "pond", "budget", "trellis", "quote",
             "seedling", "contract", "delivery", "mulch", "gutter", "survey", "ledger")
    new = corpus / "vault" / f"batch{round_no}"
    new.mkdir()
    for i in range(120):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(20, 120)))
        (new / f"note{i}.md").write_text(f"# Batch {round_no} note {i}\n\n{body}\n\n"
                                         f"- [ ] Check {rng.choice(words)} {i}\n", encoding="utf-8")
    note = rng.choice(sorted((corpus / "vault").glob("*.md")))
    with open(note, "a", encoding="utf-8") as fh:
        fh.write(f"\n- [ ] Follow-up {round_no} for {note.stem} due:2026-04-{round_no:02d}\n")
    end = min(330 + 20 * (round_no - 2), 560)
    mbox.write_bytes(mbox_messages(110, end))  # grows at the end: the incremental path
    old = sorted((p for p in inbox.iterdir() if int(p.name) < 100), key=lambda p: int(p.name))
    rng.choice(old).unlink()
    return f"120 notes added, {note.name} appended to, mbox grew, one mail deleted"


def _assert_same(got: dict, want: dict) -> None:
    for key in ("documents", "locations", "chunks", "fts", "events", "tasks", "files"):
        g, w = got[key], want[key]
        if g != w:
            gs, ws = {json.dumps(x) for x in g}, {json.dumps(x) for x in w}
            pytest.fail(f"{key} differ: {len(g)} vs {len(w)} rows in the clean run; "
                        f"extra {sorted(gs - ws)[:3]}, missing {sorted(ws - gs)[:3]}")


def _assert_consistent(state: dict) -> None:
    chunk_ids = [c[0] for c in state["chunks"]]
    assert len(chunk_ids) == len(set(chunk_ids))
    assert sorted(f[0] for f in state["fts"]) == sorted(chunk_ids), "FTS rows differ from chunks"
    assert {tuple(f) for f in state["fts"]} == {(c[0], c[4]) for c in state["chunks"]}
    assert state["vector_ids"] == sorted(chunk_ids), (
        f"vector index: {len(set(state['vector_ids']) - set(chunk_ids))} extra, "
        f"{len(set(chunk_ids) - set(state['vector_ids']))} missing")
    assert state["stale_vectors"] == 0, "vectors in chromadb differ from SQLite's embeddings"
    assert state["chunks_without_embedding"] == 0
    assert state["orphan_chunks"] == 0 and state["orphan_items"] == 0
    assert state["docs_without_location"] == 0
    assert state["integrity"] == "ok"


@pytest.mark.slow
def test_sigkill_at_random_points_then_resume_matches_a_clean_run(tmp_path, capsys):
    """Killed 20+ times and restarted, the index ends identical to a single clean run."""
    rng = random.Random(SEED)
    corpus = build_corpus(tmp_path / "corpus")
    data = tmp_path / "crashed"
    plan = _kill_plan(rng)
    runs: list[tuple[int, str, str, bool]] = []  # round, phase, what happened, had written
    notes: list[str] = []
    for round_no, kills in enumerate(plan):
        notes.append(f"round {round_no}: {_mutate(corpus, round_no, rng)}")
        for _ in range(kills):
            before = _fingerprint(data)
            phase, what = _run_and_kill(corpus, data, rng, tmp_path / f"run-{len(runs)}.log")
            runs.append((round_no, phase, what, _fingerprint(data) != before))
        _run_to_finish(corpus, data, tmp_path / f"finish-{round_no}.log")
    _run_to_end(corpus, data)
    mid_write = [r for r in runs if r[3]]
    with capsys.disabled():
        print(f"\ncrash test seed {SEED}: {len(runs)} kills ({len(mid_write)} after the run "
              f"had written) in {len(plan)} rounds")
        print("\n".join(f"  {n}" for n in notes))
        for r in runs:
            print(f"  round {r[0]} {r[1]:9} {r[2]}{' after writing' if r[3] else ''}")
    assert len(runs) == sum(plan) >= MIN_KILLS
    assert len(mid_write) >= 6, f"only {len(mid_write)} kills landed after writes began"

    crashed = _state(data)
    clean_dir = tmp_path / "clean"
    _run_to_end(corpus, clean_dir)
    clean = _state(clean_dir)
    _assert_consistent(clean)
    _assert_consistent(crashed)
    _assert_same(crashed, clean)
    # The corpus really exercised every kind of item, and the rounds' changes arrived.
    kinds = {d[1] for d in clean["documents"]}
    assert kinds == {"email", "note", "calendar", "todo"}
    assert len(clean["events"]) > 100 and len(clean["tasks"]) > 50
    assert any(t[1] == "Call the plumber about the boiler" for t in clean["tasks"])
    assert any(e[1] == "Lunch with Ana and Lena" for e in clean["events"])
    assert not any(p[0].endswith("recipes/toast.md") for p in clean["files"])


class _Killed(BaseException):
    """Raised where the process would have died (not an Exception: nothing may catch it)."""


@pytest.mark.parametrize("point", ["upsert", "delete"])
def test_crash_between_sqlite_and_vector_write_is_mended(tmp_path, monkeypatch, point):
    """A crash after SQLite committed but before chromadb was written leaves no stale,
    missing or extra vector once the next run starts."""
    import numpy as np

    from indexing.vectors import VectorIndex
    from indexing.workspace import Workspace

    notes = tmp_path / "notes"
    notes.mkdir()
    note = notes / "garden.md"
    note.write_text("# Garden\n\nThe pond needs five hours of sun.\n", encoding="utf-8")
    (notes / "old.md").write_text("# Old\n\nA note about the shed roof.\n", encoding="utf-8")
    ws = Workspace.open(tmp_path / "data", embedder="hash", check=False)
    ws.indexer().index([str(notes)])
    # Same chunk ids, new text; and a deleted file whose chunks must leave the vector index.
    note.write_text("# Garden\n\nThe compost heap goes behind the shed.\n", encoding="utf-8")
    (notes / "old.md").unlink()

    def die(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise _Killed

    monkeypatch.setattr(VectorIndex, point, die)
    with pytest.raises(_Killed):
        ws.indexer().index([str(notes)])
    monkeypatch.undo()
    ws.close()

    ws = Workspace.open(tmp_path / "data", embedder="hash", check=False)
    try:
        ws.indexer().index([str(notes)])
        want = {cid: np.frombuffer(vec, dtype=np.float32)
                for cid, _doc, _kind, vec in ws.store.chunk_vectors()}
        assert ws.vectors.all_ids() == set(want) == ws.store.all_chunk_ids()
        got = ws.vectors._col.get(ids=sorted(want), include=["embeddings"])
        for cid, emb in zip(got["ids"], got["embeddings"], strict=True):
            assert np.allclose(emb, want[cid], atol=1e-6), f"stale vector for {cid}"
        assert ws.store.pending_vector_ids() == set()
        top = ws.vectors.query(ws.embedder.embed_query("compost heap behind the shed"), 1)
        text = ws.store.query("SELECT text FROM chunks WHERE chunk_id=?", (top[0][0],))[0][0]
        assert "compost heap" in text and top[0][1] > 0.5
    finally:
        ws.close()


def test_interrupted_first_run_resumes_instead_of_starting_over(tmp_path, monkeypatch):
    """When the very first run into a fresh data dir dies, the next run parses only the files
    it had not finished (the parser-version mark does not force a full re-parse)."""
    from indexing import indexer
    from indexing.workspace import Workspace

    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(8):
        (notes / f"n{i}.md").write_text(f"# Note {i}\n\n- [ ] Task {i}\n", encoding="utf-8")
    monkeypatch.setattr(indexer, "EMBED_BATCH", 1)  # flush every few files
    real_flush = indexer.Indexer._flush
    flushes = {"n": 0}

    def dying_flush(self):  # noqa: ANN001, ANN202
        flushes["n"] += 1
        if flushes["n"] == 2:
            raise _Killed
        return real_flush(self)

    monkeypatch.setattr(indexer.Indexer, "_flush", dying_flush)
    ws = Workspace.open(tmp_path / "data", embedder="hash", check=False)
    with pytest.raises(_Killed):
        ws.indexer().index([str(notes)])
    done = len(ws.store.all_file_paths())
    assert 0 < done < 8
    monkeypatch.setattr(indexer.Indexer, "_flush", real_flush)
    parsed: list[str] = []
    real_parse = indexer.Indexer._parse
    monkeypatch.setattr(indexer.Indexer, "_parse",
                        lambda self, src, start: parsed.append(src.path) or real_parse(self, src, start))
    summary = ws.indexer().index([str(notes)])
    assert len(parsed) == 8 - done and summary.files_unchanged == done
    assert ws.store.counts()["tasks"] == 8
    ws.close()
