"""Reading dates and times out of a question: "tomorrow", "next week", "Friday at 3pm".

Every range is built from calendar dates in the zone of ``now`` with
``datetime.combine(day, time, tzinfo=zone)``, never by adding a timedelta to an aware datetime:
that keeps day boundaries at local midnight, so a day across a DST change is 23 or 25 hours long.
Ranges are half-open, ``[start, end)``. Labels use fixed English names, not ``strftime``, because
Qt sets the C locale from the environment and ``%a`` would then say "Do" instead of "Thu".

Choices (the week starts on Monday):
  * today / tomorrow / yesterday / the day after tomorrow: that whole day. "tonight" and
    "this evening" are today 18:00-24:00; "morning" 06:00-12:00, "afternoon" 12:00-18:00,
    "evening"/"night" 18:00-24:00, on any day phrase ("Friday afternoon", "tomorrow night").
    A bare "in the afternoon" is today's unless it is over, then tomorrow's.
  * this / next / last week: Mon-Sun of now's week, the one after, the one before (whole weeks,
    even when part of this week is past). "the week after next": the week after next week.
  * weekend: Sat 00:00 to Mon 00:00 of the coming weekend, or the current one on Sat/Sun;
    "next weekend" is next week's, "last weekend" last week's.
  * <weekday>: the next such day, today included; "next <weekday>": that day in next week;
    "last <weekday>": the most recent one before today.
  * "the 19th": the next 19th on or after today (skipping months without one).
  * a month name: this year's if now is in or before it, else next year's; "next March" is the
    first March after the current month, "last March" the last one before it.
  * a date without a year (12 March, 12.3.): its next occurrence on or after today.
  * past questions (``past=True``, "what did Tom say on Monday?") turn the four rules above
    backwards: the most recent such day/date/month, today included. A phrase right after
    "for", "by", "until", "before" or "due" is always read forwards.
  * "in 3 days", "in two weeks", "3 days ago": that single day (two weeks = 14 days out).
  * "the next 3 days": today through today + 3 (4 calendar days); "the past 3 days": today - 3
    through today; "the coming week" = the next 7 days.
  * "by Friday" / "until Friday": today through Friday; "before Friday": up to Friday 00:00;
    "since Monday": Monday through today.
  * times: "3pm", "15:00", "at 3", "noon". A bare hour 1-7 means pm and 8-12 is as said, unless
    the day phrase names a part of the day ("tomorrow morning at 7"). A time with no day phrase
    is today's, and the range becomes today.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                 "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "few": 3,
                 "couple": 2, "several": 3}

MAX_CHARS = 2000  # only the start of a pasted essay is read; it is a question, not a document
_PART_HOURS = {"morning": (6, 12), "afternoon": (12, 18), "evening": (18, 24), "night": (18, 24)}
_PART = r"(?:\s+(?:in\s+the\s+)?(?P<part>morning|afternoon|evening|night))?"
_N = (r"(?P<n>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
      r"|fourteen|fifteen|twenty|thirty|(?:a\s+)?few|(?:a\s+)?couple(?:\s+of)?|several)")
_UNIT = r"(?P<unit>days?|weeks?|months?|years?|fortnights?)"
_WD_FULL = (r"(?P<wd>mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?"
            r"|tues|weds|thurs?)")
_WD_SHORT = r"(?P<wd>mon|tue|wed|thu|fri|sat|sun)"
_MON = (r"(?P<mon>january|february|march|april|may|june|july|august|september|october|november"
        r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)")
_WD_PREFIX = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
# After these words a date is a target in the future even in a past-tense question.
_FORWARD = re.compile(r"\b(?:for|by|until|till|before|due)\s+(?:on\s+|the\s+)?$")
_OPEN_START = re.compile(r"\b(by|until|till|through|thru|before|since)\s+(?:on\s+)?$")


@dataclass(frozen=True)
class DateRange:
    """A half-open span ``[start, end)`` of aware datetimes in the user's zone.

    Compare instants with ``contains`` (or after ``astimezone(UTC)``): Python compares two
    datetimes that share a tzinfo by wall clock, which is off by an hour across a DST change.
    """

    start: datetime
    end: datetime
    label: str = ""

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("DateRange needs timezone-aware datetimes")
        if self.start.astimezone(UTC) >= self.end.astimezone(UTC):
            raise ValueError(f"DateRange start {self.start} is not before end {self.end}")

    def contains(self, moment: datetime) -> bool:
        """True if ``moment`` lies in the range; a naive moment is read in the range's zone."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.start.tzinfo)
        return self.start.astimezone(UTC) <= moment.astimezone(UTC) < self.end.astimezone(UTC)

    @property
    def first_day(self) -> date:
        """The local date the range starts on."""
        return self.start.date()

    @property
    def last_day(self) -> date:
        """The last local date the range touches (the day before ``end`` if it ends at midnight)."""
        end = self.end.date()
        return end - timedelta(days=1) if self.end.time() == time(0) else end


