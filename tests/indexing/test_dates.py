"""Tests for resolving date phrases against the date of the document they were written in."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from indexing.dates import date_from_filename, find_date_phrases, resolve_phrase

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 11 March 2026, 09:00 in Berlin: far from "today" on purpose.
WED = datetime(2026, 3, 11, 9, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("today", date(2026, 3, 11)),
        ("tonight", date(2026, 3, 11)),
        ("tomorrow", date(2026, 3, 12)),
        ("the day after tomorrow", date(2026, 3, 13)),
        ("Friday", date(2026, 3, 13)),
        ("by Friday", date(2026, 3, 13)),
        ("on Friday", date(2026, 3, 13)),
        ("this Friday", date(2026, 3, 13)),
        ("Wednesday", date(2026, 3, 11)),
        ("Tuesday", date(2026, 3, 17)),
        ("next Tuesday", date(2026, 3, 17)),
        ("next Friday", date(2026, 3, 20)),
        ("end of the week", date(2026, 3, 13)),
        ("EOW", date(2026, 3, 13)),
        ("by end of week", date(2026, 3, 13)),
        ("end of next week", date(2026, 3, 20)),
        ("end of the month", date(2026, 3, 31)),
        ("EOM", date(2026, 3, 31)),
        ("end of March", date(2026, 3, 31)),
        ("next week", date(2026, 3, 16)),
        ("next month", date(2026, 4, 1)),
        ("this weekend", date(2026, 3, 14)),
        ("in 3 days", date(2026, 3, 14)),
        ("in two weeks", date(2026, 3, 25)),
        ("in a couple of days", date(2026, 3, 13)),
        ("in 2 business days", date(2026, 3, 13)),
        ("within a month", date(2026, 4, 11)),
        ("3 days from now", date(2026, 3, 14)),
        ("March 12", date(2026, 3, 12)),
        ("Mar. 12th", date(2026, 3, 12)),
        ("12 March", date(2026, 3, 12)),
        ("12th of March", date(2026, 3, 12)),
        ("March 12, 2027", date(2027, 3, 12)),
        ("Friday, March 20th", date(2026, 3, 20)),
        ("3/12", date(2026, 3, 12)),
        ("3/12/27", date(2027, 3, 12)),
        ("2026-03-12", date(2026, 3, 12)),
        ("the 19th", date(2026, 3, 19)),
        ("before the 19th.", date(2026, 3, 19)),
        ("the 10th", date(2026, 4, 10)),
        ("March 5", date(2026, 3, 5)),  # 6 days past: within the 7-day grace, same year
        ("March 2", date(2027, 3, 2)),  # 9 days past: next year's
        ("a week from Friday", date(2026, 3, 20)),  # parsedatetime fallback
    ],
)
def test_resolve_date_phrases_against_the_anchor(phrase: str, expected: date) -> None:
    """Each date-only phrase resolves to a date relative to the document's date, not today."""
    value = resolve_phrase(phrase, WED)
    assert value == expected
    assert type(value) is date


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("next Tuesday at 3pm", datetime(2026, 3, 17, 15, 0, tzinfo=BERLIN)),
        ("tomorrow at 9:30am", datetime(2026, 3, 12, 9, 30, tzinfo=BERLIN)),
        ("Thursday 14:00", datetime(2026, 3, 12, 14, 0, tzinfo=BERLIN)),
        ("Friday at 3", datetime(2026, 3, 13, 15, 0, tzinfo=BERLIN)),
        ("Friday at 10", datetime(2026, 3, 13, 10, 0, tzinfo=BERLIN)),
        ("tomorrow at noon", datetime(2026, 3, 12, 12, 0, tzinfo=BERLIN)),
        ("3pm tomorrow", datetime(2026, 3, 12, 15, 0, tzinfo=BERLIN)),
        ("noon on Friday", datetime(2026, 3, 13, 12, 0, tzinfo=BERLIN)),
        ("2026-04-01 14:00", datetime(2026, 4, 1, 14, 0, tzinfo=BERLIN)),
    ],
)
def test_phrases_with_a_time_give_aware_datetimes(phrase: str, expected: datetime) -> None:
    """A phrase with a time resolves to a datetime in the anchor's zone."""
    value = resolve_phrase(phrase, WED)
    assert value == expected
    assert isinstance(value, datetime) and value.tzinfo is BERLIN


def test_by_weekday_said_on_that_weekday_means_the_same_day() -> None:
    """'by Friday' written on a Friday is that Friday; 'next Friday' is a week later."""
    friday = datetime(2026, 3, 13, 17, 0, tzinfo=BERLIN)
    assert resolve_phrase("by Friday", friday) == date(2026, 3, 13)
    assert resolve_phrase("next Friday", friday) == date(2026, 3, 20)
    assert resolve_phrase("end of the week", friday) == date(2026, 3, 13)


def test_next_weekday_is_in_the_following_week() -> None:
    """'next Tuesday' is the Tuesday of the week after the anchor's week, from Monday or Sunday."""
    monday = datetime(2026, 3, 9, 9, 0, tzinfo=BERLIN)
    sunday = datetime(2026, 3, 15, 9, 0, tzinfo=BERLIN)
    assert resolve_phrase("next Tuesday", monday) == date(2026, 3, 17)
    assert resolve_phrase("Tuesday", monday) == date(2026, 3, 10)
    assert resolve_phrase("next Tuesday", sunday) == date(2026, 3, 17)
    assert resolve_phrase("next week", sunday) == date(2026, 3, 16)


