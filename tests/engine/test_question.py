"""Question understanding: date ranges (DST included), times, intent, person, keywords, follow-ups.

Most cases answer at Wed 2026-03-25 09:00 Europe/Berlin, the week the EU clocks go forward
(Sun 29 Mar 02:00, +01:00 -> +02:00), so many ranges cross the change. Expected values are
written out by hand, as local ISO times with the offset in force at that instant.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.daterange import DateRange, read_dates, resolve_date_range, shift_range
from engine.question import Question, understand

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
KOLKATA = ZoneInfo("Asia/Kolkata")
UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2026, 3, 25, 9, 0, tzinfo=BERLIN)  # Wednesday


def _iso(dt: datetime) -> str:
    return dt.isoformat(timespec="minutes")


def _span(rng: DateRange | None) -> tuple[str, str] | None:
    return (_iso(rng.start), _iso(rng.end)) if rng else None


def _hours(rng: DateRange) -> float:
    return (rng.end.astimezone(UTC) - rng.start.astimezone(UTC)).total_seconds() / 3600


# (phrase, start, end) at NOW; "+01" is CET, "+02" CEST (from Sun 29 Mar 02:00).
RANGES = [
    ("today", "2026-03-25T00:00+01:00", "2026-03-26T00:00+01:00"),
    ("tonight", "2026-03-25T18:00+01:00", "2026-03-26T00:00+01:00"),
    ("tomorrow", "2026-03-26T00:00+01:00", "2026-03-27T00:00+01:00"),
    ("tmrw", "2026-03-26T00:00+01:00", "2026-03-27T00:00+01:00"),
    ("tomorrow morning", "2026-03-26T06:00+01:00", "2026-03-26T12:00+01:00"),
    ("tomorrow afternoon", "2026-03-26T12:00+01:00", "2026-03-26T18:00+01:00"),
    ("tomorrow evening", "2026-03-26T18:00+01:00", "2026-03-27T00:00+01:00"),
    ("tomorrow night", "2026-03-26T18:00+01:00", "2026-03-27T00:00+01:00"),
    ("this morning", "2026-03-25T06:00+01:00", "2026-03-25T12:00+01:00"),
    ("this afternoon", "2026-03-25T12:00+01:00", "2026-03-25T18:00+01:00"),
    ("this evening", "2026-03-25T18:00+01:00", "2026-03-26T00:00+01:00"),
    ("in the afternoon", "2026-03-25T12:00+01:00", "2026-03-25T18:00+01:00"),
    ("in the morning", "2026-03-25T06:00+01:00", "2026-03-25T12:00+01:00"),
    ("yesterday", "2026-03-24T00:00+01:00", "2026-03-25T00:00+01:00"),
    ("last night", "2026-03-24T18:00+01:00", "2026-03-25T00:00+01:00"),
    ("the day after tomorrow", "2026-03-27T00:00+01:00", "2026-03-28T00:00+01:00"),
    ("the day before yesterday", "2026-03-23T00:00+01:00", "2026-03-24T00:00+01:00"),
    ("later today", "2026-03-25T09:00+01:00", "2026-03-26T00:00+01:00"),
    ("this week", "2026-03-23T00:00+01:00", "2026-03-30T00:00+02:00"),
    ("next week", "2026-03-30T00:00+02:00", "2026-04-06T00:00+02:00"),
    ("last week", "2026-03-16T00:00+01:00", "2026-03-23T00:00+01:00"),
    ("the week after next", "2026-04-06T00:00+02:00", "2026-04-13T00:00+02:00"),
    ("the rest of the week", "2026-03-25T00:00+01:00", "2026-03-30T00:00+02:00"),
    ("this weekend", "2026-03-28T00:00+01:00", "2026-03-30T00:00+02:00"),
    ("over the weekend", "2026-03-28T00:00+01:00", "2026-03-30T00:00+02:00"),
    ("at the weekend", "2026-03-28T00:00+01:00", "2026-03-30T00:00+02:00"),
    ("next weekend", "2026-04-04T00:00+02:00", "2026-04-06T00:00+02:00"),
    ("last weekend", "2026-03-21T00:00+01:00", "2026-03-23T00:00+01:00"),
    ("Friday", "2026-03-27T00:00+01:00", "2026-03-28T00:00+01:00"),
    ("on friday", "2026-03-27T00:00+01:00", "2026-03-28T00:00+01:00"),
    ("Wednesday", "2026-03-25T00:00+01:00", "2026-03-26T00:00+01:00"),
    ("Tuesday", "2026-03-31T00:00+02:00", "2026-04-01T00:00+02:00"),
    ("Sunday", "2026-03-29T00:00+01:00", "2026-03-30T00:00+02:00"),
    ("thurs", "2026-03-26T00:00+01:00", "2026-03-27T00:00+01:00"),
    ("this Friday", "2026-03-27T00:00+01:00", "2026-03-28T00:00+01:00"),
    ("next Friday", "2026-04-03T00:00+02:00", "2026-04-04T00:00+02:00"),
    ("next Tuesday", "2026-03-31T00:00+02:00", "2026-04-01T00:00+02:00"),
    ("next fri", "2026-04-03T00:00+02:00", "2026-04-04T00:00+02:00"),
    ("last Friday", "2026-03-20T00:00+01:00", "2026-03-21T00:00+01:00"),
    ("last Wednesday", "2026-03-18T00:00+01:00", "2026-03-19T00:00+01:00"),
    ("last Tuesday", "2026-03-24T00:00+01:00", "2026-03-25T00:00+01:00"),
    ("Friday afternoon", "2026-03-27T12:00+01:00", "2026-03-27T18:00+01:00"),
    ("Sunday morning", "2026-03-29T06:00+02:00", "2026-03-29T12:00+02:00"),
    ("Saturday evening", "2026-03-28T18:00+01:00", "2026-03-29T00:00+01:00"),
    ("on the 19th", "2026-04-19T00:00+02:00", "2026-04-20T00:00+02:00"),
    ("on the 25th", "2026-03-25T00:00+01:00", "2026-03-26T00:00+01:00"),
    ("the 31st", "2026-03-31T00:00+02:00", "2026-04-01T00:00+02:00"),
    ("in March", "2026-03-01T00:00+01:00", "2026-04-01T00:00+02:00"),
    ("April", "2026-04-01T00:00+02:00", "2026-05-01T00:00+02:00"),
    ("in February", "2027-02-01T00:00+01:00", "2027-03-01T00:00+01:00"),
    ("last March", "2025-03-01T00:00+01:00", "2025-04-01T00:00+02:00"),
    ("next March", "2027-03-01T00:00+01:00", "2027-04-01T00:00+02:00"),
    ("in May", "2026-05-01T00:00+02:00", "2026-06-01T00:00+02:00"),
    ("March 2025", "2025-03-01T00:00+01:00", "2025-04-01T00:00+02:00"),
    ("March 12", "2027-03-12T00:00+01:00", "2027-03-13T00:00+01:00"),
    ("12 March 2026", "2026-03-12T00:00+01:00", "2026-03-13T00:00+01:00"),
    ("12.3.2026", "2026-03-12T00:00+01:00", "2026-03-13T00:00+01:00"),
    ("12.4.", "2026-04-12T00:00+02:00", "2026-04-13T00:00+02:00"),
    ("2026-03-12", "2026-03-12T00:00+01:00", "2026-03-13T00:00+01:00"),
    ("April 15th", "2026-04-15T00:00+02:00", "2026-04-16T00:00+02:00"),
    ("the 15th of April", "2026-04-15T00:00+02:00", "2026-04-16T00:00+02:00"),
    ("Thursday, 26 March", "2026-03-26T00:00+01:00", "2026-03-27T00:00+01:00"),
    ("in 3 days", "2026-03-28T00:00+01:00", "2026-03-29T00:00+01:00"),
    ("in three days", "2026-03-28T00:00+01:00", "2026-03-29T00:00+01:00"),
    ("in two weeks", "2026-04-08T00:00+02:00", "2026-04-09T00:00+02:00"),
    ("in a week", "2026-04-01T00:00+02:00", "2026-04-02T00:00+02:00"),
    ("two weeks from now", "2026-04-08T00:00+02:00", "2026-04-09T00:00+02:00"),
    ("3 days ago", "2026-03-22T00:00+01:00", "2026-03-23T00:00+01:00"),
    ("a week ago", "2026-03-18T00:00+01:00", "2026-03-19T00:00+01:00"),
    ("the next 3 days", "2026-03-25T00:00+01:00", "2026-03-29T00:00+01:00"),
    ("next 7 days", "2026-03-25T00:00+01:00", "2026-04-02T00:00+02:00"),
    ("the next few days", "2026-03-25T00:00+01:00", "2026-03-29T00:00+01:00"),
    ("the next two weeks", "2026-03-25T00:00+01:00", "2026-04-09T00:00+02:00"),
    ("the past 3 days", "2026-03-22T00:00+01:00", "2026-03-26T00:00+01:00"),
    ("the coming week", "2026-03-25T00:00+01:00", "2026-04-02T00:00+02:00"),
    ("the past week", "2026-03-18T00:00+01:00", "2026-03-26T00:00+01:00"),
    ("this month", "2026-03-01T00:00+01:00", "2026-04-01T00:00+02:00"),
    ("next month", "2026-04-01T00:00+02:00", "2026-05-01T00:00+02:00"),
    ("last month", "2026-02-01T00:00+01:00", "2026-03-01T00:00+01:00"),
    ("this year", "2026-01-01T00:00+01:00", "2027-01-01T00:00+01:00"),
    ("next year", "2027-01-01T00:00+01:00", "2028-01-01T00:00+01:00"),
    ("last year", "2025-01-01T00:00+01:00", "2026-01-01T00:00+01:00"),
    ("in 2024", "2024-01-01T00:00+01:00", "2025-01-01T00:00+01:00"),
    ("by Friday", "2026-03-25T00:00+01:00", "2026-03-28T00:00+01:00"),
    ("until next Tuesday", "2026-03-25T00:00+01:00", "2026-04-01T00:00+02:00"),
    ("before Friday", "2026-03-25T00:00+01:00", "2026-03-27T00:00+01:00"),
    ("since Monday", "2026-03-23T00:00+01:00", "2026-03-26T00:00+01:00"),
]


@pytest.mark.parametrize(("phrase", "start", "end"), RANGES, ids=[r[0] for r in RANGES])
def test_phrase_gives_exact_range(phrase, start, end):
    """Each date phrase resolves to the documented local range at Wed 25 Mar 2026 09:00 Berlin."""
    assert _span(resolve_date_range(phrase, NOW)) == (start, end)


# (now, phrase, start, end) for other days and zones.
OTHER_NOWS = [
    (datetime(2026, 3, 28, 10, 0, tzinfo=BERLIN), "this weekend",
     "2026-03-28T00:00+01:00", "2026-03-30T00:00+02:00"),
    (datetime(2026, 3, 29, 12, 0, tzinfo=BERLIN), "this weekend",
     "2026-03-28T00:00+01:00", "2026-03-30T00:00+02:00"),
    (datetime(2026, 3, 28, 10, 0, tzinfo=BERLIN), "next weekend",
     "2026-04-04T00:00+02:00", "2026-04-06T00:00+02:00"),
    (datetime(2026, 3, 28, 10, 0, tzinfo=BERLIN), "Saturday",
     "2026-03-28T00:00+01:00", "2026-03-29T00:00+01:00"),
    (datetime(2026, 3, 28, 10, 0, tzinfo=BERLIN), "last Saturday",
     "2026-03-21T00:00+01:00", "2026-03-22T00:00+01:00"),
    (datetime(2026, 3, 29, 12, 0, tzinfo=BERLIN), "today",
     "2026-03-29T00:00+01:00", "2026-03-30T00:00+02:00"),
    (datetime(2026, 3, 29, 12, 0, tzinfo=BERLIN), "next week",
     "2026-03-30T00:00+02:00", "2026-04-06T00:00+02:00"),
    (datetime(2026, 11, 1, 10, 0, tzinfo=NEW_YORK), "today",
     "2026-11-01T00:00-04:00", "2026-11-02T00:00-05:00"),
    (datetime(2026, 11, 1, 10, 0, tzinfo=NEW_YORK), "yesterday",
     "2026-10-31T00:00-04:00", "2026-11-01T00:00-04:00"),
    (datetime(2026, 3, 8, 10, 0, tzinfo=NEW_YORK), "today",
     "2026-03-08T00:00-05:00", "2026-03-09T00:00-04:00"),
    (datetime(2026, 4, 5, 10, 0, tzinfo=SYDNEY), "today",
     "2026-04-05T00:00+11:00", "2026-04-06T00:00+10:00"),
    (datetime(2026, 12, 30, 12, 0, tzinfo=UTC_ZONE), "next week",
     "2027-01-04T00:00+00:00", "2027-01-11T00:00+00:00"),
    (datetime(2026, 12, 30, 12, 0, tzinfo=UTC_ZONE), "next month",
     "2027-01-01T00:00+00:00", "2027-02-01T00:00+00:00"),
    (datetime(2026, 1, 31, 12, 0, tzinfo=KOLKATA), "in a month",
     "2026-02-28T00:00+05:30", "2026-03-01T00:00+05:30"),
    (datetime(2026, 4, 5, 12, 0, tzinfo=BERLIN), "on the 31st",
     "2026-05-31T00:00+02:00", "2026-06-01T00:00+02:00"),
    (datetime(2027, 2, 10, 12, 0, tzinfo=BERLIN), "the 29th",
     "2027-03-29T00:00+02:00", "2027-03-30T00:00+02:00"),
    (datetime(2026, 3, 25, 19, 0, tzinfo=BERLIN), "in the afternoon",
     "2026-03-26T12:00+01:00", "2026-03-26T18:00+01:00"),
    (datetime(2026, 12, 10, 9, 0, tzinfo=BERLIN), "in January",
     "2027-01-01T00:00+01:00", "2027-02-01T00:00+01:00"),
]


@pytest.mark.parametrize(("now", "phrase", "start", "end"), OTHER_NOWS,
                         ids=[f"{n.date()}-{p}" for n, p, _, _ in OTHER_NOWS])
def test_phrase_on_other_days_and_zones(now, phrase, start, end):
    """Ranges on weekends, across DST in three zones, at year and month ends."""
    assert _span(resolve_date_range(phrase, now)) == (start, end)


def test_dst_days_are_23_and_25_hours():
    """The spring-forward day is 23 hours and the fall-back day 25; boundaries stay at midnight."""
    spring = resolve_date_range("today", datetime(2026, 3, 29, 12, tzinfo=BERLIN))
    fall = resolve_date_range("today", datetime(2026, 11, 1, 10, tzinfo=NEW_YORK))
    assert (_hours(spring), _hours(fall)) == (23, 25)
    assert _hours(resolve_date_range("this weekend", NOW)) == 47


# (question, past-tense reading) at NOW: past questions look back.
PAST = [
    ("What did Tom say on Monday?", "2026-03-23T00:00+01:00"),
    ("What did Tom say on Friday?", "2026-03-20T00:00+01:00"),
    ("what was said on Wednesday?", "2026-03-25T00:00+01:00"),
    ("What happened on the 19th?", "2026-03-19T00:00+01:00"),
    ("What did Maria send on 12 April?", "2025-04-12T00:00+02:00"),
    ("What did I finish in April?", "2025-04-01T00:00+02:00"),
    ("what did we discuss over the weekend?", "2026-03-21T00:00+01:00"),
    ("What did I promise Maria for Friday?", "2026-03-27T00:00+01:00"),
]


@pytest.mark.parametrize(("question", "start"), PAST, ids=[p[0] for p in PAST])
def test_past_tense_reads_dates_backwards(question, start):
    """Bare weekdays, dates and months in a past-tense question mean the latest one ("for" not)."""
    assert _iso(understand(question, NOW).range.start) == start


LABELS = [
    ("tomorrow", "tomorrow (Thu 26 Mar)"),
    ("next week", "next week (Mon 30 Mar \u2013 Sun 5 Apr)"),
    ("this weekend", "this weekend (Sat 28 Mar \u2013 Sun 29 Mar)"),
    ("tonight", "tonight (Wed 25 Mar, 18:00\u201324:00)"),
    ("next Friday afternoon", "next Friday afternoon (Fri 3 Apr, 12:00\u201318:00)"),
    ("this month", "this month (March 2026)"),
    ("in March", "March 2026"),
    ("March 12", "Fri 12 Mar 2027"),
    ("in 2 days", "in 2 days (Fri 27 Mar)"),
    ("by Friday", "by Friday (Wed 25 Mar \u2013 Fri 27 Mar)"),
]


@pytest.mark.parametrize(("phrase", "label"), LABELS, ids=[p for p, _ in LABELS])
def test_labels_name_the_phrase_and_the_days(phrase, label):
    """Labels say the phrase and the dates in fixed English, with the year only when not this one."""
    assert resolve_date_range(phrase, NOW).label == label


# (text, at) — the instant asked about, local ISO, or None.
TIMES = [
    ("am I free Thursday at 3pm?", "2026-03-26T15:00+01:00"),
    ("am I free Thursday at 3 pm?", "2026-03-26T15:00+01:00"),
    ("Friday at 11", "2026-03-27T11:00+01:00"),
    ("at 3", "2026-03-25T15:00+01:00"),
    ("at 9", "2026-03-25T09:00+01:00"),
    ("at 15:00", "2026-03-25T15:00+01:00"),
    ("tomorrow at 9:30am", "2026-03-26T09:30+01:00"),
    ("tomorrow at 12.30pm", "2026-03-26T12:30+01:00"),
    ("tomorrow morning at 7", "2026-03-26T07:00+01:00"),
    ("tomorrow evening at 8", "2026-03-26T20:00+01:00"),
    ("Friday at noon", "2026-03-27T12:00+01:00"),
    ("next Tuesday at 10:30", "2026-03-31T10:30+02:00"),
    ("Sunday at 4 o'clock", "2026-03-29T16:00+02:00"),
    ("12 April at 2pm", "2026-04-12T14:00+02:00"),
    ("next week at 3", None),
    ("a table at 3 people", None),
    ("in 3 days", None),
]


@pytest.mark.parametrize(("text", "at"), TIMES, ids=[t for t, _ in TIMES])
def test_time_of_day_gives_the_instant(text, at):
    """A time combines with the day phrase (or today) into one aware instant."""
    got = read_dates(text, NOW).at
    assert (_iso(got) if got else None) == at


def test_time_alone_means_today():
    """'am I free at 3?' asks about today at 15:00 and the range becomes today."""
    q = understand("am I free at 3?", NOW)
    assert (q.intent, q.free_check, _iso(q.at)) == ("schedule", True, "2026-03-25T15:00+01:00")
    assert _span(q.range) == ("2026-03-25T00:00+01:00", "2026-03-26T00:00+01:00")


# (question, intent, person, keywords, flags set to True). The person and keywords are pulled out
# by patterns and must be exact; the intent and flags come from the classifiers over labelled
# examples (engine/intent.py), whose accuracy eval/run.py measures and test_intent.py floors, so
# here they only have to be right for most of these everyday questions.
INTENTS = [
    ("When is my dentist appointment?", "schedule", None, ["dentist", "appointment"],
     {"next_match"}),
    ("When's the next board meeting?", "schedule", None, ["board", "meeting"], {"next_match"}),
    ("When is my call with Maria?", "schedule", "Maria", ["call", "maria"], {"next_match"}),
    ("When is Maria's birthday?", "schedule", "Maria", ["maria", "birthday"], {"next_match"}),
    ("What time is dinner at Lena's?", "schedule", "Lena", ["dinner", "lena"], {"next_match"}),
    ("Is my dentist appointment cancelled?", "schedule", None, ["dentist", "appointment"],
     {"next_match"}),
    ("When did I meet the tax advisor?", "schedule", None, ["meet", "tax", "advisor"],
     {"next_match"}),
    ("What's on my calendar tomorrow?", "schedule", None, [], set()),
    ("What do I have on Friday?", "schedule", None, [], set()),
    ("Am I free Thursday at 3pm?", "schedule", None, [], {"free_check"}),
    ("am i busy tomorrow afternoon", "schedule", None, [], {"free_check"}),
    ("what meetings do I have with Sarah on Friday?", "schedule", "Sarah", ["meetings", "sarah"],
     set()),
    ("tomorrow?", "schedule", None, [], set()),
    ("What's coming up?", "schedule", None, [], set()),
    ("What's overdue?", "todo", None, [], {"overdue"}),
    ("What do I need to do today?", "todo", None, [], set()),
    ("what tasks are due this week", "todo", None, [], set()),
    ("What did I finish this week?", "todo", None, [], {"done"}),
    ("show me my completed tasks", "todo", None, [], {"done"}),
    ("What did I promise Maria?", "todo", "Maria", ["maria"], {"promise"}),
    ("what did i promise maria", "todo", "Maria", ["maria"], {"promise"}),
    ("What did I promise to send Tom?", "todo", "Tom", ["tom"], {"promise"}),
    ("What do I owe Jan?", "todo", "Jan", ["jan"], {"promise"}),
    ("what's left on the website project?", "todo", None, ["website"], set()),
    ("When is the tax return due?", "todo", None, ["tax", "return"], {"next_match"}),
    ("What did Tom say about the contract?", "recall", "Tom", ["tom", "contract"], set()),
    ("what did tom say about the budget", "recall", "Tom", ["tom", "budget"], set()),
    ("What did Sarah Connor write about the offer?", "recall", "Sarah Connor",
     ["sarah", "connor", "offer"], set()),
    ("Find the email from Maria about the lease", "recall", "Maria", ["maria", "lease"], set()),
    ("Ideas about the garden", "recall", None, ["ideas", "garden"], set()),
    ("notes on the kitchen renovation", "recall", None, ["kitchen", "renovation"], set()),
    ("What was the name of the restaurant Tom recommended?", "recall", "Tom",
     ["name", "restaurant", "tom", "recommended"], set()),
    ("Who sent me the planting plan PDF?", "recall", None, ["planting", "plan", "pdf"], set()),
    ("What is the budget for the Keller garden?", "recall", None, ["budget", "keller", "garden"],
     set()),
    ("What should I bring to Lena's dinner?", "recall", "Lena", ["bring", "lena", "dinner"],
     set()),
    ("What's the wifi password?", "recall", None, ["wifi", "password"], set()),
    ("emails from bob@example.com", "recall", "bob@example.com", ["bob@example.com"], set()),
    ("hello", "general", None, [], set()),
    ("Thanks!", "general", None, [], set()),
    ("hi there, how are you?", "general", None, [], set()),
    ("What is the capital of France?", "general", None, ["capital", "france"], set()),
    ("Write a haiku about spring", "general", None, ["haiku", "spring"], set()),
    ("Tell me a joke", "general", None, ["joke"], set()),
    ("what is 12*7?", "general", None, ["12", "7"], set()),
]
FLAGS = ("free_check", "done", "overdue", "next_match", "promise")


@pytest.mark.parametrize(("question", "intent", "person", "keywords", "flags"), INTENTS,
                         ids=[i[0] for i in INTENTS])
def test_person_and_keywords(question, intent, person, keywords, flags):
    """Each question gets the expected person and keywords."""
    q = understand(question, NOW)
    assert (q.person, q.keywords) == (person, keywords)


def test_intents_and_flags_of_everyday_questions():
    """At least 85 % of the table's everyday questions get the expected intent and flags."""
    right = [(understand(t, NOW).intent, {f for f in FLAGS if getattr(understand(t, NOW), f)})
             == (intent, flags) for t, intent, _, _, flags in INTENTS]
    wrong = [t for (t, *_), ok in zip(INTENTS, right, strict=True) if not ok]
    assert sum(right) >= 0.85 * len(INTENTS), wrong


