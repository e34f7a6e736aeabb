"""The schedule strategy: exact events from the calendar, by code.

A range ("next week") lists every occurrence in it; a topic ("the dentist") finds the next (or,
looking back, the last) matching event or every coming one; "am I free at 3?" checks that time.
Events are filtered by the question's content words whenever it has some; what the calendar does
not hold is looked for in mail and notes (``answer_recall.recall_instead``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from datetime import time as dtime

from engine.agenda import GENERIC, EventHit, holds_word
from engine.answer_base import Answer, Turn
from engine.answer_recall import dated_search, recall, recall_instead, relevance
from engine.items import event_entry
from engine.question import Question
from engine.render import day, event_line

MAX_LISTED = 50
# Yes/no questions about the user's own calendar: the calendar's answer is the answer.
_CALENDAR_CHECK = re.compile(
    r"^\s*(?:(?:do|did|will|have)\s+(?:i|we)\s+(?:have|got|get)\b|(?:am|are|was|were)\s+(?:i|we)\b"
    r"|(?:is|are)\s+there\s+(?:a|an|any)\b.*\b(?:on\s+my|in\s+my|my\s+calendar))", re.I)


def schedule(turn: Turn, q: Question, ans: Answer) -> Iterator[str]:
    if q.free_check and q.at is not None:
        return _free_at(turn, q, ans)
    content = [k for k in q.keywords if k not in GENERIC]
    if q.range is None and content and q.all_upcoming:
        return _upcoming_matches(turn, q, ans, content)
    if q.range is None and (q.next_match or content) and not q.free_check:
        return _next_event(turn, q, ans, content)
    start, end, label = schedule_range(turn, q, ans.now)
    every = turn.agenda.events(start, end, include_cancelled=True)
    events = [e for e in every if not e.cancelled]
    if content:
        # "when is the dentist next week?": the matching events, not the whole week.
        events = [e for e in events if _matches(e, content)]
        if not events:
            missing = f"No {' '.join(q.keywords)} on your calendar {label}."
            if _CALENDAR_CHECK.search(q.text):  # "do I have a dentist appointment ...?"
                return iter([missing])
            return recall_instead(turn, q, ans, missing)
    turn.cite_events(events, ans)
    if q.free_check:
        if not events:
            return iter([f"Yes, you're free {label}: nothing is on your calendar."])
        lines = [f"No, you have {len(events)} event{'s' if len(events) > 1 else ''} {label}:"]
    elif not events:
        lines = [f"Nothing on your calendar {label}."]
    else:
        lines = [f"{label[0].upper()}{label[1:]} you have {len(events)} "
                 f"event{'s' if len(events) > 1 else ''}:"]
    lines += [event_line(e, i + 1) for i, e in enumerate(events)]
    if not content:  # what was called off then is worth knowing too (not listed as on)
        for e in [e for e in every if e.cancelled][:MAX_LISTED]:
            ans.sources.append(event_entry(e, turn.zone).source)
            lines.append(f"{event_line(e, len(ans.sources))}")
    return iter(["\n".join(lines)])


def schedule_range(turn: Turn, q: Question, now: datetime) -> tuple[datetime, datetime, str]:
    if q.range is not None:
        return q.range.start, q.range.end, q.range.label or "then"
    today = datetime.combine(now.date(), dtime(0), tzinfo=turn.zone)
    end = datetime.combine(now.date() + timedelta(days=7), dtime(0), tzinfo=turn.zone)
    return today, end, "in the next 7 days"


def _free_at(turn: Turn, q: Question, ans: Answer) -> Iterator[str]:
    at = q.at.astimezone(turn.zone)
    busy, cancelled = turn.agenda.busy_at(at)
    turn.cite_events(busy, ans)
    when = f"{day(at.date())} at {at:%H:%M}"
    if busy:
        lines = [f"No, at {when} you have:"]
        lines += [event_line(e, i + 1) for i, e in enumerate(busy)]
        return iter(["\n".join(lines)])
    text = f"Yes, you're free on {when}."
    if cancelled:
        n = len(ans.sources) + 1
        ans.sources.append(event_entry(cancelled[0], turn.zone).source)
        text += f" ({cancelled[0].title} at that time was cancelled [{n}].)"
    return iter([text])


def _next_event(turn: Turn, q: Question, ans: Answer, content: list[str]) -> Iterator[str]:
    person = set((q.person or "").lower().replace(".", "").split())
    required = [w for w in _proper_words(q.text) if w not in person]
    hit, future = turn.agenda.next_event(content or q.keywords, ans.now,
                                         backwards=q.looks_back, required=required)
    if hit is None:
        what = " ".join(content or q.keywords)
        return recall_instead(turn, q, ans, f"I couldn't find anything matching “{what}” "
                                            "on your calendar.")
    if not (q.next_match or q.looks_back) and content and _partial(hit, content):
        # Only a noun made it a calendar question ("which flood event are we validating
        # against?") and the event found holds few of its words: the answer may be in
        # the user's mail and notes. It is, when they match strongly.
        recall_q = replace(q, intent="recall")
        sources, _ = dated_search(turn, recall_q)
        if relevance(sources) == "strong":
            ans.question = recall_q
            return recall(turn, recall_q, ans)
    if hit.cancelled:  # cited, but not an item: it is not on the schedule
        ans.sources.append(event_entry(hit, turn.zone).source)
        return iter([f"{hit.title} is cancelled.\n{event_line(hit, len(ans.sources))}"])
    turn.cite_events([hit], ans)
    if q.looks_back:
        lead = "The last time, " if not future else "Nothing before now; the next one, "
    else:
        lead = "Your next one: " if future else "The last one I can find: "
    return iter([f"{lead}{hit.title}\n{event_line(hit, 1)}"])


def _upcoming_matches(turn: Turn, q: Question, ans: Answer, content: list[str]) -> Iterator[str]:
    """"What physio sessions do I have left?": every coming occurrence that matches."""
    person = set((q.person or "").lower().replace(".", "").split())
    required = [w for w in _proper_words(q.text) if w not in person]
    hits = [h for h in turn.agenda.best_matches(content, required) if h.end > ans.now]
    if not hits:
        return recall_instead(turn, q, ans, f"Nothing coming up on your calendar matches "
                                            f"“{' '.join(content)}”.")
    turn.cite_events(hits[:MAX_LISTED], ans)
    n = len(hits)
    lines = [f"{n} coming up:" if n != 1 else "1 coming up:"]
    lines += [event_line(e, i + 1) for i, e in enumerate(hits[:MAX_LISTED])]
    if n > MAX_LISTED:
        lines.append(f"… and {n - MAX_LISTED} more.")
    return iter(["\n".join(lines)])


def _partial(hit: EventHit, content: list[str]) -> bool:
    """True when the event holds fewer than three quarters of the question's content words."""
    return sum(holds_word(hit, w) for w in content) < 0.75 * len(content)


def _proper_words(text: str) -> list[str]:
    """Words the question capitalises inside the sentence ("my flight to Lisbon"), lower case:
    names of places and things that an answer must contain."""
    out = []
    for m in re.finditer(r"(?<![\w'])([A-Z][\w'\-]+)", text):
        before = text[:m.start()].rstrip()
        if not before or before[-1] in ".?!:\"“(":
            continue  # the first word of a sentence is capitalised anyway
        if m.group(1) not in ("I", "I'm", "I'd", "I'll", "I've"):
            out.append(m.group(1).lower().removesuffix("'s"))
    return out


def _matches(ev: EventHit, keywords: list[str]) -> bool:
    text = f"{ev.title} {ev.description} {ev.location}".lower()
    return any(k.lower() in text for k in keywords)
