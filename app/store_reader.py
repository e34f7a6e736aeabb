"""Small read-only queries for the window, on their own SQLite connection (no Qt here).

The store runs in WAL mode, so a second, read-only connection sees committed data without waiting
for the indexing lane's writes. These run on the app's reader lane, never on the GUI thread.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class FolderStats:
    """What the settings dialog shows for one folder."""

    folder: str
    files: int = 0
    errors: int = 0
    last_indexed: str = ""  # ISO, UTC
    error_list: list[tuple[str, str]] = field(default_factory=list)


def _connect(db_path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    db.row_factory = sqlite3.Row
    return db


def folder_stats(db_path: Path, folders: list[str]) -> list[FolderStats]:
    """Files, errors and last indexing time per folder (zeros when nothing is indexed yet)."""
    out = [FolderStats(f) for f in folders]
    if not db_path.exists():
        return out
    db = _connect(db_path)
    try:
        for st in out:
            prefix = st.folder.rstrip("/") + "/"
            where = "(path = ? OR substr(path, 1, ?) = ?)"
            args = (st.folder, len(prefix), prefix)
            row = db.execute(
                "SELECT count(*) AS n, max(indexed_at) AS last, sum(CASE WHEN error IS NOT NULL"
                f" AND error != '' THEN 1 ELSE 0 END) AS bad FROM files WHERE {where}", args
            ).fetchone()
            st.files, st.last_indexed, st.errors = row["n"], row["last"] or "", row["bad"] or 0
            st.error_list = [(r["path"], r["error"]) for r in db.execute(
                f"SELECT path, error FROM files WHERE {where} AND error IS NOT NULL AND error != ''"
                " ORDER BY path LIMIT 200", args)]
    finally:
        db.close()
    return out


def stored_email(db_path: Path, message_id: str) -> dict[str, Any] | None:
    """The indexed copy of a message: title, date, meta and its text (None when not stored)."""
    if not db_path.exists():
        return None
    db = _connect(db_path)
    try:
        doc = db.execute("SELECT doc_id, title, date, meta FROM documents WHERE doc_id = ?",
                         (f"email:{message_id}",)).fetchone()
        if doc is None:
            return None
        chunks = [r["text"] for r in db.execute(
            "SELECT text FROM chunks WHERE doc_id = ? ORDER BY ord", (doc["doc_id"],))]
        return {"title": doc["title"] or "", "date": doc["date"] or "",
                "meta": json.loads(doc["meta"] or "{}"), "text": "\n\n".join(chunks)}
    finally:
        db.close()


def event_details(db_path: Path, doc_id: str, locator: str) -> dict[str, Any] | None:
    """The stored event with this locator (UID) in this document, for the event view."""
    if not db_path.exists():
        return None
    db = _connect(db_path)
    try:
        row = db.execute(
            "SELECT title, start, end, all_day, location, attendees, status, description"
            " FROM events WHERE doc_id = ? AND (locator = ? OR uid = ?) ORDER BY start LIMIT 1",
            (doc_id, locator, locator)).fetchone()
        if row is None:
            return None
        out = dict(row)
        try:
            out["attendees"] = json.loads(out["attendees"] or "[]")
        except ValueError:
            out["attendees"] = []
        return out
    finally:
        db.close()