def test_month_day_without_year_rolls_into_next_year_in_december() -> None:
    """'January 5' written in December is next January; 'Dec 3' a few days ago stays."""
    dec = datetime(2025, 12, 8, 9, 0, tzinfo=BERLIN)
    assert resolve_phrase("January 5", dec) == date(2026, 1, 5)
    assert resolve_phrase("1/5", dec) == date(2026, 1, 5)
    assert resolve_phrase("Dec 3", dec) == date(2025, 12, 3)
    assert resolve_phrase("end of the month", dec) == date(2025, 12, 31)
    assert resolve_phrase("next month", dec) == date(2026, 1, 1)


def test_day_of_month_skips_months_too_short() -> None:
    """'the 31st' written in April (30 days) is 31 May."""
    april = datetime(2026, 4, 2, tzinfo=BERLIN)
    assert resolve_phrase("the 31st", april) == date(2026, 5, 31)


def test_naive_anchor_gives_naive_datetime() -> None:
    """A floating anchor (no zone) gives a floating datetime for a phrase with a time."""
    value = resolve_phrase("tomorrow at 3pm", datetime(2026, 3, 11, 9, 0))
    assert value == datetime(2026, 3, 12, 15, 0)
    assert isinstance(value, datetime) and value.tzinfo is None


def test_anchor_date_is_taken_in_the_anchor_zone() -> None:
    """Late evening in New York is already the next day in UTC; 'tomorrow' follows New York."""
    ny = datetime(2026, 3, 11, 23, 30, tzinfo=ZoneInfo("America/New_York"))
    assert resolve_phrase("tomorrow", ny) == date(2026, 3, 12)


@pytest.mark.parametrize(
    "phrase", ["", "may", "March", "blah blah", "the budget draft", "24/7", "13/45", "02/30"]
)
def test_non_dates_resolve_to_none(phrase: str) -> None:
    """Words, lone month names and impossible numeric dates are not dates."""
    assert resolve_phrase(phrase, WED) is None


def test_resolve_never_uses_today() -> None:
    """The same phrase against two anchors gives two answers, both relative to the anchor."""
    old = datetime(2001, 5, 2, 10, 0, tzinfo=BERLIN)  # a Wednesday
    assert resolve_phrase("tomorrow", old) == date(2001, 5, 3)
    assert resolve_phrase("Friday", old) == date(2001, 5, 4)
    assert resolve_phrase("tomorrow", old) != date.today() + timedelta(days=1)


def test_find_date_phrases_in_free_text() -> None:
    """Due phrases are found with their trigger word, resolved and located by offsets."""
    text = "I'll send you the budget draft by Thursday and the slides next Monday at 10."
    found = find_date_phrases(text, WED)
    assert [(t, v) for t, v, _s, _e in found] == [
        ("by Thursday", date(2026, 3, 12)),
        ("next Monday at 10", datetime(2026, 3, 16, 10, 0, tzinfo=BERLIN)),
    ]
    for matched, _value, start, end in found:
        assert text[start:end] == matched


def test_find_date_phrases_explicit_and_relative_forms() -> None:
    """Explicit dates, 'tomorrow', 'end of the week' and 'in N days' are all found."""
    text = (
        "Contract due on 2026-04-01. Call back tomorrow. Report by end of the week, "
        "review in 3 days, party on March 20th, 2026."
    )
    got = [(t, v) for t, v, _s, _e in find_date_phrases(text, WED)]
    assert got == [
        ("due on 2026-04-01", date(2026, 4, 1)),
        ("tomorrow", date(2026, 3, 12)),
        ("by end of the week", date(2026, 3, 13)),
        ("in 3 days", date(2026, 3, 14)),
        ("on March 20th, 2026", date(2026, 3, 20)),
    ]


def test_find_date_phrases_skips_past_and_recurring_and_bare_numbers() -> None:
    """'last Friday', 'every Friday', fractions and '3/12' without a trigger are not due dates."""
    text = "We met last Friday, meet every Friday, use 1/2 cup, see 3/12 and the 19th century."
    assert find_date_phrases(text, WED) == []


def test_find_date_phrases_numeric_and_nth_need_a_trigger() -> None:
    """'by 3/20' and 'before the 19th' count because a trigger word says they are dates."""
    got = [(t, v) for t, v, _s, _e in find_date_phrases("Pay by 3/20, file before the 19th", WED)]
    assert got == [("by 3/20", date(2026, 3, 20)), ("before the 19th", date(2026, 3, 19))]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2025-06-17.md", date(2025, 6, 17)),
        ("2025-06-17 Tuesday.md", date(2025, 6, 17)),
        ("20250617.md", date(2025, 6, 17)),
        ("June 17, 2025.md", date(2025, 6, 17)),
        ("Tuesday, June 17, 2025.md", date(2025, 6, 17)),
        ("17 June 2025.md", date(2025, 6, 17)),
        ("2025_06_17.txt", date(2025, 6, 17)),
        ("/notes/Daily/2025-06-17.md", date(2025, 6, 17)),
        ("2020-08-08-an-earlier-post.md", date(2020, 8, 8)),
        ("Garden ideas.md", None),
        ("2025-02-30.md", None),
        ("12345678.md", None),
        ("v1.2.3.md", None),
    ],
)
def test_date_from_filename(name: str, expected: date | None) -> None:
    """Daily-note file names give their date; other names and impossible dates give None."""
    assert date_from_filename(name) == expected
