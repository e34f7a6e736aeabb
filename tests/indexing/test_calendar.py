"""Calendar parsing: recurrences, exceptions, zones, all-day and floating times, to-dos, bad files."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from indexing.calendar import MAX_OCCURRENCES, describe_rrule, parse_ics_bytes, parse_ics_file
from indexing.reading import SkipFile

DEMO_ICS = Path(__file__).resolve().parents[2] / "assets" / "demo" / "calendar" / "sam.ics"
WINDOW = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC))


def _events(items):
    return [i for i in items if i.kind == "event"]


def _utc(value):
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _overlaps(item, start, end):
    first = _utc(item.start)
    last = _utc(item.end) if item.end is not None else first
    return first < end and (last > start or first >= start)


@pytest.fixture(scope="module")
def demo_events():
    return _events(parse_ics_bytes(DEMO_ICS.read_bytes(), str(DEMO_ICS), *WINDOW))


def test_every_real_calendar_parses_or_is_skipped_with_a_reason(realdata):
    """Each of the ~260 real .ics files gives a document or a SkipFile, never a crash."""
    parsed = skipped = 0
    for path in sorted((realdata / "ics").rglob("*.ics")):
        try:
            result = parse_ics_file(str(path))
        except SkipFile as exc:
            assert str(exc), path
            skipped += 1
            continue
        assert len(result.documents) == 1
        parsed += 1
    assert parsed > 200 and skipped < 60


def test_recurrences_match_recurring_ical_events(realdata):
    """For every real calendar that expands as a whole, our occurrences are exactly the ones
    recurring-ical-events gives for the same window."""
    start, end = datetime(2015, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)
    compared = 0
    for path in sorted((realdata / "ics" / "recurring-ical-events").glob("*.ics")):
        data = path.read_bytes()
        try:
            cal = icalendar.Calendar.from_ical(data)
            expected = recurring_ical_events.of(cal, skip_bad_series=True).between(start, end)
        except Exception:
            continue  # broken calendars are covered by the test above
        if len(expected) >= 5000:
            continue
        ours = [i for i in _events(parse_ics_bytes(data, str(path), start, end))
                if i.recurrence_id or _overlaps(i, start, end)]  # one-off events are kept anywhere
        want = sorted(str(e["DTSTART"].dt) for e in expected if e.name == "VEVENT")
        assert sorted(str(i.start) for i in ours) == want, path.name
        compared += 1
    assert compared > 50


def test_weekly_meeting_with_exdate_and_moved_instance(demo_events):
    """EXDATE removes 17 March; the 31 March instance is moved to 1 April 14:00."""
    sync = sorted((e for e in demo_events if e.title == "Team sync with Tom"), key=lambda e: e.start)
    starts = [e.start.isoformat() for e in sync]
    assert "2026-03-17T10:00:00+01:00" not in starts
    assert "2026-03-31T10:00:00+02:00" not in starts
    moved = [e for e in sync if e.start.date() == date(2026, 4, 1)]
    assert len(moved) == 1 and moved[0].start.isoformat() == "2026-04-01T14:00:00+02:00"
    assert moved[0].recurrence_id.startswith("2026-03-31T10:00")
    assert moved[0].locator.startswith("team-sync-tom-2026@rivera.example/")


def test_wall_time_is_kept_across_the_dst_change(demo_events):
    """The weekly 10:00 meeting is at 10:00 local before and after 29 March (09:00 -> 08:00 UTC)."""
    sync = {e.start.date(): e.start for e in demo_events if e.title == "Team sync with Tom"}
    assert sync[date(2026, 3, 24)].astimezone(UTC).hour == 9
    assert sync[date(2026, 4, 7)].astimezone(UTC).hour == 8
    assert sync[date(2026, 4, 7)].hour == 10


def test_all_day_floating_utc_and_cancelled(demo_events):
    """All-day events are dates, floating times naive, UTC aware; cancelled ones keep status."""
    by_title = {e.title: e for e in demo_events}
    bday = by_title["Lena's birthday"]
    assert bday.all_day and bday.start == date(2026, 3, 28) and bday.end == date(2026, 3, 29)
    fair = by_title["Garden fair in Hamburg"]
    assert (fair.start, fair.end) == (date(2026, 4, 10), date(2026, 4, 13))
    dinner = by_title["Dinner at Lena's"]
    assert dinner.start == datetime(2026, 3, 28, 19, 0) and dinner.start.tzinfo is None
    webinar = by_title["Webinar: Urban gardens"]
    assert webinar.start.astimezone(UTC) == datetime(2026, 4, 2, 15, 0, tzinfo=UTC)
    assert by_title["Site visit at Keller garden"].status == "CANCELLED"


def test_windows_zone_name_gives_the_right_offset(realdata):
    """TZID="Pacific Standard Time" (Exchange) is US Pacific time: UTC-8 in February."""
    path = realdata / "ics" / "icalendar" / "calendars" / "timezone_same_start.ics"
    events = _events(parse_ics_bytes(path.read_bytes(), str(path),
                                     datetime(2017, 2, 1, tzinfo=UTC),
                                     datetime(2017, 3, 1, tzinfo=UTC)))
    assert [e.title for e in events] == ["Test 4"]
    assert events[0].start.astimezone(UTC) == datetime(2017, 2, 24, 20, 0, tzinfo=UTC)


def test_vtodo_becomes_a_task(realdata):
    """A VTODO is a task with its due date."""
    path = realdata / "ics" / "recurring-ical-events" / "issue_97_simple_todo.ics"
    doc = parse_ics_file(str(path)).documents[0]
    tasks = [i for i in doc.items if i.kind == "task"]
    assert [t.title for t in tasks] == ["Yearly Income Tax Preparation"]
    assert tasks[0].due == datetime(1992, 5, 16, 4, 59, 59, tzinfo=UTC)
    assert not tasks[0].done


def test_one_segment_per_component_with_its_line(tmp_path):
    """A weekly series is one text segment, described in words, at its BEGIN:VEVENT line."""
    doc = parse_ics_file(str(DEMO_ICS)).documents[0]
    sync = [s for s in doc.segments if s.text.startswith("Team sync with Tom")]
    assert len(sync) == 2  # the series and its one moved instance
    assert "weekly on Tuesday" in sync[0].text
    lines = DEMO_ICS.read_text().splitlines()
    assert lines[sync[0].line - 1].strip() == "BEGIN:VEVENT"


def test_one_off_events_outside_the_window_are_kept(tmp_path):
    """A single event years in the past is kept; a weekly series is expanded only in the window."""
    f = tmp_path / "c.ics"
    f.write_text("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:old\nSUMMARY:Old dentist\n"
                 "DTSTART:20190402T080000Z\nDTEND:20190402T090000Z\nEND:VEVENT\n"
                 "BEGIN:VEVENT\nUID:w\nSUMMARY:Weekly\nDTSTART:20190401T100000Z\n"
                 "RRULE:FREQ=WEEKLY\nEND:VEVENT\nEND:VCALENDAR\n")
    items = parse_ics_file(str(f), *WINDOW).documents[0].items
    assert [i.start for i in items if i.title == "Old dentist"] == [
        datetime(2019, 4, 2, 8, 0, tzinfo=UTC)]
    weekly = [i.start for i in items if i.title == "Weekly"]
    assert len(weekly) == 9 and all(WINDOW[0] <= s < WINDOW[1] for s in weekly)


def test_broken_event_is_reported_and_the_rest_kept(tmp_path):
    """An event without DTSTART is named in the skipped list; the good event is still read."""
    f = tmp_path / "c.ics"
    f.write_text("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nSUMMARY:No start\nEND:VEVENT\n"
                 "BEGIN:VEVENT\nUID:b\nSUMMARY:Good\nDTSTART:20260401T100000Z\nEND:VEVENT\n"
                 "END:VCALENDAR\n")
    result = parse_ics_file(str(f), *WINDOW)
    assert [i.title for i in result.documents[0].items] == ["Good"]
    assert any("No start" in s.reason for s in result.skipped)


@pytest.mark.parametrize("content", [b"", b"hello world\n", b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:x"])
def test_invalid_calendar_is_skipped_with_reason(tmp_path, content):
    """Empty, non-calendar and truncated files raise SkipFile with a reason."""
    f = tmp_path / "bad.ics"
    f.write_bytes(content)
    with pytest.raises(SkipFile):
        parse_ics_file(str(f))


def test_describe_rrule():
    """RRULEs read as short English."""
    rule = icalendar.vRecur.from_ical("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260630T000000Z")
    assert describe_rrule(rule) == "weekly on Tuesday, Thursday until 2026-06-30"
    assert describe_rrule(icalendar.vRecur.from_ical("FREQ=MONTHLY;INTERVAL=2;COUNT=5")) == (
        "every 2 months, 5 times")


def _vcal(*events: str, head: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\n{e.strip()}\nEND:VEVENT\n" for e in events)
    return f"BEGIN:VCALENDAR\nVERSION:2.0\n{head}{body}END:VCALENDAR\n".encode()


def test_old_export_expands_its_series_around_its_own_time():
    """A 2023 export has its weekly series in October 2023, not only near today."""
    data = _vcal("UID:yoga\nSUMMARY:Yoga\nDTSTAMP:20231027T120000Z\nDTSTART:20230904T183000Z\n"
                 "DTEND:20230904T193000Z\nRRULE:FREQ=WEEKLY",
                 "UID:one\nSUMMARY:Dentist\nDTSTAMP:20231027T120000Z\nDTSTART:20231030T140000Z")
    items = _events(parse_ics_bytes(data, "old.ics"))
    october = sorted(i.start for i in items if i.title == "Yoga"
                     and datetime(2023, 10, 1, tzinfo=UTC) <= i.start < datetime(2023, 11, 1, tzinfo=UTC))
    assert october == [datetime(2023, 10, d, 18, 30, tzinfo=UTC) for d in (2, 9, 16, 23, 30)]
    yoga = [i.start for i in items if i.title == "Yoga"]
    assert len(yoga) == len(set(yoga))  # the two windows overlap: each occurrence once
    now = datetime.now(UTC)
    assert any(now - timedelta(days=8) < s < now + timedelta(days=8) for s in yoga)  # and today


def test_runaway_series_is_capped_near_the_centre_and_spares_the_others():
    """A FREQ=MINUTELY series is cut to the occurrences nearest the window's centre, and the
    weekly series in the same file keeps every occurrence."""
    data = _vcal("UID:m\nSUMMARY:Tick\nDTSTART:20260228T000000Z\nRRULE:FREQ=MINUTELY",
                 "UID:w\nSUMMARY:Weekly\nDTSTART:20260302T100000Z\nRRULE:FREQ=WEEKLY")
    problems: list[str] = []
    items = _events(parse_ics_bytes(data, "c.ics", *WINDOW, problems=problems))
    weekly = [i.start for i in items if i.title == "Weekly"]
    ticks = sorted(i.start for i in items if i.title == "Tick")
    assert len(weekly) == 9
    assert MAX_OCCURRENCES // 2 < len(ticks) <= MAX_OCCURRENCES - len(weekly)
    centre = WINDOW[0] + (WINDOW[1] - WINDOW[0]) / 2
    assert ticks[0] <= centre <= ticks[-1]  # one unbroken run of minutes around the centre
    assert ticks[-1] - ticks[0] == timedelta(minutes=len(ticks) - 1)
    assert abs((centre - ticks[0]) - (ticks[-1] - centre)) <= timedelta(minutes=2)
    assert [p for p in problems if "more than" in p]


def test_event_text_shows_wall_time_and_a_readable_zone(tmp_path):
    """Segment text says "15:00 EDT", shows UTC times in X-WR-TIMEZONE, never a tzinfo repr."""
    vtz = ("BEGIN:VTIMEZONE\nTZID:Eastern Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T020000\n"
           "TZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\n"
           "END:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:-0500\n"
           "TZOFFSETTO:-0400\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
           "BEGIN:VTIMEZONE\nTZID:Custom Zone\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
           "TZOFFSETFROM:+0530\nTZOFFSETTO:+0530\nEND:STANDARD\nEND:VTIMEZONE\n")
    f = tmp_path / "c.ics"
    f.write_bytes(_vcal(
        'UID:a\nSUMMARY:Review\nDTSTART;TZID="Eastern Standard Time":20261029T150000\n'
        'DTEND;TZID="Eastern Standard Time":20261029T160000',
        "UID:b\nSUMMARY:Dentist\nDTSTART:20261104T143000Z\nDTEND:20261104T153000Z",
        "UID:c\nSUMMARY:Call\nDTSTART;TZID=Custom Zone:20261105T090000",
        head="X-WR-TIMEZONE:America/New_York\n" + vtz))
    texts = [s.text for s in parse_ics_file(str(f)).documents[0].segments]
    assert texts == ["Review — Thu 29 Oct 2026 15:00 EDT – 16:00",
                     "Dentist — Wed 04 Nov 2026 09:30 EST – 10:30",
                     "Call — Thu 05 Nov 2026 09:00 UTC+05:30"]


def test_cancelled_todo_is_not_a_task(tmp_path):
    """A VTODO with STATUS:CANCELLED is neither open nor done: no task item."""
    data = (b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTODO\nUID:t1\nSUMMARY:Keep\nEND:VTODO\n"
            b"BEGIN:VTODO\nUID:t2\nSUMMARY:Dropped\nSTATUS:CANCELLED\nEND:VTODO\nEND:VCALENDAR\n")
    assert [i.title for i in parse_ics_bytes(data, "t.ics") if i.kind == "task"] == ["Keep"]
