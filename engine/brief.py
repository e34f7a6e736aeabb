"""The brief ("what does my day look like?", "catch me up") and "who owes me what?", by code.

``build_brief`` gathers from the stores what a person wants at the start of a day: the events
of today and the next days, overdue tasks and those due soon, the promises the user made that
are due, mail that waits on the user's reply, and what others promised the user that is late.
``build_waiting`` gathers what the user waits for: promises others made to them in mail
(marked done once a later mail in the thread delivers) and questions they asked that got no
answer. Nothing is sampled or phrased by a model: every line is computed from the calendar, task
and mail stores and cites where it came from.

Both give a ``Report``: typed sections whose entries carry the same item and source shapes as
``lodger ask --json`` (``to_json``), and a plain-text rendering whose ``[n]`` citations number
the sources (``render_brief``, ``render_waiting``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from datetime import time as dtime
from typing import Any

from engine.agenda import Agenda, EventHit, TaskHit
from engine.items import Entry, event_entry, is_past, task_entry
from engine.render import REFERENCE_YEAR, day, due_text, iso, person_name
from engine.retrieval import Source
from indexing.mail_queries import MailMessage, MailQueries, MailQuestion, PromiseToUser
from indexing.store import Store

MAX_DAYS = 31
MAX_PER_SECTION = 50


@dataclass
class Section:
    """A titled group of entries; ``empty`` is what the text says when there are none."""

    key: str
    title: str
    entries: list[Entry] = field(default_factory=list)
    empty: str = "Nothing."
    total: int = 0  # entries before the cap of MAX_PER_SECTION


@dataclass
class Report:
    """Sections of cited entries over one clock; the shape shared by the brief and waiting."""

    intent: str
    now: datetime
    zone: tzinfo
    start: datetime | None = None
    end: datetime | None = None
    sections: list[Section] = field(default_factory=list)
    heading: str = ""
    timings: dict[str, Any] = field(default_factory=dict)

    def entries(self) -> list[Entry]:
        return [e for s in self.sections for e in s.entries]

    def to_json(self) -> dict[str, Any]:
        """The report as ``lodger ask --json`` shapes it: ``items[i]`` is cited by
        ``sources[i]`` (``[i+1]`` in ``answer``); each item names its ``section``."""
        items = []
        for s in self.sections:
            for e in s.entries:
                items.append({**e.item, "section": s.key})
        return {
            "question": None,
            "now": self.now.isoformat(),
            "zone": str(self.zone),
            "intent": self.intent,
            "range": ({"start": self.start.isoformat(), "end": self.end.isoformat()}
                      if self.start is not None and self.end is not None else None),
            "answer": render_report(self),
            "sections": [{"key": s.key, "title": s.title, "count": s.total} for s in self.sections],
            "items": items,
            "sources": [e.source.to_json() for e in self.entries()],
            "timings": self.timings,
        }


@dataclass
class Brief(Report):
    """What today and the next days hold; see ``build_brief``. The typed lists are kept beside
    the sections for callers that want the hits themselves."""

    days: int = 2
    events: list[EventHit] = field(default_factory=list)
    cancelled: list[EventHit] = field(default_factory=list)
    overdue: list[TaskHit] = field(default_factory=list)
    due_soon: list[TaskHit] = field(default_factory=list)
    promises: list[TaskHit] = field(default_factory=list)
    awaiting_you: list[MailQuestion] = field(default_factory=list)
    late_from_others: list[PromiseToUser] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "days": self.days}


@dataclass
class Waiting(Report):
    """What others owe the user; see ``build_waiting``."""

    promises: list[PromiseToUser] = field(default_factory=list)
    questions: list[MailQuestion] = field(default_factory=list)


def build_brief(agenda: Agenda, mail: Store | MailQueries, now: datetime, days: int = 2,
                start: datetime | None = None) -> Brief:
    """The brief for ``days`` days from ``start`` (default: today, midnight, in the user's zone).

    Args:
        agenda: the user's agenda (store, zone and own addresses).
        mail: the store (a ``MailQueries`` over it is made with the agenda's addresses), or a
            ``MailQueries`` to use as it is.
        now: the current time, aware; "overdue" and "late" are relative to it.
        days: how many days of events, and of tasks and promises due, to cover (1 = today).
        start: the first day's start, e.g. a Monday for "summarize my week".

    Returns:
        The brief; ``to_json()`` and ``render_brief`` present it.

    Raises:
        ValueError: if ``now`` is naive or ``days`` is not 1..31.
    """
    t0 = time.perf_counter()
    zone, now, first, end = _span(agenda, now, days, start)
    queries = mail if isinstance(mail, MailQueries) else MailQueries(mail, agenda.user_addresses)
    every = agenda.events(first, end, include_cancelled=True)
    overdue = agenda.tasks(overdue_at=now)
    late = {_key(t) for t in overdue}
    soon = [t for t in agenda.tasks(start=first, end=end) if _key(t) not in late]
    promises = [t for t in agenda.tasks(promises_only=True, end=end) if t.due is not None]
    today = now.date()
    brief = Brief(
        intent="brief", now=now, zone=zone, start=first, end=end, days=days,
        events=[e for e in every if not e.cancelled], cancelled=[e for e in every if e.cancelled],
        overdue=[t for t in overdue if t.origin != "promise"],
        due_soon=[t for t in soon if t.origin != "promise"], promises=promises,
        awaiting_you=queries.awaiting_your_reply(now),
        late_from_others=[p for p in queries.promises_to_you(now)
                          if not p.done and p.due is not None and _day(p.due, zone) < today])
    with _year(now):
        brief.heading = f"Your brief for {day(today)}, {now:%H:%M} ({zone})"
        brief.sections = _brief_sections(brief)
    ms = round((time.perf_counter() - t0) * 1000, 2)
    brief.timings = {"retrieve_ms": ms, "first_token_ms": None, "total_ms": ms, "tokens": 0}
    return brief


def build_waiting(agenda: Agenda, mail: Store | MailQueries, now: datetime) -> Waiting:
    """What the user waits for from others: promises made to them in mail (open ones first by
    due date, then those a later mail delivered, marked done) and their unanswered questions.

    Raises:
        ValueError: if ``now`` is naive.
    """
    t0 = time.perf_counter()
    zone, now, _, _ = _span(agenda, now, 1, None)
    queries = mail if isinstance(mail, MailQueries) else MailQueries(mail, agenda.user_addresses)
    promises = queries.promises_to_you(now)
    promises = [p for p in promises if not p.done] + [p for p in promises if p.done]
    w = Waiting(intent="waiting", now=now, zone=zone, promises=promises,
                questions=queries.unanswered_questions(now))
    with _year(now):
        w.heading = "What others owe you"
        w.sections = [
            _section("owed_to_you", "Promised to you",
                     [promise_to_user_entry(p, zone, now) for p in w.promises],
                     "Nobody promised you anything in the mail of the last 90 days."),
            _section("unanswered", "Your questions without an answer",
                     [question_entry(q, zone, asked_by_user=True) for q in w.questions],
                     "Every question you asked in the mail of the last 30 days was answered."),
        ]
    ms = round((time.perf_counter() - t0) * 1000, 2)
    w.timings = {"retrieve_ms": ms, "first_token_ms": None, "total_ms": ms, "tokens": 0}
    return w


def render_brief(brief: Brief) -> str:
    """The brief as text: events by day, then each section, every line cited ``[n]``."""
    return render_report(brief)


def render_waiting(waiting: Waiting) -> str:
    """"Who owes me what?" as text, every line cited ``[n]``."""
    return render_report(waiting)


def render_report(report: Report) -> str:
    """Any report as text; the n-th cited line is ``[n]``, the n-th of ``to_json()['sources']``."""
    lines = [report.heading] if report.heading else []
    n = 0
    with _year(report.now):
        for s in report.sections:
            if s.key == "cancelled" and not s.entries:
                continue
            lines.append("")
            lines.append(f"{s.title}:" if s.key == "events" or not s.total
                         else f"{s.title} ({s.total}):")
            if s.key == "events":
                n = _event_lines(s, report, lines, n)
            elif not s.entries:
                lines.append(f"- {s.empty}")
            for e in s.entries if s.key != "events" else []:
                n += 1
                lines.append(f"{e.line} [{n}]")
            if s.total > len(s.entries):
                lines.append(f"… and {s.total - len(s.entries)} more.")
    return "\n".join(lines).strip()


def question_entry(q: MailQuestion, zone: tzinfo, asked_by_user: bool = False) -> Entry:
    """A mail with questions still waiting for an answer: from someone to the user, or (with
    ``asked_by_user``) from the user to the people in ``q.waiting_on``."""
    m = q.message
    who = _recipient_names(m) if asked_by_user else m.sender_name
    more = f" (+{len(q.questions) - 1} more)" if len(q.questions) > 1 else ""
    when = day(m.date.astimezone(zone).date())
    lead = f"to {who}, since {when}" if asked_by_user else f"from {who}, {when}"
    line = f"- “{m.subject}” {lead}: {q.questions[0]}{more}"
    item = {"kind": "email", "title": m.subject, "start": iso(m.date, zone), "end": None,
            "due": None, "done": False, "person": who, "questions": q.questions,
            "waiting_on": q.waiting_on, "source": {"path": m.path, "locator": m.message_id}}
    return Entry(item, _mail_source(m, m.subject, " ".join(q.questions), zone), line)


def promise_to_user_entry(p: PromiseToUser, zone: tzinfo, now: datetime) -> Entry:
    """A promise someone made to the user; done once a later mail in its thread delivered."""
    m = p.message
    bits = [f"due {due_text(p.due, zone)}"] if p.due is not None else []
    if p.delivered_by is not None:
        bits.append(f"delivered {day(p.delivered_by.date.astimezone(zone).date())}")
    elif p.due is not None and is_past(p.due, now, zone):
        bits.append("late")
    extra = f" ({', '.join(bits)})" if bits else ""
    line = f"- {m.sender_name}: {p.title}{extra}"
    delivered = p.delivered_by
    item = {"kind": "task", "title": p.title, "start": None, "end": None,
            "due": iso(p.due, zone), "done": p.done,
            "done_date": iso(delivered.date, zone) if delivered is not None else None,
            "priority": "", "project": "", "person": m.sender, "promised_by": m.sender,
            "delivered_by": ({"path": delivered.path, "locator": delivered.message_id}
                             if delivered is not None else None),
            "source": {"path": m.path, "locator": m.message_id}}
    return Entry(item, _mail_source(m, p.title, p.sentence or p.title, zone), line)


# ----- helpers -----------------------------------------------------------------------------

def _brief_sections(b: Brief) -> list[Section]:
    zone, now = b.zone, b.now
    events = []
    for ev in b.events:
        e = event_entry(ev, zone)
        e.item["day"] = max(ev.start.date(), b.start.date()).isoformat()  # type: ignore[union-attr]
        events.append(e)
    last = (b.end - timedelta(days=1)).date()  # type: ignore[operator]
    first = b.start.date()  # type: ignore[union-attr]
    span = {1: "today", 2: "today and tomorrow"}.get(b.days, f"{day(first)} – {day(last)}")
    if first != now.date():
        span = f"{day(first)} – {day(last)}" if b.days > 1 else day(first)
    return [
        Section("events", f"Calendar, {span}", events, "Nothing on your calendar.", len(events)),
        _section("cancelled", "Called off", [event_entry(e, zone) for e in b.cancelled], ""),
        _section("overdue", "Overdue", [task_entry(t, zone) for t in b.overdue],
                 "Nothing is overdue."),
        _section("due_soon", f"Due {span}", [task_entry(t, zone) for t in b.due_soon],
                 f"No tasks due {span}."),
        _section("promises", "Your promises due", [task_entry(t, zone, now) for t in b.promises],
                 f"No promises of yours are due {span}."),
        _section("awaiting_you", "Mail waiting for your reply",
                 [question_entry(q, zone) for q in b.awaiting_you],
                 "No mail of the last 30 days waits for an answer from you."),
        _section("late_from_others", "Late from others",
                 [promise_to_user_entry(p, zone, now) for p in b.late_from_others],
                 "Nothing promised to you is late."),
    ]


def _section(key: str, title: str, entries: list[Entry], empty: str) -> Section:
    return Section(key, title, entries[:MAX_PER_SECTION], empty, len(entries))


def _span(agenda: Agenda, now: datetime, days: int, start: datetime | None,
          ) -> tuple[tzinfo, datetime, datetime, datetime]:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be 1 to {MAX_DAYS}, not {days}")
    zone = agenda.zone
    now = now.astimezone(zone)
    first_day = (start.astimezone(zone) if start is not None else now).date()
    first = datetime.combine(first_day, dtime(0), tzinfo=zone)
    end = datetime.combine(first_day + timedelta(days=days), dtime(0), tzinfo=zone)
    return zone, now, first, end


def _event_lines(s: Section, report: Report, lines: list[str], n: int) -> int:
    """The events under a heading per day (each day of a range up to a week, quiet ones too);
    returns the last citation number used."""
    by_day: dict[str, list[Entry]] = {}
    for e in s.entries:
        by_day.setdefault(e.item["day"], []).append(e)
    days = sorted(by_day)
    if report.start is not None and report.end is not None:
        count = (report.end.date() - report.start.date()).days
        if count <= 7:
            days = [(report.start.date() + timedelta(days=i)).isoformat() for i in range(count)]
    if not days:
        lines.append(f"- {s.empty}")
    for d in days:
        label = _day_label(date.fromisoformat(d), report.now)
        if d not in by_day:
            lines.append(f"{label}: nothing on your calendar")
            continue
        lines.append(label)
        for e in by_day[d]:
            n += 1
            lines.append(f"{e.line} [{n}]")
    return n


def _day_label(d: date, now: datetime) -> str:
    offset = (d - now.date()).days
    name = {0: "Today", 1: "Tomorrow"}.get(offset)
    return f"{name}, {day(d)}" if name else day(d)


def _mail_source(m: MailMessage, title: str, snippet: str, zone: tzinfo) -> Source:
    return Source(path=m.path, kind="email", title=title, locator=m.message_id,
                  snippet=snippet, score=1.0, doc_id=m.doc_id, date=iso(m.date, zone))


def _recipient_names(m: MailMessage) -> str:
    names = [person_name(n) for n in m.to_names] or m.to
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _key(t: TaskHit) -> tuple[str, int, str, str]:
    return (t.doc_id, t.line, t.title, t.locator)


def _day(value: date | datetime, zone: tzinfo) -> date:
    return value.astimezone(zone).date() if isinstance(value, datetime) and value.tzinfo else (
        value.date() if isinstance(value, datetime) else value)


@contextmanager
def _year(now: datetime) -> Iterator[None]:
    """Dates in the year of ``now`` are written without it (as the answerer writes them)."""
    token = REFERENCE_YEAR.set(now.year)
    try:
        yield
    finally:
        REFERENCE_YEAR.reset(token)
