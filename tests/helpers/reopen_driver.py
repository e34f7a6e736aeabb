"""Open a data dir as the app does and report, as JSON, what start-up did and whether search works.

Run as ``python tests/helpers/reopen_driver.py DATA_DIR QUESTION SNIPPET [--index FOLDER]``: the
stored vector of the chunk holding SNIPPET is looked up in the vector index alone (it must find
that chunk), and QUESTION is asked as the user would (hybrid retrieval, no model). With
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
    cid, vec = ws.store.query(
        "SELECT c.chunk_id, e.vector FROM chunks c JOIN embeddings e ON e.embed_hash ="
        " c.embed_hash WHERE c.text LIKE ? LIMIT 1", (f"%{text}%",))[0]
    top = ws.vectors.query(np.frombuffer(vec, dtype=np.float32), 3)
    out["vector_self_found"] = bool(top) and top[0][0] == cid and top[0][1] > 0.999
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
