"""Plain-text rendering of facts: dated event lists, task lists, times in the user's zone.

Rendering is code, not the model: "Thu 26 Mar, 14:30–15:15 Dentist appointment" is produced
here exactly, so schedule and to-do answers are right with no LLM at all.
"""

from __future__ import annotations

import contextvars
import re
from datetime import date, datetime, timedelta, tzinfo

from engine.agenda import EventHit, TaskHit
from indexing.timeutil import localize

# The year of the question's "now": dates in another year are written with their year.
REFERENCE_YEAR: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "lodger_reference_year", default=None)


def day(d: date) -> str:
    ref = REFERENCE_YEAR.get()
    year = f" {d.year}" if ref is not None and d.year != ref else ""
    return f"{d:%a} {d.day} {d:%b}{year}"


def person_name(person: str) -> str:
    """"Priya Raman <priya@x.com>" -> "Priya Raman"; a bare address stays as it is."""
    name = re.sub(r"\s*<[^>]*>\s*", " ", person).strip().strip('"')
    return name or person.strip("<>")


def promise_title(title: str, person: str) -> str:
    """A promise as the user would say it afterwards: "Send you the invoice" promised to Priya
    reads "Send Priya the invoice"."""
    first = person_name(person).split()[0] if person_name(person) else ""
    if not first or "@" in first:
        return title
    title = re.sub(r"\byour\b", f"{first}'s", title)
    return re.sub(r"\byou\b", first, title)


def clock(t: datetime) -> str:
    return f"{t:%H:%M}"


def event_when(ev: EventHit) -> str:
    if ev.all_day:
        last = (ev.end - timedelta(days=1)).date()
        if last > ev.start.date():
            return f"{day(ev.start.date())} – {day(last)} (all day)"
        return f"{day(ev.start.date())} (all day)"
    if ev.end.date() != ev.start.date() and ev.end - ev.start >= timedelta(hours=24):
        return f"{day(ev.start.date())} {clock(ev.start)} – {day(ev.end.date())} {clock(ev.end)}"
    if ev.end > ev.start:
        return f"{day(ev.start.date())}, {clock(ev.start)}–{clock(ev.end)}"
    return f"{day(ev.start.date())}, {clock(ev.start)}"


def event_line(ev: EventHit, n: int | None = None) -> str:
    where = f" ({ev.location})" if ev.location else ""
    cite = f" [{n}]" if n else ""
    state = " — cancelled" if ev.cancelled else ""
    return f"- {event_when(ev)}: {ev.title}{where}{state}{cite}"


def due_text(due: date | datetime | None, zone: tzinfo) -> str:
    if due is None:
        return ""
    if isinstance(due, datetime):
        t = localize(due, zone)
        return f"{day(t.date())} {clock(t)}"
    return day(due)


def task_line(task: TaskHit, zone: tzinfo, n: int | None = None, done: bool = False) -> str:
    bits = []
    if done:
        when = due_text(task.done_date, zone)
        if when:
            bits.append(f"done {when}")
    elif task.due is not None:
        bits.append(f"due {due_text(task.due, zone)}")
    if task.priority:
        bits.append(f"priority {task.priority}")
    title = task.title
    if task.origin == "promise" and task.person:
        bits.append(f"promised to {person_name(task.person)}")
        title = promise_title(title, task.person)
    elif task.project:
        bits.append(task.project)
    extra = f" ({', '.join(bits)})" if bits else ""
    cite = f" [{n}]" if n else ""
    return f"- {title}{extra}{cite}"


def iso(value: date | datetime | None, zone: tzinfo) -> str | None:
    """ISO 8601 for JSON: datetimes with the user's offset, plain dates as dates."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return localize(value, zone).isoformat()
    return value.isoformat()
