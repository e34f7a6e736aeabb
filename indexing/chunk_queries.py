"""Read-only queries over the chunks and their full-text index, for the engine's retriever.

The retriever fuses vector neighbours with keyword hits; the keyword side (FTS5 ``MATCH`` with
BM25 order, optionally within a date window), word frequencies and the rows shown for the hits
are asked here, so ``engine/`` holds no SQL and reads no ``meta`` JSON. A chunk row is a plain
dict with the fields the retriever ranks and cites by, plus who sent and who received a mail
chunk as text (``sender``, ``recipients``) for person questions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from indexing.store import Store


class ChunkQueries:
    """The chunk and full-text queries of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def count(self) -> int:
        """How many chunks the index holds."""
        return int(self.store.query("SELECT count(*) FROM chunks")[0][0])

    def matching(self, match: str, limit: int, lo_key: str | None = None,
                 hi_key: str | None = None) -> list[str]:
        """Chunk ids for an FTS5 ``match`` expression, best (BM25) first; with ``lo_key`` or
        ``hi_key`` only chunks of documents dated in [lo_key, hi_key) (sort keys)."""
        if lo_key is None and hi_key is None:
            rows = self.store.query(
                "SELECT chunk_id FROM chunks_fts WHERE chunks_fts MATCH ?"
                " ORDER BY bm25(chunks_fts) LIMIT ?", (match, limit))
        else:
            rows = self.store.query(
                "SELECT f.chunk_id FROM chunks_fts f JOIN chunks c ON c.chunk_id = f.chunk_id"
                " JOIN documents d ON d.doc_id = c.doc_id WHERE chunks_fts MATCH ?"
                " AND d.date_key >= ? AND d.date_key < ? ORDER BY bm25(chunks_fts) LIMIT ?",
                (match, lo_key or "", hi_key or "\uffff", limit))
        return [r[0] for r in rows]

    def matching_with_dates(self, match: str, limit: int) -> list[tuple[str, str | None]]:
        """(chunk id, its document's ISO date) for an FTS5 ``match``, best first."""
        rows = self.store.query(
            "SELECT f.chunk_id, d.date FROM chunks_fts f JOIN chunks c ON c.chunk_id = f.chunk_id"
            " JOIN documents d ON d.doc_id = c.doc_id WHERE chunks_fts MATCH ?"
            " ORDER BY bm25(chunks_fts) LIMIT ?", (match, limit))
        return [(r[0], r[1]) for r in rows]

    def frequency(self, term: str) -> int:
        """How many chunks hold ``term`` as a word or a word's start (a prefix query)."""
        return int(self.store.query("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?",
                                    (f'"{term}"*',))[0][0])

    def rows(self, chunk_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The chunks' text and their documents' facts, one dict per chunk id found."""
        if not chunk_ids:
            return []
        marks = ",".join("?" * len(chunk_ids))
        rows = self.store.query(
            "SELECT c.chunk_id, c.doc_id, c.text, c.line, c.quoted, d.kind, d.title, d.date,"
            " d.meta, d.from_addr, l.path, l.locator FROM chunks c"
            " JOIN documents d ON d.doc_id = c.doc_id"
            " JOIN locations l ON l.doc_id = c.doc_id"
            f" WHERE c.chunk_id IN ({marks}) GROUP BY c.chunk_id", list(chunk_ids))
        out = []
        for r in rows:
            sender = recipients = ""
            if r["kind"] == "email":
                meta = _meta(r["meta"])
                sender = f"{meta.get('from', '')} {meta.get('x_from', '')} {r['from_addr'] or ''}"
                recipients = " ".join(str(meta.get(k, ""))
                                      for k in ("to_names", "x_to", "to", "cc"))
            out.append({
                "chunk_id": r["chunk_id"], "doc_id": r["doc_id"], "text": r["text"] or "",
                "line": r["line"] or 0, "quoted": bool(r["quoted"]), "kind": r["kind"],
                "title": r["title"] or "", "date": r["date"], "path": r["path"] or "",
                "locator": r["locator"] or "", "sender": sender, "recipients": recipients,
            })
        return out


def _meta(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
