"""Retrieval latency at scale: Retriever.search p50/p95 at 10k and 100k chunks.

Usage: python bench/ask.py [--sizes 10000,100000] [--quick] [--repeat R] [--json OUT]

The demo data is indexed with the real default embedder (so that the demo questions have their
right answers in the index), then synthetic chunks are added straight into the store and the
vector index until each size is reached: real Enron chunk texts embedded by the real embedder,
each copy with its vector perturbed (Gaussian noise, cosine ~0.93 to the original, renormalised)
and a copy tag in its text, as e-mail documents with dates spread over 2000-2002. For every
question (the demo recall questions plus Enron-style ones) the query embedding alone, the whole
``Retriever.search`` (embedding included) and the search with a precomputed query vector are
timed ``--repeat`` times after a warm-up. Also reported: whether the demo questions still find
their document in the top five among the synthetic distractors. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEMO, emit, enron_chunk_texts, machine, rss_mb, seed_data_dir, summary_ms  # noqa: E402

from engine.question import understand  # noqa: E402
from engine.retrieval import Retriever  # noqa: E402
from indexing.workspace import Workspace  # noqa: E402
from tests.engine.test_demo_questions import NOW, RECALL  # noqa: E402

ENRON_QUESTIONS = [
    "What did Vince say about the research group's budget?",
    "When is the meeting about the gas storage model?",
    "Who sent the presentation for the conference in Houston?",
    "What are the terms of the power purchase agreement?",
    "Did anyone reply about the interview schedule?",
    "What was decided about the trading limits?",
    "Who asked for the spreadsheet with the price curves?",
    "What is the status of the California contracts?",
]


class CachedQueries:
    """Wraps an embedder: query vectors come from a table, to time retrieval without the model."""

    def __init__(self, inner: object, table: dict[str, np.ndarray]) -> None:
        self.inner, self.table = inner, table
        self.name, self.dim = inner.name, inner.dim  # type: ignore[attr-defined]

    def embed_query(self, text: str) -> np.ndarray:
        return self.table[text]

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_documents(texts)  # type: ignore[attr-defined]


def add_synthetic(ws: Workspace, start: int, stop: int, texts: list[str], vecs: np.ndarray,
                  rng: np.random.Generator, batch: int = 5000) -> None:
    """Synthetic chunks ``start..stop-1``: one document each, written to SQLite and vectors."""
    sigma = 0.02  # noise norm ~0.39 on a unit vector: cosine ~0.93 to the original
    pick = random.Random(start)
    for lo in range(start, stop, batch):
        hi = min(stop, lo + batch)
        ids, mats = [], []
        with ws.store.transaction() as db:
            for i in range(lo, hi):
                j = i % len(texts)
                text = f"{texts[j]}\n(copy {i})"
                doc_id, chunk_id = f"synthetic:{i}", f"synthetic-{i}"
                v = vecs[j] + rng.normal(0.0, sigma, vecs.shape[1]).astype(np.float32)
                v /= np.linalg.norm(v)
                day = f"{pick.randint(2000, 2002)}-{pick.randint(1, 12):02d}-{pick.randint(1, 28):02d}"
                title = texts[j].split("\n", 1)[0][:80]
                h = hashlib.sha256(text.encode()).hexdigest()
                db.execute("INSERT INTO documents(doc_id, kind, title, date, date_key, from_addr, "
                           "meta, content_hash) VALUES(?,?,?,?,?,?,?,?)",
                           (doc_id, "email", title, f"{day}T09:00:00+00:00", f"{day}T09:00:00",
                            "someone@enron.example", "{}", h))
                db.execute("INSERT INTO locations(doc_id, path, locator) VALUES(?,?,?)",
                           (doc_id, f"/synthetic/{i}.eml", f"<{i}@synthetic>"))
                db.execute("INSERT INTO chunks(chunk_id, doc_id, ord, text, embed_hash, line, "
                           "quoted, heading) VALUES(?,?,?,?,?,?,?,?)",
                           (chunk_id, doc_id, 0, text, h, 0, 0, ""))
                db.execute("INSERT INTO chunks_fts(text, title, chunk_id) VALUES(?,?,?)",
                           (text, title, chunk_id))
                db.execute("INSERT OR IGNORE INTO embeddings(embed_hash, vector) VALUES(?,?)",
                           (h, v.tobytes()))
                ids.append(chunk_id)
                mats.append(v)
        ws.vectors.upsert(ids, np.stack(mats), ["email"] * len(ids))


def measure(ws: Workspace, questions: list[str], repeat: int) -> dict:
    """Latencies of the query embedding, the search, and the search without the embedding."""
    qs = [understand(text, NOW) for text in questions]
    table = {q.text: ws.embedder.embed_query(q.text) for q in qs}
    live = Retriever(ws.store, ws.vectors, ws.embedder)
    cached = Retriever(ws.store, ws.vectors, CachedQueries(ws.embedder, table))  # type: ignore[arg-type]
    embed_t, search_t, retrieve_t = [], [], []
    found = 0
    for rnd in range(repeat + 1):
        # Each kind of call gets its own pass over the questions, so that none of them runs
        # right after another one warmed SQLite's cache for the same question.
        for kind, samples in (("embed", embed_t), ("live", search_t), ("cached", retrieve_t)):
            for q in qs:
                start = q.range.start if q.range else None
                end = q.range.end if q.range else None
                t0 = time.perf_counter()
                if kind == "embed":
                    ws.embedder.embed_query(q.text)
                else:
                    hits = (live if kind == "live" else cached).search(
                        q.text, q.keywords, k=5, start=start, end=end, person=q.person)
                elapsed = time.perf_counter() - t0
                if rnd:
                    samples.append(elapsed)
                elif kind == "live":  # warm-up round: also the quality check
                    expected = dict(RECALL).get(q.text)
                    if expected is not None:
                        cited = [s.locator for s in hits] + [Path(s.path).name for s in hits]
                        found += expected in cited
    return {"query_embed": summary_ms(embed_t), "search": summary_ms(search_t),
            "search_without_embed": summary_ms(retrieve_t),
            "demo_recall_top5": f"{found}/{len(RECALL)}"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--quick", action="store_true", help="sizes 2000,10000; 200 base texts")
    ap.add_argument("--base-texts", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--json", default=None, metavar="OUT")
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.base_texts, args.repeat = "2000,10000", 200, 3
    sizes = sorted(int(s) for s in args.sizes.split(","))
    questions = [q for q, _ in RECALL] + ENRON_QUESTIONS
    tmp = Path(tempfile.mkdtemp(prefix="lodger-bench-ask-"))
    try:
        seed_data_dir(tmp / "data", args.embedder)
        ws = Workspace.open(tmp / "data", embedder=args.embedder, check=False)
        shutil.copytree(DEMO, tmp / "demo")
        ws.indexer().index([str(tmp / "demo")])
        texts = enron_chunk_texts(args.base_texts)
        vecs = ws.embedder.embed_documents(texts)
        rng = np.random.default_rng(7)
        result: dict = {"part": "ask", "machine": machine(), "embedder": args.embedder,
                        "backend": getattr(ws.embedder, "backend", ""), "questions": len(questions),
                        "repeat": args.repeat, "sizes": {}}
        have = ws.store.counts()["chunks"]
        for size in sizes:
            t0 = time.perf_counter()
            add_synthetic(ws, have, size, texts, vecs, rng)
            have = max(have, size)
            insert_s = time.perf_counter() - t0
            m = measure(ws, questions, args.repeat)
            m.update(chunks=ws.store.counts()["chunks"], vectors=ws.vectors.count(),
                     insert_s=round(insert_s, 1), rss_mb=round(rss_mb()))
            result["sizes"][str(size)] = m
            print(f"{size:>7} chunks: search p50 {m['search']['p50_ms']} ms, p95 "
                  f"{m['search']['p95_ms']} ms (embedding p50 {m['query_embed']['p50_ms']} ms), "
                  f"demo recall {m['demo_recall_top5']}", flush=True)
        ws.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