def test_questions_without_dates_have_no_range():
    """Schedule questions with no date phrase and 'overdue' leave the range to the engine."""
    assert understand("When is my dentist appointment?", NOW).range is None
    assert understand("am I free?", NOW).range is None
    assert understand("What's overdue?", NOW).range is None
    assert understand("What did I promise Maria?", NOW).range is None


def test_upcoming_means_the_next_seven_days():
    """'upcoming' with no date phrase is today through a week from today, for schedule and todo."""
    for text in ("what's coming up?", "anything on soon?"):
        assert _span(understand(text, NOW).range) == ("2026-03-25T00:00+01:00",
                                                      "2026-04-02T00:00+02:00"), text


PROJECTS = [
    ("tasks for +garden", "garden"),
    ("what's left on the website project?", "website"),
    ("status of my kitchen renovation project", "kitchen renovation"),
    ("open tasks for project Apollo", "Apollo"),
    ("what are my projects?", None),
]


@pytest.mark.parametrize(("question", "project"), PROJECTS, ids=[p[0] for p in PROJECTS])
def test_project_is_found(question, project):
    """todo.txt +project tags, 'project X' and 'the X project' name the project."""
    assert understand(question, NOW).project == project


def test_done_question_keeps_its_range():
    """'what did I finish this week' is a done question over this whole week."""
    q = understand("What did I finish this week?", NOW)
    assert (q.intent, q.done, q.overdue) == ("todo", True, False)
    assert _span(q.range) == ("2026-03-23T00:00+01:00", "2026-03-30T00:00+02:00")


