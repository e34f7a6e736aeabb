"""Shared helpers for the benchmarks: paths, realistic texts, memory readings, JSON output.

Benchmarks print figures and write JSON; they assert nothing (speed is judged by people reading
the table, never by a timed test). Every script can run alone (``python bench/<name>.py``) or be
driven by ``bench/run.py``, which runs each one in its own process so that memory readings and
thread pools do not leak from one part into the next.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.helpers.realdata import REALDATA  # noqa: E402

ENRON = REALDATA / "enron" / "maildir"
RESULTS = ROOT / "bench" / "results"
DEMO = ROOT / "assets" / "demo"

for _k, _v in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"),
               ("ANONYMIZED_TELEMETRY", "False"), ("TOKENIZERS_PARALLELISM", "false")):
    os.environ.setdefault(_k, _v)


def rss_mb() -> float:
    """Resident memory of this process now, in MiB (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (Linux >= 4.0: write 5 to clear_refs); True if it worked."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def hwm_mb() -> float:
    """Peak RSS since the last ``reset_peak_rss`` (VmHWM), in MiB; the process peak elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def summary_ms(samples_s: list[float]) -> dict[str, float]:
    """p50/p95/mean/max of durations given in seconds, in milliseconds."""
    ms = [x * 1000 for x in samples_s]
    return {"p50_ms": round(percentile(ms, 50), 2), "p95_ms": round(percentile(ms, 95), 2),
            "mean_ms": round(statistics.fmean(ms), 2) if ms else 0.0,
            "max_ms": round(max(ms), 2) if ms else 0.0, "n": len(ms)}


@contextmanager
def timer() -> Iterator[list[float]]:
    """``with timer() as t: ...`` then ``t[0]`` is the elapsed seconds."""
    box: list[float] = []
    t0 = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - t0)


def load_average() -> float | None:
    """The one-minute load average (how busy the machine was), None where unknown."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import platform

    return {"cpus": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "load_1min": load_average()}


def enron_chunk_texts(limit: int = 400, source: Path = ENRON) -> list[str]:
    """Embedded texts of real chunks (title/sender prefix + body) from the Enron mail, in a fixed
    order: what the indexer gives the embedder, without indexing anything."""
    from indexing.chunking import chunk_document
    from indexing.mail import parse_email_file

    out: list[str] = []
    files = sorted(str(p) for p in source.rglob("*") if p.is_file())
    for path in files:
        try:
            result = parse_email_file(path)
        except Exception:  # a bench skips what the parser refuses, as the indexer does
            continue
        for doc in result.documents:
            for chunk in chunk_document(doc):
                out.append(chunk.embed_text)
                if len(out) >= limit:
                    return out
    return out


def emit(result: dict[str, Any], json_path: str | None) -> None:
    """Print ``result`` as aligned ``key  value`` lines and write it as JSON when asked."""
    width = max((len(k) for k in result), default=0)
    for k, v in result.items():
        if isinstance(v, dict | list):
            v = json.dumps(v)
        print(f"{k:<{width}}  {v}")
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(result, indent=2), encoding="utf-8")


MODEL_CACHE = RESULTS / "model-cache"


def ensure_model_cache(variant: str = "int8") -> Path:
    """The default embedder's file, made once into bench/results/model-cache by a child process
    (so that torch, needed only to make it, never inflates a benchmark's memory figures)."""
    import subprocess

    from indexing import embedder as emb

    if variant in ("int8", "fp32") and not emb._manifest_ok(emb.model_file(MODEL_CACHE, variant)):
        code = ("import sys; from indexing import embedder as e; "
                "e.OnnxEmbedder(sys.argv[1], variant=sys.argv[2]).embed_documents(['x'])")
        subprocess.run([sys.executable, "-c", code, str(MODEL_CACHE), variant], check=True,
                       cwd=ROOT)
    return MODEL_CACHE


def seed_data_dir(data_dir: Path, embedder: str) -> None:
    """Copy the made embedder file into a fresh data dir, as a second start would find it."""
    import shutil

    variant = {"minilm": "int8", "minilm-fp32": "fp32"}.get(embedder)
    if variant is None:
        return
    cache = ensure_model_cache(variant)
    target = data_dir / "embedder"
    target.mkdir(parents=True, exist_ok=True)
    for p in cache.iterdir():
        if p.is_file() and p.name.startswith(f"minilm-l6-v2-{variant}-"):
            shutil.copy2(p, target / p.name)
