"""Exact schedule and to-do facts from the structured store, computed by code.

Schedule questions get every event occurrence in the range (recurrences were expanded at index
time; EXDATEs are absent; cancelled occurrences are kept apart), not a top-k sample. To-do
questions get open tasks by due date, overdue tasks, done tasks by completion date, and the
promises the user made in sent mail. Times are compared in the user's zone: floating times and
all-day dates are placed in that zone, aware times converted to it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from engine.words import mentions, tokens
from indexing.item_queries import EventRecord, ItemQueries
from indexing.store import Store
from indexing.timeutil import localize, sort_key

SLACK = timedelta(hours=15)  # floating/all-day keys are stored as if UTC
GENERIC = {"appointment", "appointments", "meeting", "meetings", "event", "events", "call",
           "calls", "next", "schedule", "calendar", "session", "sessions", "class", "classes",
           "lesson", "lessons", "left", "remaining", "upcoming", "coming"}


@dataclass
class EventHit:
    """One event occurrence, localized to the user's zone."""

    title: str
    start: datetime
    end: datetime
    all_day: bool
    location: str
    status: str
    path: str
    locator: str
    uid: str
    doc_id: str
    attendees: list[str] = field(default_factory=list)
    description: str = ""

    @property
    def cancelled(self) -> bool:
        return self.status == "CANCELLED"


@dataclass
class TaskHit:
    """One task with where it came from."""

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
    contexts: list[str] = field(default_factory=list)


def _as_local(value: date | datetime | None, zone: tzinfo) -> datetime | None:
    return None if value is None else localize(value, zone)


