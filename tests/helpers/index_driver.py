"""Index a folder the way ``lodger index`` does, announcing checkpoints so that a test can kill it.

Run as ``python tests/helpers/index_driver.py FOLDER DATA_DIR [TARGET HOLD]``. Without TARGET it
runs to the end and prints ``done``. The crash test kills it at random points, and the number of
kills must not depend on how fast the machine is, so the run is paced by checkpoints, not by
the clock:

- ``started``: first thing, before the imports;
- ``doc``: after each document written to lodger.db or file forgotten; ``db``: after each other
  write to lodger.db (a manifest row, a location, cleared pending vectors); ``vec``: after each
  chromadb write;
- ``opened``: after ``Workspace.open`` (start-up checks, probe, reconciliation);
- ``file``: each time the indexer starts a file (its position among the files found);
- ``end``: after the index was written and closed, just before exiting.

TARGET picks one: ``started``, ``doc:N`` (the N-th ``doc`` write of this run) or ``file:F`` (the
first file at or past fraction F of the files found). When it is reached the driver prints
``target`` and goes on; HOLD checkpoints later, or at ``end`` if that comes first, it prints
``hold`` and waits until stdin is closed. The test waits for ``target``, lets the run go on for
a random moment and kills it: the kill lands anywhere between the target and the hold point
(inside a parse, a transaction or a chromadb write), and it always lands before the run ends.
"""

from __future__ import annotations

import functools
import sys


def say(*words: object) -> None:
    print(*words, flush=True)


class Gate:
    """Counts checkpoints; holds the run HOLD checkpoints after TARGET (or at the end)."""

    def __init__(self, target: str, hold: int) -> None:
        self.kind, _, value = target.partition(":")
        self.value = value
        self.hold = max(1, hold)
        self.seen: dict[str, int] = {}  # checkpoints passed, by kind
        self.since: int | None = None  # checkpoints passed since the target; None = not yet

    def _is_target(self, kind: str, pos: int, total: int) -> bool:
        if kind != self.kind:
            return False
        if kind == "doc":
            return self.seen[kind] >= int(self.value)
        if kind == "file":
            return pos >= float(self.value) * total
        return True

    def checkpoint(self, kind: str, pos: int = 0, total: int = 0) -> None:
        if not self.kind:
            return
        self.seen[kind] = self.seen.get(kind, 0) + 1
        if self.since is None:
            if not (self._is_target(kind, pos, total) or kind == "end"):
                return
            self.since = 0
            say("target", kind, pos, total)
            if kind != "end":
                return
        else:
            self.since += 1
        if self.since >= self.hold or kind == "end":
            say("hold", kind, pos, total)
            sys.stdin.read()  # the test kills the process group before closing it
            sys.exit(3)


def _after(cls: type, name: str, kind: str, gate: Gate) -> None:
    """Call ``gate.checkpoint(kind)`` after every return of ``cls.name``."""
    real = getattr(cls, name)

    @functools.wraps(real)
    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        out = real(*args, **kwargs)
        gate.checkpoint(kind)
        return out

    setattr(cls, name, wrapper)


def main(argv: list[str]) -> int:
    folder, data_dir = argv[1], argv[2]
    gate = Gate(argv[3], int(argv[4])) if len(argv) > 4 else Gate("", 0)
    say("started")
    gate.checkpoint("started")
    from indexing.store import Store
    from indexing.vectors import VectorIndex
    from indexing.workspace import Workspace

    for name in ("write_document", "remove_path"):
        _after(Store, name, "doc", gate)
    for name in ("record_file", "add_location", "clear_pending_vectors"):
        _after(Store, name, "db", gate)
    for name in ("upsert", "delete"):
        _after(VectorIndex, name, "vec", gate)
    ws = Workspace.open(data_dir, embedder="hash")  # with the start-up integrity checks
    say("opened")
    gate.checkpoint("opened")
    summary = ws.indexer().index(
        [folder], progress=lambda i, total, _path: gate.checkpoint("file", i, total))
    ws.remember([folder])
    ws.close()
    gate.checkpoint("end")
    say(f"done {summary.documents} {summary.seconds:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
