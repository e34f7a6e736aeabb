"""Evaluation, apart from the tests: how often Lodger is right on questions its rules were not
written for.

    .venv/bin/python eval/run.py                 # everything below
    .venv/bin/python eval/run.py --only intents  # the intent dev set alone (seconds)
    .venv/bin/python eval/run.py --only personas --save eval/results/latest.json

It prints
  * the intent classifier on ``eval/intents_dev.txt`` (held-out questions written apart from the
    training examples): accuracy per label and a confusion table;
  * each persona's questions answered in-process exactly as ``lodger ask --json --no-llm`` answers
    them, graded by ``tests/acceptance_data/run_eval.py``'s rules (schedule and to-do: the exact
    sets; recall: the expected document in the top five; people: the expected strings in the
    answer; unanswerable: a "not found"), per category;
  * the paraphrases of ``eval/paraphrases/`` (three per original question, written by someone who
    had not read ``engine/``) on the same index, and their accuracy as a share of the originals';
  * a confusion table of the intent each category's questions got.

Personas: ``tests/acceptance_data/{nora,tahlia}`` (the team's own acceptance sets) and every
``eval/personas/<name>.questions.json`` with its folder ``eval/personas/<name>/`` (held out: their
failures are not read while the engine is being changed). Each persona's files are copied with the
modification time they would have on the persona's machine (12 hours before its "now").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "acceptance_data"))

import run_eval  # noqa: E402

from engine.session import make_answerer, parse_now, resolve_zone  # noqa: E402
from indexing.workspace import Workspace  # noqa: E402

EVAL = ROOT / "eval"
ACCEPTANCE = ROOT / "tests" / "acceptance_data"
CATEGORIES = ("schedule", "todo", "recall", "people", "unanswerable")


def personas() -> list[tuple[str, Path, Path]]:
    """(name, questions file, data folder) of every persona that has both."""
    found = [(n, ACCEPTANCE / f"{n}.questions.json", ACCEPTANCE / n) for n in ("nora", "tahlia")]
    for spec in sorted((EVAL / "personas").glob("*.questions.json")):
        name = spec.name.removesuffix(".questions.json")
        found.append((name, spec, EVAL / "personas" / name))
    return [(n, s, d) for n, s, d in found if s.is_file() and d.is_dir()]


def index_persona(name: str, spec: dict[str, Any], data: Path, tmp: Path) -> Workspace:
    """The persona's files copied with their machine's modification times, indexed with MiniLM."""
    folder = tmp / name
    shutil.copytree(data, folder)
    saved = (parse_now(spec["now"], resolve_zone(spec["tz"])) - timedelta(hours=12)).timestamp()
    for path in folder.rglob("*"):
        os.utime(path, (saved, saved), follow_symlinks=False)
    ws = Workspace.open(tmp / f"{name}-data", embedder="minilm")
    ws.indexer().index([str(folder)])
    ws.remember([str(folder)])
    return ws


def answer_all(ws: Workspace, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every question of ``spec`` answered and graded."""
    zone = resolve_zone(spec["tz"])
    answerer, _ = make_answerer(ws, zone, use_llm=False)
    out = []
    for q in spec["questions"]:
        now = parse_now(q.get("now", spec["now"]), resolve_zone(q.get("tz", spec["tz"])))
        res = answerer.answer(q["q"], now, use_llm=False).to_json()
        out.append({"id": q["id"], "q": q["q"], "category": q["category"],
                    "intent": res.get("intent"), "grade": run_eval.grade(q, res), "res": res})
    return out


