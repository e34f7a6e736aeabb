"""``ask`` against raw llama-cpp-python: time to first token and tokens/s on the same model and
prompt, and the time to first token with the prompt prefix cached.

Usage: python bench/llm.py [--runs N] [--quick] [--json OUT]

A recall question over the demo data goes through ``Answerer.ask`` with the default model
(SmolLM2 GGUF, engine/llm.py) and the size threshold lowered so that the model phrases the answer.
The messages Lodger sends are recorded and replayed on a separate, plain ``llama_cpp.Llama`` with
the same file, context size, threads, seed and sampling settings. Lodger's time to first token is
measured from the ``ask`` call (question understanding and retrieval included); the raw one from
the ``create_chat_completion`` call. "Cold" runs clear both KV caches first (``Llama.reset``);
"cached" runs ask other questions after the system prompt was evaluated (``warm_up``), as the
app does, so only the question's part of the prompt (its sources and the question, most of it)
is new; ``system_prompt_tokens`` against ``prompt_tokens_approx`` shows how much was cached.
Goals: overhead under 5 %, cached time to first token under 0.3 s. Prints figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEMO, emit, machine, seed_data_dir  # noqa: E402

from engine.answer import SYSTEM_PROMPT  # noqa: E402
from engine.session import make_answerer  # noqa: E402
from indexing.workspace import Workspace  # noqa: E402
from tests.engine.test_demo_questions import NOW, ZONE  # noqa: E402

QUESTIONS = [
    "What did Tom say about the contract?",
    "What did Maria want for the garden?",
    "What were the soil test results?",
    "What should I bring to Lena's dinner?",
    "Why did I cancel the site visit?",
]


def lodger_run(answerer, question: str) -> tuple[dict, list]:  # noqa: ANN001
    """One answer through Lodger: (timing, the messages it sent to the model)."""
    sent: list = []
    llm = answerer.llm
    original = llm.stream

    def recording(messages, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        sent.append(messages)
        return original(messages, *a, **k)

    llm.stream = recording
    try:
        t0 = time.perf_counter()
        first = last = None
        final = None
        for event in answerer.ask(question, NOW):
            if isinstance(event, str):
                last = time.perf_counter()
                first = first or last
            else:
                final = event
    finally:
        del llm.stream
    tokens = final.timings.get("tokens", 0) if final is not None else 0
    return _timing(t0, first, last, tokens), sent[-1] if sent else []


def raw_run(llama, messages: list, opts) -> dict:  # noqa: ANN001
    """The same messages on a plain llama_cpp.Llama."""
    t0 = time.perf_counter()
    first = last = None
    tokens = 0
    for chunk in llama.create_chat_completion(messages=messages, max_tokens=256, stream=True,
                                              temperature=opts.temperature, top_p=0.9,
                                              repeat_penalty=1.1):
        if chunk["choices"][0].get("delta", {}).get("content"):
            last = time.perf_counter()
            first = first or last
            tokens += 1
    return _timing(t0, first, last, tokens)


def _timing(t0: float, first: float | None, last: float | None, tokens: int) -> dict:
    ttft = round(first - t0, 4) if first else None
    rate = (round((tokens - 1) / (last - first), 1)
            if first and last and last > first and tokens > 1 else None)
    return {"ttft_s": ttft, "tokens": tokens, "tok_per_s": rate}


def _median(rows: list[dict], key: str) -> float | None:
    vals = [r[key] for r in rows if r.get(key) is not None]
    return round(statistics.median(vals), 3) if vals else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="cold runs per side")
    ap.add_argument("--quick", action="store_true", help="2 cold runs, 3 cached questions")
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--json", default=None, metavar="OUT")
    args = ap.parse_args()
    runs, cached_qs = (2, QUESTIONS[1:4]) if args.quick else (args.runs, QUESTIONS[1:])
    tmp = Path(tempfile.mkdtemp(prefix="lodger-bench-llm-"))
    try:
        seed_data_dir(tmp / "data", args.embedder)
        ws = Workspace.open(tmp / "data", embedder=args.embedder, check=False)
        shutil.copytree(DEMO, tmp / "demo")
        ws.indexer().index([str(tmp / "demo")])
        ws.remember([str(tmp / "demo")])
        answerer, warning = make_answerer(ws, ZONE, use_llm=True)
        if answerer.llm is None:
            emit({"part": "llm", "error": warning}, args.json)
            return 0
        answerer.min_params = 0  # let the small default model phrase recall answers
        t0 = time.perf_counter()
        mine = answerer.llm._load()
        load_s = time.perf_counter() - t0
        from llama_cpp import Llama

        opts = answerer.llm.options
        raw = Llama(model_path=answerer.llm.path, n_ctx=mine.n_ctx(), n_threads=mine.n_threads,
                    n_gpu_layers=0, seed=opts.seed, verbose=False)
        _, messages = lodger_run(answerer, QUESTIONS[0])  # warm both once: page cache, allocs
        raw_run(raw, messages, opts)
        prompt_tokens = len(mine.tokenize(
            "".join(m["content"] for m in messages).encode(), add_bos=False, special=True))
        system_tokens = len(mine.tokenize(SYSTEM_PROMPT.encode(), add_bos=False, special=True))
        cold_l, cold_r = [], []
        for _ in range(runs):  # interleaved, so that a busy machine slows both alike
            mine.reset()
            timing, messages = lodger_run(answerer, QUESTIONS[0])
            cold_l.append(timing)
            raw.reset()
            cold_r.append(raw_run(raw, messages, opts))
        cached_l, cached_r = [], []
        for q in cached_qs:  # each side: system prompt evaluated, then the question
            answerer.llm.warm_up(SYSTEM_PROMPT)
            timing, messages = lodger_run(answerer, q)
            cached_l.append(timing)
            raw_run(raw, [{"role": "system", "content": SYSTEM_PROMPT},
                          {"role": "user", "content": "Hi"}], opts)
            cached_r.append(raw_run(raw, messages, opts))
        # The same question again (a re-asked or regenerated answer): the whole prompt is the
        # cached prefix, so this shows what prefix reuse saves when it applies in full.
        repeat_l = [lodger_run(answerer, cached_qs[-1])[0] for _ in range(2)]
        model = Path(answerer.llm.path).name
        raw.close()
        answerer.llm.close()
        ws.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res = {"part": "llm", "machine": machine(), "model": model, "load_s": round(load_s, 2),
           "prompt_tokens_approx": prompt_tokens, "system_prompt_tokens": system_tokens,
           "cold_ttft_lodger_s": _median(cold_l, "ttft_s"),
           "cold_ttft_raw_s": _median(cold_r, "ttft_s"),
           "tok_per_s_lodger": _median(cold_l + cached_l, "tok_per_s"),
           "tok_per_s_raw": _median(cold_r + cached_r, "tok_per_s"),
           "cached_ttft_lodger_s": _median(cached_l, "ttft_s"),
           "cached_ttft_raw_s": _median(cached_r, "ttft_s"),
           "repeat_ttft_lodger_s": _median(repeat_l, "ttft_s")}
    for key in ("cold_ttft", "cached_ttft"):
        a, b = res[f"{key}_lodger_s"], res[f"{key}_raw_s"]
        res[f"{key}_overhead_pct"] = round(100 * (a / b - 1), 1) if a and b else None
    a, b = res["tok_per_s_lodger"], res["tok_per_s_raw"]
    res["tok_per_s_ratio"] = round(a / b, 3) if a and b else None
    res["runs"] = {"cold_lodger": cold_l, "cold_raw": cold_r, "cached_lodger": cached_l,
                   "cached_raw": cached_r, "repeat_lodger": repeat_l}
    emit(res, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
