"""From saving a note to it being answerable: the watcher, the indexer and retrieval end to end.

Usage: python bench/freshness.py [--runs N] [--quiet-seconds S] [--embedder minilm] [--json OUT]

A ``FolderWatcher`` watches a folder (the demo notes copied, indexed first) and hands its
debounced batches to ``Indexer.index_paths`` on its own thread, as ``lodger watch`` does. Each run
saves a new Markdown note holding a unique fact, then asks ``Retriever.search`` for it every 20 ms
until the note is among the top five. Reported: seconds from the save to the first answer that
finds it, with the debounce (``--quiet-seconds``, the watcher's default 1.0 s) part of it.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEMO, emit, machine, seed_data_dir  # noqa: E402

from engine.retrieval import Retriever  # noqa: E402
from indexing.watcher import FolderWatcher  # noqa: E402
from indexing.workspace import Workspace  # noqa: E402

PLACES = ["greenhouse", "bike shed", "allotment gate", "storage unit", "boat house", "studio"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quiet-seconds", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--json", default=None, metavar="OUT")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lodger-bench-fresh-"))
    rng = random.Random(11)
    times: list[float] = []
    index_s: list[float] = []
    try:
        seed_data_dir(tmp / "data", args.embedder)
        ws = Workspace.open(tmp / "data", embedder=args.embedder, check=False)
        notes = tmp / "notes"
        shutil.copytree(DEMO / "notes", notes)
        indexer = ws.indexer()
        indexer.index([str(notes)])
        retriever = Retriever(ws.store, ws.vectors, ws.embedder)
        lock = threading.Lock()  # one indexing lane: the watcher's thread

        def on_batch(paths: set[str]) -> None:
            with lock:
                index_s.append(indexer.index_paths(sorted(paths)).seconds)

        watcher = FolderWatcher([str(notes)], on_batch, quiet_seconds=args.quiet_seconds)
        watcher.start()
        time.sleep(0.5)  # let the observer settle
        try:
            for i in range(args.runs):
                place = PLACES[i % len(PLACES)]
                code = f"{rng.randint(1000, 9999)}-{rng.randint(10, 99)}"
                path = notes / f"Access codes {i}.md"
                question = f"What is the access code for the {place}?"
                text = (f"# Access codes {i}\n\nThe access code for the {place} is {code}. "
                        "Change it after the autumn inspection.\n")
                t0 = time.perf_counter()
                path.write_text(text, encoding="utf-8")
                found = None
                while time.perf_counter() - t0 < args.timeout:
                    hits = retriever.search(question, [place.split()[0], "access", "code"], k=5)
                    if any(h.path == str(path) for h in hits):
                        found = time.perf_counter() - t0
                        break
                    time.sleep(0.02)
                times.append(found if found is not None else float("nan"))
                print(f"run {i + 1}: answerable after {found if found else 'timeout'} s", flush=True)
                time.sleep(args.quiet_seconds + 0.2)
        finally:
            watcher.stop()
            ws.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ok = [t for t in times if t == t]
    emit({"part": "freshness", "machine": machine(), "embedder": args.embedder,
          "quiet_seconds": args.quiet_seconds, "runs": len(times), "found": len(ok),
          "median_s": round(statistics.median(ok), 3) if ok else None,
          "max_s": round(max(ok), 3) if ok else None,
          "index_batch_median_s": round(statistics.median(index_s), 3) if index_s else None,
          "times_s": [round(t, 3) for t in times]}, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
