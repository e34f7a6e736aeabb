"""Storing points in time as text that sorts, and reading them back.

Sources give three kinds of time: aware datetimes (a zone is known), naive datetimes (floating,
"9 am wherever you are") and dates (all-day, due on a day). We keep the original as ISO text so
nothing is lost, plus a sort key in UTC. Floating times and dates get their key as if they were UTC;
queries widen their window by a day and filter exactly in the user's zone (``within``): a daily
note's "2026-10-26" is the 26th in New York as in Tokyo, which no single UTC instant can say.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo


def to_iso(value: date | datetime | None) -> str | None:
    """ISO 8601 text of a date, naive or aware datetime; None stays None."""
    return value.isoformat() if value is not None else None


def from_iso(text: str | None) -> date | datetime | None:
    """Inverse of ``to_iso``: a ``date`` for YYYY-MM-DD, else a (naive or aware) datetime."""
    if not text:
        return None
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text)


def sort_key(value: date | datetime | None) -> str | None:
    """A UTC ISO string that sorts chronologically (floating times and dates taken as UTC)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return datetime.combine(value, time(0), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S")


def localize(value: date | datetime, zone: tzinfo) -> datetime:
    """An aware datetime in ``zone``: aware values are converted, floating/dates are placed there."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=zone)
        return value.astimezone(zone)
    return datetime.combine(value, time(0), tzinfo=zone)


def is_floating(value: date | datetime) -> bool:
    """True for a value without a zone: a date, or a naive ("wherever you are") datetime."""
    return not isinstance(value, datetime) or value.tzinfo is None


def within(value: date | datetime | None, start: datetime | None, end: datetime | None,
           zone: tzinfo | None = None) -> bool:
    """Whether ``value`` lies in ``[start, end)``; None never does, an open bound always holds.

    Aware values compare as instants. Floating values (dates, naive datetimes) are wall-clock
    values: they are placed in ``zone`` (default: the zone of ``start``, else of ``end``) first,
    so a note dated 2026-10-26 is inside "Monday 26 October" in any zone the user asks in.
    """
    if value is None:
        return False
    zone = zone or (start.tzinfo if start is not None else None) or (
        end.tzinfo if end is not None else None) or UTC
    t = localize(value, zone)
    return (start is None or t >= start) and (end is None or t < end)
