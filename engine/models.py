"""Which language models are on this computer, what they are, and switching the answerer's model.

Lodger does not make users download a model they already have: ``find_models`` lists the GGUF
files of LM Studio (including a moved downloads folder), GPT4All, Ollama (its content-addressed
blobs, named ``model:tag`` through its manifests), the Hugging Face cache, Lodger's own
``<data_dir>/models``, folders the user picks and the bundled default. Each file's facts
(architecture, parameters, quantization, context length) come from its GGUF header
(``engine.gguf_header``), and a memory estimate says whether it fits in this machine's memory.
A model split into ``-00001-of-0000N`` parts is listed once, by its first part (what llama.cpp
opens). Missing, truncated or non-GGUF files, embedding models and vision projectors are listed
with the reason they cannot be used; nothing here raises on a bad file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.gguf_header import GGUFHeaderError, quantization_name, read_gguf_header
from engine.llm import (
    LlamaChatModel,
    ModelError,
    ModelOptions,
    check_gguf,
    default_model_path,
)

__all__ = ["GGUFHeaderError", "ModelInfo", "available_memory", "default_roots", "describe",
           "find_models", "memory_needed", "ollama_models", "quantization_name",
           "read_gguf_header", "switch_model"]

OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
DEFAULT_N_CTX = ModelOptions().n_ctx
# Architectures that llama.cpp can load but that cannot chat: encoders and vision projectors.
NOT_CHAT = {"bert": "an embedding model", "nomic-bert": "an embedding model",
            "nomic-bert-moe": "an embedding model", "jina-bert-v2": "an embedding model",
            "jina-bert-v3": "an embedding model", "modern-bert": "an embedding model",
            "neo-bert": "an embedding model", "t5encoder": "a text encoder",
            "clip": "a vision projector (mmproj)"}
_SPLIT = re.compile(r"^(?P<stem>.+)-(?P<part>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)


@dataclass
class ModelInfo:
    """One model file found on disk.

    ``error`` says why it cannot be Lodger's chat model (unreadable, truncated, an embedding
    model, ...); the facts read from the header are kept where there were any.
    """

    name: str
    path: str
    source: str
    size_bytes: int = 0
    architecture: str | None = None
    quantization: str | None = None
    n_params: int | None = None
    size_label: str | None = None
    context_length: int | None = None
    memory_needed: int | None = None
    fits: bool | None = None
    error: str | None = None

    @property
    def usable(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# --- memory --------------------------------------------------------------------------------------

def available_memory() -> int | None:
    """Bytes of memory free for a new model (MemAvailable on Linux), or None when unknown."""
    try:
        import psutil  # type: ignore[import-not-found]

        return int(psutil.virtual_memory().available)
    except ImportError:
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        class _Status(ctypes.Structure):
            _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                        ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                        ("ullTotalPageFile", ctypes.c_ulonglong),
                        ("ullAvailPageFile", ctypes.c_ulonglong),
                        ("ullTotalVirtual", ctypes.c_ulonglong),
                        ("ullAvailVirtual", ctypes.c_ulonglong),
                        ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

        status = _Status()
        status.dwLength = ctypes.sizeof(_Status)
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
            return int(status.ullAvailPhys)
        return None
    try:  # macOS and other Unixes: total physical memory (the OS frees caches on demand)
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def memory_needed(file_size: int, meta: dict[str, Any], n_ctx: int = DEFAULT_N_CTX) -> int:
    """Estimated bytes to run a model: weights × 1.2 plus an f16 KV cache for ``n_ctx`` tokens."""
    arch = meta.get("general.architecture")
    get = (lambda key: meta.get(f"{arch}.{key}")) if arch else (lambda key: None)
    layers, width = get("block_count"), get("embedding_length")
    heads, kv_heads = get("attention.head_count"), get("attention.head_count_kv")
    ctx = min(n_ctx, get("context_length") or n_ctx)
    if layers and width and heads:
        kv_width = width * (kv_heads or heads) // heads
        kv_cache = 2 * layers * ctx * kv_width * 2
    else:
        kv_cache = 512 << 20
    return int(file_size * 1.2) + kv_cache


# --- describing and finding files ----------------------------------------------------------------

def _split_parts(path: Path) -> tuple[int, list[Path]] | None:
    """(this part's number, all part paths) for ``x-0000k-of-0000N.gguf``; None if not split."""
    m = _SPLIT.match(path.name)
    if not m:
        return None
    count, width = int(m["count"]), len(m["part"])
    names = [f"{m['stem']}-{k:0{width}d}-of-{m['count']}.gguf" for k in range(1, count + 1)]
    return int(m["part"]), [path.with_name(n) for n in names]


def describe(path: str | os.PathLike[str], name: str | None = None, source: str = "folder",
             free_memory: int | None = None, n_ctx: int = DEFAULT_N_CTX) -> ModelInfo:
    """The facts about one model file; problems go into ``error``, never raised.

    Args:
        path: the GGUF file (for a split model, its first part).
        name: the name to show (default: the file name).
        source: where it was found (``lmstudio``, ``ollama``, ``folder``, ...).
        free_memory: bytes available, for ``fits``; measured when None.
        n_ctx: the context size Lodger will load it with, for the memory estimate.
    """
    p = Path(path)
    info = ModelInfo(name=name or p.name, path=str(p), source=source)
    try:
        info.size_bytes = p.stat().st_size
        split = _split_parts(p)
        if split is not None:
            missing = [q.name for q in split[1] if not q.is_file()]
            if missing:
                info.error = (f"part of a model split in {len(split[1])} files; missing: "
                              f"{', '.join(missing[:3])}{' ...' if len(missing) > 3 else ''}")
                return info
            info.size_bytes = sum(q.stat().st_size for q in split[1])
        meta, n_params = read_gguf_header(p)
        for part in split[1][1:] if split is not None else []:
            n_params += read_gguf_header(part)[1]  # each part lists only its own tensors
    except GGUFHeaderError as exc:
        info.error = str(exc)
        return info
    except OSError as exc:
        info.error = f"cannot read the file ({exc.strerror or exc})"
        return info
    arch = meta.get("general.architecture")
    info.architecture = arch if isinstance(arch, str) else None
    info.quantization = quantization_name(meta.get("general.file_type"),
                                          p.name if name is None else f"{name} {p.name}")
    info.n_params = n_params or None
    label = meta.get("general.size_label")
    info.size_label = label if isinstance(label, str) else None
    ctx = meta.get(f"{arch}.context_length") if arch else None
    info.context_length = int(ctx) if isinstance(ctx, int) else None
    info.memory_needed = memory_needed(info.size_bytes, meta, n_ctx)
    free = available_memory() if free_memory is None else free_memory
    info.fits = None if free is None else info.memory_needed <= free
    if info.architecture in NOT_CHAT:
        info.error = f"{NOT_CHAT[info.architecture]} ({info.architecture}), not a chat model"
    elif info.architecture is None:
        info.error = "the GGUF header names no architecture"
    return info


def _gguf_files(root: Path, max_depth: int = 6) -> Iterator[Path]:
    """GGUF files under ``root`` (any case of the suffix), skipping hidden folders."""
    if not root.is_dir():
        return
    base_depth = len(root.parts)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        if len(Path(dirpath).parts) - base_depth >= max_depth:
            dirnames[:] = []
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            if fn.lower().endswith(".gguf"):
                yield Path(dirpath) / fn


def ollama_models(root: Path) -> Iterator[tuple[str, Path | None, str | None]]:
    """(``model:tag`` name, blob path, error) for each Ollama manifest under ``root/manifests``.

    The layout is ``manifests/<registry>/<namespace>/<model>/<tag>``; the default registry and the
    ``library`` namespace are left out of the name, as ``ollama list`` does.
    """
    manifests = root / "manifests"
    if not manifests.is_dir():
        return
    for manifest in sorted(p for p in manifests.glob("*/*/*/*") if p.is_file()):
        host, ns, model, tag = manifest.relative_to(manifests).parts
        name = f"{model}:{tag}"
        if ns != "library":
            name = f"{ns}/{name}"
        if host != "registry.ollama.ai":
            name = f"{host}/{name}"
        try:
            layers = json.loads(manifest.read_text(encoding="utf-8")).get("layers", [])
            digest = next(la["digest"] for la in layers if la.get("mediaType") == OLLAMA_MODEL_LAYER)
        except (OSError, ValueError, AttributeError, KeyError, TypeError, StopIteration):
            yield name, None, f"unreadable Ollama manifest {manifest}"
            continue
        blob = root / "blobs" / str(digest).replace(":", "-", 1)
        yield name, blob, None if blob.is_file() else f"the model blob {blob.name} is missing"


def _hf_hub_cache(env: dict[str, str], home: Path) -> Path:
    if env.get("HF_HUB_CACHE"):
        return Path(env["HF_HUB_CACHE"]).expanduser()
    if env.get("HF_HOME"):
        return Path(env["HF_HOME"]).expanduser() / "hub"
    return home / ".cache" / "huggingface" / "hub"


def _lmstudio_download_folders(home: Path) -> list[Path]:
    """LM Studio's models folder when the user moved it (``downloadsFolder`` in its settings)."""
    found = []
    for settings in (home / ".lmstudio" / "settings.json",
                     home / ".cache" / "lm-studio" / "settings.json"):
        try:
            data = json.loads(settings.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        folder = data.get("downloadsFolder") if isinstance(data, dict) else None
        if isinstance(folder, str) and folder.strip():
            found.append(Path(folder).expanduser())
    return found


def default_roots(data_dir: Path | None = None, home: Path | None = None,
                  env: dict[str, str] | None = None,
                  system: str | None = None) -> list[tuple[str, Path]]:
    """(source, folder) pairs where other apps keep GGUF files; a folder may appear twice.

    Args:
        data_dir: Lodger's data dir (its ``models`` folder comes first).
        home: the user's home (default: ``Path.home()``; tests pass a fake one).
        env: the environment (default: ``os.environ``).
        system: ``sys.platform`` (default: this one), for Ollama's system-wide Linux service.
    """
    home = home or Path.home()
    env = dict(os.environ) if env is None else env
    system = sys.platform if system is None else system
    roots: list[tuple[str, Path]] = []
    if data_dir is not None:
        roots.append(("lodger", Path(data_dir) / "models"))
    roots += [("lmstudio", home / ".lmstudio" / "models"),
              ("lmstudio", home / ".cache" / "lm-studio" / "models")]
    roots += [("lmstudio", p) for p in _lmstudio_download_folders(home)]
    roots += [("gpt4all", home / ".local" / "share" / "nomic.ai" / "GPT4All"),
              ("gpt4all", home / "Library" / "Application Support" / "nomic.ai" / "GPT4All"),
              ("gpt4all", home / ".cache" / "gpt4all")]  # the gpt4all Python package
    if env.get("LOCALAPPDATA"):
        roots.append(("gpt4all", Path(env["LOCALAPPDATA"]) / "nomic.ai" / "GPT4All"))
    roots.append(("ollama", Path(env["OLLAMA_MODELS"]).expanduser() if env.get("OLLAMA_MODELS")
                  else home / ".ollama" / "models"))
    if system.startswith("linux"):  # Ollama's install script runs it as the 'ollama' user
        roots.append(("ollama", Path("/usr/share/ollama/.ollama/models")))
    roots.append(("huggingface", _hf_hub_cache(env, home)))
    return roots


def find_models(data_dir: Path | None = None, extra_dirs: Iterable[str | os.PathLike[str]] = (),
                roots: list[tuple[str, Path]] | None = None, include_default: bool = True,
                free_memory: int | None = None, n_ctx: int = DEFAULT_N_CTX) -> list[ModelInfo]:
    """Every GGUF model on disk, each file once (the first source that names it wins).

    Reads only file headers (milliseconds a file), but walks folders: call it off the GUI thread.

    Args:
        data_dir: Lodger's data dir; its ``models`` folder is searched first.
        extra_dirs: folders the user chose (searched six levels deep).
        roots: (source, folder) pairs replacing ``default_roots`` (tests pass temporary dirs).
        include_default: list the bundled default model too (source ``bundled``, first).
        free_memory: bytes available, for ``fits``; measured when None.
        n_ctx: the context size models will be loaded with, for the memory estimate.

    Returns:
        The models in search order: bundled, Lodger's, other apps', then the chosen folders.
        Unusable files are included with ``error`` set.
    """
    free = available_memory() if free_memory is None else free_memory
    roots = default_roots(data_dir) if roots is None else list(roots)
    roots += [("folder", Path(d).expanduser()) for d in extra_dirs]
    found: list[ModelInfo] = []
    seen: set[str] = set()

    def add(path: Path, name: str, source: str) -> None:
        split = _split_parts(path)
        if split is not None and split[0] != 1:
            return  # listed through its first part
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.append(describe(path, name, source, free_memory=free or 0, n_ctx=n_ctx))

    if include_default:
        try:
            default = Path(default_model_path())
            add(default, default.name, "bundled")
        except ModelError:
            pass
    searched: set[str] = set()
    for source, root in roots:
        real = os.path.realpath(root)
        if real in searched:
            continue
        searched.add(real)
        if source == "ollama":
            for name, blob, error in ollama_models(root):
                if blob is None or error:
                    found.append(ModelInfo(name=name, path=str(blob or root), source=source,
                                           error=error))
                else:
                    add(blob, name, source)
        elif source == "huggingface":
            for path in sorted(root.glob("models--*/snapshots/*/**/*.gguf")):
                repo = path.relative_to(root).parts[0].removeprefix("models--").replace("--", "/")
                add(path, f"{repo}/{path.name}", source)
        else:
            for path in _gguf_files(root):
                add(path, path.name, source)
    if free is None:
        for info in found:
            info.fits = None
    return found


# --- switching -----------------------------------------------------------------------------------

def switch_model(answerer: Any, path: str, load: bool = True,
                 options: ModelOptions | None = None) -> LlamaChatModel:
    """Give ``answerer`` the model in ``path``, closing its current model first.

    Two models are never in memory together: the old one is closed (its llama.cpp model and
    context freed) before the new weights are mapped. The new model keeps the old one's options
    (context size, threads, GPU layers) unless ``options`` is given. When the new file cannot be
    loaded the old model stays on the answerer (closed; it reloads on its next use) and the error
    is raised.

    Args:
        answerer: anything with an ``llm`` attribute (``engine.answer.Answerer``).
        path: the GGUF file; "" means the bundled default model.
        load: load the weights now, so that a file llama.cpp cannot read fails here.
        options: loading options for the new model (its ``path`` is replaced by ``path``).

    Raises:
        ModelError: the file is missing, not GGUF, cut short, not a chat model (these before the
            current model is touched), or llama.cpp cannot load it.
    """
    path = path or default_model_path()
    check_gguf(path)
    problem = describe(path, free_memory=0).error  # truncated, an embedding model, ...
    if problem:
        raise ModelError(f"{path}: {problem}")
    old = getattr(answerer, "llm", None)
    base = options or (old.options if isinstance(old, LlamaChatModel) else ModelOptions())
    new = LlamaChatModel(dataclasses.replace(base, path=path))
    if old is not None:
        old.close()  # free its memory before the new weights are mapped
    if load:
        try:
            new.count_tokens("x")  # loads the weights now, so a bad file fails here
        except ModelError:
            new.close()
            raise
    answerer.llm = new
    return new