def test_greeting_is_not_a_date():
    """'good morning' greets; the question after it is still understood."""
    q = understand("Good morning! What's on today?", NOW)
    assert q.intent in ("schedule", "brief")
    assert _span(q.range) == ("2026-03-25T00:00+01:00", "2026-03-26T00:00+01:00")
    assert understand("good morning", NOW).range is None
    q = understand("morning meetings?", NOW)  # not a greeting: the meetings this morning
    assert (q.intent, _iso(q.range.start)) == ("schedule", "2026-03-25T06:00+01:00")


def test_long_pasted_text_is_read():
    """Runs of letters, dots or names thousands long still give a question (no regex blow-up)."""
    for text in ("A" * 20000, "1.2.3.4." * 1000, "Maria " * 3000, "the 19th " * 1000):
        assert understand(text, NOW).intent in ("schedule", "todo", "recall", "general")


def test_non_dates_are_not_dates():
    """'may I', 'every Friday', 'the 3rd floor', '19th century' name no day."""
    for text in ("may I ask something?", "what do I do every Friday?", "notes on the 3rd floor",
                 "the 19th century house", "a table at 3 people", "version 1.2.3"):
        assert understand(text, NOW).range is None, text


# ---- follow-ups -------------------------------------------------------------------------------

def _chain(*texts: str, now: datetime = NOW) -> Question:
    q: Question | None = None
    for t in texts:
        q = understand(t, now, q)
    assert q is not None
    return q


