"""Start-up checks of the data dir: a corrupt vector index or SQLite file is set aside, not fatal.

chromadb's HNSW segment files can be left corrupt by a hard kill, and a corrupt segment can crash
the process with a segfault on the first query instead of raising (FIELD-NOTES). So the vector
index is probed in a child process: it opens the PersistentClient, counts, and checks a random
sample of the vectors kept in ``lodger.db``: each must be stored as it was written and must be
found again by a nearest-neighbour query. A damaged segment can also answer without crashing but
wrongly (a truncated ``data_level0.bin`` loses half of the vectors; a damaged ``length.bin``
returns wrong vectors), which only this comparison notices. If the child fails, hangs, dies from
a signal or finds the sample wrong, the vectors dir is moved aside to ``vectors.corrupt-<stamp>``
and the caller rebuilds it from the embeddings kept in SQLite (``Indexer.reconcile_vectors``)
without reading the user's files again.

A ``lodger.db`` that SQLite reports as corrupt or not a database is moved aside as
``lodger.db.corrupt-<stamp>`` (with its -wal and -shm files) with a warning naming both files;
Lodger then starts empty. Other errors (locked, unreadable) are not corruption: the file is left
where it is. Nothing is deleted.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import random
import sqlite3
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("lodger.integrity")

PROBE_TIMEOUT_S = 60.0
SAMPLE_SIZE = 32
# Share of the sample that may be missed before the index counts as damaged. HNSW search is
# approximate, but a vector's own nearest neighbour at distance 0 is practically always found; a
# damaged segment misses far more (about 40 % with half of data_level0.bin cut off).
MAX_MISS_SHARE = 0.25
# PRAGMA quick_check reads every page (about 300 MB/s); above this size only the schema is read.
QUICK_CHECK_MAX_BYTES = 512 * 1024 * 1024
CORRUPT_CODES = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
Query = Callable[[str, Sequence[Any]], list[Any]]
# hnswlib's header as chromadb persists it (version 1): version, offsetLevel0, max_elements,
# cur_element_count, size_data_per_element, label_offset, offsetData, maxlevel, enterpoint_node,
# maxM, maxM0, M, mult, ef_construction.
_HEADER = struct.Struct("<i6QiI3QdQ")

# The child imports only chromadb and numpy, so the probe costs about a second. It gets the sample
# on stdin: {"collection": name, "ids": [...], "vectors": base64 of float32 rows}.
_PROBE = r"""
import base64, json, os, sys
os.environ["ANONYMIZED_TELEMETRY"] = "False"
import numpy as np
import chromadb
from chromadb.config import Settings
sample = json.loads(sys.stdin.read() or "{}")
try:  # a damaged segment must not fill the disk while the probe reads it
    import resource
    resource.setrlimit(resource.RLIMIT_FSIZE, (sample["max_file_bytes"], sample["max_file_bytes"]))
except (ImportError, KeyError, ValueError, OSError):
    pass
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
for col in client.list_collections():
    col = client.get_collection(col.name if hasattr(col, "name") else col)
    n = col.count()
    got = col.get(limit=1, include=["embeddings"])
    if n and len(got["ids"]):
        col.query(query_embeddings=[got["embeddings"][0]], n_results=min(n, 5))
    if col.name != sample.get("collection") or not sample.get("ids") or not n:
        continue
    ids = sample["ids"]
    want = np.frombuffer(base64.b64decode(sample["vectors"]), dtype=np.float32).reshape(len(ids), -1)
    stored = col.get(ids=ids, include=["embeddings"])
    have = {i: np.asarray(e, dtype=np.float32) for i, e in zip(stored["ids"], stored["embeddings"])}
    rows = [k for k, i in enumerate(ids) if i in have]
    if not rows:
        continue
    wrong = sum(1 for k in rows if float(np.dot(have[ids[k]], want[k])) /
                max(float(np.linalg.norm(have[ids[k]]) * np.linalg.norm(want[k])), 1e-12) < 0.999)
    res = col.query(query_embeddings=want[rows], n_results=min(n, 10), include=["distances"])
    lost = sum(1 for j, k in enumerate(rows)
               if ids[k] not in res["ids"][j] and not (res["distances"][j] and res["distances"][j][0] < 1e-3))
    limit = float(sample.get("max_miss_share", 0.25)) * len(rows)
    if wrong > limit or lost > limit:
        print(f"damaged: of {len(rows)} sample vectors {wrong} are stored wrong and {lost} "
              "cannot be found", file=sys.stderr)
        sys.exit(3)
