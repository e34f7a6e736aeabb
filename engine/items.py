"""The items and sources an answer cites, built in one place for every strategy and the brief.

An event or a task becomes an ``Entry``: the item as ``lodger ask --json`` shows it (kind,
title, start, end, due, done and its source), the ``Source`` a citation opens, and the line the
answer text shows. The answerer, the brief, "who owes me what" and the MCP server all cite
through these functions, so an event looks the same wherever it is cited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from engine.agenda import EventHit, TaskHit
from engine.render import event_line, iso, task_line
from engine.retrieval import Source


@dataclass
class Entry:
    """One cited line of a report: the item (as in ``lodger ask --json``), its source, its text."""

    item: dict[str, Any]
    source: Source
    line: str  # without the citation; ``Report`` numbers them


def event_entry(ev: EventHit, zone: tzinfo) -> Entry:
    """An event as ``lodger ask --json`` cites it."""
    item = {"kind": "event", "title": ev.title, "start": iso(ev.start, zone),
            "end": iso(ev.end, zone), "due": None, "done": False, "all_day": ev.all_day,
            "location": ev.location, "status": ev.status,
            "source": {"path": ev.path, "locator": ev.locator}}
    source = Source(path=ev.path, kind="calendar" if ev.path.endswith(".ics") else "email",
                    title=ev.title, locator=ev.locator,
                    snippet=event_line(ev).removeprefix("- "), score=1.0, doc_id=ev.doc_id)
    return Entry(item, source, event_line(ev))


def task_entry(t: TaskHit, zone: tzinfo, now: datetime | None = None) -> Entry:
    """A task or promise as ``lodger ask --json`` cites it; with ``now``, a past due date is
    marked overdue in the line."""
    item = {"kind": "task", "title": t.title, "start": None, "end": None,
            "due": iso(t.due, zone), "done": t.done, "done_date": iso(t.done_date, zone),
            "priority": t.priority, "project": t.project, "person": t.person,
            "source": {"path": t.path, "locator": t.locator}}
    kind = "email" if t.origin == "promise" else (
        "todo" if t.doc_id.startswith("todo:") else
        "calendar" if t.doc_id.startswith("calendar:") else "note")
    snippet = task_line(t, zone).removeprefix("- ")
    source = Source(path=t.path, kind=kind, title=t.title, locator=t.locator, snippet=snippet,
                    score=1.0, doc_id=t.doc_id, line=t.line)
    line = task_line(t, zone)
    if now is not None and t.due is not None and is_past(t.due, now, zone):
        line += " — overdue"
    return Entry(item, source, line)


def is_past(due: date | datetime, now: datetime, zone: tzinfo) -> bool:
    """Whether a due date or time lies before ``now`` (a date: before today)."""
    if isinstance(due, datetime):
        local = due.astimezone(zone) if due.tzinfo else due.replace(tzinfo=zone)
        return local < now
    return due < now.date()
