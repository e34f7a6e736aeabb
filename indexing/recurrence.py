"""Expanding repeating calendar events into occurrences, over bounded windows of time.

A weekly meeting without an end has endless occurrences, so a calendar is expanded over windows:
one year back to two years ahead of today, and two years either side of the calendar's own time
(its latest DTSTART, and its latest LAST-MODIFIED or DTSTAMP, both ignoring values more than two
years after today). The second window is what keeps an export made years ago useful: asked about
October 2023, a 2023 calendar still has its weekly series then. Overlapping windows are merged.

At most ``MAX_OCCURRENCES`` occurrences of repeating events are kept per file. Series are walked
one by one and lazily, so a runaway rule (FREQ=MINUTELY) is stopped early and narrowed around the
windows' centres instead of being expanded in full; when the total is still too large, every
series keeps its occurrences nearest today and the data's time first (round robin by nearness), so
one dense series cannot crowd out the weekly meetings. Events that happen once are never dropped.
Expansion itself is ``recurring-ical-events`` (RRULE, RDATE, EXDATE, RECURRENCE-ID, zones).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

MAX_OCCURRENCES = 5000  # repeating occurrences per file; single events are not counted
_YEAR = timedelta(days=365)
_MIN_SPAN = timedelta(minutes=1)


@dataclass(frozen=True)
class Window:
    """A span to expand repeating events over, and the moments it is about (its centres)."""

    start: datetime
    end: datetime
    centres: tuple[datetime, ...]


# ----- reading components -----------------------------------------------------------------------

def prop_text(comp: Any, key: str) -> str:
    """A property's text, stripped; the first one when repeated; "" when absent."""
    value = comp.get(key)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()


def prop_when(comp: Any, key: str) -> date | datetime | None:
    """A date or datetime property's value; None when absent or broken."""
    try:
        prop = comp.get(key)
        if isinstance(prop, list):
            prop = prop[0] if prop else None
        if prop is None:
            return None
        value = prop.dt
    except Exception:  # icalendar raises on access to a broken property
        return None
    if isinstance(value, datetime | date):
        return value
    return None


def to_utc(value: date | datetime) -> datetime:
    """An aware UTC datetime; floating times and dates are taken as UTC (good for ordering)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def instant_key(value: date | datetime | None) -> str:
    """A key for the same instant however it is written (a zone may be shown converted)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    return value.isoformat() if value is not None else ""


def short_error(exc: BaseException) -> str:
    """The first line of an exception's message, at most 160 characters."""
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return msg[:160]


# ----- windows ----------------------------------------------------------------------------------

def default_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """One year before ``now`` to two years after it (aware, UTC)."""
    now = now or datetime.now(UTC)
    return now - _YEAR, now + 2 * _YEAR


def expansion_windows(cal: Any, now: datetime | None = None) -> list[Window]:
    """Today's window and two years either side of the data's own time, merged where they
    overlap (see the module docstring)."""
    now = now or datetime.now(UTC)
    start, end = default_window(now)
    windows = [Window(start, end, (now,))]
    windows += [Window(a - 2 * _YEAR, a + 2 * _YEAR, (a,)) for a in _data_anchors(cal, now)]
    return _merge(windows)


def _data_anchors(cal: Any, now: datetime) -> list[datetime]:
    """The latest DTSTART and the latest LAST-MODIFIED/DTSTAMP of the events and to-dos. Both are
    used: a stamp says when the data was written even when one event lies years ahead."""
    limit = now + 2 * _YEAR
    latest: dict[str, datetime] = {}
    for comp in cal.walk():
        if comp.name not in ("VEVENT", "VTODO"):
            continue
        for key, group in (("DTSTART", "start"), ("LAST-MODIFIED", "stamp"), ("DTSTAMP", "stamp")):
            value = prop_when(comp, key)
            if value is None:
                continue
            t = to_utc(value)
            if t.year >= 1900 and t <= limit and (group not in latest or t > latest[group]):
                latest[group] = t
    return sorted(set(latest.values()))


def _merge(windows: list[Window]) -> list[Window]:
    out: list[Window] = []
    for w in sorted(windows, key=lambda w: w.start):
        if out and w.start <= out[-1].end:
            last = out[-1]
            out[-1] = Window(last.start, max(last.end, w.end), last.centres + w.centres)
        else:
            out.append(w)
    return out


# ----- expansion --------------------------------------------------------------------------------

def expand(cal: Any, windows: list[Window], recurring: set[str],
           problems: list[str]) -> list[Any]:
    """Occurrences (icalendar components) of the calendar's events in the windows.

    Args:
        cal: the VCALENDAR.
        windows: where to expand (``expansion_windows`` or one explicit window).
        recurring: UIDs of repeating series; only their occurrences count towards the limit.
        problems: receives a plain-words line for each series left out or narrowed.

    When the calendar as a whole cannot be expanded, each series is expanded on its own and only
    the broken ones are reported (and listed as written).
    """
    narrowed: list[bool] = []
    try:
        groups = _expand_calendar(cal, windows, narrowed)
    except Exception:
        groups = []
        import icalendar

        timezones = list(cal.walk("VTIMEZONE"))
        series: dict[str, list[Any]] = {}
        for comp in cal.walk("VEVENT"):
            series.setdefault(prop_text(comp, "UID") or f"#{id(comp)}", []).append(comp)
        for uid, comps in series.items():
            title = prop_text(comps[0], "SUMMARY") or "(untitled)"
            if prop_when(comps[0], "DTSTART") is None:
                problems.append(f"event '{title}' has no valid start (DTSTART); left out")
                continue
            sub = icalendar.Calendar()
            for part in [*timezones, *comps]:
                sub.add_component(part)
            try:
                groups += _expand_calendar(sub, windows, narrowed)
            except Exception as exc:
                problems.append(f"event '{title}' (UID {uid}) could not be expanded "
                                f"({short_error(exc)}); listed as written")
                groups.append([c for c in comps if prop_when(c, "DTSTART") is not None])
    return _select(groups, recurring, windows, any(narrowed), problems)


