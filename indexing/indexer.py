"""The indexing pipeline: discover -> parse -> hash-diff -> chunk -> embed -> store.

Incremental by content: a file whose size and mtime are unchanged is not opened; one whose bytes
hash the same is not parsed; a document whose content hash is unchanged is not re-chunked; a chunk
whose embedded text was embedded before (any file, any path) is not re-embedded. An mbox that only
grew is parsed from where the last run ended. Deleted files lose their documents, chunks and items
(unless the same message also lives elsewhere). Each document is written in one SQLite transaction
and the manifest entry of a file is written after all of its documents, so a run killed at any
point resumes without duplicates. The vector index is brought in line with SQLite at start.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from indexing import sources
from indexing.chunking import Chunk, chunk_document
from indexing.embedder import Embedder
from indexing.model import Document, ParseResult, Skipped
from indexing.paths import mended
from indexing.reading import SkipFile
from indexing.store import ChunkRow, FileRecord, Store
from indexing.vectors import VectorIndex, VectorIndexError

log = logging.getLogger("lodger.indexing")

EMBED_BATCH = 64
# Bump when a parser changes what it extracts: every file is then parsed again on the next run
# (unchanged text is not re-embedded, so this costs parsing time only).
PARSER_VERSION = "4"
Progress = Callable[[int, int, str], None]
# Set in lodger.db's meta when chromadb failed to read or write (a segment damaged in a way the
# start-up probe, which only reads, did not see); Workspace.open then rebuilds the index.
VECTORS_DAMAGED_KEY = "vectors_damaged"


@dataclass
class IndexSummary:
    """What one indexing run did, for the closing summary and the GUI.

    ``not_read`` counts the files of types Lodger does not read by extension (".png": 900),
    ``left_out_messages`` the messages left out as deleted or spam by reason (only those
    in files read in this run), and ``left_out_folders`` names the junk mail folders
    that were not entered; none of them is an error, so they are not in ``skipped``.
    """

    files_seen: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    documents: int = 0
    messages: int = 0
    events: int = 0
    tasks: int = 0
    chunks: int = 0
    embedded: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0
    not_read: dict[str, int] = field(default_factory=dict)
    left_out_messages: dict[str, int] = field(default_factory=dict)
    left_out_folders: list[str] = field(default_factory=list)

    def merge(self, other: IndexSummary) -> None:
        for name in ("files_seen", "files_changed", "files_unchanged", "files_removed",
                     "documents", "messages", "events", "tasks", "chunks", "embedded"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.skipped += other.skipped
        self.seconds += other.seconds
        self.embed_seconds += other.embed_seconds
        self.not_read = dict(Counter(self.not_read) + Counter(other.not_read))
        self.left_out_messages = dict(Counter(self.left_out_messages)
                                      + Counter(other.left_out_messages))
        self.left_out_folders += [f for f in other.left_out_folders
                                  if f not in self.left_out_folders]

    def _take(self, passed: sources.PassedOver) -> None:
        """Copy what discovery and the parsers passed over into the summary."""
        self.not_read = dict(passed.types.most_common())
        self.left_out_messages = dict(passed.messages.most_common())
        self.left_out_folders = list(passed.mail_folders)


@dataclass
class _Pending:
    record: FileRecord
    docs: list[Document]
    full: bool  # the whole file was parsed (documents not produced now are gone from it)


def file_hash(path: str, limit: int | None = None) -> str:
    """sha256 of a file's bytes (of the first ``limit`` bytes when given)."""
    h = hashlib.sha256()
    left = limit
    with open(path, "rb") as fh:
        while True:
            n = 1 << 20 if left is None else min(1 << 20, left)
            if n == 0:
                break
            block = fh.read(n)
            if not block:
                break
            h.update(block)
            if left is not None:
                left -= len(block)
    return h.hexdigest()


