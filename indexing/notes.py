"""Markdown and plain-text notes: one ``Document`` per file, sections as segments, tasks as items.

A note is split by headings into sections, and long sections at paragraph boundaries, so each
segment is a readable piece that knows its line and heading path ("Garden > Ideas"). The title
comes from front matter, the first "# " heading or the file name; the date from front matter or
a daily-note file name. A daily note's date is a calendar day, not an instant: "2026-10-26.md" is
the 26th wherever the user is, so it is kept floating (naive midnight), as are front-matter dates
and times written without a zone; the engine places floating values in the user's zone when it
compares them (``indexing.timeutil``). Indexing therefore does not depend on the machine's zone.
Checkbox lines outside code blocks and comments become task items (see ``indexing.note_tasks``
for the conventions read); cancelled ones (``[-]``) are not tasks. A task's project is a
``+project`` tag on its line, else the front matter's ``project``, else the note's title (front
matter ``title`` or file name), unless that title is a date or a generic name ("Tasks",
"todo"), when it is the nearest heading that is neither generic nor the note's title heading.
A date phrase in a task ("call Maria by Friday", "due 3 Dec", "due 14/12") resolves against the
note's date, never today; a note without a date resolves it against the file's modification
time in the machine's zone (the best guess at the user's wall clock when it was saved), with a
longer look back for a day and month without a year, since the file may have been edited after
the task was written (``indexing.dates.MTIME_GRACE``). Numeric dates are read day-first when the
note writes an unambiguous one that way ("14/12"), month-first when it writes "12/14", else as
the system locale says (``indexing.dates.locale_day_first``), else US month/day. A done task in
a daily note (its file name is its date) without a completion date was done that day.
Logseq graphs (outline ``- TODO`` blocks, ``journals/2026_11_30.md``, ``key:: value`` page
properties) are read through ``indexing.logseq``. Notes in an Obsidian vault's templates folder
(``.obsidian/templates.json``, Templater's setting, the daily-notes template, or a folder named
"Templates") are indexed as text, so a checklist kept there can be found, but their checkboxes
are not tasks: a template's "- [ ] Water the plants" is copied into each day's note, where it is
the user's task.
"""

from __future__ import annotations

import functools
import json
import os
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from indexing import logseq
from indexing.dates import MTIME_GRACE, date_from_filename, locale_day_first, numeric_order
from indexing.model import Document, ParseResult, Segment
from indexing.note_tasks import TASK_LINE, dedupe, hashtags, is_cancelled, task_item
from indexing.reading import read_text

MAX_SEGMENT_CHARS = 1500
_DATE_KEYS = ("date", "created", "created_at", "creation date", "creation_date", "created date")

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-{2,})\s*$")
_LIST_OR_BLOCK = re.compile(r"^\s*(?:[-*+>]|\d+[.)]|\||#)")
# Note titles and headings that name a kind of list, not a project.
_GENERIC_NAMES = {
    "task", "tasks", "todo", "todos", "to do", "to-do", "to-dos", "to dos", "action items",
    "actions", "next actions", "next steps", "checklist", "inbox", "log", "notes", "note",
    "today", "done", "open", "misc", "untitled", "readme", "index", "daily", "journal",
}


