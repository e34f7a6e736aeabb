"""The vector index: a chromadb PersistentClient holding one collection of chunk embeddings.

This is the only module that imports chromadb. We pass our own embeddings (chromadb never embeds or
downloads anything) and keep telemetry off. Metadata filters in chromadb are slow at scale
(FIELD-NOTES: 125-213 ms at 100k), so filtering by date or kind happens in our SQLite store; the
vector index only answers "nearest chunk ids". Its content can always be rebuilt from the
embeddings kept in SQLite.

chromadb writes its segment files whenever it likes (a query can flush its log into the HNSW
files) with default modes, so every call is followed by ``make_private`` over the index's folder
(``indexing.paths`` says why modes are never set process-wide): the files hold the user's data.
The walk costs a few stat calls: the folder holds about ten files.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from indexing.paths import mended

COLLECTION = "chunks"


class VectorIndexError(RuntimeError):
    """The vector index could not be read or written; it is rebuilt from SQLite at next start."""


class VectorIndex:
    """Nearest-neighbour search over chunk vectors, persisted in ``<data_dir>/vectors``."""

    def __init__(self, path: Path, dim: int) -> None:
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        import chromadb
        from chromadb.config import Settings

        self.path = path
        self.dim = dim
        with mended(self.path):
            self._client = chromadb.PersistentClient(
                path=str(path), settings=Settings(anonymized_telemetry=False, allow_reset=True)
            )
            self._col = self._client.get_or_create_collection(
                COLLECTION, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
        self._known_count: int | None = None  # what count() last said; None after a change

    def count(self) -> int:
        with mended(self.path):
            n = int(self._col.count())
        self._known_count = n
        return n

    def upsert(self, ids: list[str], vectors: np.ndarray, kinds: list[str]) -> None:
        """Add or replace vectors (batched to stay under chromadb's batch limit)."""
        self._known_count = None
        step = 1000
        with mended(self.path):
            for i in range(0, len(ids), step):
                self._col.upsert(
                    ids=ids[i : i + step],
                    embeddings=vectors[i : i + step].astype(np.float32),
                    metadatas=[{"kind": k} for k in kinds[i : i + step]],
                )

    def delete(self, ids: list[str]) -> None:
        self._known_count = None
        step = 1000
        with mended(self.path):
            for i in range(0, len(ids), step):
                self._col.delete(ids=ids[i : i + step])

    def all_ids(self) -> set[str]:
        out: set[str] = set()
        offset, step = 0, 5000
        while True:
            with mended(self.path):
                got = self._col.get(include=[], limit=step, offset=offset)
            ids = got["ids"]
            out.update(ids)
            if len(ids) < step:
                return out
            offset += step

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` nearest chunk ids with cosine similarity (1 = identical)."""
        # Counting costs ~8 ms at 100k vectors: a count well above k, taken since the last
        # change made here, is still good enough to bound n_results.
        n = self._known_count
        if n is None or n < 4 * k:
            n = self.count()
        if n == 0:
            return []
        with mended(self.path):
            res = self._col.query(query_embeddings=[vector.astype(np.float32)],
                                  n_results=min(k, n), include=["distances"])
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0],
                                                          strict=True)]

    def reset(self) -> None:
        """Drop every vector (used before a rebuild from SQLite)."""
        self._known_count = None
        with mended(self.path):
            self._client.delete_collection(COLLECTION)
            self._col = self._client.get_or_create_collection(
                COLLECTION, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