class Indexer:
    """Indexes files into the store and the vector index. Not thread-safe: use one lane."""

    def __init__(self, store: Store, vectors: VectorIndex, embedder: Embedder,
                 exclude: Iterable[str] = (), user_addresses: Iterable[str] = (),
                 regions: Iterable[str] = ()) -> None:
        self.store = store
        self.vectors = vectors
        self.embedder = embedder
        self.exclude = list(exclude)
        self.user_addresses = list(user_addresses)  # for the people directory ([] = guess)
        self.regions = list(regions)  # the user's countries, for phone numbers
        self._pending: list[_Pending] = []
        self._pending_chunks = 0
        self._summary = IndexSummary()
        self._passed = sources.PassedOver()
        self._reparse = store.get_meta("parser_version") != PARSER_VERSION
        if self._reparse and not store.query("SELECT 1 FROM files LIMIT 1"):
            # Nothing was read by older parsers: record the version now, so that a first run
            # that is interrupted resumes instead of re-parsing every file again.
            store.set_meta("parser_version", PARSER_VERSION)
            self._reparse = False

    # ----- public -----------------------------------------------------------------------------

    def index(self, roots: Iterable[str], progress: Progress | None = None,
              remove_missing: bool = True) -> IndexSummary:
        """Index everything under ``roots``; forget files under them that no longer exist."""
        t0 = time.perf_counter()
        self._summary = IndexSummary()
        self._passed = sources.PassedOver()
        roots = [os.path.abspath(os.path.expanduser(r)) for r in roots]
        self.reconcile_vectors()
        found: list[sources.SourceFile] = []
        for entry in sources.discover(roots, exclude=self.exclude, passed=self._passed):
            if isinstance(entry, Skipped):
                self._skip(entry.path, entry.reason)
            else:
                found.append(entry)
        seen = {f.path for f in found}
        for i, src in enumerate(found):
            if progress:
                progress(i, len(found), src.path)
            self._index_file(src)
        self._flush()
        if progress:
            progress(len(found), len(found), "")
        if self._reparse:
            self.store.set_meta("parser_version", PARSER_VERSION)
            self._reparse = False
        if remove_missing:
            for path in self.store.all_file_paths():
                if path not in seen and _under(path, roots) and not os.path.exists(path):
                    self.remove(path)
        self._refresh_people()
        self._summary._take(self._passed)
        self._summary.seconds = time.perf_counter() - t0
        return self._summary

    def index_paths(self, paths: Iterable[str]) -> IndexSummary:
        """Index (or forget) specific files: what the watcher calls with a debounced batch."""
        t0 = time.perf_counter()
        self._summary = IndexSummary()
        self._passed = sources.PassedOver()
        for path in paths:
            path = os.path.abspath(path)
            if not os.path.lexists(path):
                self.remove(path)
                continue
            for entry in sources.discover([path], exclude=self.exclude, passed=self._passed):
                if isinstance(entry, Skipped):
                    self._skip(entry.path, entry.reason)
                else:
                    self._index_file(entry)
        self._flush()
        self._refresh_people()
        self._summary._take(self._passed)
        self._summary.seconds = time.perf_counter() - t0
        return self._summary

    def _refresh_people(self) -> None:
        """Rebuild the people directory when this run changed documents (or it was never
        built); it is derived from the store alone (``indexing.people_store``)."""
        from indexing.people_store import built_with, refresh_people

        s = self._summary
        if s.documents or s.files_removed or built_with(self.store) is None:
            refresh_people(self.store, self.user_addresses, self.regions)

    def _keep_signatures(self, docs: list[Document]) -> None:
        """Read the signatures of new or changed messages now, while their whole text is at
        hand (the stored chunks keep only some quoted text), for the people directory."""
        if not docs:
            return
        from indexing.people_headers import document_signatures

        self.store.people.save_signatures(
            (d.doc_id, document_signatures(d, self.regions)) for d in docs)

    def remove(self, path: str) -> None:
        """Forget a file that was deleted (documents also found elsewhere stay)."""
        if self.store.file_record(path) is None:
            return
        dropped = self.store.remove_path(path)
        with self._vector_io():
            self.vectors.delete(dropped)
        self._summary.files_removed += 1
        log.info("removed %s (%d chunks)", path, len(dropped))

    def reconcile_vectors(self) -> int:
        """Make the vector index hold exactly the chunks in SQLite; returns how many were fixed.

        After a crash between the SQLite commit and the vector write, or after the vector index
        was deleted as corrupt, this restores it from the embeddings kept in SQLite.
        """
        want = self.store.all_chunk_ids()
        pending = self.store.pending_vector_ids()
        with self._vector_io():
            have = self.vectors.all_ids() if self.vectors.count() else set()
            extra = sorted(have - want)
            # Missing ones, and rewritten ones whose new vector may not have been written.
            missing = sorted((want - have) | (pending & want))
            if extra:
                self.vectors.delete(extra)
            if missing:
                self._upsert_vectors(missing)
        if pending:
            self.store.clear_pending_vectors()
        if extra or missing:
            log.info("vector index reconciled: +%d -%d", len(missing), len(extra))
        return len(extra) + len(missing)

    # ----- one file ---------------------------------------------------------------------------

    def _index_file(self, src: sources.SourceFile) -> None:
        s = self._summary
        s.files_seen += 1
        path = src.path
        try:
            st = os.stat(path)
        except OSError:
            self._skip(path, "file disappeared while indexing")
            return
        rec = self.store.file_record(path)
        if self._reparse:
            rec = None  # parsers changed since this file was read: read it again
        if rec and rec.size == st.st_size and rec.mtime == st.st_mtime and not rec.error:
            s.files_unchanged += 1
            return
        try:
            digest = file_hash(path)
        except OSError as exc:
            self._skip(path, _os_reason(exc))
            return
        new_rec = FileRecord(path, st.st_size, st.st_mtime, digest, src.kind, st.st_size, None)
        if rec and rec.hash == digest and not rec.error:
            self.store.record_file(new_rec)
            s.files_unchanged += 1
            return
        start, full = 0, True
        if (src.kind == sources.MBOX and rec and not rec.error and st.st_size > rec.size
                and rec.parsed_offset == rec.size and file_hash(path, rec.size) == rec.hash):
            start, full = rec.parsed_offset, False  # the mbox only grew: read the new messages
        try:
            result = self._parse(src, start)
        except SkipFile as exc:
            self._skip(path, str(exc))
            new_rec.error = str(exc)
            self.store.record_file(new_rec)  # old documents from this file are kept
            return
        except Exception as exc:  # a parser bug must not stop the run: report and go on
            log.info("parser failed on %s", path, exc_info=True)  # traceback to the log file
            self._skip(path, f"could not be parsed ({type(exc).__name__}: {exc})")
            return
        for sk in result.skipped:
            self._skip(sk.path, sk.reason)
        s.files_changed += 1
        if src.kind == sources.MBOX or src.kind == sources.EMAIL:
            for doc in result.documents:
                doc.meta.setdefault("folder", src.folder)
        self._pending.append(_Pending(new_rec, result.documents, full))
        self._pending_chunks += sum(max(1, len(d.segments)) for d in result.documents)
        if self._pending_chunks >= EMBED_BATCH * 4:
            self._flush()

    def _parse(self, src: sources.SourceFile, start: int) -> ParseResult:
        kind = src.kind
        if kind == sources.MBOX:
            from indexing.mail import parse_mbox

            result, _end = parse_mbox(src.path, start_offset=start,
                                      left_out=self._passed.messages)
            return result
        if kind == sources.EMAIL:
            from indexing.mail import parse_email_file

            return parse_email_file(src.path, folder=src.folder, left_out=self._passed.messages)
        if kind == sources.CALENDAR:
            from indexing.calendar import parse_ics_file

            return parse_ics_file(src.path)
        if kind == sources.MARKDOWN:
            from indexing.notes import parse_markdown

            return parse_markdown(src.path)
        if kind == sources.TEXT:
            from indexing.notes import parse_plaintext

            return parse_plaintext(src.path)
        if kind == sources.TODO:
            from indexing.todotxt import parse_todotxt

            return parse_todotxt(src.path)
        if kind == sources.VCARD:
            from indexing.vcard import parse_vcard_file

            return parse_vcard_file(src.path)
        raise SkipFile(f"unsupported file kind {kind}")

    # ----- writing ----------------------------------------------------------------------------

    def _flush(self) -> None:
        """Embed what the pending files need, then write their documents and manifest rows."""
        if not self._pending:
            return
        pending, self._pending, self._pending_chunks = self._pending, [], 0
        s = self._summary
        work: list[tuple[Document, list[Chunk]]] = []
        for p in pending:
            seen_here: set[str] = set()
            for doc in p.docs:
                if doc.doc_id in seen_here:
                    continue  # the same message twice in one file is one document
                seen_here.add(doc.doc_id)
                if self.store.document_hash(doc.doc_id) == doc.content_hash():
                    self.store.add_location(doc.doc_id, doc.path, doc.locator)
                    continue
                work.append((doc, chunk_document(doc)))
        vectors = self._embed_missing([c for _, chunks in work for c in chunks])
        dropped: list[str] = []
        written: list[str] = []
        for doc, chunks in work:
            rows = [ChunkRow(c.chunk_id, doc.doc_id, c.ord, c.text, c.embed_hash, c.line,
                             c.quoted, c.heading, doc.title) for c in chunks]
            new_vecs = {c.embed_hash: vectors[c.embed_hash] for c in chunks
                        if c.embed_hash in vectors}
            dropped += self.store.write_document(doc, rows, new_vecs)
            written += [r.chunk_id for r in rows]
            s.documents += 1
            s.chunks += len(rows)
            s.messages += doc.kind == "email"
            s.events += sum(1 for i in doc.items if i.kind == "event")
            s.tasks += sum(1 for i in doc.items if i.kind == "task")
        self._keep_signatures([doc for doc, _ in work if doc.kind == "email"])
        for p in pending:
            if p.full:
                dropped += self.store.remove_path(p.record.path,
                                                  keep_doc_ids={d.doc_id for d in p.docs})
            self.store.record_file(p.record)
        # The vector index follows SQLite; a crash before this line is mended by
        # reconcile_vectors() at the next start.
        with self._vector_io():
            self.vectors.delete(sorted(set(dropped)))
            self._upsert_vectors(written)
        self.store.clear_pending_vectors(written)

    @contextlib.contextmanager
    def _vector_io(self) -> Iterator[None]:
        """chromadb errors mark the vector index for a rebuild and stop the run with a clear
        error; SQLite is already written, so nothing is lost."""
        try:
            yield
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"[:300]
            self.store.set_meta(VECTORS_DAMAGED_KEY, reason)
            log.warning("the vector index failed (%s); it will be rebuilt from lodger.db at the "
                        "next start", reason)
            raise VectorIndexError(f"the search index could not be updated ({reason}); it will "
                                   "be rebuilt from Lodger's database at the next start") from exc

    def _embed_missing(self, chunks: list[Chunk]) -> dict[str, bytes]:
        """Embed the chunks whose text has no vector yet; returns embed_hash -> float32 bytes."""
        known = self.store.known_embeddings(c.embed_hash for c in chunks)
        todo: dict[str, str] = {}
        for c in chunks:
            if c.embed_hash not in known:
                todo.setdefault(c.embed_hash, c.embed_text)
        if not todo:
            return {}
        t0 = time.perf_counter()
        hashes = list(todo)
        out: dict[str, bytes] = {}
        for i in range(0, len(hashes), EMBED_BATCH):
            part = hashes[i : i + EMBED_BATCH]
            # The first call may write the embedder's cache (in the data dir): mend its modes
            # (a few files; the walk costs microseconds against a batch's embedding).
            with mended(getattr(self.embedder, "cache_dir", None)):
                vecs = self.embedder.embed_documents([todo[h] for h in part])
            for h, v in zip(part, vecs, strict=True):
                out[h] = np.asarray(v, dtype=np.float32).tobytes()
        self._summary.embed_seconds += time.perf_counter() - t0
        self._summary.embedded += len(out)
        return out

    def _upsert_vectors(self, chunk_ids: list[str]) -> None:
        rows = list(self.store.chunk_vectors(chunk_ids))
        if not rows:
            return
        ids = [r[0] for r in rows]
        kinds = [r[2] for r in rows]
        mat = np.stack([np.frombuffer(r[3], dtype=np.float32) for r in rows])
        self.vectors.upsert(ids, mat, kinds)

    def _skip(self, path: str, reason: str) -> None:
        self._summary.skipped.append(Skipped(path, reason))
        log.info("skipped %s: %s", path, reason)  # the CLI and the app show the summary


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied (file is not readable)"
    if isinstance(exc, FileNotFoundError):
        return "file disappeared while indexing"
    return f"could not read file: {exc.strerror or exc}"
