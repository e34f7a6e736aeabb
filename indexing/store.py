"""Lodger's own SQLite store: the source of truth for documents, chunks, events, tasks and vectors.

Everything the user indexed lives here: the manifest of files seen (size, mtime, content hash), the
documents and where each was found, the retrieval chunks with an FTS5 keyword index, the events and
tasks extracted from them, and a copy of every chunk embedding keyed by the hash of the embedded
text. The copy means the vector index (chromadb) can always be rebuilt from here without reading the
user's files again, and that a renamed or re-saved file whose text did not change is never
re-embedded.

Each document is written in one transaction, so a crash leaves either the old or the new version,
never half of one. The same transaction marks the document's chunks as pending for the vector
index; the mark is cleared once their vectors are written there, so a crash in between is mended
at the next start.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from indexing.model import Document, Item
from indexing.people_store import PEOPLE_SCHEMA, PeopleQueries
from indexing.timeutil import sort_key, to_iso

SCHEMA_VERSION = 3  # 2: events.organizer; 3: the people directory (people, person_* tables)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER, mtime REAL, hash TEXT, kind TEXT,
    parsed_offset INTEGER DEFAULT 0, indexed_at TEXT, error TEXT
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT, date TEXT, date_key TEXT,
    from_addr TEXT, meta TEXT, content_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_kind_date ON documents(kind, date_key);
CREATE TABLE IF NOT EXISTS locations (
    doc_id TEXT NOT NULL, path TEXT NOT NULL, locator TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (doc_id, path)
);
CREATE INDEX IF NOT EXISTS locations_path ON locations(path);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ord INTEGER NOT NULL, text TEXT NOT NULL,
    embed_hash TEXT NOT NULL, line INTEGER, quoted INTEGER NOT NULL DEFAULT 0, heading TEXT
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, title, chunk_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS embeddings (embed_hash TEXT PRIMARY KEY, vector BLOB NOT NULL);
-- Chunks written here whose vector may not have reached the vector index yet (see
-- write_document): a rewritten document keeps its chunk ids, so comparing id sets alone would
-- leave its old vectors in place after a crash.
CREATE TABLE IF NOT EXISTS vector_pending (chunk_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, title TEXT, start TEXT, end TEXT,
    start_key TEXT, end_key TEXT, all_day INTEGER, floating INTEGER, location TEXT,
    attendees TEXT, status TEXT, uid TEXT, recurrence_id TEXT, locator TEXT, description TEXT,
    origin TEXT, organizer TEXT
);
CREATE INDEX IF NOT EXISTS events_start ON events(start_key);
CREATE INDEX IF NOT EXISTS events_doc ON events(doc_id);
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, title TEXT, due TEXT, due_key TEXT,
    done INTEGER, done_date TEXT, done_key TEXT, priority TEXT, project TEXT, contexts TEXT,
    person TEXT, origin TEXT, line INTEGER, locator TEXT, description TEXT, from_addr TEXT
);
CREATE INDEX IF NOT EXISTS tasks_due ON tasks(due_key);
CREATE INDEX IF NOT EXISTS tasks_doc ON tasks(doc_id);
""" + PEOPLE_SCHEMA


@dataclass
class FileRecord:
    """What the manifest remembers about one file."""

    path: str
    size: int
    mtime: float
    hash: str
    kind: str
    parsed_offset: int
    error: str | None


@dataclass
class ChunkRow:
    """A chunk ready to be written: its id, text, where it sits and its embedding."""

    chunk_id: str
    doc_id: str
    ord: int
    text: str
    embed_hash: str
    line: int
    quoted: bool
    heading: str
    title: str