@dataclass(frozen=True)
class DateReading:
    """What ``read_dates`` found in a text.

    Attributes:
        range: the first date phrase's range, or None.
        at: a specific instant ("Thursday at 3pm"), or None.
        spans: (start, end) character spans of the phrases used, in the normalized text.
        soon: the text says "upcoming", "coming up", "soon" or "ahead" (no range by itself).
    """

    range: DateRange | None = None
    at: datetime | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    soon: bool = False


# Chat spellings of time words, as people type them into a quick-ask box.
_SHORTHAND = {"2day": "today", "2moro": "tomorrow", "2morrow": "tomorrow", "tmoz": "tomorrow",
              "tomoz": "tomorrow", "2nite": "tonight", "tonite": "tonight", "wk": "week",
              "wks": "weeks", "wknd": "weekend", "wkend": "weekend", "mnth": "month",
              "fri": "friday", "arvo": "afternoon", "whats": "what's", "wheres": "where's",
              "whens": "when's", "hows": "how's", "whos": "who's", "im": "i'm", "ive": "i've"}
_SHORTHAND_RX = re.compile(r"\b(?:" + "|".join(_SHORTHAND) + r")\b")
# "sat" and "sun" are weekdays only beside a date word ("by sat", "sun morning").
_SAT_SUN = re.compile(r"\b(?:(?<=on )|(?<=by )|(?<=this )|(?<=next )|(?<=last )|(?<=until )"
                      r"|(?<=till )|(?<=before ))(sat|sun)\b|\b(sat|sun)(?= (?:morning|afternoon"
                      r"|evening|night|arvo)\b)")


