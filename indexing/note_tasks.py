"""Checkbox task lines in notes: status, dates, priority, tags and a clean title.

Note apps write task metadata on the task line in a few conventions, all read here:
Obsidian Tasks emoji (📅 due, ⏳ scheduled, 🛫 start, ✅ done, ❌ cancelled, ➕ created, 🔺⏫🔼🔽⏬
priority, 🔁 recurrence), Dataview inline fields (``[due:: 2026-03-13]``, ``(due:: ...)``,
``due:: ...``, ``completion:: ...``), ``due: 2026-03-13``, TaskPaper ``@due(2026-03-16)`` and
``@done``, a todo.txt-style ``(A)`` or Logseq/org-style ``[#A]`` priority and ``+project`` tags.
Logseq's ``- TODO``/``- DONE`` blocks are read in ``indexing.logseq`` and come here with their
block's dates and state. Statuses: ``[ ]`` and unknown
marks are open, ``[/]`` is in progress (open), ``[x]``/``[X]`` done; ``[-]`` is cancelled, which
is neither open nor finished, so the caller leaves such lines out (``is_cancelled``) rather than
list them as to-dos or as work done. Priorities map to letters: 🔺/⏫/high(est) "A", 🔼/medium
"B", 🔽/low "C", ⏬/lowest "D". The due date is 📅 (or a due field), else the scheduled date,
else a date phrase in the text ("call Maria by Friday", "due 3 Dec", "due 14/12") resolved
against the note's date, or against the file's modification time when the note has no date
(see ``indexing.notes``).
A done task without a completion date takes the caller's ``done_on`` (a daily note's date:
a journal is where the day's work is logged). A time written without a zone stays floating
(naive), like the note's own date.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from indexing.dates import find_date_phrases
from indexing.model import Item

TASK_LINE = re.compile(
    r"^[\s\u200b\u200c\u200d\ufeff>]*(?:[-*+]|\d{1,9}[.)])\s+\[(.)\]\s+(.*\S)\s*$"
)  # "- [ ] text", "1. [x] text", "> - [/] text"; zero-width spaces before the marker are ignored
_HASHTAG = re.compile(r"(?:^|(?<=\s))#([\w/-]+)")
_BRACKET_TAG = re.compile(r"(?:^|(?<=\s))#\[\[([^\[\]]+)\]\]")  # Logseq "#[[two words]]"
_INLINE_CODE = re.compile(r"`[^`]*`")
_INLINE_COMMENT = re.compile(r"<!--.*?-->|%%.*?%%")

# Task line fields.
_EMOJI_FIELDS = {
    "📅": "due", "📆": "due", "🗓": "due", "⏳": "scheduled", "⌛": "scheduled",
    "🛫": "start", "✅": "done", "❌": "cancelled", "➕": "created",
}
_EMOJI_PRIORITY = {"🔺": "A", "⏫": "A", "🔼": "B", "🔽": "C", "⏬": "D"}
_WORD_PRIORITY = {"highest": "A", "high": "A", "medium": "B", "low": "C", "lowest": "D"}
_ALL_EMOJI = "".join(_EMOJI_FIELDS) + "".join(_EMOJI_PRIORITY) + "🔁🆔⛔🏁"
_EMOJI_DATE = re.compile(rf"([{''.join(_EMOJI_FIELDS)}])\ufe0f?\s*(\d{{4}}-\d{{1,2}}-\d{{1,2}})?")
_EMOJI_TEXT = re.compile(rf"([🔁🆔⛔🏁])\ufe0f?\s*([^{_ALL_EMOJI}#\[]*)")
_EMOJI_PRIO = re.compile(rf"[{''.join(_EMOJI_PRIORITY)}]\ufe0f?")
_DV_FIELD = re.compile(r"[\[(]\s*([\w][\w \-]*?)\s*::\s*([^\])]*?)\s*[\])]")
_BARE_DATE_FIELD = re.compile(
    r"(?<![\w\[(])(due|scheduled|start|created|completion|completed|cancelled)\s*::?\s*"
    r"(\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2})?)",
    re.IGNORECASE,
)
_TASKPAPER = re.compile(r"@(due|done|start|defer|scheduled|created)\(([^)]*)\)|@done\b", re.I)
_LEADING_PRIORITY = re.compile(r"^\(([A-Z])\)\s+")
_BRACKET_PRIORITY = re.compile(r"(?<!\S)\[#([A-Z])\](?!\S)")  # Logseq and org-mode "[#A]"
_BLOCK_ID = re.compile(r"\s\^[\w-]+\s*$")
_WIKILINK = re.compile(r"\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_PLUS_PROJECT = re.compile(r"(?<!\S)\+([A-Za-z][\w/-]*)")  # "+harbor"; not "+1", "C++", "+ 2"
CANCELLED = "-"
_FIELD_NAMES = {
    "due": "due", "scheduled": "scheduled", "start": "start", "created": "created",
    "completion": "done", "completed": "done", "done": "done", "cancelled": "cancelled",
    "defer": "start",
}


def hashtags(line: str) -> list[str]:
    """Obsidian-style #tags in a line (not in inline code or comments, not all digits)."""
    line = _INLINE_COMMENT.sub(" ", _INLINE_CODE.sub(" ", line))
    bracketed = [t.strip() for t in _BRACKET_TAG.findall(line)]
    tags = (t.strip("/-") for t in _HASHTAG.findall(_BRACKET_TAG.sub(" ", line)))
    return [t for t in bracketed if t] + [
        t for t in tags if t and not t.replace("/", "").replace("-", "").isdigit()]