def test_week_after_follows_the_previous_week():
    """'and the week after?' after 'next week' is the Mon-Sun week after it, same intent."""
    q = _chain("What do I have next week?", "and the week after?")
    assert q.intent == "schedule"
    assert _span(q.range) == ("2026-04-06T00:00+02:00", "2026-04-13T00:00+02:00")


def test_week_after_a_day_is_the_next_calendar_week():
    """After a single day the week after is the week after that day's week."""
    q = _chain("What's on tomorrow?", "and the week after?")
    assert _span(q.range) == ("2026-03-30T00:00+02:00", "2026-04-06T00:00+02:00")


def test_week_after_with_no_previous_range_is_next_week():
    """With no previous range 'the week after' counts from this week."""
    q = _chain("What's on my calendar?", "and the week after?")
    assert _span(q.range) == ("2026-03-30T00:00+02:00", "2026-04-06T00:00+02:00")


def test_day_after_and_week_before():
    """'the day after' and 'the week before' move from the previous range."""
    q = _chain("What's on Friday?", "and the day after?")
    assert _span(q.range) == ("2026-03-28T00:00+01:00", "2026-03-29T00:00+01:00")
    q = _chain("What's on next week?", "what about the week before?")
    assert _span(q.range) == ("2026-03-23T00:00+01:00", "2026-03-30T00:00+02:00")
    q = _chain("What's due next week?", "and the following week?")
    assert (q.intent, _span(q.range)) == ("todo", ("2026-04-06T00:00+02:00",
                                                   "2026-04-13T00:00+02:00"))
    q = _chain("What's on Friday?", "and the day after tomorrow?")  # a phrase of its own
    assert _span(q.range) == ("2026-03-27T00:00+01:00", "2026-03-28T00:00+01:00")