def parse_markdown(path: str) -> ParseResult:
    """Parse a Markdown note into one Document with its sections and checkbox tasks.

    Raises:
        SkipFile: when the file cannot be read or is not text.
    """
    text = read_text(path)
    front, body_start = _front_matter(text)
    lines = text.split("\n")
    graph = logseq.graph_root(path)
    if graph is not None and not front:
        front, _ = logseq.page_properties(lines)  # shown in Logseq, so they stay in the text
    doc = _new_document(path, front)
    if graph is not None:
        doc.title = logseq.page_title(doc.title)
    body = list(enumerate(lines, start=1))[body_start:]
    hidden = logseq.hidden_lines(body)
    sections, headings = _sections([row for row in body if row[0] not in hidden])
    tags = _front_tags(front)
    fm_project = str(front.get("project") or "").strip()
    note_title = str(front.get("title") or "").strip() or doc.title
    note_project = fm_project or ("" if _generic(note_title) else note_title)
    title_heading = _first_h1(headings)  # a daily note's "# Monday, Oct 26" is no project
    dating = _task_dating(path, doc.date, text)
    template = in_template_folder(path)
    scope = logseq.TemplateScope()
    for path_text, sec_lines in sections:
        doc.segments.extend(_pack(sec_lines, path_text))
    in_fence, in_comment = "", ""
    stack: list[tuple[int, str]] = []
    for idx, (n, line) in enumerate(body):
        fence = _fence_change(line, in_fence) if not in_comment else None
        if fence is not None:
            in_fence = fence
            continue
        if in_fence:
            continue
        was_in_comment, in_comment = in_comment, _comment_state(line, in_comment)
        if was_in_comment or in_comment:
            continue  # HTML and Obsidian %% comments are hidden: no tasks or tags from them
        in_template_block = scope.feed(line)
        if n in hidden:
            continue
        tags.extend(hashtags(line))
        level, title = headings.get(n, (0, ""))
        if level:
            stack = [s for s in stack if s[0] < level] + [(level, title)]
            continue
        if template or in_template_block:
            continue
        project = note_project or _heading_project(stack, title_heading)
        task = TASK_LINE.match(line)
        if task:
            if not is_cancelled(task[1]):
                doc.items.append(task_item(task[1], task[2], n, project, **dating))
            continue
        block = logseq.task_block(line, [t for _, t in body[idx + 1: idx + 60]],
                                  graph is not None)
        if block is not None and not block.cancelled:
            doc.items.append(task_item(block.status, block.text, n, project, **dating,
                                       dates=block.dates, state=block.state, origin="logseq"))
    doc.title = str(front.get("title") or "").strip() or _first_h1(headings) or doc.title
    doc.meta = {
        "front_matter": front,
        "tags": dedupe(tags),
        "headings": [t for _, (_lvl, t) in sorted(headings.items())],
    }
    if template:
        doc.meta["template"] = True
    if graph is not None:
        doc.meta["logseq"] = True
    return ParseResult(documents=[doc])


def parse_plaintext(path: str) -> ParseResult:
    """Parse a plain-text note: paragraph segments with their lines, checkbox lines as tasks.

    Raises:
        SkipFile: when the file cannot be read or is not text.
    """
    text = read_text(path)
    doc = _new_document(path, {})
    body = list(enumerate(text.split("\n"), start=1))
    doc.segments = _pack(body, "", fences=False)
    tags: list[str] = []
    project = "" if _generic(doc.title) else doc.title
    dating = _task_dating(path, doc.date, text)
    for n, line in body:
        tags.extend(hashtags(line))
        task = TASK_LINE.match(line)
        if task and not is_cancelled(task[1]):
            doc.items.append(task_item(task[1], task[2], n, project, **dating))
    doc.meta = {"front_matter": {}, "tags": dedupe(tags), "headings": []}
    return ParseResult(documents=[doc])


# ----- document -------------------------------------------------------------------------------


def _task_dating(path: str, note_date: datetime | None, text: str) -> dict[str, Any]:
    """How the note's task dates are read (``task_item`` keywords; rules: module docstring)."""
    anchor, grace = note_date, timedelta(days=7)
    if anchor is None:
        try:
            anchor = datetime.fromtimestamp(os.path.getmtime(path))  # floating, machine zone
            grace = MTIME_GRACE
        except (OSError, OverflowError, ValueError):
            anchor = None
    order = numeric_order(text)
    daily = date_from_filename(path) if _DAILY_NAME.fullmatch(
        os.path.splitext(os.path.basename(path))[0].strip()) else None
    done_on = daily if note_date is not None and daily == note_date.date() else None
    return {"anchor": anchor, "past_grace": grace,
            "day_first": order if order is not None else locale_day_first(),
            "done_on": done_on}


# A daily note's name is its date, perhaps with the weekday ("2026-10-26 Monday").
_DAILY_NAME = re.compile(r"(?:\d{4}[-_.]\d{2}[-_.]\d{2}|\d{8})(?:[ ,_-]+[A-Za-z]+)?")
_TEMPLATE_NAMES = {"templates", "template", "_templates"}


def in_template_folder(path: str) -> bool:
    """True for a note in an Obsidian vault's templates folder (module docstring)."""
    here = os.path.dirname(os.path.abspath(path))
    root = _vault_root(here)
    if root is None:
        return False
    rel = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    if any(p.lower() in _TEMPLATE_NAMES for p in rel.split("/")[:-1]):
        return True
    return any(rel.lower().startswith(f.lower() + "/") for f in _vault_template_folders(root))


