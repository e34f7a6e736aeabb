"""Reading iCalendar (.ics) files: events expanded into occurrences, to-dos into tasks.

Occurrences are expanded with ``recurring-ical-events``, which honours RRULE, RDATE, EXDATE,
RECURRENCE-ID overrides and time zones (VTIMEZONE, IANA and Windows names) across daylight-saving
changes. A repeating series has no end, so it is expanded over windows: one year back to two years
ahead of today, and two years either side of the calendar's own time (its latest DTSTART, and its
latest LAST-MODIFIED/DTSTAMP), so that an export from years ago still has its weekly meetings
around the time it was made. Overlapping windows are merged. At most ``MAX_OCCURRENCES`` repeating
occurrences are kept per file; past that, a window is narrowed around its centre, so what is kept
is the occurrences nearest today and the data's own time. Events that happen once are kept
wherever they fall. Times keep their nature: aware when the source has a zone, naive for floating
times, ``date`` for all-day events. Cancelled occurrences are kept with their status so that
answers can say "cancelled" rather than forget them; cancelled to-dos are not tasks (neither open
nor done). A broken series is skipped and reported; the rest of the calendar is still read. The
text shown for an event gives its wall time and a readable zone ("15:00 EDT", "UTC+01:00").
A location written over several lines (Apple Calendar puts the place's name and its address on
two) is kept as one line, the parts joined with ", ". An event's organizer is kept as a lower-case
address (an organizer's own cancellation mailed later can then be told from a stranger's).
A CalDAV folder as vdirsyncer or DAVx5 write it holds one file per event, named by its UID: when
a file has no X-WR-CALNAME and holds one event or to-do, the document is titled by its SUMMARY
and the calendar is named by the folder (vdirsyncer's ``displayname`` file, else the folder's
name), so sources never show a UID.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from indexing.model import Document, Item, ParseResult, Segment, Skipped
from indexing.reading import SkipFile, read_bytes
from indexing.recurrence import MAX_OCCURRENCES, Window, default_window, expand, expansion_windows
from indexing.recurrence import instant_key as _iso
from indexing.recurrence import prop_text as _text
from indexing.recurrence import prop_when as _when
from indexing.recurrence import short_error as _short
from indexing.recurrence import to_utc as _utc

__all__ = ["MAX_OCCURRENCES", "default_window", "describe_rrule", "parse_ics_bytes",
           "parse_ics_file"]

WEEKDAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
            "FR": "Friday", "SA": "Saturday", "SU": "Sunday"}


def _duration(comp: Any) -> timedelta | None:
    try:
        value = comp.get("DURATION")
        value = value.dt if value is not None else None
    except Exception:  # icalendar raises on access to a broken or impractical DURATION
        return None
    return value if isinstance(value, timedelta) else None


def _attendees(comp: Any) -> list[str]:
    raw = comp.get("ATTENDEE")
    if raw is None:
        return []
    out = []
    for a in raw if isinstance(raw, list) else [raw]:
        addr = str(a).removeprefix("mailto:").removeprefix("MAILTO:")
        name = getattr(a, "params", {}).get("CN", "")
        out.append(f"{name} <{addr}>" if name else addr)
    return out


def _organizer(comp: Any) -> str:
    """The ORGANIZER's address, lower case, without "mailto:"; "" when none is named."""
    value = comp.get("ORGANIZER")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return ""
    address = str(value).strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:"):]
    return address.strip().lower()


def _location(comp: Any) -> str:
    """LOCATION on one line: "Aquatic Centre\nEnmore Park" is "Aquatic Centre, Enmore Park"."""
    parts = [p.strip() for p in _text(comp, "LOCATION").splitlines()]
    return ", ".join(p.rstrip(",").strip() for p in parts if p.rstrip(",").strip())


def _priority(comp: Any) -> str:
    try:
        p = int(str(comp.get("PRIORITY", 0)))
    except ValueError:
        return ""
    if p <= 0:
        return ""
    return "A" if p <= 4 else "B" if p == 5 else "C"


