"""Resolving date phrases written inside documents ("by Friday", "next Tuesday at 3pm").

A phrase in a document means a day relative to when the document was written, never relative to
today: "tomorrow" in a mail sent on Wednesday 11 March 2026 is Thursday 12 March 2026. Every
function here therefore takes an ``anchor`` (the document's own date) and works on the anchor's
calendar date in the anchor's own zone.

The rules, chosen to be predictable (weeks start on Monday):

- "Friday", "this Friday", "by/on Friday": the first Friday on or after the anchor's date, so
  "by Friday" written on a Friday means that same day.
- "next Friday": the Friday of the week after the anchor's week (written on Monday 9 March or on
  Sunday 15 March, "next Tuesday" is Tuesday 17 March).
- "next week": Monday of the next week; "this week", "end of the week", "EOW": the first Friday on
  or after the anchor; "end of next week": Friday of the next week; "this/next weekend": Saturday.
- "today", "tonight", "this evening", "end of the day", "EOD", "COB": the anchor's date;
  "tomorrow": the day after.
- "end of the month"/"EOM": the month's last day; "next month": the 1st of the next month;
  "end of the year": 31 December; "end of March": 31 March (year as for "March 12").
- "in 3 days", "in two weeks", "within a month" (calendar months, clamped to the month's end).
- A month and day without a year ("March 12", "12 March", "3/12"): the first such date on or
  after 7 days before the anchor, so a deadline a few days past stays in this year and
  "January 5" written in December means the next January. A caller whose anchor is only a guess
  at when the text was written (a file's modification time, which is when it was last edited,
  so after the text was written) passes a longer ``past_grace`` (``MTIME_GRACE``, about two
  months).
- Numeric day and month ("3/12", "14/12"): the order is the one only reading when a number is
  above 12 ("14/12" is 14 December, "3/14" is 14 March); when both could be the month, US
  month/day ("3/12" is 12 March) unless the caller says the text is day-first (``day_first``:
  see ``numeric_order`` for reading it from a document, ``locale_day_first`` for the system).
- "the 19th": the first 19th on or after the anchor's date.
- A time ("at 3pm", "15:30", "noon", "at 10") makes the result a datetime in the anchor's zone
  (naive when the anchor is naive). A bare hour after "at" from 1 to 7 means the afternoon.

Phrases outside this grammar go to parsedatetime as a checked fallback (it must read the whole
phrase); parsedatetime alone disagrees with the rules above ("Wednesday" written on a Wednesday is
the next week's for it, "next week" is +7 days) and misses "end of the week" and "the 19th".
"""

from __future__ import annotations

import calendar
import functools
import os
import re
from datetime import date, datetime, time, timedelta
from typing import Any

_WD_FULL = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|thurs"
_WD_ABBR = _WD_FULL + r"|mon\.?|tue\.?|wed\.?|thu\.?|thur\.?|fri\.?|sat\.?|sun\.?"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_WEEKDAYS = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
_ORD = r"(?:st|nd|rd|th)"
_NUM = (
    r"(?:a\s+couple\s+of|couple\s+of|\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|an|a)"
)
_PAST_GRACE = timedelta(days=7)
MTIME_GRACE = timedelta(days=61)  # for an anchor that is a file's modification time