def test_follow_up_moves_the_time_to_the_new_day():
    """'am I free Thursday at 3pm?' then 'and Friday?' asks about Friday 15:00."""
    q = _chain("Am I free Thursday at 3pm?", "and Friday?")
    assert (q.intent, q.free_check, _iso(q.at)) == ("schedule", True, "2026-03-27T15:00+01:00")


def test_follow_up_keeps_intent_flags_and_person():
    """Follow-ups keep the previous intent and flags; a new name replaces the old one."""
    q = _chain("What did I finish this week?", "and last week?")
    assert (q.intent, q.done) == ("todo", True)
    assert _span(q.range) == ("2026-03-16T00:00+01:00", "2026-03-23T00:00+01:00")
    q = _chain("What did Tom say about the contract?", "and Maria?")
    assert (q.intent, q.person, q.keywords) == ("recall", "Maria", ["contract", "maria"])
    q = _chain("What did Tom say about the contract?", "what about the invoice?")
    assert (q.intent, q.person, q.keywords) == ("recall", "Tom", ["invoice"])


def test_follow_up_of_a_past_question_looks_back():
    """'what did Tom say?' then 'and on Friday?' means last Friday."""
    q = _chain("What did Tom say about the contract?", "and on Friday?")
    assert _iso(q.range.start) == "2026-03-20T00:00+01:00"