def describe_rrule(rrule: Any) -> str:
    """A short human description of an RRULE ("weekly on Tuesday until 2026-06-30")."""
    if isinstance(rrule, list):
        rrule = rrule[0] if rrule else None
    if not rrule or not hasattr(rrule, "get"):
        return ""

    def first(key: str) -> Any:
        v = rrule.get(key)
        return v[0] if isinstance(v, list) and v else v

    freq = str(first("FREQ") or "").lower()
    interval = first("INTERVAL")
    words = {"daily": "daily", "weekly": "weekly", "monthly": "monthly", "yearly": "every year",
             "hourly": "hourly", "minutely": "every minute"}.get(freq, freq or "repeating")
    if interval and int(interval) > 1:
        unit = {"daily": "days", "weekly": "weeks", "monthly": "months", "yearly": "years"}
        words = f"every {int(interval)} {unit.get(freq, 'periods')}"
    days = rrule.get("BYDAY") or []
    if days:
        names = [WEEKDAYS.get(re.sub(r"^[+-]?\d+", "", str(d)).upper(), str(d)) for d in days]
        words += " on " + ", ".join(names)
    until = first("UNTIL")
    if until is not None:
        words += f" until {until.date() if isinstance(until, datetime) else until}"
    count = first("COUNT")
    if count:
        words += f", {int(count)} times"
    return words


