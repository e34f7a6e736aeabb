"""Read-only queries over the events and tasks tables, for the engine's agenda.

The engine asks for events in a window, events whose text holds some word stems, tasks open or
done, and the words and people tasks hold; this module owns the SQL and the JSON columns, so
``engine/`` sees plain records and no table names or ``meta`` keys. Records keep the stored
values (ISO strings parsed to dates and datetimes, zones as stored); placing them in the
user's zone is the engine's job.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from indexing.store import Store
from indexing.timeutil import from_iso

_EVENTS = ("SELECT e.*, (SELECT l.path FROM locations l WHERE l.doc_id = e.doc_id"
           " ORDER BY l.path LIMIT 1) AS path FROM events e WHERE ")
_TASKS = ("SELECT t.*, (SELECT l.path FROM locations l WHERE l.doc_id = t.doc_id ORDER BY"
          " l.path LIMIT 1) AS path, d.meta AS doc_meta FROM tasks t"
          " LEFT JOIN documents d ON d.doc_id = t.doc_id WHERE t.done = ?")


@dataclass
class EventRecord:
    """One stored event occurrence as the store holds it (start/end not yet localized)."""

    title: str
    start: date | datetime | None
    end: date | datetime | None
    all_day: bool
    location: str
    status: str
    path: str
    locator: str
    uid: str
    doc_id: str
    origin: str
    organizer: str
    attendees: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class TaskRecord:
    """One stored task with where it came from and, for promises, who wrote the mail."""

    title: str
    due: date | datetime | None
    done: bool
    done_date: date | datetime | None
    priority: str
    project: str
    person: str
    origin: str
    path: str
    locator: str
    line: int
    doc_id: str
    from_addr: str
    sender: str  # the promise mail's From and X-From with its address; "" for other tasks
    contexts: list[str] = field(default_factory=list)


class ItemQueries:
    """The event and task queries of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def events_between(self, lo_key: str, hi_key: str) -> list[EventRecord]:
        """Events whose sort keys overlap [lo_key, hi_key] (``timeutil.sort_key`` values)."""
        return self._events("e.start_key < ? AND e.end_key >= ?", (hi_key, lo_key))

    def events_holding(self, stems: Sequence[str]) -> list[EventRecord]:
        """Events whose title, description or location holds any of the lower-case stems."""
        if not stems:
            return []
        cond = " OR ".join("(lower(e.title) LIKE ? OR lower(e.description) LIKE ? OR "
                           "lower(e.location) LIKE ?)" for _ in stems)
        params: list[str] = []
        for s in stems:
            params += [f"%{s}%"] * 3
        return self._events(f"({cond})", tuple(params))

    def event_series_count(self) -> int:
        """How many distinct events (a recurring series counts once) the calendar holds."""
        return int(self.store.query(
            "SELECT count(DISTINCT coalesce(uid, title)) FROM events")[0][0])

    def tasks(self, done: bool) -> list[TaskRecord]:
        """Every task that is done (or open), promises included."""
        return [_task(r) for r in self.store.query(_TASKS, (int(done),))]

    def task_texts(self) -> list[str]:
        """Each task's title, project and contexts as one text, open and done alike."""
        rows = self.store.query("SELECT title, project, contexts FROM tasks")
        return [f"{r['title'] or ''} {r['project'] or ''} "
                f"{' '.join(_list(r['contexts']))}" for r in rows]

    def task_people(self) -> list[tuple[str, str, str]]:
        """(person a task names, sender address, sender's display name) of the tasks that name
        someone and of the promises found in mail."""
        rows = self.store.query(
            "SELECT t.person, t.from_addr, d.meta AS doc_meta FROM tasks t"
            " LEFT JOIN documents d ON d.doc_id = t.doc_id WHERE t.person != '' OR"
            " t.origin = 'promise'")
        out = []
        for r in rows:
            meta = _meta(r["doc_meta"])
            out.append((r["person"] or "", r["from_addr"] or "",
                        str(meta.get("from", "")).split("<")[0]))
        return out

    def _events(self, where: str, params: tuple[Any, ...]) -> list[EventRecord]:
        return [EventRecord(
            title=r["title"] or "", start=from_iso(r["start"]), end=from_iso(r["end"]),
            all_day=bool(r["all_day"]), location=r["location"] or "", status=r["status"] or "",
            path=r["path"] or "", locator=r["locator"] or "", uid=r["uid"] or "",
            doc_id=r["doc_id"], origin=r["origin"] or "",
            organizer=(r["organizer"] or "").strip().lower(),
            attendees=_list(r["attendees"]), description=r["description"] or "",
        ) for r in self.store.query(_EVENTS + where, params)]


def _task(r: sqlite3.Row) -> TaskRecord:
    sender = ""
    if r["origin"] == "promise":
        meta = _meta(r["doc_meta"])
        sender = f"{meta.get('from', '')} {meta.get('x_from', '')} {r['from_addr'] or ''}"
    return TaskRecord(
        title=r["title"] or "", due=from_iso(r["due"]), done=bool(r["done"]),
        done_date=from_iso(r["done_date"]), priority=r["priority"] or "",
        project=r["project"] or "", person=r["person"] or "", origin=r["origin"] or "",
        path=r["path"] or "", locator=r["locator"] or "", line=r["line"] or 0,
        doc_id=r["doc_id"], from_addr=r["from_addr"] or "", sender=sender,
        contexts=_list(r["contexts"]))


def _list(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _meta(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