def test_overdue_follow_up_with_a_day_asks_about_that_day():
    """'what's overdue?' then 'and tomorrow?' lists tasks due tomorrow, not overdue ones."""
    q = _chain("What's overdue?", "and tomorrow?")
    assert (q.intent, q.overdue) == ("todo", False)
    assert _iso(q.range.start) == "2026-03-26T00:00+01:00"


def test_a_new_question_is_not_a_follow_up():
    """A question with its own cue starts afresh; 'and tomorrow?' alone is a schedule question."""
    q = _chain("What's on tomorrow?", "and what did I promise Tom?")
    assert (q.intent, q.promise, q.range) == ("todo", True, None)
    assert _chain("What's on tomorrow?", "What is the budget for the Keller garden?").intent \
        == "recall"
    q = understand("and tomorrow?", NOW)
    assert (q.intent, _iso(q.range.start)) == ("schedule", "2026-03-26T00:00+01:00")


def test_pronoun_reuses_the_previous_person():
    """'what did she say about the roof?' after a question about Maria is about Maria."""
    q = _chain("What did Maria say about the pond?", "and what did she say about the roof?")
    assert (q.intent, q.person, q.keywords) == ("recall", "Maria", ["roof"])


# ---- DateRange --------------------------------------------------------------------------------

def test_date_range_rejects_naive_and_empty_spans():
    """A DateRange needs aware datetimes and a start before its end."""
    with pytest.raises(ValueError):
        DateRange(datetime(2026, 3, 25), datetime(2026, 3, 26), "x")
    with pytest.raises(ValueError):
        DateRange(NOW, NOW, "x")
    with pytest.raises(ValueError):
        understand("today", datetime(2026, 3, 25, 9))


