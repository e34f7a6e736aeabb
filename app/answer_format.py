"""How a finished answer is shown: Markdown with clickable citations, or a clean dated list.

Pure functions from an ``engine.answer.Answer`` to Markdown/HTML strings (no widgets), so they are
easy to test. Citations ``[n]`` become links ``cite:<turn>:<n>``; the chat view resolves them to
the answer's n-th source. Schedule and to-do answers are laid out from the answer's structured
items (grouped by day, times aligned), not from the text.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from typing import Any

CITE = re.compile(r"\[(\d{1,2})\]")
ACCENT = "#2f6fdf"
MUTED = "#6b7280"


def cite_href(turn: int, n: int) -> str:
    return f"cite:{turn}:{n}"


def parse_cite(href: str) -> tuple[int, int] | None:
    """``cite:3:1`` -> (3, 1); None for other links."""
    m = re.fullmatch(r"cite:(\d+):(\d+)", href)
    return (int(m.group(1)), int(m.group(2))) if m else None


def markdown_with_links(text: str, turn: int, n_sources: int) -> str:
    """The answer's Markdown with each valid ``[n]`` turned into a citation link."""
    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if 1 <= n <= n_sources:
            return f"[\\[{n}\\]]({cite_href(turn, n)})"
        return m.group(0)
    return CITE.sub(link, text)


def html_with_links(text: str, turn: int, n_sources: int) -> str:
    """Escaped plain text with citation links (for one-line HTML bits)."""
    out = html.escape(text)
    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if 1 <= n <= n_sources:
            return f'<a href="{cite_href(turn, n)}" style="color:{ACCENT}">[{n}]</a>'
        return m.group(0)
    return CITE.sub(link, out)


def _when(value: str | None) -> datetime | date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return None


def day_label(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b} {d:%Y}"


def _event_time(item: dict[str, Any]) -> str:
    start, end = _when(item.get("start")), _when(item.get("end"))
    if item.get("all_day") or not isinstance(start, datetime):
        return "all day"
    if isinstance(end, datetime) and end.date() == start.date() and end > start:
        return f"{start:%H:%M}–{end:%H:%M}"
    if isinstance(end, datetime) and end.date() != start.date():
        return f"{start:%H:%M} – {end:%a} {end:%H:%M}"
    return f"{start:%H:%M}"


def _day_of(item: dict[str, Any], key: str) -> date | None:
    v = _when(item.get(key))
    return v.date() if isinstance(v, datetime) else v


def items_html(answer: Any, turn: int) -> str:
    """A dated list of the answer's events or tasks, with citation links; "" when none."""
    items = list(getattr(answer, "items", []) or [])
    if not items:
        return ""
    text = getattr(answer, "text", "") or ""
    head = text.split("\n", 1)[0].strip() if text else ""
    rows: list[str] = []
    current: object = object()
    for i, item in enumerate(items, 1):
        is_event = item.get("kind") == "event"
        d = _day_of(item, "start" if is_event else ("done_date" if item.get("done") else "due"))
        if d != current:
            current = d
            label = day_label(d) if d else "No date"
            rows.append(f'<tr><td colspan="3" style="padding-top:8px"><b>{label}</b></td></tr>')
        rows.append(_row(item, i, turn, len(answer.sources), is_event))
    lead = f"<p>{html_with_links(head, turn, len(answer.sources))}</p>" if head else ""
    # What the text says after its one line per item ("… and 12 more.", what was cancelled).
    tail = [line.strip().removeprefix("- ") for line in text.split("\n")[1 + len(items):]
            if line.strip()]
    after = "".join(f'<p style="color:{MUTED}">{html_with_links(line, turn, len(answer.sources))}'
                    "</p>" for line in tail)
    return (f'{lead}<table cellspacing="0" cellpadding="3" style="margin-left:6px">'
            + "".join(rows) + "</table>" + after)


def _row(item: dict[str, Any], n: int, turn: int, n_sources: int, is_event: bool) -> str:
    title = html.escape(item.get("title") or "(untitled)")
    if is_event:
        when = _event_time(item)
        extra = [item.get("location") or ""]
        if (item.get("status") or "").upper() == "CANCELLED":
            title = f"<s>{title}</s>"
            extra.append("cancelled")
        elif (item.get("status") or "").upper() == "TENTATIVE":
            extra.append("tentative")
    else:
        due = _when(item.get("due"))
        when = f"{due:%H:%M}" if isinstance(due, datetime) else ("done" if item.get("done") else "")
        extra = [item.get("project") or "", f"priority {item['priority']}"
                 if item.get("priority") else "",
                 f"promised to {item['person']}" if item.get("person") else ""]
    details = " · ".join(html.escape(x) for x in extra if x)
    details = f' <span style="color:{MUTED}">— {details}</span>' if details else ""
    cite = (f' <a href="{cite_href(turn, n)}" style="color:{ACCENT}">[{n}]</a>'
            if n <= n_sources else "")
    return (f'<tr><td style="color:{MUTED}; padding-right:10px; white-space:nowrap">{when}</td>'
            f"<td>{title}{details}{cite}</td></tr>")


def highlight(text: str, words: list[str], color: str = "#fde68a") -> str:
    """Escaped ``text`` with each of ``words`` (whole words, any case) marked."""
    out = html.escape(text)
    words = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    if not words:
        return out
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(html.escape(w)) for w in words)
                         + r")(?!\w)", re.IGNORECASE)
    return pattern.sub(lambda m: f'<span style="background:{color}">{m.group(1)}</span>', out)
