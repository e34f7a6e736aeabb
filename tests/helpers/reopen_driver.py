"""Open a data dir as the app does and report, as JSON, what start-up did and whether search works.

Run as ``python tests/helpers/reopen_driver.py DATA_DIR QUESTION SNIPPET [--index FOLDER]``: the
chunk holding SNIPPET (the first such chunk id) is read back from the vector index by id and its
vector compared with the one in SQLite; then every chunk's own vector is searched for in the
vector index alone, and a search counts as found when the nearest result holds that same vector
(identical chunk texts share one embedding, so that may be another chunk id). HNSW search is
approximate and chromadb builds its graph differently each time (measured here: 0-5 of 1,600
vectors are not found in a healthy rebuilt index, with one thread as with two), so the report
gives the share missed and the test bounds it; a damaged index misses far more. QUESTION is
asked as the user would (hybrid retrieval, no model). With
``--fail-vector-writes`` chromadb's writes fail after start-up, as a segment damaged in a way that
only writing shows would make them. Files it writes are limited to 2 GB: a damaged HNSW segment
can make chromadb write one of a hundred gigabytes. It runs in its own
process so that a vector index that segfaults cannot take pytest down. Every parser call is
counted (the indexer's ``_parse`` and the file readers), which proves a rebuild did not read the
user's files. With ``--index`` it then indexes FOLDER and reports how that went.
"""

from __future__ import annotations

import json
import resource
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from indexing import indexer, reading, sources

CALLS: list[str] = []


def _count(fn):  # noqa: ANN001, ANN202 - wraps a function of any signature
    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        CALLS.append(f"{fn.__name__}:{args[1] if fn.__name__ == '_parse' else args[:1]}")
        return fn(*args, **kwargs)
    return wrapper


def _self_lookup(ws, text: str) -> dict:  # noqa: ANN001 - a Workspace
    """The chunk holding ``text``, read back by id, and every chunk's vector searched for."""
    rows = ws.store.query("SELECT c.chunk_id, e.vector FROM chunks c JOIN embeddings e"
                          " ON e.embed_hash = c.embed_hash ORDER BY c.chunk_id")
    holders: dict[bytes, set[str]] = {}  # vector bytes -> the chunk ids that have that vector
    for cid, vec in rows:
        holders.setdefault(bytes(vec), set()).add(cid)
    cid, vec = ws.store.query(
        "SELECT c.chunk_id, e.vector FROM chunks c JOIN embeddings e ON e.embed_hash ="
        " c.embed_hash WHERE c.text LIKE ? ORDER BY c.chunk_id LIMIT 1", (f"%{text}%",))[0]
    got = ws.vectors._col.get(ids=[cid], include=["embeddings"])
    by_id = (got["ids"] == [cid]
             and np.array_equal(np.asarray(got["embeddings"][0], dtype=np.float32),
                                np.frombuffer(vec, dtype=np.float32)))
    missed: list[str] = []
    step = 500
    for i in range(0, len(rows), step):
        part = rows[i:i + step]
        res = ws.vectors._col.query(
            query_embeddings=np.stack([np.frombuffer(v, dtype=np.float32) for _, v in part]),
            n_results=1, include=["distances"])
        for (qid, qvec), ids, dists in zip(part, res["ids"], res["distances"], strict=True):
            if not (ids and ids[0] in holders[bytes(qvec)] and 1.0 - dists[0] > 0.999):
                missed.append(qid)
    return {"vector_by_id": bool(by_id), "self_searched": len(rows), "self_missed": missed}


def main(argv: list[str]) -> int:
    resource.setrlimit(resource.RLIMIT_FSIZE, (2 << 30, 2 << 30))
    data_dir, question, text = argv[1], argv[2], argv[3]
    indexer.Indexer._parse = _count(indexer.Indexer._parse)  # type: ignore[method-assign]
    indexer.file_hash = _count(indexer.file_hash)  # type: ignore[assignment]
    sources.discover = _count(sources.discover)  # type: ignore[assignment]
    reading.read_bytes = _count(reading.read_bytes)  # type: ignore[assignment]
    from indexing.workspace import Workspace

    ws = Workspace.open(data_dir, embedder="hash")
    out: dict = {"notices": ws.notices, "parse_calls": list(CALLS)}
    chunk_ids = ws.store.all_chunk_ids()
    vector_ids = ws.vectors.all_ids()
    out["chunks"] = len(chunk_ids)
    out["vectors_missing"] = len(chunk_ids - vector_ids)
    out["vectors_extra"] = len(vector_ids - chunk_ids)
    out.update(_self_lookup(ws, text))
    from engine.session import make_answerer

    zone = ZoneInfo("Europe/Berlin")
    answerer, _ = make_answerer(ws, zone, use_llm=False)
    ans = answerer.answer(question, datetime(2026, 3, 25, 9, 0, tzinfo=zone))
    out["answer"] = {"found": ans.found, "text": ans.text,
                     "sources": [s.path for s in ans.sources]}
    if "--fail-vector-writes" in argv:
        from indexing.vectors import VectorIndex

        def fail(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            raise RuntimeError("Error in compaction: Failed to apply logs to the hnsw segment")

        VectorIndex.upsert = fail  # type: ignore[method-assign]
    if "--index" in argv:
        folder = argv[argv.index("--index") + 1]
        try:
            summary = ws.indexer().index([folder])
            out["index"] = {"ok": True, "documents": summary.documents}
        except Exception as exc:  # the test checks which error and its message
            out["index"] = {"ok": False, "error": type(exc).__name__, "message": str(exc)}
    ws.close()
    out["parse_calls_total"] = len(CALLS)
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