def _expand_calendar(cal: Any, windows: list[Window], narrowed: list[bool]) -> list[list[Any]]:
    """Per series, its occurrences in the windows (``Occurrence`` objects, or components)."""
    import recurring_ical_events

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        query = recurring_ical_events.of(cal, components=("VEVENT",), skip_bad_series=True)
        all_series = getattr(query, "series", None)
        if all_series is None:  # not the recurring-ical-events this was written against
            seen: dict[tuple[str, str, str], Any] = {}
            for w in windows:
                for comp in query.between(w.start, w.end):
                    seen.setdefault(_component_key(comp), comp)
            return [list(seen.values())]
        errors = tuple(getattr(query, "suppressed_errors", ())) or (Exception,)
        keep = getattr(query, "keep_recurrence_attributes", False)
        groups: list[list[Any]] = []
        for series in all_series:
            found: dict[Any, Any] = {}
            for w in windows:
                try:
                    for occ in _series_in_window(series, w, narrowed):
                        found.setdefault(occ.id, occ)
                except errors:  # a bad series is skipped, as query.between does
                    continue
            groups.append([_Found(occ, keep) for occ in found.values()])
        return groups


def _series_in_window(series: Any, w: Window, narrowed: list[bool]) -> list[Any]:
    """One series' occurrences in a window; a series with more than ``MAX_OCCURRENCES`` there
    is narrowed around each centre (the width estimated from how dense it is, then halved)."""
    found, complete = _take(series.between(w.start, w.end), MAX_OCCURRENCES)
    if complete:
        return found
    narrowed.append(True)
    budget = max(1, MAX_OCCURRENCES // len(w.centres))
    times = sorted(to_utc(o.start) for o in found)
    span = times[-1] - times[0] if times else timedelta(0)
    out: list[Any] = []
    for c in w.centres:
        half = max(_MIN_SPAN, span * (budget / 2 / max(len(times), 1)) * 0.9)
        while True:
            lo, hi = max(w.start, c - half), min(w.end, c + half)
            part, complete = _take(series.between(lo, hi), budget)
            if complete or half <= _MIN_SPAN:
                break
            half /= 2
        out += part[:budget]
    return out


def _take(occurrences: Iterable[Any], limit: int) -> tuple[list[Any], bool]:
    """Up to ``limit`` + 1 items; True when there were no more than ``limit``."""
    out: list[Any] = []
    for occ in occurrences:
        out.append(occ)
        if len(out) > limit:
            return out, False
    return out, True


class _Found:
    """An occurrence not yet turned into a component (most are never needed as one)."""

    def __init__(self, occ: Any, keep: bool) -> None:
        self.occ, self.keep = occ, keep
        self.uid = str(occ.uid or "")
        self.start = occ.start

    def component(self) -> Any:
        return self.occ.as_component(self.keep)


def _component_key(comp: Any) -> tuple[str, str, str]:
    return (prop_text(comp, "UID"), prop_text(comp, "SUMMARY"),
            instant_key(prop_when(comp, "DTSTART")))


def _select(groups: list[list[Any]], recurring: set[str], windows: list[Window],
            narrowed: bool, problems: list[str]) -> list[Any]:
    """Components of every single event and of at most ``MAX_OCCURRENCES`` repeating ones:
    each series' nearest to the windows' centres first, series taking turns."""
    def uid(x: Any) -> str:
        return x.uid if isinstance(x, _Found) else prop_text(x, "UID")

    def start(x: Any) -> date | datetime | None:
        return x.start if isinstance(x, _Found) else prop_when(x, "DTSTART")

    centres = [c for w in windows for c in w.centres]

    def distance(x: Any) -> timedelta:
        s = start(x)
        return min(abs(to_utc(s) - c) for c in centres) if s is not None else timedelta.max

    ranked: list[tuple[int, timedelta, int]] = []
    for group in groups:
        repeating = [x for x in group if uid(x) in recurring]
        for rank, x in enumerate(sorted(repeating, key=distance)):
            ranked.append((rank, distance(x), id(x)))
    drop: set[int] = set()
    if len(ranked) > MAX_OCCURRENCES:
        ranked.sort(key=lambda r: (r[0], r[1]))
        drop = {r[2] for r in ranked[MAX_OCCURRENCES:]}
    if drop or narrowed:
        problems.append(f"more than {MAX_OCCURRENCES} occurrences of repeating events; those "
                        "nearest today and the calendar's own dates were kept")
    return [x.component() if isinstance(x, _Found) else x
            for group in groups for x in group if id(x) not in drop]