def test_contains_compares_instants_across_the_fall_back_hour():
    """The repeated 01:30 on the 25-hour day is inside 'today' both times; naive is local."""
    today = resolve_date_range("today", datetime(2026, 11, 1, 10, tzinfo=NEW_YORK))
    first = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)
    second = first.replace(fold=1)
    assert today.contains(first) and today.contains(second)
    assert today.contains(datetime(2026, 11, 2, 4, 30, tzinfo=UTC))  # 23:30 EST, still Nov 1
    assert not today.contains(datetime(2026, 11, 2, 5, 0, tzinfo=UTC))
    assert today.contains(datetime(2026, 11, 1, 23, 59))
    assert (today.first_day, today.last_day) == (date(2026, 11, 1), date(2026, 11, 1))


def test_shift_range_for_long_and_part_day_ranges():
    """A week-or-longer range is followed by the 7 days after it; part of a day keeps its hours."""
    seven = resolve_date_range("the next 7 days", NOW)
    assert _span(shift_range(seven, "week", 1, NOW)) == ("2026-04-02T00:00+02:00",
                                                         "2026-04-09T00:00+02:00")
    morning = resolve_date_range("tomorrow morning", NOW)
    assert _span(shift_range(morning, "day", 1, NOW)) == ("2026-03-27T06:00+01:00",
                                                          "2026-03-27T12:00+01:00")
    assert _span(shift_range(resolve_date_range("this month", NOW), "month", 1, NOW)) == (
        "2026-04-01T00:00+02:00", "2026-05-01T00:00+02:00")
    assert _span(shift_range(resolve_date_range("this weekend", NOW), "weekend", 1, NOW)) == (
        "2026-04-04T00:00+02:00", "2026-04-06T00:00+02:00")


# ---- invariants over random moments and zones -------------------------------------------------

ZONES = [BERLIN, NEW_YORK, SYDNEY, KOLKATA, UTC_ZONE]
moments = st.builds(
    lambda naive, zone: naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone),
    st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2037, 12, 31)),
    st.sampled_from(ZONES))
