"""Acceptance harness: index a data set, ask every question through the real CLI, grade the answers.

Each question runs as ``lodger ask --json`` in a subprocess, exactly as a user (or a judge) would run
it. Schedule and to-do questions are graded as exact sets (every expected item present with the
right local time and offset, nothing extra except the listed optional items); recall questions by
the rank of the expected document among the sources; unanswerable ones by a "not found" answer.

Usage:
    .venv/bin/python tests/acceptance_data/run_eval.py tests/acceptance_data/nora.questions.json \
        --data tests/acceptance_data/nora [--data-dir DIR] [--no-llm] [--save out.json]
    .venv/bin/python tests/acceptance_data/run_eval.py enron.questions.json --data-dir /tmp/eval/real \
        --no-index --no-llm
    .venv/bin/python tests/acceptance_data/run_eval.py --compare a.json b.json   # same items?
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LODGER = [str(ROOT / ".venv" / "bin" / "lodger")]  # --lodger replaces it (e.g. a snapshot of HEAD)
CWD: list[str | None] = [None]  # --cwd: where Lodger runs (python -m puts the cwd first on sys.path)
NOT_FOUND = re.compile(r"couldn.t find|could not find|can.t find|no (matching|such)|nothing (about|on|matching)"  # noqa: E501
                       r"|not find anything|don.t see any|no .{0,40} (found|in your)", re.I)


# ----- running the CLI ---------------------------------------------------------------------------

def run_index(data: Path, data_dir: Path) -> tuple[str, float]:
    t0 = time.perf_counter()
    proc = subprocess.run([*LODGER, "index", str(data), "--data-dir", str(data_dir)],
                          capture_output=True, text=True, cwd=CWD[0])
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise SystemExit(f"lodger index failed ({proc.returncode}):\n{out}")
    return out, time.perf_counter() - t0


def ask(q: str, data_dir: Path, now: str, tz: str, no_llm: bool, as_json: bool = True
        ) -> tuple[dict[str, Any] | str, float, str]:
    cmd = [*LODGER, "ask", q, "--data-dir", str(data_dir), "--now", now, "--tz", tz]
    if as_json:
        cmd.append("--json")
    if no_llm:
        cmd.append("--no-llm")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=CWD[0])
    wall = time.perf_counter() - t0
    if not as_json:
        return proc.stdout, wall, proc.stderr
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1]), wall, proc.stderr
    except (ValueError, IndexError):
        why = f"rc={proc.returncode} stdout={proc.stdout[-400:]!r} stderr={proc.stderr[-800:]!r}"
        return {"error": why}, wall, proc.stderr


# ----- matching ----------------------------------------------------------------------------------

def norm_title(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).casefold()
    return re.sub(r"[^0-9a-z\u00c0-\u024f]+", "", s)


def _src(item: dict[str, Any]) -> str:
    src = item.get("source") or {}
    return f"{src.get('path', '')} {src.get('locator', '')}"


def _when(item: dict[str, Any]) -> str:
    if item.get("kind") == "event":
        return str(item.get("start"))
    bits = []
    if item.get("due"):
        bits.append(f"due {item['due']}")
    if item.get("done"):
        bits.append("done")
    return ", ".join(bits) or "-"


def describe(item: dict[str, Any]) -> str:
    src = item.get("source") or {}
    where = f"{Path(src.get('path', '')).name}:{src.get('locator', '')}"
    return f"{item.get('kind')} {item.get('title')!r} @ {_when(item)} [{where}]"


def same_start(exp: dict[str, Any], got: dict[str, Any]) -> tuple[bool, str]:
    """True when the start matches; the text says how it differs."""
    g = str(got.get("start") or "")
    if "date" in exp:
        if g == exp["date"]:
            return True, ""
        if g.startswith(exp["date"] + "T"):
            return True, "all-day event given as a datetime"
        return False, f"start {g} != {exp['date']} (all day)"
    want = datetime.fromisoformat(exp["start"])
    try:
        have = datetime.fromisoformat(g)
    except ValueError:
        return False, f"start {g!r} != {exp['start']}"
    if have.tzinfo is None:
        return False, f"start {g} has no offset (want {exp['start']})"
    if have != want:
        return False, f"start {g} != {exp['start']}"
    if have.utcoffset() != want.utcoffset():
        return False, f"same instant but offset {g} != {exp['start']}"
    return True, ""


def item_matches(exp: dict[str, Any], got: dict[str, Any]) -> tuple[bool, str]:
    """(matches identity, problem with its time/due/done or '')."""
    if "source_contains" in exp:
        return exp["source_contains"] in _src(got), ""
    if "title" in exp:
        if got.get("kind") != "event":
            return False, ""
        a, b = norm_title(exp["title"]), norm_title(str(got.get("title", "")))
        if not (a == b or (a and b and (a in b or b in a))):
            return False, ""
        ok, why = same_start(exp, got)
        return True, ("" if ok else why)
    if "match" in exp:
        if got.get("kind") != "task":
            return False, ""
        if exp["match"].casefold() not in str(got.get("title", "")).casefold():
            return False, ""
        problems = []
        dues = exp.get("due_any") or ([exp["due"]] if "due" in exp else None)
        if dues is not None and not any(str(got.get("due") or "").startswith(d) for d in dues):
            problems.append(f"due {got.get('due')} != {'/'.join(dues)}")
        if "done" in exp and bool(got.get("done")) != exp["done"]:
            problems.append(f"done={got.get('done')} (want {exp['done']})")
        return True, "; ".join(problems)
    return False, ""


def grade_items(spec: dict[str, Any], got_items: list[dict[str, Any]]) -> dict[str, Any]:
    """Exact-set grading: missing, wrong (matched but wrong time/due), extra (not even optional)."""
    used: set[int] = set()
    missing, wrong, soft = [], [], []
    for exp in spec.get("items", []):
        hit = None
        cands = [(i, *item_matches(exp, g)) for i, g in enumerate(got_items) if i not in used]
        cands = [(i, prob) for i, ok, prob in cands if ok]
        # prefer a fully right match, then a same-identity one with a wrong time
        clean = [c for c in cands if not c[1] or "as a datetime" in c[1]]
        if clean or cands:
            hit = (clean or cands)[0]
        if hit is None:
            missing.append(exp)
            continue
        used.add(hit[0])
        if hit[1]:
            (soft if "as a datetime" in hit[1] else wrong).append(f"{describe(got_items[hit[0]])}: {hit[1]}")
    extra = []
    for i, g in enumerate(got_items):
        if i in used:
            continue
        if any(item_matches(o, g)[0] for o in spec.get("optional", [])):
            continue
        extra.append(describe(g))
    return {"missing": missing, "wrong": wrong, "extra": extra, "soft": soft,
            "ok": not missing and not wrong and not extra}


def doc_rank(spec: dict[str, Any], res: dict[str, Any]) -> int | None:
    """1-based rank of the first source that is one of the expected documents."""
    wants = spec.get("expect_docs", [])
    for rank, s in enumerate(res.get("sources", []), 1):
        loc = str(s.get("locator") or "").strip("<>")
        name = Path(str(s.get("path") or "")).name
        for w in wants:
            if "message_id" in w and w["message_id"].strip("<>") == loc:
                return rank
            if "file" in w and w["file"] == name:
                return rank
    for item in res.get("items", []):  # an event/task whose source is the expected document
        for w in wants:
            if "message_id" in w and w["message_id"].strip("<>") in _src(item):
                return 0
    return None


def grade(spec: dict[str, Any], res: dict[str, Any]) -> dict[str, Any]:
    if "error" in res:
        return {"ok": False, "why": res["error"]}
    cat = spec["category"]
    out: dict[str, Any] = {"intent": res.get("intent")}
    if cat in ("schedule", "todo") or (cat == "unanswerable" and "items" in spec):
        out.update(grade_items(spec, res.get("items", [])))
    if cat == "recall":
        rank = doc_rank(spec, res)
        out["rank"] = rank
        out["ok"] = rank is not None and rank <= 5
        if spec.get("expect_text"):
            out["text_ok"] = spec["expect_text"].casefold() in str(res.get("answer", "")).casefold()
    if cat == "people":  # a contact's details: every expected string is in the answer
        wants = spec.get("expect_text") or []
        wants = [wants] if isinstance(wants, str) else wants
        text = str(res.get("answer", "")).casefold()
        out["missing_text"] = [w for w in wants if w.casefold() not in text]
        out["ok"] = bool(wants) and not out["missing_text"]
    if cat == "unanswerable":
        nf = bool(NOT_FOUND.search(str(res.get("answer", ""))))
        out["not_found_said"] = nf
        out["ok"] = nf and out.get("ok", True) and not (res.get("items") and "items" not in spec)
    return out


# ----- reporting ---------------------------------------------------------------------------------

def show(spec: dict[str, Any], res: dict[str, Any], g: dict[str, Any], wall: float, verbose: bool) -> None:
    status = "PASS" if g["ok"] else "FAIL"
    t = res.get("timings", {}) if isinstance(res, dict) else {}
    rank = f" rank={g['rank']}" if "rank" in g else ""
    text = "" if g.get("text_ok", True) else " (answer text lacks expected fact)"
    print(f"{status} {spec['id']} [{spec['category']}/{g.get('intent')}] {spec['q']!r}{rank}{text} "
          f"wall={wall:.1f}s total_ms={t.get('total_ms')}")
    if "why" in g:
        print(f"     error: {g['why']}")
    for m in g.get("missing", []):
        print(f"     missing: {m}")
    for w in g.get("wrong", []):
        print(f"     wrong:   {w}")
    for e in g.get("extra", []):
        print(f"     extra:   {e}")
    for s in g.get("soft", []):
        print(f"     note:    {s}")
    if not g["ok"] or verbose:
        if spec["category"] in ("recall", "unanswerable"):
            for i, s in enumerate(res.get("sources", [])[:5], 1):
                print(f"     src{i}: {Path(str(s.get('path'))).name} {s.get('locator')} | {s.get('title')!r}")
        ans = str(res.get("answer", "")).replace("\n", " ⏎ ")
        print(f"     answer: {ans[:400]}")
        if res.get("range"):
            print(f"     range: {res['range']['start']} .. {res['range']['end']}")


def compare(a_path: str, b_path: str) -> int:
    a = {r["id"]: r for r in json.loads(Path(a_path).read_text())["results"]}
    b = {r["id"]: r for r in json.loads(Path(b_path).read_text())["results"]}
    diffs = 0
    for qid in a:
        if qid not in b:
            continue
        ia = [describe(i) for i in a[qid]["res"].get("items", [])]
        ib = [describe(i) for i in b[qid]["res"].get("items", [])]
        sa = [s.get("locator") for s in a[qid]["res"].get("sources", [])]
        sb = [s.get("locator") for s in b[qid]["res"].get("sources", [])]
        if ia != ib or sa != sb:
            diffs += 1
            print(f"DIFF {qid}: items {'same' if ia == ib else 'differ'}, sources {'same' if sa == sb else 'differ'}")  # noqa: E501
            for x in sorted(set(ia) ^ set(ib)):
                print(f"     {'only A' if x in ia else 'only B'}: {x}")
    print(f"{diffs} questions differ")
    return 1 if diffs else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", nargs="?")
    ap.add_argument("--data", help="folder to index (default: none with --no-index)")
    ap.add_argument("--data-dir", help="Lodger data dir (default: a fresh temp dir)")
    ap.add_argument("--no-index", action="store_true", help="use --data-dir as it is")
    ap.add_argument("--no-llm", action="store_true")
    ap.add_argument("--only", help="comma-separated ids or id prefixes")
    ap.add_argument("--save", help="write all raw answers and grades to this JSON file")
    ap.add_argument("--text", action="store_true", help="also print the plain (non-JSON) answer")
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--compare", nargs=2, metavar=("A", "B"))
    ap.add_argument("--lodger", help="command that runs Lodger, e.g. "
                    "'env PYTHONPATH=/tmp/lodger-head .venv/bin/python -m lodger.cli' (with --cwd /tmp)")
    ap.add_argument("--cwd", help="working directory for the Lodger processes")
    args = ap.parse_args()
    if args.lodger:
        LODGER[:] = shlex.split(args.lodger)
    CWD[0] = args.cwd
    if args.compare:
        return compare(*args.compare)
    spec = json.loads(Path(args.questions).read_text(encoding="utf-8"))
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="lodger-eval-"))
    if not args.no_index:
        if not args.data:
            ap.error("--data is required unless --no-index")
        out, secs = run_index(Path(args.data).resolve(), data_dir)
        print(f"== lodger index ({secs:.1f}s) into {data_dir}\n{out.strip()}\n")
    settings = data_dir / "settings.json"
    if settings.exists():
        s = json.loads(settings.read_text())
        print(f"== user_addresses: {s.get('user_addresses')} (guessed={s.get('addresses_guessed')})\n")
    questions = spec["questions"]
    if args.only:
        keys = args.only.split(",")
        questions = [q for q in questions if any(q["id"] == k or q["id"].startswith(k) for k in keys)]
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    results, walls = [], []
    for q in questions:
        res, wall, stderr = ask(q["q"], data_dir, q.get("now", spec["now"]), q.get("tz", spec["tz"]), args.no_llm)  # noqa: E501
        g = grade(q, res)
        walls.append(wall)
        show(q, res, g, wall, args.verbose)
        if args.text:
            plain, _, _ = ask(q["q"], data_dir, q.get("now", spec["now"]), q.get("tz", spec["tz"]),
                              args.no_llm, as_json=False)
            print("     --- plain output ---\n" + "\n".join("     | " + ln for ln in plain.rstrip().splitlines()))  # noqa: E501
        if stderr.strip() and "error" not in res:
            print(f"     stderr: {stderr.strip()[-300:]}")
        tally[q["category"]]["pass" if g["ok"] else "fail"] += 1
        if "rank" in g:
            tally[q["category"]]["top1"] += int(g["rank"] is not None and g["rank"] <= 1)
            tally[q["category"]]["top5"] += int(g["rank"] is not None and g["rank"] <= 5)
        results.append({"id": q["id"], "q": q["q"], "grade": g, "res": res, "wall_s": wall})
    print("\n== summary")
    for cat, c in tally.items():
        n = c["pass"] + c["fail"]
        extra = f", top-1 {c['top1']}/{n}, top-5 {c['top5']}/{n}" if cat == "recall" else ""
        print(f"{cat:13s} {c['pass']}/{n} pass{extra}")
    if walls:
        walls.sort()
        print(f"wall per question: median {walls[len(walls) // 2]:.1f}s, max {walls[-1]:.1f}s")
    if args.save:
        Path(args.save).write_text(json.dumps({"results": results}, ensure_ascii=False, indent=1))
    return 0 if all(c["fail"] == 0 for c in tally.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