print("ok")
"""


@dataclass
class VectorSample:
    """Chunk vectors from ``lodger.db`` that the vector index must hold and find."""

    ids: list[str] = field(default_factory=list)
    vectors: bytes = b""  # float32 rows, one per id

    def payload(self, collection: str, max_file_bytes: int) -> str:
        return json.dumps({"collection": collection, "ids": self.ids,
                           "vectors": base64.b64encode(self.vectors).decode("ascii"),
                           "max_miss_share": MAX_MISS_SHARE, "max_file_bytes": max_file_bytes})


def sample_vectors(query: Query, n: int = SAMPLE_SIZE,
                   rng: random.Random | None = None) -> VectorSample:
    """A random sample of chunk vectors, leaving out chunks whose vector may not be written yet.

    Args:
        query: runs SQL on lodger.db and returns the rows (``Store.query``).
        n: sample size.
        rng: random source (tests pass a seeded one).

    Picks random rowids instead of ``ORDER BY random()`` so that it stays cheap on big indexes.
    """
    rng = rng or random.Random()
    top = query("SELECT max(rowid) FROM chunks", ())[0][0]
    if not top:
        return VectorSample()
    picks = sorted({rng.randint(1, top) for _ in range(n * 3)})
    marks = ",".join("?" * len(picks))
    rows = query(
        "SELECT c.chunk_id, e.vector FROM chunks c JOIN embeddings e ON e.embed_hash = c.embed_hash"
        f" WHERE c.rowid IN ({marks}) AND c.chunk_id NOT IN (SELECT chunk_id FROM vector_pending)",
        picks)[:n]
    if not rows:
        return VectorSample()
    return VectorSample([r[0] for r in rows], b"".join(bytes(r[1]) for r in rows))


def probe_vectors(path: Path, sample: VectorSample | None = None, collection: str = "chunks",
                  timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """Open the chromadb store at ``path`` in a child process; returns None if healthy.

    Returns:
        None when the store opened, counted, answered a query and (given a sample) held and found
        the sampled vectors; otherwise a short reason ("killed by signal 11", "exit status 3:
        damaged: ...", "timed out after 60 s").
    """
    # chromadb may flush its log into the segment while reading, so the child may write, but
    # no file of a sound index grows past the whole index's size plus the log it replays.
    limit = 2 * _tree_size(path) + 256 * 1024 * 1024
    payload = (sample or VectorSample()).payload(collection, limit)
    try:
        proc = subprocess.run([*_probe_command(), str(path)], input=payload,
                              capture_output=True, text=True, timeout=timeout, env=_child_env())
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout:.0f} s"
    if proc.returncode == 0 and proc.stdout.strip().endswith("ok"):
        return None
    if proc.returncode < 0:
        return f"killed by signal {-proc.returncode}"
    last = (proc.stderr.strip().splitlines() or [""])[-1][:200]
    return f"exit status {proc.returncode}: {last}"


def set_aside(path: Path) -> Path:
    """Rename ``path`` to ``<name>.corrupt-<timestamp>`` next to it; returns the new path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    os.replace(path, target)
    return target


def set_aside_db(path: Path) -> Path:
    """``set_aside`` for a SQLite file and its -wal and -shm files, which belong to it: a WAL
    left behind would be replayed into the fresh database that takes its place."""
    moved = set_aside(path)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, moved.with_name(moved.name + suffix))
    return moved