def dedupe(values: list[str]) -> list[str]:
    """Values in first-seen order, case-insensitively unique."""
    seen: set[str] = set()
    out: list[str] = []
    for v in values:
        if v.lower() not in seen:
            seen.add(v.lower())
            out.append(v)
    return out


def is_cancelled(status: str) -> bool:
    """True for the cancelled checkbox ``[-]`` (Obsidian Tasks, Logseq, many themes)."""
    return status == CANCELLED


def task_item(
    status: str, text: str, line: int, project: str, anchor: datetime | None, *,
    past_grace: timedelta = timedelta(days=7), day_first: bool | None = None,
    dates: dict[str, date | datetime] | None = None, state: str = "",
    done_on: date | None = None, origin: str = "checkbox",
) -> Item:
    """A checkbox line as a task ``Item`` (rules: the module docstring).

    Args:
        status: the character between the brackets.
        text: the line after the checkbox.
        line: 1-based line number in the file.
        project: the project to record unless the line has a ``+project`` tag (the note's
            front-matter project or title, see ``indexing.notes``).
        anchor: the note's date (else the file's modification time), for date phrases and for
            times; None when there is none.
        past_grace: how far before ``anchor`` a day and month without a year may fall
            (``indexing.dates.find_date_phrases``).
        day_first: whether the note writes numeric dates day first ("3/12" is 3 December).
        dates: dates the task's block gives outside its line (Logseq ``DEADLINE:`` as "due",
            ``SCHEDULED:`` as "scheduled", a completion as "done"); they win over the line's.
        state: a word for the task's state, first in its description ("waiting", "later");
            replaces what the status character would say.
        done_on: the done date of a done task that gives none itself.
        origin: the item's origin ("checkbox", "logseq").
    """
    text = _INLINE_COMMENT.sub(" ", text)
    fields: dict[str, date | datetime] = dict(dates or {})
    notes: list[str] = []
    priority = ""
    marked_done = False

    def take_date(name: str, value: str) -> None:
        parsed = _parse_when(value, anchor)
        if parsed is None:
            notes.append(f"{name} {value.strip()} (not a valid date)" if value.strip() else name)
        else:
            fields.setdefault(name, parsed)

    def emoji_date(m: re.Match[str]) -> str:
        if m[2]:
            take_date(_EMOJI_FIELDS[m[1]], m[2])
        return " "

    def dataview(m: re.Match[str]) -> str:
        nonlocal priority
        key, value = m[1].strip().lower(), m[2].strip()
        if key in _FIELD_NAMES:
            take_date(_FIELD_NAMES[key], value)
        elif key == "priority":
            priority = priority or _WORD_PRIORITY.get(value.lower(), "")
        else:
            notes.append(f"{m[1].strip()}: {value}")
        return " "

    def taskpaper(m: re.Match[str]) -> str:
        nonlocal marked_done
        key = (m[1] or "done").lower()
        marked_done = marked_done or key == "done"
        if m[2]:
            take_date(_FIELD_NAMES[key], m[2])
        return " "

    def emoji_text(m: re.Match[str]) -> str:
        label = {"🔁": "repeats", "🆔": "id", "⛔": "depends on", "🏁": "on completion"}[m[1]]
        notes.append(f"{label} {m[2].strip()}".strip())
        return " "

    clean = _EMOJI_DATE.sub(emoji_date, text)
    clean = _EMOJI_TEXT.sub(emoji_text, clean)
    for mark in _EMOJI_PRIO.findall(clean):
        priority = priority or _EMOJI_PRIORITY[mark.rstrip("\ufe0f")]
    clean = _EMOJI_PRIO.sub(" ", clean)
    clean = _DV_FIELD.sub(dataview, clean)
    clean = _BARE_DATE_FIELD.sub(dataview, clean)
    clean = _TASKPAPER.sub(taskpaper, clean)
    lead = _LEADING_PRIORITY.match(clean.strip())
    if lead:
        priority = priority or lead[1]
        clean = clean.strip()[lead.end():]
    bracket = _BRACKET_PRIORITY.search(clean)
    if bracket:
        priority = priority or bracket[1]
        clean = _BRACKET_PRIORITY.sub(" ", clean)
    clean = _BLOCK_ID.sub("", clean)
    tagged = _PLUS_PROJECT.findall(clean)
    if tagged:
        project = tagged[0]
        clean = _plus_tags_out(clean)
    title = _clean_title(clean) or " ".join(text.split())

    cancelled = status == "-"
    done = status in "xX" or cancelled or marked_done
    if state:
        notes.insert(0, state)
    elif cancelled:
        notes.insert(0, "cancelled")
    elif status == "/":
        notes.insert(0, "in progress")
    elif status not in " xX":
        notes.insert(0, f"status [{status}]")
    due = fields.get("due") or fields.get("scheduled")
    if due is None and anchor is not None:
        found = find_date_phrases(title, anchor, past_grace=past_grace, day_first=day_first)
        due = found[0][1] if found else None
    done_date = fields.get("done") or (fields.get("cancelled") if cancelled else None)
    if done_date is None and done and not cancelled:
        done_date = done_on
    for name, label in (("scheduled", "scheduled"), ("start", "starts"), ("created", "created")):
        if name in fields:
            notes.append(f"{label} {fields[name].isoformat()}")
    if "cancelled" in fields and not cancelled:
        notes.append(f"cancelled {fields['cancelled'].isoformat()}")
    return Item(
        kind="task",
        title=title,
        locator=f"L{line}",
        due=due,
        done=done,
        done_date=done_date if done else None,
        priority=priority,
        project=project,
        contexts=dedupe(hashtags(text)),
        origin=origin,
        line=line,
        description="; ".join(notes),
    )