def _expr(weekdays: str) -> str:
    """The date-expression grammar (one alternation of named groups)."""
    wd = rf"(?:{weekdays})"
    wd_prefix = rf"(?:{wd},?\s+(?:the\s+)?)?"
    return "|".join([
        r"(?P<iso>\d{4}-\d{1,2}-\d{1,2})(?![\d-])",
        rf"{wd_prefix}(?P<md_m>{_MONTH})\s+(?P<md_d>\d{{1,2}}){_ORD}?(?!\d|:)(?:,?\s+(?P<md_y>\d{{4}}))?",
        rf"{wd_prefix}(?P<dm_d>\d{{1,2}}){_ORD}?(?:\s+of)?\s+(?P<dm_m>{_MONTH})(?:,?\s+(?P<dm_y>\d{{4}}))?",
        rf"{wd_prefix}(?<![\d/.])(?P<num_a>\d{{1,2}})/(?P<num_b>\d{{1,2}})(?:/(?P<num_y>\d{{4}}|\d{{2}}))?(?![\d/])",
        rf"{wd_prefix}the\s+(?P<nth>\d{{1,2}}){_ORD}(?!\s+(?:century|centuries|floor|percent))",
        rf"(?:the\s+)?(?:end|close)\s+of\s+(?P<end_mon>{_MONTH})(?:\s+(?P<end_y>\d{{4}}))?",
        r"(?:the\s+)?(?:end|close)\s+of\s+(?:the\s+|this\s+)?(?P<end_next>next\s+)?"
        r"(?P<end_unit>business\s+day|work\s?day|day|work\s?week|week|month|quarter|year)\b",
        r"(?P<eox>eod|eow|eom|eoy|cob|close\s+of\s+business)\b",
        r"(?P<nu_which>next|this|the\s+following|the\s+coming|coming)\s+"
        r"(?P<nu_unit>weekend|week|month|year)\b",
        rf"(?:(?P<wd_which>this\s+coming|the\s+coming|coming|next|this)\s+)?(?P<wd>{wd})\b",
        rf"(?P<from_n>{_NUM})\s+(?P<from_unit>day|week|month)s?\s+from\s+(?P<from_base>now|today|tomorrow)\b",
        rf"(?:in|within)\s+(?P<in_n>{_NUM})\s+(?P<in_unit>business\s+day|working\s+day|day|week|month|year)s?\b",
        r"(?P<rel>the\s+day\s+after\s+tomorrow|day\s+after\s+tomorrow|today|tonight|tomorrow|tmrw|"
        r"this\s+(?:morning|afternoon|evening))\b",
    ])


