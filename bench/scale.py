"""Scale: indexing a ~100k-chunk corpus keeps memory bounded, and queries stay fast on it.

Usage: python bench/scale.py [--chunks 100000] [--quick] [--embedder hash|minilm] [--json OUT]

Synthetic notes (Markdown, five sections of ~800 characters each, so one chunk per section) and
e-mails (.eml, one chunk each) are generated into a temp folder from the words of real Enron
chunks, every paragraph made unique. They are indexed by the real ``Indexer`` (streaming: it
embeds and writes every few hundred chunks), sampling resident memory as files go by; then
``Retriever.search`` is timed on the result. The default embedder here is the hash embedder: at
~50-80 chunks/s the real one would need 20-30 minutes for 100k chunks, and memory and the stores'
behaviour at scale do not depend on which embedder made the vectors (the real embedder's speed
is measured by bench/embed.py and bench/index.py). The output says which embedder was used.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    emit,
    enron_chunk_texts,
    hwm_mb,
    machine,
    reset_peak_rss,
    rss_mb,
    seed_data_dir,
    summary_ms,
)

from engine.question import understand  # noqa: E402
from engine.retrieval import Retriever  # noqa: E402
from indexing.workspace import Workspace  # noqa: E402
from tests.engine.test_demo_questions import NOW  # noqa: E402

SECTIONS = 5
MAIL_SHARE = 0.2  # of the chunks
QUESTIONS = [
    "What did the trading desk decide about the limits?",
    "Who sent the gas storage forecast?",
    "When is the meeting about the power contracts?",
    "What is the budget for the research group?",
    "What was said about the pipeline capacity?",
    "Who asked for the spreadsheet with the price curves?",
    "What are the terms of the agreement with the utility?",
    "What did I note about the interview schedule?",
]


def generate(folder: Path, chunks: int, seed: int = 3) -> tuple[int, int]:
    """Write notes and mails worth about ``chunks`` chunks; returns (notes, mails)."""
    rng = random.Random(seed)
    words = [w for t in enron_chunk_texts(300) for w in re.findall(r"[A-Za-z]{3,}", t)]
    serial = 0

    def paragraph(n_chars: int) -> str:
        nonlocal serial
        serial += 1
        out: list[str] = []
        size = 0
        while size < n_chars:
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(8, 16)))
            out.append(sentence[0].upper() + sentence[1:] + ".")
            size += len(sentence) + 2
        return f"{' '.join(out)} Ref {serial}."

    n_mail = int(chunks * MAIL_SHARE)
    n_notes = max(1, (chunks - n_mail) // SECTIONS)
    (folder / "notes").mkdir(parents=True)
    (folder / "mail").mkdir(parents=True)
    for i in range(n_notes):
        sub = folder / "notes" / f"{i // 500:03d}"
        sub.mkdir(exist_ok=True)
        body = "\n\n".join(f"## {rng.choice(words).title()} {k}\n\n{paragraph(780)}"
                           for k in range(SECTIONS))
        (sub / f"note-{i}.md").write_text(f"# Note {i}\n\n{body}\n", encoding="utf-8")
    for i in range(n_mail):
        sub = folder / "mail" / f"{i // 500:03d}"
        sub.mkdir(exist_ok=True)
        day = 1 + i % 28
        (sub / f"{i}.eml").write_text(
            f"Message-ID: <{i}@scale.example>\nDate: Tue, {day:02d} May 2001 10:00:00 -0700\n"
            f"From: Person {i % 97} <p{i % 97}@scale.example>\nTo: me@scale.example\n"
            f"Subject: {rng.choice(words).title()} {rng.choice(words)}\n\n{paragraph(600)}\n",
            encoding="utf-8")
    return n_notes, n_mail


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--quick", action="store_true", help="10,000 chunks")
    ap.add_argument("--embedder", default="hash")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", default=None, metavar="OUT")
    args = ap.parse_args()
    if args.quick:
        args.chunks = 10_000
    tmp = Path(tempfile.mkdtemp(prefix="lodger-bench-scale-"))
    try:
        t0 = time.perf_counter()
        notes, mails = generate(tmp / "corpus", args.chunks)
        gen_s = time.perf_counter() - t0
        seed_data_dir(tmp / "data", args.embedder)
        ws = Workspace.open(tmp / "data", embedder=args.embedder, check=False)
        ws.embedder.embed_documents(["warm up"])
        start_rss = rss_mb()
        reset_peak_rss()
        samples: list[tuple[int, float]] = []
        step = max(1, (notes + mails) // 8)

        def progress(done: int, total: int, path: str) -> None:
            if done % step == 0 or done == total:
                samples.append((ws.store.counts()["chunks"], round(rss_mb())))

        t1 = time.perf_counter()
        summary = ws.indexer().index([str(tmp / "corpus")], progress=progress)
        wall = time.perf_counter() - t1
        peak = hwm_mb()
        retriever = Retriever(ws.store, ws.vectors, ws.embedder)
        qs = [understand(q, NOW) for q in QUESTIONS]
        times = []
        for rnd in range(args.repeat + 1):
            for q in qs:
                t = time.perf_counter()
                retriever.search(q.text, q.keywords, k=5, person=q.person)
                if rnd:
                    times.append(time.perf_counter() - t)
        chunks = ws.store.counts()["chunks"]
        res = {"part": "scale", "machine": machine(), "embedder": args.embedder,
               "backend": getattr(ws.embedder, "backend", type(ws.embedder).__name__),
               "note": ("hash embedder: memory and query figures at scale; real-embedder speed "
                        "is in the embed/index parts") if args.embedder == "hash" else "",
               "files": notes + mails, "chunks": chunks, "generate_s": round(gen_s, 1),
               "index_s": round(wall, 1), "chunks_per_s": round(chunks / wall, 1),
               "embed_s": round(summary.embed_seconds, 1),
               "rss_before_mb": round(start_rss), "peak_rss_mb": round(peak),
               "rss_by_chunks": samples, "search": summary_ms(times)}
        ws.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    emit(res, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
