"""Logseq graphs: outline tasks (``- TODO ...``), their dates and drawers, page properties.

A Logseq graph is a folder with ``journals/`` (one page per day, ``2026_11_30.md``), ``pages/``
and Logseq's own ``logseq/`` folder (``config.edn``, backups in ``logseq/bak/``; the folder is
not indexed, see ``indexing.sources``). Pages are outlines: every block is a ``- `` bullet,
nested by indentation, and the lines of a block after its first are indented past its bullet.

A task is a block that starts with a marker: TODO, LATER, NOW, DOING, IN-PROGRESS, WAIT and
WAITING are open (NOW/DOING/IN-PROGRESS in progress, WAIT/WAITING "waiting", LATER "later"), DONE
is done, CANCELED/CANCELLED is not a task (like ``[-]``). Outside a Logseq graph only TODO, DOING
and DONE are read: "- NOW that we have the data" in an ordinary note is prose. A ``[#A]``
priority may sit anywhere on the line. The block's other lines may hold ``DEADLINE: <2026-12-05
Sat 10:00>`` (the due date), ``SCHEDULED: <2026-12-03 Thu>`` (the due date when there is no
deadline), either with a repeater (``.+1w``, kept in the description), and a ``:LOGBOOK:``
drawer of ``CLOCK:`` lines. Logseq writes no completion date; when a DONE task was clocked, the
end of its last closed CLOCK entry is when it was finished, else a journal page's date is used
(the caller passes it), else there is none. Tasks inside a block with a ``template::`` property
are a template's, not the user's, and are left out.

Page properties are the ``key:: value`` lines that open a page (``title::``, ``tags::``,
``alias::``, ``type:: project``); they are read like front matter. Drawers and the
``id::``/``collapsed::`` bookkeeping properties are hidden from the text that is indexed.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

_GRAPH_MARKERS = {
    "TODO": "", "LATER": "later", "NOW": "in progress", "DOING": "in progress",
    "IN-PROGRESS": "in progress", "WAIT": "waiting", "WAITING": "waiting", "DONE": "",
    "CANCELED": "", "CANCELLED": "",
}
_PLAIN_MARKERS = {"TODO", "DOING", "DONE", "CANCELED", "CANCELLED"}
_TASK_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)[-*+][ \t]+(?P<marker>" + "|".join(
        sorted((re.escape(m) for m in _GRAPH_MARKERS), key=len, reverse=True))
    + r")(?:[ \t]+(?P<text>.*\S))?[ \t]*$"
)
_BULLET = re.compile(r"^(?P<indent>[ \t]*)[-*+](?:[ \t]|$)")
_PROPERTY = re.compile(r"^[ \t]*(?P<key>[A-Za-z][\w-]*)::(?:[ \t]+(?P<value>.*?))?[ \t]*$")
_TIMESTAMP = re.compile(
    r"\b(?P<kind>SCHEDULED|DEADLINE):\s*<(?P<day>\d{4}-\d{2}-\d{2})(?:\s+[^\s\d>]+)?"
    r"(?:\s+(?P<time>\d{1,2}:\d{2})(?:-\d{1,2}:\d{2})?)?(?P<rest>[^>]*)>"
)
_REPEATER = re.compile(r"(?:\.\+|\+\+|\+)\d+[hdwmy]")
_CLOSED = re.compile(r"\bCLOSED:\s*\[(\d{4}-\d{2}-\d{2})")
_CLOCK_END = re.compile(r"^\s*CLOCK:\s*\[[^\]]*\]--\[(\d{4}-\d{2}-\d{2})")
_DRAWER_START = re.compile(r"^\s*:(LOGBOOK|PROPERTIES):\s*$", re.IGNORECASE)
_DRAWER_END = re.compile(r"^\s*:END:\s*$", re.IGNORECASE)
_HIDDEN_PROPERTIES = {"id", "collapsed"}
_REPEATER_UNITS = {"h": "hour", "d": "day", "w": "week", "m": "month", "y": "year"}


@dataclass
class BlockTask:
    """A task block: its marker, the text after it and what its other lines say."""

    marker: str
    text: str
    dates: dict[str, date | datetime] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        return self.marker in ("CANCELED", "CANCELLED")

    @property
    def status(self) -> str:
        """The checkbox character the marker stands for: "x" done, "/" in progress, " " open."""
        if self.marker == "DONE":
            return "x"
        return "/" if _GRAPH_MARKERS[self.marker] == "in progress" else " "

    @property
    def state(self) -> str:
        """The words the description opens with ("waiting", "later; repeats every week")."""
        return "; ".join(p for p in [_GRAPH_MARKERS[self.marker], *self.notes] if p)


def _graph_root_of_dir(folder: str) -> str | None:
    # Not cached: a cache would miss a graph made (or removed) while the app runs, and keeping
    # one fresh costs a stat per folder, as this walk does.
    here = folder
    for _ in range(6):
        if os.path.isfile(os.path.join(here, "logseq", "config.edn")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    return None


def graph_root(path: str) -> str | None:
    """The Logseq graph a note belongs to (the folder holding ``logseq/config.edn``), or None."""
    return _graph_root_of_dir(os.path.dirname(os.path.abspath(path)))


def page_title(stem: str) -> str:
    """A page's title from its file name: "a___b" (namespaces) and "a%2Fb" are "a/b"."""
    title = stem.replace("___", "/")
    return urllib.parse.unquote(title) if "%" in title else title


