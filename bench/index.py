"""Indexing throughput on the Enron mail in ../shared/realdata: messages/s and the embedder's share.

Usage: python bench/index.py [--embedder minilm|hash] [--limit N] [--json OUT]
Indexes a fresh temporary data dir (the real embedder by default), then runs again to show the
cost of an unchanged re-run. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexing.workspace import Workspace  # noqa: E402

ENRON = ROOT.parent / "shared" / "realdata" / "enron" / "maildir"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--source", default=str(ENRON))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lodger-bench-"))
    try:
        ws = Workspace.open(tmp / "data", embedder=args.embedder)
        t0 = time.perf_counter()
        first = ws.indexer().index([args.source])
        wall = time.perf_counter() - t0
        t1 = time.perf_counter()
        second = ws.indexer().index([args.source])
        rerun = time.perf_counter() - t1
        counts = ws.store.counts()
        ws.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res = {
        "source": args.source, "embedder": args.embedder, "cpus": os.cpu_count(),
        "messages": first.messages, "documents": counts["documents"], "chunks": counts["chunks"],
        "skipped": len(first.skipped), "wall_s": round(wall, 2),
        "messages_per_s": round(first.messages / wall, 1) if wall else None,
        "chunks_per_s": round(counts["chunks"] / wall, 1) if wall else None,
        "embed_s": round(first.embed_seconds, 2),
        "embed_share": round(first.embed_seconds / wall, 3) if wall else None,
        "rerun_s": round(rerun, 2), "rerun_changed": second.files_changed,
        "rerun_ratio": round(rerun / wall, 4) if wall else None, "peak_rss_mb": round(rss_mb),
    }
    width = max(len(k) for k in res)
    for k, v in res.items():
        print(f"{k:<{width}}  {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