class Store:
    """The SQLite store. One instance per process; safe to share between threads (one lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._migrate()
        self._db.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', ?)", (SCHEMA_VERSION,)
        )

    def _migrate(self) -> None:
        """Bring a database made by an older Lodger up to ``SCHEMA``: columns added since are
        added (empty; the parser version bump that came with them fills them on the next run),
        tables added since were made by ``SCHEMA`` (the people directory is filled by the next
        index run: it has never been built), and the recorded schema version is raised. Never
        drops anything."""
        columns = {r["name"] for r in self.query("PRAGMA table_info(events)")}
        version = self.query("SELECT value FROM meta WHERE key='schema_version'")
        if "organizer" in columns and (not version or int(version[0][0]) >= SCHEMA_VERSION):
            return  # up to date: opening a store writes nothing (other processes may be)
        with self.transaction() as db:
            if "organizer" not in {r["name"] for r in db.execute("PRAGMA table_info(events)")}:
                db.execute("ALTER TABLE events ADD COLUMN organizer TEXT")
            db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (SCHEMA_VERSION,))

    @property
    def people(self) -> PeopleQueries:
        """Queries on the people directory (see ``indexing.people_store``)."""
        return PeopleQueries(self)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work: everything inside commits together or not at all."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Run a read query and return all rows."""
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    # ----- settings-like key/values -------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key=?", (key,))
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", (key, value))

    def delete_meta(self, key: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM meta WHERE key=?", (key,))

    # ----- manifest -------------------------------------------------------------------------

    def file_record(self, path: str) -> FileRecord | None:
        rows = self.query("SELECT * FROM files WHERE path=?", (path,))
        if not rows:
            return None
        r = rows[0]
        return FileRecord(
            r["path"], r["size"], r["mtime"], r["hash"], r["kind"], r["parsed_offset"], r["error"]
        )

    def all_file_paths(self) -> list[str]:
        return [r["path"] for r in self.query("SELECT path FROM files")]

    def record_file(self, rec: FileRecord) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO files(path, size, mtime, hash, kind, parsed_offset,"
                " indexed_at, error) VALUES(?,?,?,?,?,?,datetime('now'),?)",
                (rec.path, rec.size, rec.mtime, rec.hash, rec.kind, rec.parsed_offset, rec.error),
            )

    # ----- documents -------------------------------------------------------------------------

    def document_hash(self, doc_id: str) -> str | None:
        rows = self.query("SELECT content_hash FROM documents WHERE doc_id=?", (doc_id,))
        return rows[0]["content_hash"] if rows else None

    def add_location(self, doc_id: str, path: str, locator: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO locations(doc_id, path, locator) VALUES(?,?,?)",
                (doc_id, path, locator),
            )

    def known_embeddings(self, hashes: Iterable[str]) -> set[str]:
        """Which of these embedded-text hashes already have a vector."""
        wanted = list(set(hashes))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self.query(f"SELECT embed_hash FROM embeddings WHERE embed_hash IN ({marks})", part)
            found.update(r["embed_hash"] for r in rows)
        return found

    def write_document(
        self, doc: Document, chunks: list[ChunkRow], new_vectors: dict[str, bytes]
    ) -> list[str]:
        """Replace a document, its chunks, items and new vectors in one transaction.

        Returns:
            The ids of the document's previous chunks that no longer exist (to drop from the
            vector index).
        """
        from_addr = str(doc.meta.get("from_addr", "")) if doc.kind == "email" else ""
        with self.transaction() as db:
            old = {r["chunk_id"] for r in db.execute(
                "SELECT chunk_id FROM chunks WHERE doc_id=?", (doc.doc_id,))}
            self._delete_doc_rows(db, doc.doc_id)
            db.execute(
                "INSERT INTO documents(doc_id, kind, title, date, date_key, from_addr, meta,"
                " content_hash) VALUES(?,?,?,?,?,?,?,?)",
                (doc.doc_id, doc.kind, doc.title, to_iso(doc.date), sort_key(doc.date), from_addr,
                 json.dumps(doc.meta, default=str, ensure_ascii=False), doc.content_hash()),
            )
            db.execute(
                "INSERT OR IGNORE INTO locations(doc_id, path, locator) VALUES(?,?,?)",
                (doc.doc_id, doc.path, doc.locator),
            )
            for h, vec in new_vectors.items():
                db.execute("INSERT OR IGNORE INTO embeddings(embed_hash, vector) VALUES(?,?)",
                           (h, vec))
            for c in chunks:
                db.execute(
                    "INSERT INTO chunks(chunk_id, doc_id, ord, text, embed_hash, line, quoted,"
                    " heading) VALUES(?,?,?,?,?,?,?,?)",
                    (c.chunk_id, c.doc_id, c.ord, c.text, c.embed_hash, c.line, int(c.quoted),
                     c.heading),
                )
                db.execute("INSERT INTO chunks_fts(text, title, chunk_id) VALUES(?,?,?)",
                           (c.text, c.title, c.chunk_id))
                db.execute("INSERT OR IGNORE INTO vector_pending(chunk_id) VALUES(?)",
                           (c.chunk_id,))
            for item in doc.items:
                self._insert_item(db, doc.doc_id, item, from_addr)
        return sorted(old - {c.chunk_id for c in chunks})

    def _insert_item(self, db: sqlite3.Connection, doc_id: str, item: Item, from_addr: str) -> None:
        if item.kind == "event":
            floating = isinstance(item.start, datetime) and item.start.tzinfo is None
            db.execute(
                "INSERT INTO events(doc_id, title, start, end, start_key, end_key, all_day,"
                " floating, location, attendees, status, uid, recurrence_id, locator,"
                " description, origin, organizer) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, item.title, to_iso(item.start), to_iso(item.end), sort_key(item.start),
                 sort_key(item.end or item.start), int(item.all_day or _is_date(item.start)),
                 int(floating), item.location, json.dumps(item.attendees), item.status.upper(),
                 item.uid, item.recurrence_id, item.locator, item.description, item.origin,
                 item.organizer),
            )
        else:
            db.execute(
                "INSERT INTO tasks(doc_id, title, due, due_key, done, done_date, done_key,"
                " priority, project, contexts, person, origin, line, locator, description,"
                " from_addr) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, item.title, to_iso(item.due), sort_key(item.due), int(item.done),
                 to_iso(item.done_date), sort_key(item.done_date), item.priority, item.project,
                 json.dumps(item.contexts), item.person, item.origin, item.line, item.locator,
                 item.description, from_addr),
            )

    @staticmethod
    def _delete_doc_rows(db: sqlite3.Connection, doc_id: str) -> None:
        ids = [r[0] for r in db.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))]
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            db.execute(
                f"DELETE FROM chunks_fts WHERE chunk_id IN ({','.join('?' * len(part))})", part
            )
        db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
        db.execute("DELETE FROM events WHERE doc_id=?", (doc_id,))
        db.execute("DELETE FROM tasks WHERE doc_id=?", (doc_id,))
        db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))

    def remove_path(self, path: str, keep_doc_ids: Iterable[str] = ()) -> list[str]:
        """Forget a file: drop its manifest row and its documents' locations there.

        Documents found nowhere else are deleted with their chunks and items (one transaction).
        ``keep_doc_ids`` are documents the file still holds (a re-parsed file keeps those).

        Returns:
            Chunk ids that were deleted (to drop from the vector index).
        """
        keep = set(keep_doc_ids)
        dropped: list[str] = []
        with self.transaction() as db:
            docs = [r[0] for r in db.execute("SELECT doc_id FROM locations WHERE path=?", (path,))]
            for doc_id in docs:
                if doc_id in keep:
                    continue
                db.execute("DELETE FROM locations WHERE doc_id=? AND path=?", (doc_id, path))
                left = db.execute("SELECT 1 FROM locations WHERE doc_id=? LIMIT 1", (doc_id,))
                if left.fetchone() is None:
                    dropped += [r[0] for r in db.execute(
                        "SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))]
                    self._delete_doc_rows(db, doc_id)
            db.execute("DELETE FROM files WHERE path=?", (path,))
        return dropped

    def doc_ids_at(self, path: str) -> set[str]:
        return {r["doc_id"] for r in self.query("SELECT doc_id FROM locations WHERE path=?", (path,))}

    # ----- vectors ---------------------------------------------------------------------------

    def chunk_vectors(self, chunk_ids: list[str] | None = None) -> Iterator[tuple[str, str, str, bytes]]:
        """Yield (chunk_id, doc_id, kind, vector bytes) for the given chunks, or all of them."""
        sql = (
            "SELECT c.chunk_id, c.doc_id, d.kind, e.vector FROM chunks c"
            " JOIN documents d ON d.doc_id = c.doc_id JOIN embeddings e ON e.embed_hash = c.embed_hash"
        )
        if chunk_ids is None:
            for r in self.query(sql):
                yield r[0], r[1], r[2], r[3]
            return
        for i in range(0, len(chunk_ids), 500):
            part = chunk_ids[i : i + 500]
            rows = self.query(sql + f" WHERE c.chunk_id IN ({','.join('?' * len(part))})", part)
            for r in rows:
                yield r[0], r[1], r[2], r[3]

    def all_chunk_ids(self) -> set[str]:
        return {r[0] for r in self.query("SELECT chunk_id FROM chunks")}

    def pending_vector_ids(self) -> set[str]:
        """Chunks written since their vectors last reached the vector index."""
        return {r[0] for r in self.query("SELECT chunk_id FROM vector_pending")}

    def clear_pending_vectors(self, chunk_ids: Iterable[str] | None = None) -> None:
        """The vectors of these chunks (None: of all) are now in the vector index."""
        with self.transaction() as db:
            if chunk_ids is None:
                db.execute("DELETE FROM vector_pending")
                return
            ids = list(chunk_ids)
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                db.execute(f"DELETE FROM vector_pending WHERE chunk_id IN ({','.join('?' * len(part))})",
                           part)

    # ----- counts ----------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """How much is indexed: files, documents by kind, chunks, events, tasks."""
        out: dict[str, int] = {}
        out["files"] = self.query("SELECT count(*) FROM files")[0][0]
        for r in self.query("SELECT kind, count(*) AS n FROM documents GROUP BY kind"):
            out[f"documents_{r['kind']}"] = r["n"]
        out["documents"] = self.query("SELECT count(*) FROM documents")[0][0]
        out["chunks"] = self.query("SELECT count(*) FROM chunks")[0][0]
        out["events"] = self.query("SELECT count(*) FROM events")[0][0]
        out["tasks"] = self.query("SELECT count(*) FROM tasks")[0][0]
        out["files_with_errors"] = self.query(
            "SELECT count(*) FROM files WHERE error IS NOT NULL AND error != ''")[0][0]
        return out


def _is_date(value: date | datetime | None) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)
