"""Opening a data dir: the store, the vector index, the embedder and the settings, wired once.

The CLI, the tests and the desktop app all open their data through ``Workspace.open`` so that the
same objects are built the same way; nothing here is global.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from indexing.embedder import Embedder, make_embedder
from indexing.indexer import Indexer
from indexing.paths import ensure_data_dir, private_umask, resolve_data_dir, set_offline_mode
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

    @classmethod
    def open(cls, data_dir: str | Path | None = None, embedder: str | Embedder | None = None,
             ) -> Workspace:
        """Open (creating if needed) the data dir; ``embedder`` overrides the settings' choice."""
        set_offline_mode()
        root = ensure_data_dir(resolve_data_dir(data_dir))
        settings = Settings.load(root)
        if isinstance(embedder, str) or embedder is None:
            emb = make_embedder(embedder or settings.embedder)
        else:
            emb = embedder
        with private_umask():
            _attach_log(root)
            store = Store(root / "lodger.db")
            stored = store.get_meta("embedder")
            if stored is None:
                store.set_meta("embedder", emb.name)
            vectors = VectorIndex(root / "vectors", emb.dim)
        ws = cls(root, settings, store, vectors, emb)
        if stored is not None and stored != emb.name:
            ws.switch_embedder_vectors(stored)
        return ws

    def switch_embedder_vectors(self, previous: str) -> None:
        """Vectors from another embedder are meaningless: drop them so they are recomputed."""
        log.warning("embedder changed from %s to %s: vectors will be recomputed",
                    previous, self.embedder.name)
        with self.store.transaction() as db:
            db.execute("DELETE FROM embeddings")
            db.execute("DELETE FROM chunks")
            db.execute("DELETE FROM chunks_fts")
            db.execute("DELETE FROM documents")
            db.execute("DELETE FROM locations")
            db.execute("DELETE FROM events")
            db.execute("DELETE FROM tasks")
            db.execute("DELETE FROM files")
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('embedder', ?)",
                       (self.embedder.name,))
        self.vectors.reset()

    def remember(self, roots: list[str]) -> None:
        """After indexing: keep the folders in settings and guess the user's own addresses from
        the senders of sent-mail folders if none are set."""
        import json

        from indexing.mail import guess_user_addresses

        changed = False
        for r in roots:
            if r not in self.settings.folders and Path(r).is_dir():
                self.settings.folders.append(r)
                changed = True
        if not self.settings.user_addresses:
            metas = [json.loads(r["meta"]) for r in self.store.query(
                "SELECT meta FROM documents WHERE kind='email'")]
            guessed = guess_user_addresses(metas)
            if guessed:
                self.settings.user_addresses = guessed[:3]
                self.settings.addresses_guessed = True
                changed = True
        if changed:
            self.settings.save(self.data_dir)

    def indexer(self) -> Indexer:
        return Indexer(self.store, self.vectors, self.embedder, exclude=[str(self.data_dir)])

    def close(self) -> None:
        self.store.close()


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