def _vault_root(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` holding ``.obsidian/``, or None.

    Not cached: a cache would answer the same once a vault's ``.obsidian/`` appears or goes
    (the app runs for weeks), and keeping one fresh costs a stat per folder, as this walk does.
    """
    while True:
        if os.path.isdir(os.path.join(folder, ".obsidian")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


# Where a vault's settings name its template folder: (file under .obsidian, key, names a file).
_TEMPLATE_SETTINGS = (("templates.json", "folder", False),
                      ("plugins/templater-obsidian/data.json", "templates_folder", False),
                      ("daily-notes.json", "template", True))


def _vault_template_folders(root: str) -> tuple[str, ...]:
    """Template folders a vault's settings name (core Templates, Templater, daily notes).

    Read once per version of the settings files: the cache key holds each file's mtime, size
    and inode, so a setting changed while the app runs is read again on the next note.
    """
    stamps = []
    for rel, _key, _is_file in _TEMPLATE_SETTINGS:
        try:
            st = os.stat(os.path.join(root, ".obsidian", rel))
            stamps.append((st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            stamps.append(None)
    return _read_template_folders(root, tuple(stamps))


@functools.lru_cache(maxsize=64)
def _read_template_folders(root: str, _stamps: tuple[tuple[int, int, int] | None, ...],
                           ) -> tuple[str, ...]:
    found: list[str] = []
    for rel, key, is_file in _TEMPLATE_SETTINGS:
        try:
            with open(os.path.join(root, ".obsidian", rel), encoding="utf-8") as fh:
                value = json.load(fh).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, str) and value.strip("/ "):
            folder = value.strip("/ ")
            found.append(os.path.dirname(folder) if is_file else folder)
    return tuple(f for f in found if f)


def _generic(title: str) -> bool:
    """True for a note title that is a date ("2026-10-26") or names a kind of list ("Tasks")."""
    name = " ".join(title.split()).strip(" #:").lower()
    return not name or name in _GENERIC_NAMES or date_from_filename(title + ".md") is not None


def _heading_project(stack: list[tuple[int, str]], title_heading: str) -> str:
    """The nearest heading above a task that is neither generic ("Tasks", "To do") nor the
    note's own title heading."""
    return next((t for lvl, t in reversed(stack)
                 if not _generic(t) and not (lvl == 1 and t == title_heading)), "")


def _new_document(path: str, front: dict[str, Any]) -> Document:
    abspath = os.path.abspath(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    when: datetime | None = None
    for key, value in front.items():
        if key.lower() in _DATE_KEYS and when is None:
            when = _as_datetime(value)
    if when is None:
        day = date_from_filename(path)
        when = datetime.combine(day, time(0)) if day else None  # floating: that day, anywhere
    return Document(doc_id="note:" + abspath, kind="note", path=abspath, title=stem, date=when)


def _as_datetime(value: Any) -> datetime | None:
    """A front-matter date (already ISO text after sanitising): aware when it has an offset,
    else floating (naive; a date alone is its midnight)."""
    text = str(value or "").strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        day = date_from_filename(text) if text else None
        return datetime.combine(day, time(0)) if day else None


def _front_matter(text: str) -> tuple[dict[str, Any], int]:
    """The front matter as a JSON-safe dict, and the 0-based index of the first body line."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, 0
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            data = _load_yaml("\n".join(lines[1:i]))
            # Prose between two rules is not front matter: keep it as body text.
            return (_jsonable(data), i + 1) if data is not None else ({}, 0)
    return {}, 0  # no closing line: an ordinary thematic break, not front matter


def _load_yaml(raw: str) -> dict[str, Any] | None:
    """The mapping in ``raw``, or None when it is not a YAML mapping at all."""
    if not raw.strip():
        return {}
    try:
        import yaml
    except ImportError:  # PyYAML is optional; the fallback reads key: value and lists
        return _simple_yaml(raw) or None
    try:
        data = yaml.safe_load(raw)
    except Exception:  # noqa: BLE001 - YAMLError, or ValueError for "date: 2022-02-29"
        return _simple_yaml(raw) or None
    return data if isinstance(data, dict) else None


def _simple_yaml(raw: str) -> dict[str, Any]:
    """``key: value``, ``key: [a, b]`` and ``key:`` followed by ``- item`` lines."""
    out: dict[str, Any] = {}
    key = ""
    for line in raw.split("\n"):
        item = re.match(r"^\s+-\s*(.*)$", line)
        if item and key:
            if not isinstance(out.get(key), list):
                out[key] = []
            if item[1].strip():
                out[key].append(_unquote(item[1]))
            continue
        m = re.match(r"^([^\s:#][^:]*):(?:\s+(.*))?$", line)
        if not m:
            continue
        key, value = m[1].strip(), (m[2] or "").strip()
        if value.startswith("[") and value.endswith("]"):
            out[key] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
        else:
            out[key] = _unquote(value) if value else None
    return out


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _front_tags(front: dict[str, Any]) -> list[str]:
    raw = front.get("tags", front.get("tag"))
    values = raw if isinstance(raw, list) else re.split(r"[,\s]+", str(raw or ""))
    return [str(v).strip().lstrip("#") for v in values if v is not None and str(v).strip()]




def _first_h1(headings: dict[int, tuple[int, str]]) -> str:
    return next((t for _, (lvl, t) in sorted(headings.items()) if lvl == 1 and t), "")


# ----- structure ------------------------------------------------------------------------------


def _fence_change(line: str, in_fence: str) -> str | None:
    """The new fence state if ``line`` opens or closes a code fence, else None."""
    m = _FENCE.match(line)
    if not m:
        return None
    marker = m[1]
    if not in_fence:
        return marker
    if marker[0] == in_fence[0] and len(marker) >= len(in_fence) and not line.strip()[len(marker):]:
        return ""
    return None


def _comment_state(line: str, state: str) -> str:
    """Whether a hidden comment ("<!--" or "%%") is still open after ``line``."""
    for token in re.findall(r"<!--|-->|%%", line):
        if not state and token in ("<!--", "%%"):
            state = token
        elif (state, token) in (("<!--", "-->"), ("%%", "%%")):
            state = ""
    return state


def _sections(
    body: list[tuple[int, str]],
) -> tuple[list[tuple[str, list[tuple[int, str]]]], dict[int, tuple[int, str]]]:
    """Split body lines at headings: [(heading path, lines)] and {line: (level, heading)}."""
    headings: dict[int, tuple[int, str]] = {}
    sections: list[tuple[str, list[tuple[int, str]]]] = [("", [])]
    stack: list[tuple[int, str]] = []
    in_fence = ""
    for i, (n, line) in enumerate(body):
        fence = _fence_change(line, in_fence)
        if fence is not None:
            in_fence = fence
        level, title = 0, ""
        if not in_fence and fence is None:
            atx = _ATX.match(line)
            nxt = body[i + 1][1] if i + 1 < len(body) else ""
            if atx:
                level, title = len(atx[1]), re.sub(r"\s+#+$", "", atx[2] or "").strip()
            elif line.strip() and _SETEXT.match(nxt) and not _LIST_OR_BLOCK.match(line) and (
                i == 0 or not body[i - 1][1].strip()
            ):
                level, title = (1 if nxt.strip()[0] == "=" else 2), line.strip()
        if level:
            headings[n] = (level, title)
            stack = [s for s in stack if s[0] < level] + [(level, title)]
            sections.append((" > ".join(t for _, t in stack if t), []))
        sections[-1][1].append((n, line))
    return [s for s in sections if any(t.strip() for _, t in s[1])], headings


def _paragraphs(lines: list[tuple[int, str]], fences: bool) -> list[list[tuple[int, str]]]:
    """Blank-line separated blocks; a fenced code block stays in one block."""
    paras: list[list[tuple[int, str]]] = [[]]
    in_fence = ""
    for n, line in lines:
        fence = _fence_change(line, in_fence) if fences else None
        if fence is not None:
            in_fence = fence
        if not line.strip() and not in_fence:
            if paras[-1]:
                paras.append([])
            continue
        paras[-1].append((n, line))
    return [p for p in paras if p]


def _pack(lines: list[tuple[int, str]], heading: str, fences: bool = True) -> list[Segment]:
    """Group paragraphs into segments of up to ``MAX_SEGMENT_CHARS``; longer blocks cut at lines."""
    pieces: list[list[tuple[int, str]]] = []
    for para in _paragraphs(lines, fences):
        if sum(len(t) + 1 for _, t in para) <= MAX_SEGMENT_CHARS:
            pieces.append(para)
            continue
        chunk: list[tuple[int, str]] = []
        for row in para:
            if chunk and sum(len(t) + 1 for _, t in chunk) + len(row[1]) > MAX_SEGMENT_CHARS:
                pieces.append(chunk)
                chunk = []
            chunk.append(row)
        pieces.append(chunk)
    segments: list[Segment] = []
    size = 0
    for piece in pieces:
        text = "\n".join(t for _, t in piece)
        if segments and size + len(text) + 2 <= MAX_SEGMENT_CHARS:
            segments[-1].text += "\n\n" + text
            size += len(text) + 2
        else:
            segments.append(Segment(text=text, line=piece[0][0], heading=heading))
            size = len(text)
    return segments


