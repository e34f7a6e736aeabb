"""todo.txt files (http://todotxt.org): one task per line, read into one ``Document``.

The format is a line convention, ``x 2026-03-10 2026-03-01 Call Mum +Family @phone due:2026-03-12``:
a leading ``x`` and completion date for done tasks, a ``(A)`` priority, a creation date,
``+project`` and ``@context`` words and ``key:value`` tags. The title keeps the sentence (tag
words without their sign); a trailing run of tags moves to ``project``/``contexts``; ``due:``
becomes the due date and the other tags (t:, id:, p:, rec:...) go into the description. A line
that follows none of it is still a task with its raw text, so no line is lost and nothing raises.
"""

from __future__ import annotations

import os
import re
from datetime import date

from indexing.model import Document, Item, ParseResult, Segment
from indexing.reading import read_text

_DATE = r"\d{4}-\d{2}-\d{2}"
_DONE = re.compile(rf"^x\s+(?:({_DATE})\s+)?(?:({_DATE})\s+)?")
_PRIORITY = re.compile(r"^\(([A-Z])\)\s+")
_CREATED = re.compile(rf"^({_DATE})(?:\s+|$)")
_KEY_VALUE = re.compile(r"^([A-Za-z][^\s:]*):([^\s:/][^\s]*)$")
_URL_KEYS = {"http", "https", "ftp", "mailto", "file"}
_NEEDS_OBJECT = {
    "with", "to", "for", "about", "at", "on", "of", "and", "or", "the", "a", "an", "from", "by",
    "in", "into", "call", "email", "ask", "tell", "meet", "see", "visit", "text", "ping",
}
_TODO_LINE = re.compile(
    rf"^(?:x\s|\([A-Z]\)\s|{_DATE}\s)|(?:^|\s)(?:due|t|rec|id|p|h|pri|thr|threshold|start):\S"
    r"|(?:^|\s)[+@][^\s+@]+"
)


def looks_like_todotxt(name: str, text: str) -> bool:
    """Whether a ``.txt`` file is a todo.txt list, by its name or by its lines.

    True when the name contains "todo" or "done" and ends in ".txt", or when at least 60% of the
    non-empty lines look like todo.txt lines (a leading "x ", "(A) " or ISO date, or a due:/t:
    tag, a +project or an @context).
    """
    lower = os.path.basename(name).lower()
    if lower.endswith(".txt") and ("todo" in lower or "done" in lower):
        return True
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if not lines:
        return False
    hits = sum(1 for ln in lines if _TODO_LINE.search(ln))
    return hits / len(lines) >= 0.6


def parse_todotxt(path: str) -> ParseResult:
    """Parse a todo.txt file: one segment and one task per non-empty line.

    An empty file gives a Document with no items.

    Raises:
        SkipFile: when the file cannot be read or is not text.
    """
    text = read_text(path)
    abspath = os.path.abspath(path)
    doc = Document(
        doc_id="todo:" + abspath, kind="todo", path=abspath, title=os.path.basename(path)
    )
    projects: list[str] = []
    contexts: list[str] = []
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        doc.segments.append(Segment(text=line, line=n))
        try:
            item = parse_todo_line(line, n)
        except (ValueError, IndexError):  # belt and braces: a line never breaks the file
            item = Item(kind="task", title=line, locator=f"L{n}", origin="todo.txt", line=n)
        doc.items.append(item)
        projects.extend(p for p in [item.project] if p and p not in projects)
        contexts.extend(c for c in item.contexts if c not in contexts)
    doc.meta = {"projects": projects, "contexts": contexts}
    return ParseResult(documents=[doc])


def parse_todo_line(line: str, n: int = 0) -> Item:
    """One todo.txt line as a task ``Item`` (``n`` is its 1-based line number)."""
    rest = line.strip()
    done = False
    done_date: date | None = None
    created: date | None = None
    priority = ""
    m = _DONE.match(rest)
    if m:
        done = True
        done_date = _iso(m[1])
        created = _iso(m[2])
        rest = rest[m.end():]
    m = _PRIORITY.match(rest)
    if m:
        priority, rest = m[1], rest[m.end():]
    if created is None:
        m = _CREATED.match(rest)
        if m:
            created, rest = _iso(m[1]), rest[m.end():]
    words: list[tuple[str, bool]] = []  # (word, came from a +project/@context tag)
    projects: list[str] = []
    contexts: list[str] = []
    extras: list[str] = []
    due: date | None = None
    for token in rest.split():
        kv = _KEY_VALUE.match(token)
        if len(token) > 1 and token[0] == "+":
            projects.append(token[1:])
            words.append((token[1:], True))
        elif len(token) > 1 and token[0] == "@":
            contexts.append(token[1:])
            words.append((token[1:], True))
        elif kv and kv[1].lower() not in _URL_KEYS:
            key, value = kv[1].lower(), kv[2]
            if key == "due" and due is None and _iso(value):
                due = _iso(value)
            elif key == "pri" and not priority and re.fullmatch(r"[A-Za-z]", value):
                priority = value.upper()  # done tasks keep their priority as pri:A
            else:
                extras.append(token)
        else:
            words.append((token, False))
    notes = []
    if created:
        notes.append(f"created {created.isoformat()}")
    if len(projects) > 1:
        notes.append("projects: " + ", ".join(projects))
    notes.extend(extras)
    return Item(
        kind="task",
        title=_title(words) or line.strip(),
        locator=f"L{n}",
        due=due,
        done=done,
        done_date=done_date,
        priority=priority,
        project=projects[0] if projects else "",
        contexts=contexts,
        origin="todo.txt",
        line=n,
        description="; ".join(notes),
    )


def _title(words: list[tuple[str, bool]]) -> str:
    """The words of a task; a trailing run of +project/@context tags is left to the fields.

    "Send receipts to the advisor +Taxes @computer" gives "Send receipts to the advisor", but
    "Call @Maria" and "Lunch with +Team" keep the tag word, which the sentence needs.
    """
    plain = [w for w, _tag in words]
    end = len(words)
    while end and words[end - 1][1]:
        end -= 1
    for cut in range(end, len(words) + 1):  # drop as much of the run as the sentence allows
        if cut >= 2 and plain[cut - 1].lower() not in _NEEDS_OBJECT:
            return " ".join(plain[:cut])
    return " ".join(plain)


def _iso(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
