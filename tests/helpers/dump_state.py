"""Print a data dir's state as one JSON object, for comparing an index with a reference.

Run as ``python tests/helpers/dump_state.py DATA_DIR``. It runs in its own process because a damaged
chromadb segment can segfault instead of raising; the test then fails with a message instead of
taking pytest down. The keys are stable across runs (no rowids): documents by doc_id and content
hash, chunks by chunk id and text hash, events and tasks as sorted lists of their fields (so a
duplicate shows up as an extra entry), the manifest, FTS rows, and the vector index's ids plus how
many of its vectors differ from the embeddings stored in SQLite.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from pathlib import Path

import numpy as np


def _h(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()[:16]


def sqlite_state(db_path: Path) -> dict:
    """Everything in lodger.db that a clean run and a resumed run must agree on."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    q = db.execute
    out: dict = {}
    docs = []
    for doc_id, kind, title, date, meta, content_hash in q(
            "SELECT doc_id, kind, title, date, meta, content_hash FROM documents"):
        m = json.loads(meta)
        m.pop("folder", None)  # where a deduplicated message was first seen (see the test)
        docs.append([doc_id, kind, title, date, content_hash, _h(json.dumps(m, sort_keys=True))])
    out["documents"] = sorted(docs)
    out["locations"] = sorted(list(r) for r in q("SELECT doc_id, path, locator FROM locations"))
    out["chunks"] = sorted([cid, doc, o, eh, _h(t), line, quoted] for cid, doc, o, eh, t, line, quoted
                           in q("SELECT chunk_id, doc_id, ord, embed_hash, text, line, quoted"
                                " FROM chunks"))
    out["fts"] = sorted([cid, _h(t)] for cid, t in q("SELECT chunk_id, text FROM chunks_fts"))
    out["events"] = sorted(list(r) for r in q(
        "SELECT doc_id, title, start, end, all_day, floating, location, status, uid,"
        " recurrence_id, locator, origin FROM events"))
    out["tasks"] = sorted([list(r) for r in q(
        "SELECT doc_id, title, due, done, done_date, priority, project, contexts, person,"
        " origin, line, locator FROM tasks")], key=lambda r: json.dumps(r))
    out["files"] = sorted(list(r) for r in q(
        "SELECT path, size, hash, kind, parsed_offset, coalesce(error, '') FROM files"))
    out["chunks_without_embedding"] = q(
        "SELECT count(*) FROM chunks c LEFT JOIN embeddings e ON e.embed_hash = c.embed_hash"
        " WHERE e.embed_hash IS NULL").fetchone()[0]
    out["orphan_chunks"] = q("SELECT count(*) FROM chunks WHERE doc_id NOT IN"
                             " (SELECT doc_id FROM documents)").fetchone()[0]
    out["orphan_items"] = q(
        "SELECT (SELECT count(*) FROM events WHERE doc_id NOT IN (SELECT doc_id FROM documents))"
        " + (SELECT count(*) FROM tasks WHERE doc_id NOT IN (SELECT doc_id FROM documents))"
    ).fetchone()[0]
    out["docs_without_location"] = q(
        "SELECT count(*) FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM locations)"
    ).fetchone()[0]
    out["integrity"] = q("PRAGMA integrity_check").fetchone()[0]
    vectors = {cid: vec for cid, vec in q(
        "SELECT c.chunk_id, e.vector FROM chunks c JOIN embeddings e ON e.embed_hash = c.embed_hash")}
    db.close()
    return out, vectors


def vector_state(vectors_dir: Path, expected: dict[str, bytes]) -> dict:
    """The chromadb collection's ids and how many stored vectors disagree with SQLite's."""
    from indexing.vectors import COLLECTION, VectorIndex

    index = VectorIndex(vectors_dir, 384)
    ids: list[str] = []
    stale = 0
    offset = 0
    while True:
        got = index._col.get(include=["embeddings"], limit=2000, offset=offset)
        for cid, emb in zip(got["ids"], got["embeddings"], strict=True):
            ids.append(cid)
            want = expected.get(cid)
            if want is not None and not np.allclose(np.frombuffer(want, dtype=np.float32),
                                                    np.asarray(emb, dtype=np.float32), atol=1e-5):
                stale += 1
        if len(got["ids"]) < 2000:
            break
        offset += 2000
    return {"collection": COLLECTION, "vector_ids": sorted(ids), "stale_vectors": stale}


def main(argv: list[str]) -> int:
    root = Path(argv[1])
    out, vectors = sqlite_state(root / "lodger.db")
    out.update(vector_state(root / "vectors", vectors))
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
