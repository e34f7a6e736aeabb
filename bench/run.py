"""All of Lodger's benchmarks in one go: one table, one JSON file (``make bench``).

Usage: python bench/run.py [--quick] [--only a,b] [--skip a,b] [--openvino-python PATH]
                           [--timeout S]

Parts (each runs in its own process, so that memory readings and thread pools do not leak from
one into the next; each writes bench/results/<part>.json):
  embed      embedding backends: chunks/s, cosine to torch, demo recall (bench/embed.py)
  index      indexing the Enron mail: messages/s, chunks/s, embedder share, re-run (bench/index.py)
  freshness  save a note -> answerable, through the watcher (bench/freshness.py)
  ask        Retriever.search p50/p95 at 10k and 100k chunks (bench/ask.py)
  llm        ask vs raw llama-cpp-python: time to first token, tokens/s (bench/llm.py)
  memory     RSS idle and with the model loaded (bench/memory.py)
  gui        first paint, GUI stalls, quick-ask latency (bench/gui.py; "n/a" when absent)
  scale      indexing ~100k chunks: peak RSS, then query p95 (bench/scale.py)
``--quick`` runs every part small (a few minutes in all). The summary goes to
bench/results/bench-<time>.json and bench/results/latest.json. Prints figures; asserts nothing:
the figures are judged by people, with the machine's load shown next to them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, ROOT, load_average, machine  # noqa: E402

PARTS = ["embed", "index", "freshness", "ask", "llm", "memory", "gui", "scale"]
QUICK = {"embed": ["--quick"], "index": ["--quick"], "freshness": ["--runs", "3"],
         "ask": ["--quick"], "llm": ["--quick"], "memory": [], "gui": ["--runs", "2"],
         "scale": ["--quick"]}


def run_part(part: str, quick: bool, extra: list[str], timeout: float) -> dict[str, Any]:
    script = ROOT / "bench" / f"{part}.py"
    if not script.exists():
        return {"part": part, "missing": True}
    out = RESULTS / f"{part}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, str(script), *(QUICK[part] if quick else []), *extra, "--json", str(out)]
    load0 = load_average()
    t0 = time.perf_counter()
    print(f"== {part}: {' '.join(cmd[1:])}", flush=True)
    try:
        done = subprocess.run(cmd, cwd=ROOT, timeout=timeout, capture_output=True, text=True)
        tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
        ok = done.returncode == 0 and out.exists()
    except subprocess.TimeoutExpired:
        ok, tail = False, [f"timed out after {timeout:.0f} s"]
    wall = time.perf_counter() - t0
    res: dict[str, Any] = json.loads(out.read_text()) if ok else {"part": part, "error": tail}
    res["_wall_s"], res["_load_before"], res["_load_after"] = round(wall, 1), load0, load_average()
    print(f"   {'done' if ok else 'FAILED'} in {wall:.0f} s" + ("" if ok else f": {tail}"),
          flush=True)
    return res


def _g(d: dict | None, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def rows_for(part: str, r: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """(figure, value, goal) rows of one part's result."""
    if r.get("missing"):
        return [(f"{part}: not available", "n/a", "")]
    if "error" in r:
        return [(f"{part}: failed", " / ".join(map(str, r["error"]))[:90], "")]
    if part == "embed":
        out = []
        best: dict[str, dict] = {}
        for row in r["rows"]:
            if "chunks_per_s" in row and row["chunks_per_s"] > best.get(
                    row["backend"], {}).get("chunks_per_s", -1):
                best[row["backend"]] = row
        for name, row in best.items():
            q = f"cos min {row['cos_min']}, recall {row.get('recall', '-')}"
            out.append((f"embed {name} (batch {row['batch']})",
                        f"{row['chunks_per_s']} chunks/s = {row['x_torch']}x torch; {q}",
                        ">= 3x torch, cos >= 0.98" if name == "onnx-int8 (default)" else ""))
        return out
    if part == "index":
        return [("index Enron: messages/s", f"{r['messages_per_s']} ({r['messages']} msgs)", ""),
                ("index Enron: chunks/s", f"{r['chunks_per_s']} ({r['chunks']} chunks)", ""),
                ("index: embedder share of wall time",
                 f"{r['embed_share']} (wall/embed {r['wall_over_embed']}, {r['backend']})",
                 "wall <= 1.2x embed"),
                ("index: unchanged re-run", f"{r['rerun_s']} s", ""),
                ("index: peak RSS", f"{r['peak_rss_mb']} MB", "")]
    if part == "freshness":
        return [("save note -> answerable (median/max)",
                 f"{r['median_s']} / {r['max_s']} s (debounce {r['quiet_seconds']} s, "
                 f"{r['found']}/{r['runs']} found)", "")]
    if part == "ask":
        out = []
        for size, m in r["sizes"].items():
            out.append((f"search p50/p95 at {int(size):,} chunks",
                        f"{m['search']['p50_ms']} / {m['search']['p95_ms']} ms "
                        f"(query embedding p50 {m['query_embed']['p50_ms']} ms; without it "
                        f"p95 {m['search_without_embed']['p95_ms']} ms; recall "
                        f"{m['demo_recall_top5']})", "p95 <= 50 ms"))
        return out
    if part == "llm":
        return [("ask TTFT cold: lodger / raw",
                 f"{r['cold_ttft_lodger_s']} / {r['cold_ttft_raw_s']} s "
                 f"({r['cold_ttft_overhead_pct']} %, {r['prompt_tokens_approx']} prompt tokens)",
                 "< 5 % overhead"),
                ("ask tokens/s: lodger / raw",
                 f"{r['tok_per_s_lodger']} / {r['tok_per_s_raw']} (ratio {r['tok_per_s_ratio']})",
                 "ratio > 0.95"),
                ("ask TTFT, system prompt cached: lodger / raw",
                 f"{r['cached_ttft_lodger_s']} / {r['cached_ttft_raw_s']} s "
                 f"({r['system_prompt_tokens']} tokens cached)", "< 0.3 s"),
                ("ask TTFT, same question again (whole prompt cached)",
                 f"{r.get('repeat_ttft_lodger_s')} s", "< 0.3 s")]
    if part == "memory":
        return [("RSS idle (workspace, embedder loaded)", f"{r['idle_mb']} MB ({r['backend']})", ""),
                ("RSS with the model loaded", f"{r['with_model_mb']} MB", "")]
    if part == "gui":
        return [("GUI first paint (median)", f"{r.get('first_paint_median_s')} s", "<= 1.5 s"),
                ("GUI stall while indexing (max)", f"{r.get('stall_indexing_max_ms')} ms",
                 "<= 100 ms"),
                ("quick-ask popup (median)", f"{r.get('quick_ask_median_ms')} ms", "<= 150 ms")]
    if part == "scale":
        return [(f"scale: index {r['chunks']:,} chunks ({r['embedder']})",
                 f"{r['index_s']} s, {r['chunks_per_s']} chunks/s", ""),
                ("scale: peak RSS while indexing",
                 f"{r['peak_rss_mb']} MB (before {r['rss_before_mb']} MB; by chunks "
                 f"{r['rss_by_chunks'][-3:]})", "bounded"),
                (f"scale: search p50/p95 at {r['chunks']:,} chunks",
                 f"{r['search']['p50_ms']} / {r['search']['p95_ms']} ms", "p95 <= 50 ms")]
    return []


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated parts")
    ap.add_argument("--skip", default="", help="comma-separated parts")
    ap.add_argument("--openvino-python", default=None, metavar="PATH",
                    help="an interpreter with openvino, for the embed part")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per part")
    args = ap.parse_args()
    parts = [p for p in (args.only.split(",") if args.only else PARTS)
             if p and p not in args.skip.split(",")]
    RESULTS.mkdir(parents=True, exist_ok=True)
    start = time.time()
    results: dict[str, Any] = {}
    for part in parts:
        extra = ["--openvino-python", args.openvino_python] if (
            part == "embed" and args.openvino_python) else []
        results[part] = run_part(part, args.quick, extra, args.timeout)
    table = [(f, v, g) for part in parts for f, v, g in rows_for(part, results[part])]
    width = max((len(f) for f, _, _ in table), default=10)
    print()
    print(f"Lodger benchmarks{' (quick)' if args.quick else ''}: {machine()['cpus']} CPUs, "
          f"load {results and min(r.get('_load_before') or 0 for r in results.values())}"
          f"-{results and max(r.get('_load_after') or 0 for r in results.values())} "
          f"(1-min average; figures from a busy machine are slow and noisy)")
    print(f"{'figure':<{width}}  {'value':<60}  goal")
    for f, v, g in table:
        print(f"{f:<{width}}  {str(v):<60}  {g}")
    summary = {"started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(start)),
               "quick": args.quick, "machine": machine(),
               "total_s": round(time.time() - start, 1), "parts": results,
               "table": [{"figure": f, "value": v, "goal": g} for f, v, g in table]}
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(start))
    for name in (f"bench-{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
    print(f"\nwritten: {RESULTS / f'bench-{stamp}.json'} ({summary['total_s']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