class Agenda:
    """Queries over events and tasks for one user (zone and own addresses)."""

    def __init__(self, store: Store, zone: tzinfo, user_addresses: Sequence[str] = ()) -> None:
        self.store = store
        self.items = ItemQueries(store)
        self.zone = zone
        self.user_addresses = {a.lower() for a in user_addresses}

    # ----- events -----------------------------------------------------------------------------

    def _event_hits(self, records: list[EventRecord]) -> list[EventHit]:
        out: list[EventHit] = []
        seen: dict[tuple[str, str], tuple[int, str]] = {}  # key -> (index in out, organizer)
        # The user's own calendar file wins over a copy of the same event found in mail, with
        # one exception: a cancellation mailed by the event's own organizer (the calendar may
        # not have synced it yet). A stranger's CANCEL for the same UID changes nothing.
        for r in sorted(records, key=lambda r: r.origin == "email-calendar"):
            if r.start is None:
                continue
            end = r.end or r.start
            s, e = localize(r.start, self.zone), localize(end, self.zone)
            if r.all_day and e <= s:
                e = localize(r.start + timedelta(days=1), self.zone)
            key = (r.uid or r.title, s.isoformat())
            if key in seen:  # the same invitation in mail and in the calendar is one event
                index, first_organizer = seen[key]
                if (r.origin == "email-calendar" and r.status == "CANCELLED"
                        and r.organizer and r.organizer == first_organizer):
                    out[index].status = "CANCELLED"
                continue
            seen[key] = (len(out), r.organizer)
            out.append(EventHit(
                title=r.title or "(untitled event)", start=s, end=e, all_day=r.all_day,
                location=r.location, status=r.status, path=r.path,
                locator=r.locator or r.uid, uid=r.uid, doc_id=r.doc_id,
                attendees=r.attendees, description=r.description))
        out.sort(key=lambda h: (h.start, not h.all_day, h.end, h.title))
        return out

    def events(self, start: datetime, end: datetime, include_cancelled: bool = False,
               ) -> list[EventHit]:
        """Every occurrence overlapping [start, end), sorted by start."""
        lo, hi = sort_key(start - SLACK), sort_key(end + SLACK)
        hits = self._event_hits(self.items.events_between(lo, hi))
        out = []
        for h in hits:
            overlaps = h.start < end and (h.end > start or (h.end == h.start and h.start >= start))
            if overlaps and (include_cancelled or not h.cancelled):
                out.append(h)
        return out

    def busy_at(self, at: datetime, minutes: int = 30) -> tuple[list[EventHit], list[EventHit]]:
        """(events that overlap ``at`` .. ``at + minutes``, cancelled ones there)."""
        hits = self.events(at, at + timedelta(minutes=minutes), include_cancelled=True)
        timed = [h for h in hits if not h.all_day]
        return [h for h in timed if not h.cancelled], [h for h in timed if h.cancelled]

    def next_event(self, keywords: Sequence[str], now: datetime, backwards: bool = False,
                   required: Sequence[str] = ()) -> tuple[EventHit | None, bool]:
        """The next event matching the keywords, or with ``backwards`` the latest one before now
        (either falls back to the other side); returns (hit, is_future). See ``best_matches``.
        """
        # A cancelled occurrence is the answer when it matches best ("is my dentist appointment
        # cancelled?" must find it); otherwise cancelled ones are left out ("when is yoga?"
        # wants the classes still on, not the one called off).
        hits = self.best_matches(keywords, required, include_cancelled=True)
        if not hits or not all(h.cancelled for h in hits):
            hits = self.best_matches(keywords, required)
        future = [h for h in hits if h.end > now]
        past = [h for h in hits if h.end <= now]
        if backwards and past:
            return past[-1], False
        if future:
            return future[0], True
        return (past[-1], False) if past else (None, False)

    def best_matches(self, keywords: Sequence[str], required: Sequence[str] = (),
                     include_cancelled: bool = False) -> list[EventHit]:
        """The occurrences of the events that best match the keywords, sorted by start.

        Rare words weigh more than common ones: for "my flight to Lisbon" the one event naming
        Lisbon beats the many flights, whatever their dates; and when no event names Lisbon,
        a flight to Tokyo is not the answer: the best event must hold at least half of the
        weight of the ``required`` words (names of places and things the question capitalises;
        common words like "parents" may be paraphrased in the event, "Mom & Dad").
        """
        words = [w.lower() for w in keywords if w]
        specific = [w for w in words if w not in GENERIC] or words
        if not specific:
            return []
        records = self.items.events_holding([_stem(w) for w in specific])
        hits = [h for h in self._event_hits(records) if include_cancelled or not h.cancelled]
        if not hits:
            return []
        weights = self._word_weights(specific, hits)
        scores = {id(h): sum(weights[w] for w in specific if holds_word(h, w)) for h in hits}
        top = max(scores.values())
        hits = [h for h in hits if scores[id(h)] >= top - 1e-9]
        must = [w for w in specific if w in {r.lower() for r in required}]
        needed = sum(weights[w] for w in must)
        if needed and sum(weights[w] for w in must if holds_word(hits[0], w)) < 0.5 * needed:
            return []
        return hits

    def _word_weights(self, words: Sequence[str], hits: list[EventHit]) -> dict[str, float]:
        """log(N / df) per word over the distinct events (series) of the calendar."""
        total = self.items.event_series_count()
        out = {}
        for w in words:
            df = len({h.uid or h.title for h in hits if holds_word(h, w)})
            out[w] = math.log((total + 1) / (df + 0.5))  # a word no event has weighs most
        return out

    # ----- tasks ------------------------------------------------------------------------------

    def tasks(self, *, start: datetime | None = None, end: datetime | None = None,
              overdue_at: datetime | None = None, done: bool = False,
              project: str | None = None, person: str | None = None,
              promises_only: bool = False, keywords: Sequence[str] = (),
              promised_by: str | None = None, to_me: bool = False) -> list[TaskHit]:
        """Tasks by the given filters; open ones unless ``done``.

        ``start``/``end`` select by due date (or by completion date when ``done``);
        ``overdue_at`` selects open tasks due before that moment. Promises found in mail count
        only when the mail was sent by the user; with ``promised_by`` it is the other way round:
        the promises that person made in mail to the user ("what did Sam promise me?"), and with
        ``to_me`` and no person every promise made to the user ("who owes me what?").
        """
        out: list[TaskHit] = []
        for r in self.items.tasks(done):
            if promised_by is not None or to_me:
                if r.origin != "promise" or self._is_users(r.from_addr):
                    continue
                if promised_by is not None and not re.search(
                        rf"(?<!\w){re.escape(promised_by.lower())}(?!\w)", r.sender.lower()):
                    continue
            elif r.origin == "promise" and not self._is_users(r.from_addr):
                continue
            if promises_only and r.origin != "promise":
                continue
            hit = TaskHit(
                title=r.title, due=r.due, done=r.done, done_date=r.done_date,
                priority=r.priority, project=r.project, person=r.person, origin=r.origin,
                path=r.path, locator=r.locator, line=r.line, doc_id=r.doc_id,
                contexts=r.contexts)
            when = hit.done_date if done else hit.due
            if start is not None or end is not None:
                if when is None or not self._within(when, start, end):
                    continue
            if overdue_at is not None and not self._overdue(hit, overdue_at):
                continue
            if project and project.lower() not in f"{hit.project} {hit.title}".lower():
                continue
            if person and not _mentions(person, hit):
                continue
            if keywords:
                about = f"{hit.title} {hit.project} {' '.join(hit.contexts)}"
                if not any(mentions(about, k) for k in keywords):
                    continue
            out.append(hit)
        far = datetime.max.replace(tzinfo=self.zone) - timedelta(days=2)
        out.sort(key=lambda h: (_as_local(h.done_date if done else h.due, self.zone) or far,
                                h.priority or "Z", h.title))
        return out

    def known_task_words(self, words: Sequence[str]) -> list[str]:
        """The ``words`` that some task, open or done, holds (its title, project or contexts):
        a filter word that no task has would only empty the answer ("what's on my plate?")."""
        texts = self.items.task_texts()
        return [w for w in words if any(mentions(t, w) for t in texts)]

    def person_named(self, text: str) -> str | None:
        """A person of the user's own tasks and promises that ``text`` names by a word of their
        name ("promises to priya?" -> "Priya"), or None. The names come from the data (the
        people tasks mention, the senders of promises made to the user), not from patterns."""
        names: set[str] = set()
        for person, from_addr, sender_name in self.items.task_people():
            names.update(tokens(person))
            if from_addr and not self._is_users(from_addr):
                names.update(tokens(sender_name))
        names = {n for n in names if len(n) >= 3 and n.isalpha()}
        for word in tokens(text):
            if word in names:
                return word.capitalize()
        return None

    def _is_users(self, from_addr: str | None) -> bool:
        return bool(from_addr) and from_addr.lower() in self.user_addresses

    def _within(self, when: date | datetime, start: datetime | None, end: datetime | None) -> bool:
        if isinstance(when, datetime):
            t = localize(when, self.zone)
            return (start is None or t >= start) and (end is None or t < end)
        # a date: due on that local day
        return ((start is None or when >= start.astimezone(self.zone).date())
                and (end is None or localize(when, self.zone) < end))

    def _overdue(self, hit: TaskHit, now: datetime) -> bool:
        if hit.due is None:
            return False
        if isinstance(hit.due, datetime):
            return localize(hit.due, self.zone) < now
        return hit.due < now.astimezone(self.zone).date()


def _stem(word: str) -> str:
    w = word.lower()
    return w[:-1] if len(w) > 4 and w.endswith("s") else w


def holds_word(h: EventHit, word: str) -> bool:
    """Whether the event's title, description or location has the word (or its stem)."""
    return _stem(word) in f"{h.title} {h.description} {h.location}".lower()


def _mentions(person: str, hit: TaskHit) -> bool:
    p = person.lower()
    return bool(re.search(rf"\b{re.escape(p)}", f"{hit.person} {hit.title}".lower()))