DAY_PHRASES = ["today", "tomorrow", "yesterday", "this week", "next week", "last week",
               "the week after next", "this weekend", "next weekend", "last weekend", "Monday",
               "next Wednesday", "last Sunday", "on the 15th", "in March", "this month",
               "next month", "in 3 days", "the next 3 days", "this year", "March 12"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _local_days(rng: DateRange) -> int:
    return (rng.end.date() - rng.start.date()).days


@settings(max_examples=150, deadline=None)
@given(moments)
def test_day_phrases_start_and_end_at_local_midnight(now):
    """Day-based phrases run from local midnight to local midnight, with 23/24/25-hour days."""
    zone = now.tzinfo
    for phrase in DAY_PHRASES:
        rng = resolve_date_range(phrase, now)
        assert rng is not None, phrase
        assert rng.start.tzinfo is zone and rng.end.tzinfo is zone
        assert rng.start.time() == time(0) and rng.end.time() == time(0), phrase
        assert rng.start.astimezone(UTC) < rng.end.astimezone(UTC)
        days = _local_days(rng)
        assert days * 24 - 1 <= _hours(rng) <= days * 24 + 1, phrase


@settings(max_examples=150, deadline=None)
@given(moments)
def test_today_tomorrow_and_weeks_fit_together(now):
    """tomorrow starts where today ends; today and this week hold now; next week is Mon-Sun."""
    today = resolve_date_range("today", now)
    tomorrow = resolve_date_range("tomorrow", now)
    yesterday = resolve_date_range("yesterday", now)
    assert tomorrow.start == today.end and yesterday.end == today.start
    assert tomorrow.start.astimezone(UTC) == today.end.astimezone(UTC)
    assert _hours(today) in (23, 24, 25)
    assert today.contains(now)
    this_week = resolve_date_range("this week", now)
    next_week = resolve_date_range("next week", now)
    assert this_week.contains(now)
    assert this_week.end == next_week.start
    assert next_week.start.weekday() == 0 and _local_days(next_week) == 7
    weekend = resolve_date_range("this weekend", now)
    assert (weekend.start.weekday(), weekend.end.weekday(), _local_days(weekend)) == (5, 0, 2)
    assert weekend.end.astimezone(UTC) > now.astimezone(UTC)


@settings(max_examples=150, deadline=None)
@given(moments, st.integers(min_value=0, max_value=6))
def test_weekday_phrases_fall_on_that_weekday(now, wd):
    """'<day>' is within the coming week, 'next <day>' in next week, 'last <day>' in the last 7."""
    today = now.date()
    name = WEEKDAYS[wd]
    bare = resolve_date_range(name, now)
    nxt = resolve_date_range(f"next {name}", now)
    last = resolve_date_range(f"last {name}", now)
    for rng in (bare, nxt, last):
        assert rng.start.weekday() == wd and _local_days(rng) == 1
    assert 0 <= (bare.first_day - today).days <= 6
    assert 1 <= (today - last.first_day).days <= 7
    monday = today - timedelta(days=today.weekday())
    assert (nxt.first_day - monday).days == 7 + wd
    afternoon = resolve_date_range(f"{name} afternoon", now)
    assert (afternoon.start.hour, afternoon.end.hour, afternoon.first_day) == (12, 18,
                                                                               bare.first_day)


@settings(max_examples=100, deadline=None)
@given(moments, st.integers(min_value=1, max_value=12))
def test_month_phrases_are_whole_months(now, month):
    """A month name gives the whole month, this year's unless it is already past."""
    name = ["January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"][month - 1]
    rng = resolve_date_range(f"in {name}", now)
    assert (rng.start.day, rng.start.month, rng.end.day) == (1, month, 1)
    assert rng.start.year == now.year + (1 if month < now.month else 0)
    assert _local_days(rng) in (28, 29, 30, 31)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), moments)
def test_understand_never_fails_on_odd_text(text, now):
    """Any text gives a Question with a valid intent and lower-case keywords."""
    q = understand(text, now)
    assert q.intent in ("schedule", "todo", "recall", "people", "brief", "general")
    assert all(k == k.lower() for k in q.keywords)
    if q.range is not None:
        assert q.range.start.astimezone(UTC) < q.range.end.astimezone(UTC)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["and tomorrow?", "and the week after?", "what about Friday?",
                        "and the day after?", "and Maria?", "and next month?"]),
       st.sampled_from(["What's on next week?", "What did I finish this week?",
                        "What did Tom say about the contract?", "am I free Friday at 3?",
                        "What's overdue?"]), moments)
def test_follow_ups_keep_the_previous_intent(follow, first, now):
    """A bare follow-up keeps the intent of the question before it, in any zone."""
    prev = understand(first, now)
    assert understand(follow, now, prev).intent == prev.intent


def test_core_does_not_import_qt_or_heavy_libraries():
    """engine.question stays light: no PySide6, chromadb or llama_cpp."""
    code = ("import sys, engine.question; "
            "print(sorted(m for m in ('PySide6', 'chromadb', 'llama_cpp', 'torch') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