def normalize_text(text: str) -> str:
    """Lower case, straight apostrophes, single spaces, chat spellings of time words written out
    ("due 2day", "this wk", "by fri"): the form every pattern here reads. Spans found in it
    refer to this text, not to the question as typed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    text = " ".join(text.lower().split())
    text = _SHORTHAND_RX.sub(lambda m: _SHORTHAND[m.group(0)], text)
    return _SAT_SUN.sub(lambda m: {"sat": "saturday", "sun": "sunday"}[m.group(1) or m.group(2)],
                        text)


def day_start(day: date, zone: tzinfo) -> datetime:
    """Local midnight at the start of ``day`` in ``zone``."""
    return datetime.combine(day, time(0), tzinfo=zone)


def make_range(first: date, last: date, zone: tzinfo, phrase: str | None, today: date,
               hours: tuple[int, int] | None = None) -> DateRange:
    """The whole days ``first``..``last`` (inclusive), or ``hours`` of the single day ``first``."""
    if hours is None:
        start, end = day_start(first, zone), day_start(last + timedelta(days=1), zone)
    else:
        start = datetime.combine(first, time(hours[0]), tzinfo=zone)
        end = (day_start(first + timedelta(days=1), zone) if hours[1] == 24
               else datetime.combine(first, time(hours[1]), tzinfo=zone))
    span = describe(start, end, today)
    return DateRange(start, end, f"{phrase} ({span})" if phrase else span)


def upcoming_range(now: datetime, days: int = 7) -> DateRange:
    """Today through today + ``days`` (whole days), labelled "the next N days"."""
    today = now.date()
    return make_range(today, today + timedelta(days=days), _zone(now), f"the next {days} days",
                      today)


def shift_range(previous: DateRange, unit: str, step: int, now: datetime) -> DateRange:
    """The day, week, weekend or month after (``step`` 1) or before (-1) a previous range.

    A range of a week or more is followed by the 7 days after it; a shorter one by the Mon-Sun
    week after the week it starts in. Part of a day moves to the same hours of the next day.
    """
    zone, today = _zone(now), now.date()
    first, last = previous.first_day, previous.last_day
    word = "after" if step > 0 else "before"
    if unit == "day":
        if first == last and (previous.start.time(), previous.end.time()) != (time(0), time(0)):
            day = first + timedelta(days=step)
            end_hour = 24 if previous.end.time() == time(0) else previous.end.hour
            return make_range(day, day, zone, f"the day {word}", today,
                              (previous.start.hour, end_hour))
        day = last + timedelta(days=1) if step > 0 else first - timedelta(days=1)
        return make_range(day, day, zone, f"the day {word}", today)
    if unit == "week":
        if (last - first).days >= 6:
            begin = last + timedelta(days=1) if step > 0 else first - timedelta(days=7)
        else:
            begin = monday(first) + timedelta(days=7 * step)
        return make_range(begin, begin + timedelta(days=6), zone, f"the week {word}", today)
    if unit == "weekend":
        if step > 0:
            sat = last + timedelta(days=(5 - last.weekday()) % 7 or 7)
        else:
            sat = first - timedelta(days=(first.weekday() - 5) % 7 or 7)
        return make_range(sat, sat + timedelta(days=1), zone, f"the weekend {word}", today)
    begin = add_months(first.replace(day=1), step)
    return make_range(begin, add_months(begin, 1) - timedelta(days=1), zone, f"the month {word}",
                      today)


def resolve_date_range(text: str, now: datetime, past: bool = False) -> DateRange | None:
    """The range of the first date phrase in ``text`` (see the module docstring), or None."""
    return read_dates(text, now, past).range


def read_dates(text: str, now: datetime, past: bool = False, force_past: bool = False,
               ) -> DateReading:
    """Find the date range, the time of day and "soon" words in a question.

    Args:
        text: the question; normalized here with ``normalize_text`` (spans refer to that form).
        now: the current time, aware, in the user's zone; every range is in ``now.tzinfo``.
        past: the question is in the past tense, so bare weekdays, dates and months are read as
            the most recent ones instead of the next ones.
        force_past: read them backwards even after "for"/"by"/"due" (the other reading of a
            recall question's date: "the summary for June 1" may be last June's).

    Returns:
        A ``DateReading``; its range is the first date phrase in reading order.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    text = normalize_text(text)[:MAX_CHARS]
    ctx = _Ctx(now, _zone(now), now.date())
    claimed: list[tuple[int, int]] = []
    found: list[tuple[int, DateRange]] = []
    kinds: list[str] = []
    for pattern, handler in _RULES:
        for m in pattern.finditer(text):
            if _overlaps(m.span(), claimed):
                continue
            window = max(0, m.start() - 20)
            opener = _OPEN_START.search(text, window, m.start())
            since = opener is not None and opener.group(1) == "since"
            backwards = force_past or ((past or since)
                                       and not _FORWARD.search(text, window, m.start()))
            hit = handler(m, ctx, backwards, text)
            if hit is None:
                continue
            span = m.span()
            if opener:
                hit = _open_ended(hit, opener.group(1), ctx)
                span = (opener.start(), m.end())
            claimed.append(span)
            found.append((span[0], hit))
            kinds.append(handler.__name__)
    rng = _combine(found, kinds, ctx) if len(found) > 1 else None
    if rng is None:
        rng = min(found, key=lambda f: f[0])[1] if found else None
    at = None
    for pattern in _TIME_RULES:
        m = next((m for m in pattern.finditer(text) if not _overlaps(m.span(), claimed)), None)
        if m is None:
            continue
        claimed.append(m.span())
        if rng is None:
            rng = make_range(ctx.today, ctx.today, ctx.zone, "today", ctx.today)
        if rng.first_day == rng.last_day:
            at = _instant(m, rng, ctx.zone)
        break
    soon = bool(re.search(r"\b(?:upcoming|coming\s+up|soon|ahead|near\s+future)\b", text))
    return DateReading(rng, at, sorted(claimed), soon)


def _combine(found: list[tuple[int, DateRange]], kinds: list[str], c: _Ctx) -> DateRange | None:
    """Two phrases that together name one time: "the evening of Friday 18 December" (a part of
    the day and a day), "Tuesday afternoon next week" (a weekday and a week)."""
    day_hits = [(h, k) for (_, h), k in zip(found, kinds, strict=True)
                if k != "_bare_part" and h.first_day == h.last_day and h.start.time() == time(0)
                and h.end.time() == time(0)]
    parts = [h for (_, h), k in zip(found, kinds, strict=True) if k == "_bare_part"]
    if parts and len(day_hits) == 1:
        part, (day_hit, _) = parts[0], day_hits[0]
        hours = (part.start.hour, part.end.hour or 24)
        name = next((n for n, hh in _PART_HOURS.items() if hh == hours), "")
        label = day_hit.label.split(" (")[0]
        return make_range(day_hit.first_day, day_hit.first_day, c.zone,
                          f"{label} {name}".strip(), c.today, hours)
    weekdays = [h for (_, h), k in zip(found, kinds, strict=True)
                if k == "_weekday" and h.first_day == h.last_day]
    weeks = [h for (_, h), k in zip(found, kinds, strict=True)
             if k == "_calendar_unit" and (h.last_day - h.first_day).days == 6]
    if len(weekdays) == 1 and len(weeks) == 1:
        wd_hit, week = weekdays[0], weeks[0]
        d = week.first_day + timedelta(days=wd_hit.first_day.weekday())
        hours = None
        if wd_hit.start.time() != time(0) or wd_hit.end.time() != time(0):
            hours = (wd_hit.start.hour, wd_hit.end.hour or 24)
        label = f"{wd_hit.label.split(' (')[0]} {week.label.split(' (')[0]}"
        return make_range(d, d, c.zone, label, c.today, hours)
    return None


