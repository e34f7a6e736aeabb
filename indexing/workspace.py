"""Opening a data dir: the store, the vector index, the embedder and the settings, wired once.

The CLI, the tests and the desktop app all open their data through ``Workspace.open`` so that the
same objects are built the same way; nothing here is global.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from indexing import integrity
from indexing.embedder import Embedder, make_embedder
from indexing.indexer import VECTORS_DAMAGED_KEY, Indexer
from indexing.paths import (
    ensure_data_dir,
    make_private,
    mended,
    resolve_data_dir,
    set_offline_mode,
)
from indexing.settings import Settings
from indexing.store import Store
from indexing.vectors import VectorIndex

log = logging.getLogger("lodger")


@dataclass
class Workspace:
    """Everything that lives in one data dir."""

    data_dir: Path
    settings: Settings
    store: Store
    vectors: VectorIndex
    embedder: Embedder

    notices: list[str] = field(default_factory=list)  # what start-up mended, for the user

    @classmethod
    def open(cls, data_dir: str | Path | None = None, embedder: str | Embedder | None = None,
             check: bool = True) -> Workspace:
        """Open (creating if needed) the data dir; ``embedder`` overrides the settings' choice.

        With ``check`` (the default) a damaged ``lodger.db`` is moved aside (Lodger starts
        empty), and a damaged vector index is moved aside and rebuilt from SQLite without
        reading the user's files (see ``indexing.integrity``); ``notices`` then says what
        happened, in words for the user. Tests that open many fresh dirs may pass
        ``check=False`` to skip the one-second probe.
        """
        set_offline_mode()
        root = ensure_data_dir(resolve_data_dir(data_dir))
        settings = Settings.load(root)
        if isinstance(embedder, str) or embedder is None:
            emb = make_embedder(embedder or settings.embedder, cache_dir=root / "embedder")
        else:
            emb = embedder
        notices: list[str] = []
        rebuilt = False
        with mended(root):
            make_private(root)
            _attach_log(root)
            store = _open_store(root, check, notices)
            if check and not notices:
                notice = _check_vectors(root / "vectors", store)
                if notice:
                    rebuilt = True
                    notices.append(notice)
            stored = store.get_meta("embedder")
            if stored is None:
                store.set_meta("embedder", emb.name)
            vectors = VectorIndex(root / "vectors", emb.dim)
        ws = cls(root, settings, store, vectors, emb, notices)
        if stored is not None and stored != emb.name:
            ws.switch_embedder_vectors(stored)
        elif rebuilt:
            with mended(root):
                n = ws.indexer().reconcile_vectors()
            log.warning("vector index rebuilt from lodger.db: %d chunks", n)
        if rebuilt:
            store.delete_meta(VECTORS_DAMAGED_KEY)
        return ws

    def switch_embedder_vectors(self, previous: str) -> None:
        """Vectors from another embedder are meaningless: recompute them from the chunk texts
        kept in SQLite. Documents, events, tasks and the manifest are kept, and the user's files
        are not read again. Safe to interrupt: the embedder's name is recorded only at the end,
        so the next start simply does it again."""
        log.warning("embedder changed from %s to %s: recomputing %d vectors from lodger.db",
                    previous, self.embedder.name, self.store.counts().get("chunks", 0))
        with mended(self.data_dir):
            n = reembed_chunks(self.store, self.embedder)
            with self.store.transaction() as db:
                db.execute("DELETE FROM embeddings WHERE embed_hash NOT IN "
                           "(SELECT embed_hash FROM chunks)")
                db.execute("DELETE FROM vector_pending")
            self.vectors.reset()
            self.indexer().reconcile_vectors()
            self.store.set_meta("embedder", self.embedder.name)
        log.warning("embedder switch done: %d chunk texts embedded", n)

    def remember(self, roots: list[str]) -> None:
        """After indexing: keep the folders in settings and work out the user's own addresses
        (``indexing.own_address``) unless the user set them; how they were found is kept in
        ``settings.extras["addresses_how"]``. A guess is made again after each run, since more
        mail may tell more; when it changes, the people directory is rebuilt."""
        import json

        from indexing.own_address import account_files_near, guess_own_addresses

        changed = False
        for r in roots:
            if r not in self.settings.folders and Path(r).is_dir():
                self.settings.folders.append(r)
                changed = True
        if not self.settings.user_addresses or self.settings.addresses_guessed:
            metas = [json.loads(r["meta"]) for r in self.store.query(
                "SELECT meta FROM documents WHERE kind='email'")]
            guess = guess_own_addresses(metas, account_files_near(self.settings.folders))
            if guess.addresses and (guess.addresses != self.settings.user_addresses
                                    or self.settings.extras.get("addresses_how") != guess.how):
                self.settings.user_addresses = guess.addresses
                self.settings.addresses_guessed = True
                self.settings.extras["addresses_how"] = guess.how
                changed = True
        if changed:
            self.settings.save(self.data_dir)
        self._people_follow_settings()

    def set_user_addresses(self, addresses: list[str]) -> None:
        """The user's correction of their own addresses: saved as set by them (no longer
        guessed) and the people directory rebuilt with them."""
        self.settings.user_addresses = [a.strip().lower() for a in addresses if a.strip()]
        self.settings.addresses_guessed = False
        self.settings.extras["addresses_how"] = "set by you"
        self.settings.save(self.data_dir)
        self._people_follow_settings()

    def refresh_people(self) -> None:
        """Rebuild the people directory from the store (a few seconds for thousands of mails)."""
        from indexing.people_store import refresh_people

        refresh_people(self.store, self.settings.user_addresses, self._regions())

    def _people_follow_settings(self) -> None:
        """Rebuild the people directory when it was built for other user addresses."""
        from indexing.people_store import built_with

        built = built_with(self.store)
        wanted = [a.lower() for a in self.settings.user_addresses]
        if built is not None and (not wanted or built.get("user_addresses") == wanted):
            return
        if built is None and not self.store.query("SELECT 1 FROM documents LIMIT 1"):
            return
        self.refresh_people()

    def _regions(self) -> list[str]:
        from indexing.phones import region_of_zone

        region = region_of_zone(self.settings.timezone)
        return [region] if region else []

    def indexer(self) -> Indexer:
        return Indexer(self.store, self.vectors, self.embedder, exclude=[str(self.data_dir)],
                       user_addresses=self.settings.user_addresses, regions=self._regions())

    def close(self) -> None:
        self.store.close()


def _check_vectors(path: Path, store: Store) -> str | None:
    """Set the vector index aside when the probe finds it damaged or when the last run could
    not write it; returns a notice for the user then (the caller rebuilds it)."""
    failed = store.get_meta(VECTORS_DAMAGED_KEY)
    if failed:
        moved = integrity.set_aside(path) if path.exists() else None
        log.warning("the vector index failed in the last run (%s); rebuilding it from lodger.db",
                    failed)
        bad: tuple[Path | None, str] | None = (moved, "it could not be updated")
    else:
        bad = integrity.check_vectors(path, integrity.sample_vectors(store.query))
    if bad is None:
        return None
    moved_to = f" It was moved to {bad[0]}." if bad[0] else ""
    return (f"The search index was damaged ({bad[1]}).{moved_to} It was rebuilt from Lodger's "
            "database; your files were not read again.")


def _open_store(root: Path, check: bool, notices: list[str]) -> Store:
    """The SQLite store; a damaged one is moved aside (with the vectors made from it) and a
    fresh one created, with a notice saying so."""
    path = root / "lodger.db"
    bad = integrity.check_sqlite(path) if check else None
    if bad is None:
        try:
            return Store(path)
        except sqlite3.DatabaseError as exc:
            # Damage that the start-up check did not read (a big file only gets a schema check).
            if not check or getattr(exc, "sqlite_errorname", "") not in integrity.CORRUPT_CODES:
                raise
            bad = integrity.check_sqlite(path) or (integrity.set_aside_db(path), str(exc))
    notices.append(f"Lodger's database was damaged ({bad[1]}). It was moved to {bad[0]} and "
                   "Lodger starts with an empty index. Your own files were not touched: index "
                   "your folders again to rebuild it.")
    if (root / "vectors").exists():
        integrity.set_aside(root / "vectors")  # made from the damaged database: useless now
    return Store(path)


def _attach_log(root: Path) -> None:
    """Log to ``<data_dir>/lodger.log`` (once per process per dir)."""
    path = str(root / "lodger.log")
    logger = logging.getLogger("lodger")
    if any(getattr(h, "baseFilename", None) == path for h in logger.handlers):
        return
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    # The file gets INFO and tracebacks; the terminal only warnings, without tracebacks.
    logger.propagate = False
    if not any(getattr(h, "_lodger_console", False) for h in logger.handlers):
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        console.setFormatter(_NoTraceback("%(levelname)s: %(message)s"))
        console._lodger_console = True  # type: ignore[attr-defined]
        logger.addHandler(console)


class _NoTraceback(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text
        record.exc_info, record.exc_text = None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text = saved


def reembed_chunks(store: Store, embedder: Embedder, batch: int = 64) -> int:
    """Embed every stored chunk again with ``embedder`` (same embedded text as at indexing:
    title, sender, heading and text) and replace the stored vectors; returns how many texts."""
    import json

    from indexing.chunking import context_prefix, embed_text

    rows = store.query(
        "SELECT c.embed_hash, c.text, c.heading, d.title, d.kind, d.meta FROM chunks c"
        " JOIN documents d ON d.doc_id = c.doc_id GROUP BY c.embed_hash")
    done = 0
    for i in range(0, len(rows), batch):
        part = rows[i:i + batch]
        texts = [embed_text(context_prefix(r["title"] or "", r["kind"],
                                           json.loads(r["meta"] or "{}"), r["heading"] or ""),
                            r["text"]) for r in part]
        vectors = embedder.embed_documents(texts)
        with store.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO embeddings(embed_hash, vector) VALUES(?, ?)",
                           [(r["embed_hash"], v.astype("float32").tobytes())
                            for r, v in zip(part, vectors, strict=True)])
        done += len(part)
    return done