def hnsw_problem(segment: Path) -> str | None:
    """Check the file sizes and link-list lengths of one HNSW segment against its header.

    Garbage in ``link_lists.bin`` reads fine, but hnswlib trusts the length before each list, and
    the next write makes chromadb write a file of tens of gigabytes (measured: 98 GB). Nothing
    in chromadb notices, so this walks the lists (pure Python, no chromadb) before the probe.
    A header in a layout other than the one known here is left to the probe.
    """
    header = segment / "header.bin"
    if not header.is_file():
        return None
    raw = header.read_bytes()
    if len(raw) != _HEADER.size:
        return f"{header.name} is {len(raw)} bytes, expected {_HEADER.size}"
    (version, _off0, max_elements, count, per_element, _label, _off_data, max_level, _entry,
     max_m, max_m0, m, _mult, _ef) = _HEADER.unpack(raw)
    if version != 1:
        return None  # not the layout known here: the probe decides
    if not (0 <= count <= max_elements and -1 <= max_level < 64 and max_m0 == 2 * m == 2 * max_m
            and per_element > 0):
        return f"{header.name} holds impossible values"
    # A new segment's files are sized for its capacity; a persisted one's for its elements.
    for name, unit in (("data_level0.bin", per_element), ("length.bin", 4)):
        actual = (segment / name).stat().st_size if (segment / name).is_file() else -1
        if actual not in (count * unit, max_elements * unit):
            return f"{name} is {actual} bytes, the header says {count * unit}"
    per_level = max_m * 4 + 4
    links = segment / "link_lists.bin"
    total = links.stat().st_size if links.is_file() else -1
    pos = 0
    with open(links, "rb") as fh:
        for _ in range(count):
            head = fh.read(4)
            if len(head) != 4:
                return f"{links.name} ends early"
            (size,) = struct.unpack("<I", head)
            if size % per_level or size // per_level > max_level or pos + 4 + size > total:
                return f"{links.name} holds an impossible link list"
            fh.seek(size, os.SEEK_CUR)
            pos += 4 + size
    if pos != total:
        return f"{links.name} is {total} bytes, its lists take {pos}"
    return None


def check_vectors(path: Path, sample: VectorSample | None = None) -> tuple[Path, str] | None:
    """Check the vector index's files, probe it, and set it aside if it is damaged.

    Returns:
        (where the damaged index was moved, why), or None when it is healthy or absent.
    """
    if not path.is_dir():
        return None
    reason = None
    for segment in sorted(p for p in path.iterdir() if p.is_dir()):
        try:
            reason = hnsw_problem(segment)
        except OSError as exc:
            reason = f"cannot read {segment.name}: {exc.strerror or exc}"
        if reason:
            break
    if reason is None:
        reason = probe_vectors(path, sample)
    if reason is None:
        return None
    moved = set_aside(path)
    log.warning("the vector index in %s is damaged (%s); moved it to %s and rebuilding it "
                "from lodger.db", path, reason, moved)
    return moved, reason


def check_sqlite(path: Path) -> tuple[Path, str] | None:
    """Set ``lodger.db`` aside when SQLite reports it corrupt or not a database.

    Returns:
        (where the damaged file was moved, why), or None. Its -wal and -shm files go along.
    """
    if not path.exists():
        return None
    reason = sqlite_problem(path)
    if reason is None:
        return None
    moved = set_aside_db(path)
    log.warning("%s is damaged (%s); moved it to %s. Lodger starts with an empty index: your own "
                "files were not touched, index your folders again to rebuild it.",
                path, reason, moved)
    return moved, reason


def sqlite_problem(path: Path) -> str | None:
    """Why ``path`` is a corrupt SQLite database, or None when it is sound (or only locked,
    unreadable and so on: those are not corruption and must not move the user's index)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
                rows = db.execute("PRAGMA quick_check(5)").fetchall()
                if rows and rows[0][0] != "ok":
                    return "; ".join(str(r[0]) for r in rows)[:300]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        name = getattr(exc, "sqlite_errorname", "")
        if name in CORRUPT_CODES or (not name and not isinstance(exc, sqlite3.OperationalError)):
            return str(exc)
        log.warning("could not check %s (%s); leaving it in place", path, exc)
    return None


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["ANONYMIZED_TELEMETRY"] = "False"
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def _tree_size(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                continue
    return total


PROBE_FLAG = "--lodger-probe-vectors"


def _probe_command() -> list[str]:
    """How to start the probe child: ``python -c`` here; an installed (frozen) app has no Python
    to run, so its own executable is started with a hidden flag (see ``probe_main``)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, PROBE_FLAG]
    return [sys.executable, "-c", _PROBE]


def probe_main(argv: list[str]) -> int:
    """The probe child inside a frozen app: ``lodger --lodger-probe-vectors PATH``."""
    sys.argv = ["lodger-probe", *argv]
    try:
        exec(compile(_PROBE, "<lodger-probe>", "exec"), {"__name__": "__main__"})  # noqa: S102
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0
