"""Measure the people strategy on real Enron mail: "What is the email address / phone number of
<person>?".

The gold answers are read from the raw message files with plain regular expressions, never from
Lodger's own extractor: an email question's person is an X-From name whose From address spells
their surname; a "phone" question's person is an X-From name that appears as a line of the
body, with a North American number within the next five lines (not on a fax line); a
"phone-loose" question's number is any number in the last 15 lines of the sender's own text
(before a reply or forward header). The loose set is noisy on purpose: some of its numbers are
someone else's ("call Sue at ..."), so 100 % is out of reach there. ``--n`` of each kind are
drawn with a fixed seed. The answer counts as right when the address or the number, as
written, appears in it (answers right in other formatting are counted apart).

Usage: .venv/bin/python eval/people_enron.py [--data-dir DIR] [--n 30] [--seed 7] [--show]
(indexes shared/realdata/enron/maildir into DIR, default /tmp/lodger-eval-people, if empty).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MAILDIR = Path("/work/shared/realdata/enron/maildir")
if not MAILDIR.exists():
    MAILDIR = ROOT.parent / "shared" / "realdata" / "enron" / "maildir"
_PHONE = re.compile(r"\(?\b\d{3}\)?[-. ]?\d{3}[-. ]\d{4}\b")


def _headers(raw: str) -> dict[str, str]:
    head = raw.split("\n\n", 1)[0]
    out: dict[str, str] = {}
    for m in re.finditer(r"(?m)^([\w-]+):[ \t]*(.*(?:\n[ \t].*)*)", head):
        out.setdefault(m[1].lower(), " ".join(m[2].split()))
    return out


def _x_from_name(x_from: str) -> str:
    """ "Kaminski, Vince J </O=...>" -> "Vince J Kaminski"; '"Ann Lee" <a@b>@ENRON' -> "Ann Lee"."""
    name = re.sub(r"<[^>]*>|@ENRON.*$|\"", " ", x_from).strip()
    name = " ".join(name.split())
    if re.fullmatch(r"[A-Z][\w'-]+, [A-Z][\w'-]+(?: [A-Z]\.?)?", name):
        last, first = name.split(", ")
        name = f"{first} {last}"
    if not re.fullmatch(r"[A-Z][a-z'-]+(?: [A-Z]\.?)? [A-Z][a-z'-]+", name):
        return ""
    return name


_REPLY = re.compile(r"(?im)^\s*(?:-+\s*original message|-+\s*forwarded by|from:\s|.*\bwrote:\s*$)")


def gold(n: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """(question, expected, kind) pairs read from the raw files.

    Kinds: "email"; "phone" (a body line that is the sender's name, a number within five
    lines); "phone-loose" (any number, not on a fax line, in the last 15 lines of the
    sender's own text, before any reply or forward header, whatever the shape around it)."""
    emails: dict[str, set[str]] = {}
    phones: dict[str, set[str]] = {}
    loose: dict[str, set[str]] = {}
    for path in sorted(MAILDIR.rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")
        h = _headers(raw)
        name = _x_from_name(h.get("x-from", ""))
        addr = h.get("from", "").strip().lower()
        if not name or "@" not in addr:
            continue
        last = name.split()[-1].lower()
        if last[:5] in addr.split("@")[0]:
            emails.setdefault(name, set()).add(addr)
        lines = raw.split("\n\n", 1)[-1].split("\n")
        own = _REPLY.split(raw.split("\n\n", 1)[-1], maxsplit=1)[0].rstrip().split("\n")
        for line in reversed(own[-15:]):
            m = _PHONE.search(line)
            if m and "fax" not in line.lower() and not re.search(r"\d{3}[-.]\d{4}[-.]", line):
                loose.setdefault(name, set()).add(m.group(0))
                break
        for i, line in enumerate(lines):
            if line.strip() != name:
                continue
            for nxt in lines[i + 1:i + 6]:
                m = _PHONE.search(nxt)
                if m and "fax" not in nxt.lower():
                    phones.setdefault(name, set()).add(m.group(0))
                    break
    rng = random.Random(seed)
    e_names = rng.sample(sorted(emails), min(n, len(emails)))
    p_names = rng.sample(sorted(phones), min(n, len(phones)))
    l_names = rng.sample(sorted(set(loose) - set(phones)), min(n, len(set(loose) - set(phones))))
    out = [(f"What is the email address of {p}?", "|".join(sorted(emails[p])), "email")
           for p in e_names]
    out += [(f"What is the phone number of {p}?", "|".join(sorted(phones[p])), "phone")
            for p in p_names]
    out += [(f"What is the phone number of {p}?", "|".join(sorted(loose[p])), "phone-loose")
            for p in l_names]
    return out


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default="/tmp/lodger-eval-people")
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", action="store_true", help="print every miss")
    args = ap.parse_args()
    from engine.people import PeopleAnswer
    from indexing.workspace import Workspace

    ws = Workspace.open(args.data_dir, embedder="hash", check=False)
    if not ws.store.query("SELECT 1 FROM documents LIMIT 1"):
        t0 = time.perf_counter()
        ws.indexer().index([str(MAILDIR)])
        ws.remember([str(MAILDIR)])
        print(f"indexed in {time.perf_counter() - t0:.1f} s")
    built = ws.store.get_meta("people_built")
    print(f"people directory: {built}")
    strategy = PeopleAnswer(ws.store.people, ZoneInfo("America/Chicago"))
    questions = gold(args.n, args.seed)
    right = {"email": 0, "phone": 0, "phone-loose": 0}
    total = {"email": 0, "phone": 0, "phone-loose": 0}
    digits_right = 0
    for question, expected, kind in questions:
        answer = strategy.answer(question).text
        options = expected.split("|")
        ok = any(o.lower() in answer.lower() for o in options)
        if kind != "email" and not ok and any(_digits(o) in _digits(answer) for o in options):
            digits_right += 1
        total[kind] += 1
        right[kind] += ok
        if not ok and args.show:
            print(f"MISS [{kind}] {question}\n  want {expected}\n  got  {answer[:300]!r}")
    for kind in ("email", "phone", "phone-loose"):
        print(f"{kind}: {right[kind]}/{total[kind]} = {right[kind] / max(1, total[kind]):.0%}")
    n_all = sum(total.values())
    print(f"all: {sum(right.values())}/{n_all} = {sum(right.values()) / max(1, n_all):.0%} "
          f"(+{digits_right} phone answers right in other formatting)")
    ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