def _fmt(value: date | datetime | None, calendar_zone: tzinfo | None = None) -> str:
    """"Thu 29 Oct 2026 15:00 EDT": wall time and a readable zone; floating times and dates as
    written. ``calendar_zone`` (X-WR-TIMEZONE) is where UTC times are shown."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return f"{value:%a %d %b %Y %H:%M}"
        value = _shown(value, calendar_zone)
        return f"{value:%a %d %b %Y %H:%M} {_zone_label(value)}"
    return f"{value:%a %d %b %Y}"


def _shown(value: datetime, calendar_zone: tzinfo | None) -> datetime:
    """The aware ``value`` in the zone to show it in: a UTC time in the calendar's own zone, a
    VTIMEZONE or Windows-named zone as the IANA zone it names when their offsets agree."""
    if calendar_zone is not None and value.utcoffset() == timedelta(0) and (
            value.tzname() or "").upper() in ("UTC", "Z", "ETC/UTC"):
        return value.astimezone(calendar_zone)
    zone = _iana(value.tzinfo)
    if zone is not None and zone is not value.tzinfo:
        converted = value.astimezone(zone)
        if converted.utcoffset() == value.utcoffset():
            return converted
    return value


def _iana(zone: tzinfo | None) -> ZoneInfo | None:
    """The IANA zone a tzinfo stands for (ZoneInfo, pytz, a VTIMEZONE or Windows TZID), or None."""
    if zone is None or isinstance(zone, ZoneInfo):
        return zone
    name = str(getattr(zone, "zone", None) or getattr(zone, "_tzid", None) or "").strip()
    if not name:
        return None
    try:
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

        name = WINDOWS_TO_OLSON.get(name, name)
    except ImportError:
        pass
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # not an IANA name
        return None


def _zone_label(value: datetime) -> str:
    """"EDT", "CET", "UTC" when the zone has a real abbreviation, else the offset "UTC+05:30"."""
    name = value.tzname() or ""
    if re.fullmatch(r"[A-Z]{2,5}", name) and name != "LMT":
        return name
    offset = value.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}" if minutes else "UTC"


def _calendar_zone(cal: Any) -> ZoneInfo | None:
    name = _text(cal, "X-WR-TIMEZONE")
    try:
        return ZoneInfo(name) if name else None
    except (ValueError, KeyError, OSError):
        return None


def _load(data: bytes) -> Any:
    """One VCALENDAR from the data: several calendars in one file are merged, and a bare VEVENT
    or VTODO (no VCALENDAR around it) is wrapped in one."""
    import icalendar

    text = data.lstrip(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parts = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # icalendar raises ValueError and friends on broken input
        raise SkipFile(f"invalid calendar: {_short(exc)}") from exc
    if len(parts) == 1 and parts[0].name == "VCALENDAR":
        return parts[0]
    cal = icalendar.Calendar()
    for part in parts:
        children = part.subcomponents if part.name == "VCALENDAR" else [part]
        if part.name == "VCALENDAR":
            for key, value in part.items():
                if key not in cal:
                    cal.add(key, value)
        for child in children:
            cal.add_component(child)
    return cal


def parse_ics_bytes(data: bytes, path: str, window_start: datetime | None = None,
                    window_end: datetime | None = None,
                    problems: list[str] | None = None) -> list[Item]:
    """Events (one ``Item`` per occurrence in the window) and tasks (VTODO) in iCalendar data.

    Raises:
        SkipFile: when the data is not a calendar at all.
    """
    cal = _load(data)
    if window_start is None and window_end is None:
        windows = expansion_windows(cal)
    else:
        start, end = default_window()
        start, end = window_start or start, window_end or end
        windows = [Window(start, end, (start + (end - start) / 2,))]
    problems = problems if problems is not None else []
    recurring = {
        _text(c, "UID") for c in cal.walk("VEVENT")
        if c.get("RRULE") or c.get("RDATE") or c.get("RECURRENCE-ID")
    }
    occurrences = expand(cal, windows, recurring, problems)
    occurrences += _single_events_outside(cal, recurring, occurrences, windows)
    items: list[Item] = []
    for occ in occurrences:
        try:
            items.append(_event_item(occ, recurring))
        except Exception as exc:  # one broken property must not lose the calendar
            problems.append(f"event '{_text(occ, 'SUMMARY') or '(untitled)'}' could not be read "
                            f"({_short(exc)}); left out")
    for todo in cal.walk("VTODO"):
        if _text(todo, "STATUS").upper() != "CANCELLED":  # neither open nor done
            items.append(_task_item(todo))
    return items


def _single_events_outside(cal: Any, recurring: set[str], found: list[Any],
                           windows: list[Window]) -> list[Any]:
    """Events that happen once are kept wherever they fall: the window only bounds how far a
    repeating series is expanded ("when did I last see the dentist?" may reach back years)."""
    seen = {(_text(o, "UID"), _iso(_when(o, "DTSTART"))) for o in found}
    extra = []
    for comp in cal.walk("VEVENT"):
        uid = _text(comp, "UID")
        first = _when(comp, "DTSTART")
        if first is None or (uid and uid in recurring) or comp.get("RRULE") or comp.get("RDATE"):
            continue
        last = _when(comp, "DTEND") or first
        a, b = sorted((_utc(first), _utc(last)))
        inside = any(a < w.end and (b > w.start or a >= w.start) for w in windows)
        if not inside and (uid, _iso(first)) not in seen:
            extra.append(comp)
            seen.add((uid, _iso(first)))
    return extra


def _event_item(occ: Any, recurring: set[str]) -> Item:
    uid = _text(occ, "UID")
    start = _when(occ, "DTSTART")
    end = _when(occ, "DTEND")
    all_day = isinstance(start, date) and not isinstance(start, datetime)
    if end is None:
        duration = _duration(occ)
        if duration is not None and start is not None:
            end = start + duration
        else:
            end = start + timedelta(days=1) if all_day and start is not None else start
    rid = ""
    if uid in recurring:
        rid_value = _when(occ, "RECURRENCE-ID")
        rid = rid_value.isoformat() if rid_value is not None else (
            start.isoformat() if start is not None else "")
    return Item(
        kind="event", title=_text(occ, "SUMMARY") or "(untitled event)",
        locator=f"{uid}/{rid}" if rid else uid, start=start, end=end, all_day=all_day,
        location=_location(occ), attendees=_attendees(occ), organizer=_organizer(occ),
        status=_text(occ, "STATUS").upper(), uid=uid, recurrence_id=rid, origin="vevent",
        description=_text(occ, "DESCRIPTION")[:2000],
    )


def _task_item(todo: Any) -> Item:
    status = _text(todo, "STATUS").upper()
    completed = _when(todo, "COMPLETED")
    due = _when(todo, "DUE")
    if due is None:
        start = _when(todo, "DTSTART")
        duration = _duration(todo)
        if start is not None and duration is not None:
            due = start + duration
    uid = _text(todo, "UID")
    return Item(
        kind="task", title=_text(todo, "SUMMARY") or "(untitled task)", locator=uid, uid=uid,
        due=due, done=status in ("COMPLETED", "CANCELLED") or completed is not None,
        done_date=completed, priority=_priority(todo), origin="vtodo",
        description=_text(todo, "DESCRIPTION")[:2000],
        contexts=[str(c) for c in (todo.get("CATEGORIES").cats if hasattr(
            todo.get("CATEGORIES"), "cats") else [])],
    )


def _component_lines(text: str) -> dict[str, list[int]]:
    """Line numbers of each BEGIN:VEVENT / BEGIN:VTODO by UID, in file order."""
    lines: dict[str, list[int]] = {}
    begin = 0
    for n, line in enumerate(text.splitlines(), 1):
        upper = line.strip().upper()
        if upper in ("BEGIN:VEVENT", "BEGIN:VTODO"):
            begin = n
        elif upper.startswith("UID:") and begin:
            lines.setdefault(line.strip()[4:].strip(), []).append(begin)
            begin = 0
    return lines


def _segment_text(comp: Any, calendar_zone: tzinfo | None = None) -> str:
    title = _text(comp, "SUMMARY") or "(untitled)"
    status = _text(comp, "STATUS").upper()
    if comp.name == "VTODO":
        due = _when(comp, "DUE")
        head = f"To-do: {title}" + (f", due {_fmt(due, calendar_zone)}" if due else "")
        head += " (cancelled)" if status == "CANCELLED" else ""
    else:
        start, end = _when(comp, "DTSTART"), _when(comp, "DTEND")
        when = _fmt(start, calendar_zone)
        if isinstance(end, datetime) and isinstance(start, datetime):
            if start.tzinfo is not None and end.tzinfo is not None:
                end = end.astimezone(_shown(start, calendar_zone).tzinfo)
            when += f" – {end:%H:%M}"
        try:
            rule = describe_rrule(comp.get("RRULE"))
        except Exception:  # a broken RRULE property raises on access
            rule = ""
        head = f"{title} — {when}" + (f", repeating {rule}" if rule else "")
        if status == "CANCELLED":
            head += " (cancelled)"
    parts = [head]
    if _location(comp):
        parts.append(f"at {_location(comp)}")
    people = _attendees(comp)
    if people:
        parts.append("Attendees: " + ", ".join(people[:20]))
    if _text(comp, "DESCRIPTION"):
        parts.append(_text(comp, "DESCRIPTION")[:1500])
    return ". ".join(parts)


def parse_ics_file(path: str, window_start: datetime | None = None,
                   window_end: datetime | None = None) -> ParseResult:
    """One calendar document per .ics file: occurrences and tasks as items, one text segment per
    event or to-do as written (a weekly meeting is one segment, not one per week).

    Raises:
        SkipFile: when the file is unreadable or not a calendar.
    """
    data = read_bytes(path)
    if not data.strip():
        raise SkipFile("empty file")
    if b"BEGIN:VCALENDAR" not in data[:4096].upper() and b"BEGIN:V" not in data[:4096].upper():
        raise SkipFile("invalid calendar: no BEGIN:VCALENDAR")
    problems: list[str] = []
    items = parse_ics_bytes(data, path, window_start, window_end, problems)
    cal = _load(data)
    text = data.decode("utf-8", errors="replace")
    lines = _component_lines(text)
    seen: dict[str, int] = {}
    segments: list[Segment] = []
    components = [c for c in cal.walk() if c.name in ("VEVENT", "VTODO")]
    zone = _calendar_zone(cal)
    for comp in components:
        uid = _text(comp, "UID")
        k = seen.get(uid, 0)
        seen[uid] = k + 1
        line = lines.get(uid, [0] * (k + 1))[k] if k < len(lines.get(uid, [])) else 0
        segments.append(Segment(_segment_text(comp, zone), line))
    if not components and not items:
        upper = data.upper()
        if b"BEGIN:VCALENDAR" in upper and b"END:VCALENDAR" not in upper:
            raise SkipFile("invalid calendar: the file is cut off (no END:VCALENDAR)")
        raise SkipFile("no events or to-dos in this calendar file")
    name = _text(cal, "X-WR-CALNAME")
    title = name or Path(path).stem
    masters = [c for c in components if c.get("RECURRENCE-ID") is None] or components
    if not name and len({_text(c, "UID") or id(c) for c in components}) == 1:
        title = _text(masters[0], "SUMMARY") or title  # one event per file (CalDAV): not a UID
        name = _folder_calendar_name(path)
    doc = Document(
        doc_id=f"calendar:{path}", kind="calendar", path=path, title=title, segments=segments,
        items=items,
        meta={"calendar_name": name or title, "component_count": len(components),
              "skipped_components": len(problems)},
    )
    return ParseResult([doc], [Skipped(path, p) for p in problems])


def _folder_calendar_name(path: str) -> str:
    """The name of the calendar a one-event file belongs to: vdirsyncer's ``displayname`` file
    beside it, else the folder's name."""
    folder = Path(path).parent
    try:
        shown = (folder / "displayname").read_bytes()[:1024].decode("utf-8", "replace").strip()
    except OSError:
        shown = ""
    return shown.splitlines()[0].strip() if shown else folder.name