def _parse_when(value: str, anchor: datetime | None) -> date | datetime | None:
    """An ISO date (or date and time, placed in the note's zone) from a task field."""
    value = value.strip()
    try:
        if len(value) <= 10:
            y, m, d = (int(p) for p in value.split("-"))
            return date(y, m, d)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None and anchor is not None:
        parsed = parsed.replace(tzinfo=anchor.tzinfo)  # floating stays floating
    return parsed


def _plus_tags_out(text: str) -> str:
    """A trailing run of ``+project`` tags is dropped; inside the sentence only the "+" goes."""
    words = text.split()
    while words and _PLUS_PROJECT.fullmatch(words[-1]):
        words.pop()
    return _PLUS_PROJECT.sub(lambda m: m[1], " ".join(words))


def _clean_title(text: str) -> str:
    """Task text without links, emphasis and the tags that open or close it."""
    text = _BRACKET_TAG.sub(lambda m: m[1], text)
    text = _WIKILINK.sub(lambda m: (m[2] or m[1] or "").strip(), text)
    text = _MD_LINK.sub(lambda m: m[1], text)
    text = re.sub(r"(\*\*|__|~~|==)", "", text)
    words = text.split()
    while words and _HASHTAG.fullmatch(words[0]):
        words.pop(0)
    while words and _HASHTAG.fullmatch(words[-1]):
        words.pop()
    return _HASHTAG.sub(lambda m: m[1], " ".join(words)).strip(" -,;:")

