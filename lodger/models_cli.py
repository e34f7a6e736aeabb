"""``lodger models``: the table of models on this computer, and downloads from the catalogue.

The finding and describing is ``engine.models``; the downloading ``engine.download``. This module
only prints: a table (or ``--json``, one object) and a progress bar on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.llm import gpu_offload_supported
from engine.models import ModelInfo, available_memory, find_models


def _size(n: int | None) -> str:
    return "?" if n is None else f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"


def _params(info: ModelInfo) -> str:
    if info.size_label:
        return info.size_label
    if not info.n_params:
        return "?"
    return f"{info.n_params / 1e9:.1f}B" if info.n_params >= 1e9 else f"{info.n_params / 1e6:.0f}M"


def format_table(models: list[ModelInfo]) -> str:
    """A plain-text table for the terminal: one row a model, its path indented below."""
    if not models:
        return "No GGUF models found."
    fits = {True: "yes", False: "no", None: "?"}
    rows = [("NAME", "SOURCE", "ARCH", "PARAMS", "QUANT", "CONTEXT", "SIZE", "NEEDS", "FITS")]
    for m in models:
        rows.append((m.name, m.source, m.architecture or "?", _params(m), m.quantization or "?",
                     str(m.context_length or "?"), _size(m.size_bytes),
                     "~" + _size(m.memory_needed) if m.memory_needed else "?", fits[m.fits]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    widths[0] = min(widths[0], 48)
    lines = ["  ".join(c.ljust(w) for c, w in zip(rows[0], widths, strict=True)).rstrip()]
    for m, row in zip(models, rows[1:], strict=True):
        if m.error:
            lines.append(f"{m.name.ljust(widths[0])}  {m.source.ljust(widths[1])}  "
                         f"unusable: {m.error}")
        else:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        lines.append(f"    {m.path}")
    return "\n".join(lines)


def run_models_command(args: argparse.Namespace) -> int:
    """``lodger models``: list the models on disk, or ``--download NAME`` from the catalogue."""
    from indexing.paths import ensure_data_dir, resolve_data_dir

    data_dir = resolve_data_dir(args.data_dir)
    if args.download:
        return _download(args.download, ensure_data_dir(data_dir) / "models")
    for folder in args.scan:
        if not Path(folder).expanduser().is_dir():
            print(f"lodger models: {folder} is not a folder; skipped", file=sys.stderr)
    models = find_models(data_dir, args.scan)
    gpu = gpu_offload_supported()
    if args.json:
        print(json.dumps({"models": [m.to_json() for m in models],
                          "available_memory": available_memory(), "gpu_offload": gpu},
                         ensure_ascii=False))
        return 0
    from engine.download import load_catalogue

    print(format_table(models))
    free = available_memory()
    print(f"\nMemory available: {_size(free)}; GPU offload: "
          f"{'yes (all layers by default)' if gpu else 'no (this llama.cpp build is CPU only)'}")
    names = ", ".join(e.name for e in load_catalogue())
    print(f"To download a recommended model: lodger models --download NAME ({names})")
    return 0


def _download(name: str, models_dir: Path) -> int:
    from tqdm import tqdm

    from engine.download import DownloadError, download_catalogue_model

    bar: tqdm | None = None

    def progress(done: int, total: int | None) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, initial=done, unit="B", unit_scale=True, unit_divisor=1024,
                       desc=name, file=sys.stderr, disable=None)
        bar.update(done - bar.n)

    try:
        path = download_catalogue_model(name, models_dir, progress=progress)
    except DownloadError as exc:
        print(f"lodger models: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nlodger models: download interrupted; run the same command again to resume",
              file=sys.stderr)
        return 130
    finally:
        if bar is not None:
            bar.close()
    print(f"Downloaded {path}\nUse it: set it as the model in Settings, or "
          f"`lodger ask --model {path} QUESTION`")
    return 0
