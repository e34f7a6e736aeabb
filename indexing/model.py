"""The one shape every source is parsed into.

Each parser (mail, calendar, notes, todo.txt) turns a file into ``Document`` objects. A document
carries the text to show (``segments``, each with the line it starts on and whether it is quoted
reply text) and the structured ``Item`` objects found in it (events and tasks). The chunker turns
segments into retrieval chunks; the structured store keeps the items. Nothing downstream needs to
know which format a document came from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

DocKind = Literal["email", "note", "calendar", "todo"]
ItemKind = Literal["event", "task"]

# A point in time as the source gave it: an aware datetime (has a zone), a naive datetime
# (floating: "9am wherever you are"), or a date (all-day / due on a day).
When = datetime | date


@dataclass
class Segment:
    """A run of text inside a document.

    Attributes:
        text: the text as shown to the user.
        line: 1-based line in the source file where the segment starts (0 when unknown).
        quoted: True for quoted reply text in mail ("> ..."), kept out of the way of retrieval.
        heading: the heading path the segment sits under, for notes ("Garden > Ideas").
    """

    text: str
    line: int = 0
    quoted: bool = False
    heading: str = ""


@dataclass
class Item:
    """An event or a task found in a document.

    Events use ``start``/``end``/``all_day``/``location``/``attendees``/``status``/``organizer``
    (the organizer's lower-case address, "" when none is named); tasks use
    ``due``/``done``/``done_date``/``priority``/``project``/``contexts``/``person``.
    ``locator`` says where the item sits in its source: a line ("L12") for notes and todo.txt,
    the UID (plus recurrence id) for calendar events, the Message-ID for mail.
    """

    kind: ItemKind
    title: str
    locator: str = ""
    # events
    start: When | None = None
    end: When | None = None
    all_day: bool = False
    location: str = ""
    attendees: list[str] = field(default_factory=list)
    status: str = ""  # CONFIRMED / TENTATIVE / CANCELLED for events
    uid: str = ""
    recurrence_id: str = ""  # ISO of the original start of a recurring instance, "" otherwise
    organizer: str = ""  # events: ORGANIZER's address, lower case, "mailto:" stripped
    # tasks
    due: When | None = None
    done: bool = False
    done_date: When | None = None
    priority: str = ""
    project: str = ""
    contexts: list[str] = field(default_factory=list)
    person: str = ""  # for promises: whom it was promised to
    origin: str = ""  # checkbox, todo.txt, vtodo, promise, vevent, email-calendar
    line: int = 0
    description: str = ""


@dataclass
class Document:
    """One unit of the user's data: an email, a note file, a calendar file, a todo.txt file.

    Attributes:
        doc_id: stable identity. Mail: ``"email:" + Message-ID`` so the same message found in two
            places is one document. Files: ``"<kind>:" + absolute path``.
        kind: email, note, calendar or todo.
        path: absolute path of the file the document was read from.
        locator: where inside that file: the Message-ID for mail (mbox holds many), else "".
        title: subject, note title, calendar name, file name.
        date: the document's own date (Date header, daily-note date, front matter), or None.
        segments: the text, in order.
        items: events and tasks found in it.
        meta: format-specific facts (from, to, cc, in_reply_to, references, attachments,
            folder, tags, front matter...). Must be JSON-serialisable.
    """

    doc_id: str
    kind: DocKind
    path: str
    title: str
    locator: str = ""
    date: datetime | None = None
    segments: list[Segment] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """All segment text, joined, as shown."""
        return "\n\n".join(s.text for s in self.segments if s.text)

    def content_hash(self) -> str:
        """A hash over everything that is stored for this document (not its path).

        Two runs over unchanged content give the same hash, so unchanged documents are skipped.
        """
        payload = {
            "kind": self.kind,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "segments": [asdict(s) for s in self.segments],
            "items": [_item_json(i) for i in self.items],
            # Where a message was filed (Sent, saved/) is not part of its content: the same
            # Message-ID in two folders must not be rewritten back and forth.
            "meta": {k: v for k, v in self.meta.items() if k != "folder"},
        }
        raw = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _item_json(item: Item) -> dict[str, Any]:
    d = asdict(item)
    for k, v in d.items():
        if isinstance(v, date):
            d[k] = v.isoformat()
    return d


@dataclass
class Skipped:
    """A file (or part of one) that could not be read, with the reason in plain words."""

    path: str
    reason: str


@dataclass
class ParseResult:
    """What a parser returns for one file: its documents and anything it had to skip."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