@dataclass(frozen=True)
class _Ctx:
    now: datetime
    zone: tzinfo
    today: date

    def days(self, first: date, last: date, phrase: str | None) -> DateRange:
        return make_range(first, last, self.zone, phrase, self.today)

    def day(self, d: date, phrase: str | None, part: str | None = None) -> DateRange:
        if part:
            label = f"{phrase} {part}" if phrase else part
            return make_range(d, d, self.zone, label, self.today, _PART_HOURS[part])
        return make_range(d, d, self.zone, phrase, self.today)


def monday(day: date) -> date:
    """The Monday of the week ``day`` is in."""
    return day - timedelta(days=day.weekday())


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's end (31 Jan + 1 month = 28 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def describe(start: datetime, end: datetime, today: date) -> str:
    """Plain words for a span: "Thu 26 Mar", "Mon 30 Mar – Sun 5 Apr", "March 2026",
    "Thu 26 Mar, 06:00–12:00". The year is shown only when it is not today's."""
    def day_text(d: date) -> str:
        year = f" {d.year}" if d.year != today.year else ""
        return f"{WEEKDAY_NAMES[d.weekday()][:3]} {d.day} {MONTH_NAMES[d.month - 1][:3]}{year}"

    def clock(t: datetime, is_end: bool) -> str:
        return "24:00" if is_end and t.time() == time(0) else f"{t:%H:%M}"

    midnight = time(0)
    if start.time() == midnight and end.time() == midnight:
        first, last = start.date(), end.date() - timedelta(days=1)
        if first == last:
            return day_text(first)
        if first.day == 1 and add_months(first, 1) - timedelta(days=1) == last:
            return f"{MONTH_NAMES[first.month - 1]} {first.year}"
        if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and \
                first.year == last.year:
            return str(first.year)
        return f"{day_text(first)} \u2013 {day_text(last)}"
    last_day = end.date() - timedelta(days=1) if end.time() == midnight else end.date()
    if start.date() == last_day:
        return f"{day_text(start.date())}, {clock(start, False)}\u2013{clock(end, True)}"
    return (f"{day_text(start.date())} {clock(start, False)} \u2013 "
            f"{day_text(end.date())} {clock(end, False)}")


def count(word: str) -> int:
    """A number from digits or words: "3", "three", "a", "a couple of", "few"."""
    word = word.replace(" of", "").split()[-1]
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def month_number(word: str) -> int:
    """1-12 for a month name or its abbreviation ("sept", "mar")."""
    return next(i + 1 for i, name in enumerate(MONTH_NAMES) if name.lower().startswith(word[:3]))


def weekday_number(word: str) -> int:
    """0 (Monday) to 6 for a weekday name or abbreviation ("thurs", "fri")."""
    return next(i for i, name in enumerate(WEEKDAY_NAMES) if name.lower().startswith(word[:3]))


def _zone(now: datetime) -> tzinfo:
    assert now.tzinfo is not None
    return now.tzinfo


def _overlaps(span: tuple[int, int], claimed: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in claimed)


def _open_ended(hit: DateRange, word: str, ctx: _Ctx) -> DateRange:
    """"by Friday" runs from today; "since Monday" runs to the end of today."""
    inner = hit.label.split(" (")[0] if "(" in hit.label else hit.label
    if word == "since":
        if hit.first_day > ctx.today:
            return hit
        return ctx.days(hit.first_day, ctx.today, f"since {inner}")
    if hit.first_day <= ctx.today:
        return hit
    last = hit.first_day - timedelta(days=1) if word == "before" else hit.last_day
    return ctx.days(ctx.today, last, f"{word} {inner}")


# ---- rule handlers: (match, context, read backwards, text) -> range or None ----