def tally(results: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """(passed, asked) per category and overall."""
    c: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        for key in (r["category"], "all"):
            c[key]["n"] += 1
            c[key]["ok"] += int(bool(r["grade"]["ok"]))
    return {k: (v["ok"], v["n"]) for k, v in c.items()}


def _cell(t: dict[str, tuple[int, int]], key: str) -> str:
    if key not in t:
        return "-"
    ok, n = t[key]
    return f"{ok}/{n} ({100 * ok / n:.0f}%)"


def print_table(rows: list[tuple[str, dict[str, tuple[int, int]]]]) -> None:
    head = ["set", *CATEGORIES, "all"]
    lines = [head] + [[name, *(_cell(t, k) for k in (*CATEGORIES, "all"))] for name, t in rows]
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    for row in lines:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


def confusion(pairs: list[tuple[str, str]], rows: tuple[str, ...], cols: tuple[str, ...]) -> None:
    """Counts of (expected, got) pairs as a table, expected down, got across."""
    c = Counter(pairs)
    print("expected \\ got".ljust(16) + "".join(col[:8].rjust(9) for col in cols))
    for r in rows:
        if any(c[(r, col)] for col in cols):
            print(r.ljust(16) + "".join(str(c[(r, col)] or ".").rjust(9) for col in cols))


def run_intents() -> dict[str, Any]:
    from engine.intent import LABELS, default_classifier, read_examples

    dev = EVAL / "intents_dev.txt"
    pairs = read_examples(dev)
    clf = default_classifier()
    t0 = time.perf_counter()
    probs = clf.probabilities([q for _, q in pairs])
    ms = (time.perf_counter() - t0) * 1000 / max(1, len(pairs))
    got = [LABELS[int(i)] for i in probs.argmax(axis=1)]
    per: dict[str, Counter[str]] = defaultdict(Counter)
    wrong = []
    for (label, q), g in zip(pairs, got, strict=True):
        per[label]["n"] += 1
        per[label]["ok"] += int(g == label)
        if g != label:
            wrong.append((label, g, q))
    total = sum(v["ok"] for v in per.values())
    print(f"== intent classifier on {dev.relative_to(ROOT)}: {total}/{len(pairs)} "
          f"({100 * total / len(pairs):.1f}%), {ms:.1f} ms per question")
    for label in LABELS:
        if per[label]["n"]:
            print(f"  {label:9s} {per[label]['ok']}/{per[label]['n']}")
    confusion([(lab, g) for (lab, _), g in zip(pairs, got, strict=True)], LABELS, LABELS)
    return {"accuracy": total / len(pairs), "n": len(pairs), "wrong": wrong}


def run_personas(show_failures: set[str], only: set[str] | None = None) -> dict[str, Any]:
    rows, para_rows, report = [], [], {}
    intent_pairs: list[tuple[str, str]] = []
    tmp = Path(tempfile.mkdtemp(prefix="lodger-eval-"))
    try:
        for name, spec_path, data in personas():
            if only and name not in only:
                continue
            spec = json.loads(spec_path.read_text(encoding="utf-8"))
            t0 = time.perf_counter()
            ws = index_persona(name, spec, data, tmp)
            try:
                results = answer_all(ws, spec)
                rows.append((name, tally(results)))
                intent_pairs += [(r["category"], str(r["intent"])) for r in results]
                report[name] = results
                para = EVAL / "paraphrases" / f"{name}.questions.json"
                if para.is_file():
                    pspec = json.loads(para.read_text(encoding="utf-8"))
                    presults = answer_all(ws, pspec)
                    para_rows.append((f"{name} paraphrases", tally(presults)))
                    intent_pairs += [(r["category"], str(r["intent"])) for r in presults]
                    report[f"{name}.paraphrases"] = presults
            finally:
                ws.close()
            print(f"   ({name}: {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n== personas (lodger ask --json --no-llm, in-process)")
    print_table(rows + para_rows)
    for prow in para_rows:
        base = dict(rows)[prow[0].removesuffix(" paraphrases")]
        ok_o, n_o = base["all"]
        ok_p, n_p = prow[1]["all"]
        if ok_o:
            print(f"  {prow[0]}: {100 * (ok_p / n_p) / (ok_o / n_o):.0f}% of the originals' "
                  "accuracy")
    print("\n== intent given to each category's questions (personas and paraphrases)")
    confusion(intent_pairs, CATEGORIES, ("schedule", "todo", "recall", "people", "brief", "general"))
    for key, results in report.items():
        if key.split(".")[0] not in show_failures:
            continue
        for r in results:
            if not r["grade"]["ok"]:
                g = {k: v for k, v in r["grade"].items() if v and k not in ("ok",)}
                print(f"FAIL {key} {r['id']} [{r['category']}/{r['intent']}] {r['q']!r} {g}")
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["intents", "personas"], default=None)
    ap.add_argument("--failures", default="nora,tahlia",
                    help="personas whose failures are printed (default: the team's own; "
                         "held-out personas are scored only)")
    ap.add_argument("--personas", help="comma-separated persona names (default: all)")
    ap.add_argument("--save", help="write every answer and grade to this JSON file")
    args = ap.parse_args()
    out: dict[str, Any] = {}
    if args.only in (None, "intents"):
        out["intents"] = run_intents()
    if args.only in (None, "personas"):
        only = set(filter(None, (args.personas or "").split(","))) or None
        out["personas"] = run_personas(set(filter(None, args.failures.split(","))), only)
    if args.save:
        Path(args.save).parent.mkdir(parents=True, exist_ok=True)
        Path(args.save).write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