def page_properties(lines: list[str]) -> tuple[dict[str, Any], int]:
    """The ``key:: value`` lines that open a page, as front matter, and the first body line.

    ``tags::`` and ``alias::`` become lists ("family, [[Xmas 2026]]" is two tags); other values
    are kept as written. Returns ({}, 0) when the page does not open with properties.
    """
    props: dict[str, Any] = {}
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    while i < len(lines):
        m = _PROPERTY.match(lines[i])
        if not m or lines[i].lstrip().startswith(("-", "*", "+")):
            break
        key, value = m["key"].lower(), (m["value"] or "").strip()
        props[key] = _property_list(value) if key in ("tags", "alias", "tag") else value
        i += 1
    return (props, i) if props else ({}, 0)


def _property_list(value: str) -> list[str]:
    """"a, [[b c]], #d" -> ["a", "b c", "d"]."""
    out: list[str] = []
    for part in re.findall(r"\[\[([^\]]+)\]\]|([^,]+)", value):
        text = (part[0] or part[1]).strip().lstrip("#").strip()
        if text:
            out.append(text)
    return out


def task_block(line: str, following: list[str], in_graph: bool) -> BlockTask | None:
    """The task a block's first line starts, with the dates in the block's other lines.

    Args:
        line: the block's first line ("- TODO Renew car rego").
        following: the lines after it (only the block's own continuation lines are read).
        in_graph: whether the note is in a Logseq graph (all markers are read) or not (only
            TODO, DOING and DONE are; CANCELED is recognised to be left out).

    Returns:
        The task, or None when the line is not a task block.
    """
    m = _TASK_BLOCK.match(line)
    if not m or not m["text"]:
        return None
    marker = m["marker"]
    if not in_graph and marker not in _PLAIN_MARKERS:
        return None
    task = BlockTask(marker, m["text"])
    width = _width(m["indent"])
    clock_end: str = ""
    for text in [m["text"], *continuation(following, width)]:
        for ts in _TIMESTAMP.finditer(text):
            _take_timestamp(task, ts)
        closed = _CLOSED.search(text)
        if closed:
            task.dates.setdefault("done", date.fromisoformat(closed[1]))
        clock = _CLOCK_END.match(text)
        if clock:
            clock_end = max(clock_end, clock[1])
    task.text = _TIMESTAMP.sub(" ", task.text).strip() or task.text
    if clock_end and task.marker == "DONE":
        task.dates.setdefault("done", date.fromisoformat(clock_end))
    return task


def _take_timestamp(task: BlockTask, ts: re.Match[str]) -> None:
    try:
        day = date.fromisoformat(ts["day"])
        value: date | datetime = (datetime.combine(day, time.fromisoformat(ts["time"].zfill(5)))
                                  if ts["time"] else day)
    except ValueError:
        task.notes.append(f"{ts['kind'].lower()} {ts['day']} (not a valid date)")
        return
    # DEADLINE is the due date; SCHEDULED (when work starts) is it only without a deadline.
    name = "due" if ts["kind"] == "DEADLINE" else "scheduled"
    if name in task.dates:
        return
    task.dates[name] = value
    rep = _REPEATER.search(ts["rest"] or "")
    if rep:
        count, unit = int(rep[0].lstrip(".+")[:-1]), _REPEATER_UNITS[rep[0][-1]]
        task.notes.append(f"repeats every {unit}" if count == 1
                          else f"repeats every {count} {unit}s")


def continuation(lines: list[str], width: int) -> list[str]:
    """The lines that continue a block whose bullet is indented ``width``: indented past the
    bullet, not a child block's bullet, up to a blank line."""
    out: list[str] = []
    for line in lines:
        if not line.strip() or _BULLET.match(line):
            break
        if _width(line[: len(line) - len(line.lstrip(" \t"))]) <= width:
            break
        out.append(line)
    return out


def _width(indent: str) -> int:
    return len(indent.expandtabs(4))


def hidden_lines(lines: list[tuple[int, str]]) -> set[int]:
    """Line numbers to keep out of the indexed text: ``:LOGBOOK:``/``:PROPERTIES:`` drawers and
    the ``id::``/``collapsed::`` properties Logseq adds to blocks."""
    hidden: set[int] = set()
    in_drawer = False
    for n, line in lines:
        if in_drawer:
            hidden.add(n)
            in_drawer = not _DRAWER_END.match(line)
            continue
        if _DRAWER_START.match(line):
            hidden.add(n)
            in_drawer = True
            continue
        prop = _PROPERTY.match(line)
        if prop and prop["key"].lower() in _HIDDEN_PROPERTIES:
            hidden.add(n)
    return hidden


class TemplateScope:
    """Tracks whether a line sits inside a block with a ``template::`` property (a Logseq
    template: its tasks are copied into pages when used, and are not tasks themselves)."""

    def __init__(self) -> None:
        self._bullets: list[int] = []  # indent widths of the open blocks, outermost first
        self._template_at: int | None = None

    def feed(self, line: str) -> bool:
        """Read the next line; True when it is inside a template block."""
        bullet = _BULLET.match(line)
        if bullet:
            width = _width(bullet["indent"])
            self._bullets = [w for w in self._bullets if w < width] + [width]
            if self._template_at is not None and width <= self._template_at:
                self._template_at = None
            return self._template_at is not None
        prop = _PROPERTY.match(line)
        if prop and prop["key"].lower() == "template" and self._bullets:
            if self._template_at is None:
                self._template_at = self._bullets[-1]
        return self._template_at is not None