def _week_after_next(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    mon = monday(c.today) + timedelta(days=14)
    return c.days(mon, mon + timedelta(days=6), "the week after next")


def _day_around(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    after = m.group("which").startswith("after")
    d = c.today + timedelta(days=2 if after else -2)
    return c.day(d, "the day after tomorrow" if after else "the day before yesterday",
                 m.group("part"))


def _move(day: date, n: int, unit: str) -> date:
    if unit in ("month", "year"):
        return add_months(day, n * (12 if unit == "year" else 1))
    return day + timedelta(days=n * {"day": 1, "week": 7, "fortnight": 14}[unit])


def _rolling(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    direction, unit = m.group("dir"), m.group("unit").rstrip("s")
    if m.group("n") is None:  # "the coming week", "the past month"; "next week" is calendar
        if direction not in ("coming", "past"):
            return None
        plural = m.group("unit").endswith("s")  # "the coming days": three of them
        n, phrase = (3, f"the {direction} days") if plural else (1, f"the {direction} {unit}")
    else:
        n = count(m.group("n"))
        forward = direction in ("next", "coming", "following", "within")
        phrase = f"the {'next' if forward else 'past'} {n} {unit}{'s' if n != 1 else ''}"
    if direction in ("next", "coming", "following", "within"):
        return c.days(c.today, _move(c.today, n, unit), phrase)
    return c.days(_move(c.today, -n, unit), c.today, phrase)


def _weekend(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    q = re.sub(r"^the\b\s*", "", m.group("q") or "")
    sat = monday(c.today) + timedelta(days=5)
    if q == "next":
        sat += timedelta(days=7)
    elif q in ("last", "past", "previous") or (back and not q and c.today.weekday() < 5):
        sat -= timedelta(days=7)
    phrase = {"next": "next weekend", "last": "last weekend", "past": "last weekend",
              "previous": "last weekend"}.get(q, "this weekend" if sat >= monday(c.today)
                                                  else "last weekend")
    return c.days(sat, sat + timedelta(days=1), phrase)


def _calendar_unit(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    q = m.group("q").replace("the ", "")
    step = {"next": 1, "following": 1, "last": -1, "previous": -1}.get(q, 0)
    unit = m.group("unit")
    phrase = f"{ {1: 'next', -1: 'last', 0: 'this'}[step]} {unit}"
    if unit == "week":
        first = monday(c.today) + timedelta(days=7 * step)
        return c.days(first, first + timedelta(days=6), phrase)
    if unit == "month":
        first = add_months(c.today.replace(day=1), step)
        return c.days(first, add_months(first, 1) - timedelta(days=1), phrase)
    year = c.today.year + step
    return c.days(date(year, 1, 1), date(year, 12, 31), phrase)


def _offset_day(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    n, unit = count(m.group("n")), m.group("unit").rstrip("s")
    if unit == "fortnight":
        n, unit = 2 * n, "week"
    ago = m.group(0).endswith("ago")
    plural = unit + ("s" if n != 1 else "")
    return c.day(_move(c.today, -n if ago else n, unit),
                 f"{n} {plural} ago" if ago else f"in {n} {plural}")


def _rest_of(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    if "week" in m.group(0):
        nxt = monday(c.today) + timedelta(days=7)
        return c.days(c.today, nxt - timedelta(days=1), "the rest of the week")
    end = day_start(c.today + timedelta(days=1), c.zone)
    return DateRange(c.now, end, f"later today ({describe(c.now, end, c.today)})")


def _named_part(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    word = m.group(0)
    if word == "tonight":
        return make_range(c.today, c.today, c.zone, "tonight", c.today, _PART_HOURS["evening"])
    if word.startswith("last"):
        return c.day(c.today - timedelta(days=1), "last", "night")
    return c.day(c.today, "this", word.split()[-1])


def _easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    return date(year, month, (h + ell - 7 * m + 114) % 31 + 1)


def _holiday_date(name: str, year: int) -> tuple[date, date, str]:
    """(first day, last day, label) of a named holiday in ``year``."""
    n = re.sub(r"[’'.]", "", name)
    n = re.sub(r"\s+", " ", n)
    if n == "christmas days":
        return date(year, 12, 24), date(year, 12, 26), "over Christmas"
    if n.startswith(("christmas eve", "xmas eve")):
        return date(year, 12, 24), date(year, 12, 24), "Christmas Eve"
    if n.startswith(("christmas", "xmas")):
        return date(year, 12, 25), date(year, 12, 25), "Christmas Day"
    if n.startswith("boxing"):
        return date(year, 12, 26), date(year, 12, 26), "Boxing Day"
    if n.startswith("new years eve") or n.startswith("new year eve"):
        return date(year, 12, 31), date(year, 12, 31), "New Year's Eve"
    if n.startswith("new year"):
        return date(year, 1, 1), date(year, 1, 1), "New Year's Day"
    if n.startswith("valentine"):
        return date(year, 2, 14), date(year, 2, 14), "Valentine's Day"
    if n.startswith("halloween"):
        return date(year, 10, 31), date(year, 10, 31), "Halloween"
    if n.startswith("st patrick"):
        return date(year, 3, 17), date(year, 3, 17), "St Patrick's Day"
    if n.startswith("thanksgiving"):
        first = date(year, 11, 1)
        d = first + timedelta(days=(3 - first.weekday()) % 7 + 21)  # 4th Thursday (US)
        return d, d, "Thanksgiving"
    if n.startswith("good friday"):
        d = _easter(year) - timedelta(days=2)
        return d, d, "Good Friday"
    if n.startswith("easter monday"):
        d = _easter(year) + timedelta(days=1)
        return d, d, "Easter Monday"
    if n.startswith("easter weekend"):
        d = _easter(year)
        return d - timedelta(days=2), d + timedelta(days=1), "the Easter weekend"
    d = _easter(year)
    return d, d, "Easter Sunday"


def _holiday(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    """Christmas Day, New Year's Eve, Easter...: the next one (the last one when looking back;
    "last Christmas", "next Easter"). Bare "Christmas" is only a date after "on", "over",
    "at"... ("on Christmas"), not in "the Christmas party" or "presents for Christmas"."""
    name = " ".join(m.group("hol").lower().split())
    if (m.groupdict().get("pre") or "") in ("over", "during"):
        name = {"easter": "easter weekend", "christmas": "christmas days",
                "xmas": "christmas days"}.get(name, name)
    q = (m.group("q") or "").strip()
    step = -1 if q == "last" or (back and q not in ("next", "this")) else 1
    year = c.today.year
    for _ in range(3):
        first, last, label = _holiday_date(name, year)
        if (step > 0 and last >= c.today) or (step < 0 and first <= c.today):
            break
        year += step
    if q == "next" and first <= c.today <= last:
        first, last, label = _holiday_date(name, year + 1)
    if first == last:
        return c.day(first, label, m.group("part"))
    return c.days(first, last, label)


def _relative_day(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    word = m.group("w")
    offset = {"today": 0, "yesterday": -1}.get(word, 1)
    name = {"tmrw": "tomorrow", "tmr": "tomorrow", "tomorow": "tomorrow"}.get(word, word)
    return c.day(c.today + timedelta(days=offset), name, m.group("part"))


def _explicit_date(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    groups = m.groupdict()
    month = int(groups["m"]) if groups.get("m") else month_number(groups["mon"])
    year_text = groups.get("y")
    try:
        day = int(groups["d"])
        if year_text:
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
            d = date(year, month, day)
        else:
            d = _nearest_date(c.today, month, day, back)
    except ValueError:
        return None
    return c.day(d, None, groups.get("part"))


def _nearest_date(today: date, month: int, day: int, back: bool) -> date:
    """The next (or, going back, the latest) ``day``.``month`` on or after (before) today."""
    step = -1 if back else 1
    for year in (today.year, today.year + step, today.year + 2 * step,
                 today.year + 3 * step, today.year + 4 * step):
        try:
            d = date(year, month, day)
        except ValueError:  # 29 February
            continue
        if (d >= today) != back or d == today:
            return d
    raise ValueError("no such date")


def _weekday(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    q = " ".join((m.group("q") or "").split())
    wd = weekday_number(m.group("wd"))
    name = WEEKDAY_NAMES[wd]
    if q == "every" or (m.group("wd").endswith("s") and m.group("wd") not in ("tues", "weds",
                                                                               "thurs")):
        return None  # "every Friday" / "on Fridays" is a habit, not a day
    if q == "next":
        d = monday(c.today) + timedelta(days=7 + wd)
        phrase = f"next {name}"
    elif q in ("last", "previous", "past"):
        d = c.today - timedelta(days=(c.today.weekday() - wd - 1) % 7 + 1)
        phrase = f"last {name}"
    elif back and q != "coming" and q != "this coming":
        d = c.today - timedelta(days=(c.today.weekday() - wd) % 7)
        phrase = name
    else:
        d = c.today + timedelta(days=(wd - c.today.weekday()) % 7)
        phrase = name
    return c.day(d, phrase, m.group("part"))


def _weekday_of_week(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    """"Thursday next week", "next week on Thursday", "the Friday of last week"."""
    wd = weekday_number(m.group("wd"))
    groups = m.groupdict()
    q = (groups.get("q") or groups.get("q2") or "").strip()
    week = {"next": 1, "last": -1, "previous": -1, "this": 0, "coming": 1}.get(q, 0)
    d = monday(c.today) + timedelta(days=7 * week + wd)
    label = {1: "next week", -1: "last week", 0: "this week"}[week]
    return c.day(d, f"{WEEKDAY_NAMES[wd]} {label}", m.group("part"))


def _weekday_ordinal(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    """"Saturday the 14th": the nearest 14th that is a Saturday (else the nearest 14th)."""
    wd = weekday_number(m.group("wd"))
    day = int(m.group("d"))
    if not 1 <= day <= 31:
        return None
    step = -1 if back else 1
    first = c.today.replace(day=1)
    fallback = None
    for k in range(0, 25):
        try:
            d = add_months(first, k * step).replace(day=day)
        except ValueError:
            continue
        if (d < c.today) if not back else (d > c.today):
            continue
        fallback = fallback or d
        if d.weekday() == wd:
            return c.day(d, f"{WEEKDAY_NAMES[wd]} the {day}{_suffix(day)}", m.group("part"))
    if fallback is None:
        return None
    return c.day(fallback, f"the {day}{_suffix(day)}", m.group("part"))


def _ordinal_day(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    if not (m.group("q") or m.group("the")):
        return None
    after = re.match(r"\s*([a-z]+)", text[m.end():])
    if after and after.group(1) not in ("at", "in", "on", "and", "or", "for", "to", "from",
                                        "until", "please", "then", "this", "next"):
        return None  # "the 19th century", "the 3rd floor"
    day = int(m.group("d"))
    if not 1 <= day <= 31:
        return None
    step = -1 if back else 1
    first = c.today.replace(day=1)
    for k in range(0, 13):
        month_first = add_months(first, k * step)
        try:
            d = month_first.replace(day=day)
        except ValueError:
            continue
        if (d >= c.today) if not back else (d <= c.today):
            return c.day(d, f"the {m.group('d')}{_suffix(day)}", m.group("part"))
    return None


def _suffix(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _month(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    q = (m.group("q") or "").strip()
    word = m.group("mon")
    if (word == "may" or len(word) <= 4 and word != "june" and word != "july") and not (
            q or m.group("y")):
        return None  # "may I ...", "mar" without a cue
    month = month_number(word)
    now_month = c.today.month
    if m.group("y"):
        year = int(m.group("y"))
    elif q == "next":
        year = c.today.year + (1 if month <= now_month else 0)
    elif q in ("last", "past", "previous"):
        year = c.today.year - (1 if month >= now_month else 0)
    elif q == "this":
        year = c.today.year
    elif back:
        year = c.today.year - (1 if month > now_month else 0)
    else:
        year = c.today.year + (1 if month < now_month else 0)
    first = date(year, month, 1)
    last = add_months(first, 1) - timedelta(days=1)
    phrase = f"{q} {MONTH_NAMES[month - 1]}" if q in ("next", "last", "this") else None
    return c.days(first, last, phrase)


def _year(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    year = int(m.group("y"))
    return c.days(date(year, 1, 1), date(year, 12, 31), None)


def _bare_part(m: re.Match[str], c: _Ctx, back: bool, text: str) -> DateRange | None:
    part = m.group("part")
    start_hour, end_hour = _PART_HOURS[part]
    hour = c.now.hour
    if back:
        d = c.today if hour >= start_hour else c.today - timedelta(days=1)
    else:
        d = c.today if hour < end_hour else c.today + timedelta(days=1)
    phrase = {0: "this", 1: "tomorrow", -1: "yesterday"}[(d - c.today).days]
    return c.day(d, phrase, part)


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str], _Ctx, bool, str], DateRange | None]]
_RULES: list[_Rule] = [(re.compile(p), h) for p, h in [
    (r"\b(?:(?P<q>this|next|last)\s+)?(?P<hol>(?:christmas|xmas)\s+(?:eve|day)|boxing\s+day"
     r"|new\s+year[’']?s?\s+(?:eve|day)|valentine[’']?s?\s+day|st\.?\s+patrick[’']?s?\s+day"
     r"|halloween|thanksgiving\s+day|good\s+friday|easter\s+(?:sunday|monday|weekend))\b" + _PART,
     _holiday),
    (r"\b(?P<pre>on|over|at|during|until|till|before|after|since|by|around|this|next|last)\s+"
     r"(?P<q>)(?P<hol>christmas|xmas|new\s+year[’']?s?|valentine[’']?s?|halloween|thanksgiving"
     r"|easter)\b(?!\s+(?:party|dinner|lunch|drinks|market|fair|gift|gifts|present|presents"
     r"|card|cards|shopping|tree|plans|break|holidays?|bonus|sale))" + _PART, _holiday),
    (r"\b(?:the\s+)?week\s+after\s+next\b", _week_after_next),
    (r"\b(?:the\s+)?day\s+(?P<which>after\s+tomorrow|before\s+yesterday)\b" + _PART, _day_around),
    (r"\b(?:the\s+|these\s+|this\s+)?(?P<dir>next|coming|following|past|last|previous|within)"
     r"\s+(?:" + _N + r"\s+)?" + _UNIT + r"\b(?!\s*end)", _rolling),
    (r"\b(?:(?P<q>this\s+coming|the\s+coming|coming|this|next|last|past|previous|the)\s+)?"
     r"week-?end\b", _weekend),
    (r"\b(?:rest\s+of\s+(?:the\s+|this\s+)?week|later\s+this\s+week|rest\s+of\s+(?:the\s+)?day"
     r"|rest\s+of\s+today|later\s+today|later\s+on\s+today)\b", _rest_of),
    (r"\b(?:on\s+)?(?:the\s+)?" + _WD_FULL + r"\s+(?:of\s+)?(?:the\s+)?(?P<q>next|last|previous|this"
     r"|coming)\s+week\b" + _PART, _weekday_of_week),
    (r"\b(?P<q2>next|last|previous|this|coming)\s+week(?:'s)?\s+(?:on\s+)?" + _WD_FULL + r"\b"
     + _PART, _weekday_of_week),
    (r"\b" + _WD_FULL + r",?\s+(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?"
     + _MON + r")" + _PART, _weekday_ordinal),
    (r"\b(?P<q>this|next|last|previous|following|current|the\s+following|the\s+previous"
     r"|the\s+current)\s+(?P<unit>week|month|year)\b", _calendar_unit),
    (r"\b(?:in|after)\s+" + _N + r"\s+" + _UNIT + r"\b(?!\s+ago)", _offset_day),
    (r"\b" + _N + r"\s+" + _UNIT + r"\s+(?:from\s+(?:now|today)|later|ago)\b", _offset_day),
    (r"\b(?:this\s+(?:morning|afternoon|evening)|tonight|last\s+night)\b", _named_part),
    (r"\b(?P<w>today|tomorrow|tomorow|tmrw|tmr|yesterday)\b" + _PART, _relative_day),
    (r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b" + _PART, _explicit_date),
    (r"(?<![\d.])" + _WD_PREFIX + r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?:(?P<y>\d{4}|\d{2})\b)?"
     r"(?!\d)" + _PART, _explicit_date),
    (r"\b" + _WD_PREFIX + r"(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON
     + r"\b\.?(?:,?\s+(?P<y>\d{4})\b)?" + _PART, _explicit_date),
    (r"\b" + _WD_PREFIX + _MON + r"\.?\s+(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\b"
     r"(?!\s*(?::|am\b|pm\b|a\.m|p\.m|o'?clock))(?:,?\s+(?P<y>\d{4})\b)?" + _PART,
     _explicit_date),
    (r"\b(?:(?P<q>this\s+coming|coming|this|next|last|previous|past|every)\s+)?" + _WD_FULL
     + r"\b" + _PART, _weekday),
    (r"\b(?P<q>this|next|last|on|every)\s+" + _WD_SHORT + r"\b\.?" + _PART, _weekday),
    (r"\b(?:(?P<q>on)\s+)?(?P<the>the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)\b" + _PART,
     _ordinal_day),
    (r"\b(?:(?P<q>in|during|this|next|last|past|previous|early|late|mid|of|for)\s+)?"
     r"(?:the\s+month\s+of\s+)?" + _MON + r"\b(?:\s+(?P<y>\d{4})\b)?", _month),
    (r"\b(?:in|during|of|for)\s+(?P<y>(?:19|20)\d{2})\b", _year),
    (r"\b(?:in\s+the\s+)?(?P<part>morning|afternoon|evening)\b", _bare_part),
]]

_TIME_RULES = [re.compile(p) for p in (
    r"\b(?:at\s+|@\s*)?(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>a\.?m\b\.?|p\.?m\b\.?)",
    r"\b(?:at\s+|@\s*)?(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)\b",
    r"\b(?:at|@)\s*(?P<h>1\d|2[0-3]|0?[1-9])(?:\s*o'?clock)?\b(?!\s*(?:[.:,%]\d|%|percent"
    r"|people|persons|minutes?|mins?|hours?|days?|weeks?|months?|years?|st\b|nd\b|rd\b|th\b))",
    r"\b(?P<h>1[0-2]|0?[1-9])\s*o'?clock\b",
    r"\b(?:at\s+)?(?P<noon>noon|midday)\b",
)]


def _instant(m: re.Match[str], rng: DateRange, zone: tzinfo) -> datetime:
    """The time in ``m`` on the range's day; a bare hour is placed inside the range if it can."""
    groups = m.groupdict()
    if groups.get("noon"):
        return datetime.combine(rng.first_day, time(12), tzinfo=zone)
    hour, minute = int(groups["h"]), int(groups.get("mi") or 0)
    ap = (groups.get("ap") or "").replace(".", "")
    if ap:
        hour = hour % 12 + (12 if ap == "pm" else 0)
    elif hour <= 12:
        morning = datetime.combine(rng.first_day, time(hour % 12, minute), tzinfo=zone)
        evening = datetime.combine(rng.first_day, time(hour % 12 + 12, minute), tzinfo=zone)
        ranged = rng.start.time() != time(0) or rng.end.time() != time(0)
        if ranged and rng.contains(morning) != rng.contains(evening):
            return morning if rng.contains(morning) else evening
        hour = hour + 12 if 1 <= hour <= 7 else hour
    return datetime.combine(rng.first_day, time(hour, minute), tzinfo=zone)


__all__ = ["DateRange", "DateReading", "day_start", "make_range", "normalize_text",
           "read_dates", "resolve_date_range", "shift_range", "upcoming_range"]
