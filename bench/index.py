"""Indexing throughput on the Enron mail in ../shared/realdata: messages/s, chunks/s, the embedder's
share of the wall time, and the cost of an unchanged re-run.

Usage: python bench/index.py [--embedder minilm|minilm-fp32|minilm-torch|hash] [--limit N]
                             [--quick] [--source DIR] [--json OUT]

Indexes a fresh temporary data dir (the real default embedder unless told), then runs again over
the unchanged files. The embedder's model file is made once (bench/results/model-cache, in a child
process) and copied into the data dir, as on every start but the very first; loading it and the
workspace is reported apart (``prepare_s``). ``--limit``
copies the first N message files (sorted paths) into a temp folder first. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ENRON, emit, machine, peak_rss_mb, seed_data_dir  # noqa: E402

from indexing.workspace import Workspace  # noqa: E402


def limited_copy(source: Path, limit: int, dest: Path) -> Path:
    """The first ``limit`` files under ``source`` (sorted), copied with their folders to ``dest``."""
    files = sorted(p for p in source.rglob("*") if p.is_file())[:limit]
    for p in files:
        target = dest / p.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, target)
    return dest


def run(embedder: str, source: Path, limit: int | None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="lodger-bench-index-"))
    try:
        if limit:
            source = limited_copy(source, limit, tmp / "mail")
        seed_data_dir(tmp / "data", embedder)
        t0 = time.perf_counter()
        ws = Workspace.open(tmp / "data", embedder=embedder, check=False)
        ws.embedder.embed_documents(["warm up"])  # makes/loads the model file: not indexing time
        prepare = time.perf_counter() - t0
        t1 = time.perf_counter()
        first = ws.indexer().index([str(source)])
        wall = time.perf_counter() - t1
        t2 = time.perf_counter()
        second = ws.indexer().index([str(source)])
        rerun = time.perf_counter() - t2
        counts = ws.store.counts()
        backend = getattr(ws.embedder, "backend", type(ws.embedder).__name__)
        ws.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "part": "index", "source": str(source), "embedder": embedder, "backend": backend,
        "machine": machine(), "prepare_s": round(prepare, 2),
        "messages": first.messages, "documents": counts["documents"], "chunks": counts["chunks"],
        "embedded": first.embedded, "skipped": len(first.skipped), "wall_s": round(wall, 2),
        "messages_per_s": round(first.messages / wall, 1) if wall else None,
        "chunks_per_s": round(counts["chunks"] / wall, 1) if wall else None,
        "embed_s": round(first.embed_seconds, 2),
        "embed_chunks_per_s": round(first.embedded / first.embed_seconds, 1)
        if first.embed_seconds else None,
        "embed_share": round(first.embed_seconds / wall, 3) if wall else None,
        # goal: indexing takes at most 1.2x the embedder's own time
        "wall_over_embed": round(wall / first.embed_seconds, 2) if first.embed_seconds else None,
        "rerun_s": round(rerun, 2), "rerun_changed": second.files_changed,
        "rerun_ratio": round(rerun / wall, 4) if wall else None,
        "peak_rss_mb": round(peak_rss_mb()),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--source", default=str(ENRON))
    ap.add_argument("--limit", type=int, default=None, help="index only the first N files")
    ap.add_argument("--quick", action="store_true", help="the first 300 messages")
    ap.add_argument("--json", default=None, metavar="OUT")
    args = ap.parse_args()
    limit = args.limit or (300 if args.quick else None)
    emit(run(args.embedder, Path(args.source), limit), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