_TRIGGER = (
    r"(?:(?P<trig>by|on|before|until|till|til|for|due(?:\s+(?:on|by|date:?))?|no\s+later\s+than|"
    r"not\s+later\s+than|prior\s+to|ahead\s+of|deadline(?:\s+is)?:?)\s+)?"
)
_FIND_RE = re.compile(rf"(?<![\w/@#-]){_TRIGGER}(?:{_expr(_WD_FULL)})", re.IGNORECASE)
_PHRASE_RE = re.compile(rf"(?:{_expr(_WD_ABBR)})", re.IGNORECASE)
_DAYPART = re.compile(r"\s+(?:morning|afternoon|evening|night)\b", re.IGNORECASE)
_TIME_RE = re.compile(
    r"\s*,?\s*(?:(?:at|@|by|around|before|from)\s*)?"
    r"(?:(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)(?!\w)"
    r"|(?P<h24>\d{1,2}):(?P<m24>\d{2})(?!\d)"
    r"|(?P<word>noon|midday|midnight)\b)",
    re.IGNORECASE,
)
_BARE_HOUR = re.compile(
    r"\s*,?\s*at\s+(?P<h>\d{1,2})(?![\d:/%]|[.,]\d|\s*(?:percent|%|people|of|to|or|and|-))",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^(?:(?:by|on|before|until|till|til|for|due|due\s+on|due\s+by|no\s+later\s+than|"
    r"not\s+later\s+than|prior\s+to|ahead\s+of)\s+)",
    re.IGNORECASE,
)
_NO_DUE_BEFORE = {"last", "past", "previous", "every", "each", "since", "ago", "from"}
_NEEDS_TRIGGER = ("num_a", "nth")
_WEEK_OF = re.compile(r"(?:the\s+)?week\s+of\s+", re.IGNORECASE)
_WD_START = re.compile(rf"(?:{_WD_FULL})\b", re.IGNORECASE)


def _weekday(name: str) -> int:
    return _WEEKDAYS[name.lower().rstrip(".")[:3]]


def _month(name: str) -> int:
    return _MONTHS_BY_PREFIX[name.lower().rstrip(".")[:3]]


_MONTHS_BY_PREFIX = {  # English on purpose: calendar.month_name follows the user's locale
    m: i for i, m in enumerate(
        "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)
}


def _next_weekday(d: date, wd: int) -> date:
    """The first day with weekday ``wd`` on or after ``d``."""
    return d + timedelta(days=(wd - d.weekday()) % 7)


def _monday_next_week(d: date) -> date:
    return d + timedelta(days=7 - d.weekday())


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str | None) -> int | None:
    if not text:
        return None
    y = int(text)
    return y + 2000 if y < 100 else y


def _month_day(month: int, day: int, year: int | None, anchor: date,
               grace: timedelta = _PAST_GRACE) -> date | None:
    """A month/day, with the year given or chosen by the past-grace rule (module docstring)."""
    try:
        if year is not None:
            return date(year, month, day)
        for y in (anchor.year - 1, anchor.year, anchor.year + 1, anchor.year + 4):
            try:
                d = date(y, month, day)
            except ValueError:
                continue  # 29 February in a common year
            if d >= anchor - grace:
                return d
    except ValueError:
        return None
    return None


def _nth(day: int, anchor: date) -> date | None:
    if not 1 <= day <= 31:
        return None
    y, m = anchor.year, anchor.month
    for _ in range(13):
        if day <= calendar.monthrange(y, m)[1] and date(y, m, day) >= anchor:
            return date(y, m, day)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return None


def _count(text: str) -> int:
    t = " ".join(text.lower().split())
    if t.endswith("couple of"):
        return 2
    return int(t) if t.isdigit() else _NUMBERS[t]


def _numeric_month_day(a: int, b: int, day_first: bool | None) -> tuple[int, int] | None:
    """(month, day) for "a/b": the only valid order, else month/day unless ``day_first``.
    "24/7" ("open 24/7") is a date only in a text known to be day-first."""
    if (a, b) == (24, 7) and not day_first:
        return None
    a_month, b_month = 1 <= a <= 12, 1 <= b <= 12
    if a_month and b_month:
        return (b, a) if day_first else (a, b)
    if a_month:
        return a, b
    if b_month:
        return b, a
    return None


def _resolve_groups(g: dict[str, str | None], anchor: date, grace: timedelta = _PAST_GRACE,
                    day_first: bool | None = None) -> date | None:
    """The date a grammar match means (see the module docstring for the rules)."""
    if g["iso"]:
        y, m, d = (int(p) for p in g["iso"].split("-"))
        return _safe_date(y, m, d)
    if g["md_m"]:
        return _month_day(_month(g["md_m"]), int(g["md_d"] or 0), _year(g["md_y"]), anchor, grace)
    if g["dm_m"]:
        return _month_day(_month(g["dm_m"]), int(g["dm_d"] or 0), _year(g["dm_y"]), anchor, grace)
    if g["num_a"]:
        order = _numeric_month_day(int(g["num_a"]), int(g["num_b"] or 0), day_first)
        if order is None:
            return None
        return _month_day(order[0], order[1], _year(g["num_y"]), anchor, grace)
    if g["nth"]:
        return _nth(int(g["nth"]), anchor)
    if g["end_mon"]:
        month, year = _month(g["end_mon"]), _year(g["end_y"])
        if year is not None:
            return _month_end(year, month)
        for y in (anchor.year - 1, anchor.year, anchor.year + 1):
            if _month_end(y, month) >= anchor - grace:
                return _month_end(y, month)
        return None
    if g["end_unit"]:
        return _end_of(g["end_unit"].lower(), bool(g["end_next"]), anchor)
    if g["eox"]:
        key = g["eox"].lower()
        unit = {"eod": "day", "cob": "day", "eow": "week", "eom": "month", "eoy": "year"}
        return _end_of(unit.get(key, "day"), False, anchor)
    if g["nu_unit"]:
        return _this_or_next(g["nu_which"] or "", g["nu_unit"].lower(), anchor)
    if g["wd"]:
        wd = _weekday(g["wd"])
        if (g["wd_which"] or "").lower() == "next":
            return _monday_next_week(anchor) + timedelta(days=wd)
        return _next_weekday(anchor, wd)
    if g["in_n"]:
        n, unit = _count(g["in_n"]), g["in_unit"].lower()
        if unit.startswith(("business", "working")):
            return _add_business_days(anchor, n)
        if unit == "month":
            return _add_months(anchor, n)
        if unit == "year":
            return _add_months(anchor, 12 * n)
        return anchor + timedelta(days=n * (7 if unit == "week" else 1))
    if g["from_n"]:
        start = anchor + timedelta(days=1 if g["from_base"].lower() == "tomorrow" else 0)
        n, unit = _count(g["from_n"]), g["from_unit"].lower()
        if unit == "month":
            return _add_months(start, n)
        return start + timedelta(days=n * (7 if unit == "week" else 1))
    if g["rel"]:
        rel = " ".join(g["rel"].lower().split())
        if rel in ("tomorrow", "tmrw"):
            return anchor + timedelta(days=1)
        if rel.endswith("after tomorrow"):
            return anchor + timedelta(days=2)
        return anchor
    return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _add_business_days(d: date, n: int) -> date:
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def _end_of(unit: str, next_one: bool, anchor: date) -> date:
    if "day" in unit:
        return anchor + timedelta(days=1) if next_one else anchor
    if "week" in unit:
        if next_one:
            return _monday_next_week(anchor) + timedelta(days=4)
        return _next_weekday(anchor, 4)
    if unit == "month":
        base = _add_months(anchor.replace(day=1), 1 if next_one else 0)
        return _month_end(base.year, base.month)
    if unit == "quarter":
        q_end = ((anchor.month - 1) // 3) * 3 + 3
        base = _add_months(date(anchor.year, q_end, 1), 3 if next_one else 0)
        return _month_end(base.year, base.month)
    return date(anchor.year + (1 if next_one else 0), 12, 31)


def _this_or_next(which: str, unit: str, anchor: date) -> date:
    nxt = which.lower().split()[-1] in ("next", "following", "coming")
    if unit == "week":
        return _monday_next_week(anchor) if nxt else _next_weekday(anchor, 4)
    if unit == "weekend":
        if nxt:
            return _monday_next_week(anchor) + timedelta(days=5)
        return anchor if anchor.weekday() == 6 else _next_weekday(anchor, 5)
    if unit == "month":
        first = _add_months(anchor.replace(day=1), 1)
        return first if nxt else _month_end(anchor.year, anchor.month)
    return date(anchor.year + 1, 1, 1) if nxt else date(anchor.year, 12, 31)


def _time_at(text: str, pos: int) -> tuple[int, int, int] | None:
    """A time suffix starting at ``pos``: (hour, minute, end) or None."""
    m = _TIME_RE.match(text, pos)
    if m:
        if m["word"]:
            word = m["word"].lower()
            return (0 if word == "midnight" else 12), 0, m.end()
        if m["h24"]:
            h, mi = int(m["h24"]), int(m["m24"])
        else:
            h, mi = int(m["h"]), int(m["m"] or 0)
            pm = m["ampm"].lower().startswith("p")
            if not 1 <= h <= 12:
                return None
            h = (h % 12) + (12 if pm else 0)
        return (h, mi, m.end()) if h <= 23 and mi <= 59 else None
    m = _BARE_HOUR.match(text, pos)
    if m:
        h = int(m["h"])
        if 1 <= h <= 7:
            h += 12  # "at 3" in a plan means the afternoon
        return (h, 0, m.end()) if h <= 23 else None
    return None


def _with_time(text: str, end: int, day: date, anchor: datetime) -> tuple[date | datetime, int]:
    """Extend a date match by a day part and a time; return the value and the new end."""
    part = _DAYPART.match(text, end)
    if part:
        end = part.end()
    found = _time_at(text, end)
    if found is None:
        return day, end
    h, mi, new_end = found
    return datetime.combine(day, time(h, mi), tzinfo=anchor.tzinfo), new_end


def resolve_phrase(phrase: str, anchor: datetime, *,
                   day_first: bool | None = None) -> date | datetime | None:
    """Resolve one date phrase against the date of the document it was written in.

    Args:
        phrase: e.g. "by Friday", "next Tuesday at 3pm", "end of the month", "3/12", "the 19th".
        anchor: when the document was written (its zone is the zone of any time in the phrase).
        day_first: read an ambiguous "3/12" as 3 December (True) rather than 12 March.

    Returns:
        A ``date`` for a date-only phrase, a datetime with the anchor's tzinfo when the phrase
        has a time, or None when the phrase is not a date. Rules: see the module docstring.
    """
    text = " ".join(phrase.strip().split()).rstrip(".,;:!?)")
    text = _LEAD.sub("", text)
    if not text:
        return None
    value = _grammar_phrase(text, anchor, day_first)
    if value is not None:
        return value
    # A time before the day ("3pm tomorrow", "noon on Friday").
    t = _time_at(" " + text, 0)
    if t is not None:
        rest = re.sub(r"^(?:on|this)\s+", "", (" " + text)[t[2]:].strip(), flags=re.IGNORECASE)
        day = (_grammar_phrase(rest, anchor, day_first) or _parsedatetime(rest, anchor)
               ) if rest else None
        if not rest or (isinstance(day, date) and not isinstance(day, datetime)):
            return datetime.combine(day or anchor.date(), time(t[0], t[1]), tzinfo=anchor.tzinfo)
    return _parsedatetime(text, anchor)


def _grammar_phrase(text: str, anchor: datetime,
                    day_first: bool | None = None) -> date | datetime | None:
    """A whole phrase read by our grammar, or None."""
    m = _PHRASE_RE.match(text)
    day = _resolve_groups(m.groupdict(), anchor.date(), day_first=day_first) if m else None
    if m is None or day is None:
        return None
    value, end = _with_time(text, m.end(), day, anchor)
    return value if end == len(text) else None


_PDT_TIME_HINT = re.compile(r"\d\s*[ap]\.?m\b|\d:\d\d|\bnoon\b|\bmidnight\b", re.IGNORECASE)
_PDT_WORTH_TRYING = re.compile(r"\d|day|week|month|year|now|tomorrow|tonight", re.IGNORECASE)


@functools.cache
def _pdt_calendar() -> Any:
    import parsedatetime

    return parsedatetime.Calendar(version=parsedatetime.VERSION_CONTEXT_STYLE)


def _parsedatetime(text: str, anchor: datetime) -> date | datetime | None:
    """parsedatetime for phrases outside our grammar, accepted only when it reads all of them."""
    if len(text) > 60 or not _PDT_WORTH_TRYING.search(text):
        return None  # a lone month name ("may", "march") or a word is not a date
    try:
        found = _pdt_calendar().nlp(text, sourceTime=anchor.replace(tzinfo=None))
    except Exception:  # noqa: BLE001 - a third-party parser must not break indexing
        return None
    if not found or len(found) != 1:
        return None
    value, ctx, start, end, _matched = found[0]
    if start != 0 or end < len(text) or not (ctx.hasDate or ctx.hasTime):
        return None
    if _PDT_TIME_HINT.search(text):
        return value.replace(tzinfo=anchor.tzinfo)
    return value.date()


def find_date_phrases(
    text: str, anchor: datetime, *, past_grace: timedelta = _PAST_GRACE,
    day_first: bool | None = None,
) -> list[tuple[str, date | datetime, int, int]]:
    """Find due-date phrases in free text and resolve them against the document's date.

    Finds a date expression with or without a leading "by/on/before/until/due..." (the trigger is
    part of the match), weekday names, "tomorrow", explicit dates and relative phrases. Bare
    numeric dates ("3/12") and "the 19th" count only after a trigger; "last Friday" and
    "every Friday" are not due dates and are left out.

    Args:
        text: free text (a sentence, a task line, a whole body).
        anchor: when the text was written.
        past_grace: how far before the anchor a month and day without a year may fall (7 days;
            ``MTIME_GRACE`` when the anchor is a file's modification time).
        day_first: read an ambiguous "3/12" as 3 December (True) rather than 12 March.

    Returns:
        (matched text, value, start, end) in text order; value as in ``resolve_phrase``.
    """
    out: list[tuple[str, date | datetime, int, int]] = []
    base = anchor.date()
    for m in _FIND_RE.finditer(text):
        g = m.groupdict()
        if not g["trig"] and any(g[k] for k in _NEEDS_TRIGGER) and not _WD_START.match(m[0]):
            continue
        before = text[max(0, m.start() - 12): m.start()].split()
        if before and before[-1].lower().strip(",") in _NO_DUE_BEFORE:
            continue
        if before and before[-1].lower() == "the" and g["nu_unit"]:
            continue  # "over the next week" is a span, not a day
        day = _resolve_groups(g, base, past_grace, day_first)
        if day is None:
            continue
        value, end = _with_time(text, m.end(), day, anchor)
        start = m.start()
        week_of = _WEEK_OF.search(text, max(0, start - 16), start)
        if week_of and week_of.end() == start:
            start = week_of.start()  # "the week of June 4": the date given is that week's
        out.append((text[start:end], value, start, end))
    return out


_NUMERIC_DATE = re.compile(r"(?<![\d/.:-])(\d{1,2})/(\d{1,2})(?:/(?:\d{4}|\d{2}))?(?![\d/])")
# Territories that write the month first (en_US, en_PH...); every other territory is day-first.
_MONTH_FIRST = {"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "UM", "VI"}
_TERRITORY = re.compile(r"^[a-z]{2,3}[_-]([A-Z]{2})\b")
_WINDOWS_TERRITORY = re.compile(r"_(United States|Philippines)\b|_[A-Z][a-z]")


def numeric_order(text: str) -> bool | None:
    """How a document writes numeric dates: True day-first, False month-first, None unknown.

    Only an unambiguous date decides: "14/12" (a first number above 12) says day-first, "12/14"
    says month-first; a text with both, or with only ambiguous ones ("3/12"), says nothing.
    """
    votes = set()
    for m in _NUMERIC_DATE.finditer(text):
        a, b = int(m[1]), int(m[2])
        if 12 < a <= 31 and 1 <= b <= 12:
            votes.add(True)
        elif 12 < b <= 31 and 1 <= a <= 12:
            votes.add(False)
    return votes.pop() if len(votes) == 1 else None


def locale_day_first(environ: dict[str, str] | None = None) -> bool | None:
    """Whether the user's locale writes the day first ("en_AU" True, "en_US" False).

    The territory is read from LC_ALL, LC_TIME or LANG (in that order, the first one set), else
    from the locale Python started with (on Windows "English_Australia"); "C", "POSIX" and a
    locale without a territory give None (unknown: callers keep US month/day).
    """
    env = os.environ if environ is None else environ
    name = next((env[k] for k in ("LC_ALL", "LC_TIME", "LANG") if env.get(k)), "")
    if not name and environ is None:
        import locale

        name = (locale.getlocale()[0] or "") if os.name == "nt" else ""
    m = _TERRITORY.match(name)
    if m:
        return m[1] not in _MONTH_FIRST
    w = _WINDOWS_TERRITORY.search(name)
    if w:
        return w[1] is None
    return None


_NAME_ISO = re.compile(r"(?<!\d)(\d{4})[-_.](\d{2})[-_.](\d{2})(?!\d)")
_NAME_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?!\d)")
_NAME_WORDS = re.compile(
    rf"^(?:(?:{_WD_ABBR}),?\s+)?(?:(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}}){_ORD}?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}}){_ORD}?\s+(?P<m2>{_MONTH}),?\s+(?P<y2>\d{{4}}))(?!\d)",
    re.IGNORECASE,
)


def date_from_filename(name: str) -> date | None:
    """The date a daily-note file name carries, or None.

    Accepts "2025-06-17.md", "2025-06-17 Tuesday.md", "2020-08-08-a-post.md", "2025_06_17.md",
    "20250617.md", "June 17, 2025.md", "Tuesday, June 17, 2025.md" and "17 June 2025.md"; a path
    is reduced to its file name first.
    """
    stem = os.path.splitext(os.path.basename(name))[0].strip()
    m = _NAME_ISO.search(stem) or _NAME_COMPACT.match(stem)
    if m:
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    m = _NAME_WORDS.match(stem)
    if m:
        month = _month(m["m1"] or m["m2"])
        return _safe_date(int(m["y1"] or m["y2"]), month, int(m["d1"] or m["d2"]))
    return None
