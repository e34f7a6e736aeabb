"""The readable body of one email: which MIME parts hold text, and which of that text is quoted.

Mail arrives as a tree of MIME parts: text/plain and text/html alternatives, attachments, calendar
invitations and whole forwarded messages. ``extract_body`` walks that tree once, keeping the text
the user would read (plain text preferred, HTML turned into text), the names of attachments (never
their content), the bytes of calendar parts and the text of enclosed messages, bounded in depth and
size so that a hostile message cannot make indexing slow. ``split_segments`` then cuts the text into
paragraphs and marks what is not the sender's own words (quoted replies, forwarded mail,
signatures) as ``quoted`` so retrieval can keep it out of the way.
"""

from __future__ import annotations

import email.header
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from indexing.model import Segment

MAX_DEPTH = 3  # enclosed messages deeper than this are not read
MAX_NESTING = 40  # MIME parts nested deeper than this (any kind) are not read
MAX_TEXT_CHARS = 200_000  # text kept per message, all parts together
MAX_HTML_CHARS = 1_000_000  # HTML longer than this is cut before parsing
MAX_CALENDAR_BYTES = 2 * 1024 * 1024
MAX_HEADER_CHARS = 4000  # a header shown to the user is cut here (flanker has a 300 KB Subject)

_SURROGATE = re.compile("[\udc80-\udcff]")  # raw 8-bit bytes the email package could not decode
_CALENDAR_TYPES = {"text/calendar", "application/ics", "text/x-vcalendar"}
_BLOCK_TAGS = [
    "p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "hr", "dl", "dt", "dd", "section", "article", "header", "footer", "address", "center",
]
_PARA_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "hr", "ul", "ol",
}


@dataclass
class Body:
    """What ``extract_body`` found in a message.

    Attributes:
        blocks: text blocks in reading order, each with whether it is quoted as a whole
            (enclosed messages are).
        attachments: ``{"name", "content_type", "size"}`` for each attached file.
        calendars: raw bytes of each distinct calendar part, in order.
    """

    blocks: list[tuple[str, bool]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    calendars: list[bytes] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All body text, as shown."""
        return "\n\n".join(t for t, _ in self.blocks)


class _Walker:
    """One pass over a MIME tree with a shared text budget."""

    def __init__(self) -> None:
        self.body = Body()
        self.budget = MAX_TEXT_CHARS
        self._calendar_hashes: set[str] = set()
        self._level = 0

    def add_text(self, text: str, quoted: bool) -> None:
        text = _clean_text(text)
        if not text.strip() or self.budget <= 0:
            return
        text = text[: self.budget]
        self.budget -= len(text)
        self.body.blocks.append((text, quoted))

    def walk(self, part: Message, depth: int, quoted: bool, want_text: bool) -> None:
        self._level += 1
        try:
            if self._level <= MAX_NESTING:
                self._walk(part, depth, quoted, want_text)
        finally:
            self._level -= 1

    def _walk(self, part: Message, depth: int, quoted: bool, want_text: bool) -> None:
        ctype = _content_type(part)
        if ctype in ("message/rfc822", "message/global"):
            self._enclosed(part, depth, want_text)
            return
        if part.is_multipart():
            children = [c for c in part.get_payload() if isinstance(c, Message)]
            if ctype.startswith("message/"):  # delivery-status and the like: header blocks only
                return
            if ctype == "multipart/alternative" and want_text:
                chosen = _choose_alternative(children)
                for child in children:
                    self.walk(child, depth, quoted, want_text=child is chosen)
                return
            for child in children:
                self.walk(child, depth, quoted, want_text)
            return
        self._leaf(part, ctype, quoted, want_text)

    def _enclosed(self, part: Message, depth: int, want_text: bool) -> None:
        name = _filename(part)
        if name:
            self._attachment(part, name, _content_type(part))
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if not isinstance(inner, Message) or depth + 1 > MAX_DEPTH or not want_text:
            return
        lines = []
        for header in ("From", "Date", "To", "Subject"):
            value = header_text(inner, header)
            if value:
                lines.append(f"{header}: {value}")
        if lines:
            self.add_text("\n".join(lines), True)
        self.walk(inner, depth + 1, True, True)

    def _leaf(self, part: Message, ctype: str, quoted: bool, want_text: bool) -> None:
        name = _filename(part)
        disposition = _disposition(part)
        if ctype in _CALENDAR_TYPES or (name.lower().endswith((".ics", ".vcs"))):
            self._calendar(part)
            if name or disposition == "attachment":
                self._attachment(part, name, ctype)
            return
        is_text = ctype in ("text/plain", "text/html") or ctype.startswith("multipart/")
        if disposition == "attachment" or not is_text:
            if name or disposition == "attachment":
                self._attachment(part, name, ctype)
            return
        if not want_text:
            return
        text = part_text(part)
        if ctype == "text/html":
            text = html_to_text(text)
        self.add_text(text, quoted)

    def _attachment(self, part: Message, name: str, ctype: str) -> None:
        self.body.attachments.append(
            {"name": name or "(no name)", "content_type": ctype, "size": _encoded_size(part)}
        )

    def _calendar(self, part: Message) -> None:
        try:
            data = part.get_payload(decode=True)
        except Exception:  # noqa: BLE001 - a broken calendar part is simply not read
            return
        if not isinstance(data, bytes) or not data.strip() or len(data) > MAX_CALENDAR_BYTES:
            return
        digest = hashlib.sha256(data.strip()).hexdigest()
        if digest not in self._calendar_hashes:  # Gmail sends the invitation twice
            self._calendar_hashes.add(digest)
            self.body.calendars.append(data)


def extract_body(msg: Message) -> Body:
    """Walk a parsed message and collect its text, attachment names and calendar parts.

    Args:
        msg: the parsed message.

    Returns:
        The body, with text limited to ``MAX_TEXT_CHARS`` and enclosed messages to ``MAX_DEPTH``.
    """
    walker = _Walker()
    walker.walk(msg, 0, False, True)
    return walker.body


def part_text(part: Message) -> str:
    """Decoded text of a leaf part; unknown or lying charsets fall back to UTF-8, then cp1252."""
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except Exception:  # noqa: BLE001 - LookupError for unknown charsets, and worse
        pass
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        data = None
    if not isinstance(data, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    return decode_bytes(data)


def decode_bytes(data: bytes) -> str:
    """Text of bytes in an unknown charset: UTF-8 (a few bad bytes replaced), else cp1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    non_ascii = len(data) - len(data.decode("ascii", errors="ignore"))
    if text.count("\ufffd") * 4 < non_ascii:
        return text
    return data.decode("cp1252", errors="replace")


def html_to_text(html: str) -> str:
    """Readable text from HTML: scripts and styles dropped, block elements on their own lines."""
    from bs4 import BeautifulSoup, Comment, NavigableString

    soup = BeautifulSoup(html[:MAX_HTML_CHARS], "html.parser")
    for tag in soup(["script", "style", "head", "title", "noscript", "template"]):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    # Source line breaks are spaces in HTML; only <pre> keeps them.
    for s in list(soup.find_all(string=True)):
        if type(s) is NavigableString and s.find_parent("pre") is None:
            s.replace_with(re.sub(r"\s+", " ", str(s)))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(["td", "th"]):
        tag.insert_after(" ")
    for tag in soup.find_all(_BLOCK_TAGS):
        mark = "\x02" if tag.name in _PARA_TAGS else "\x01"  # paragraph / line break markers
        tag.insert_before(mark)
        tag.insert_after(mark)
    text = _BREAKS.sub(_break, soup.get_text().replace("\x00", ""))
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_BREAKS = re.compile(r"[ \t]*[\x01\x02][\x01\x02\s]*")


def _break(m: re.Match[str]) -> str:
    """Adjacent block edges make one line break, or a blank line when a paragraph ends."""
    text = m.group(0)
    return "\n" * max(2 if "\x02" in text else 1, text.count("\n"))


# ----- segments ---------------------------------------------------------------------------------

_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|forwarded by|forwarded message|weitergeleitete nachricht|"
    r"urspr\S*ngliche nachricht|message d'origine|mensaje original|message transf\S*r\S*)\b",
    re.IGNORECASE,
)
_BEGIN_FORWARD = re.compile(r"^\s*begin forwarded message:?\s*$", re.IGNORECASE)
_WROTE = r"\b(wrote|schrieb|a écrit|escribió|schreef)\s*:\s*$"
_ON_WROTE = re.compile(r"^\s*(on|am|le|el|op)\s.{4,300}" + _WROTE, re.IGNORECASE)
_WROTE_END = re.compile(_WROTE, re.IGNORECASE)
_HEADER_FROM = re.compile(r"^\s*\**(from|von|de)\s*:\**\s", re.IGNORECASE)
_HEADER_SENT = re.compile(r"^\s*\**(sent|date|gesendet|envoyé|enviado)\s*:", re.IGNORECASE)
_HEADER_TO = re.compile(r"^\s*to\s*:", re.IGNORECASE)
# Lotus Notes reply header: "Name\n06/01/2001 03:15 PM\nTo: ..."
_NOTES_DATE = re.compile(
    r"(\b\d{1,2}/\d{1,2}/\d{2,4}|\b[A-Z][a-z]+ \d{1,2},? \d{4}),?\s+"
    r"\d{1,2}:\d{2}(:\d{2})?\s*([AP]M)?",
)


def _reply_start(lines: list[str]) -> int | None:
    """Index of the first line of trailing quoted material (reply header, forward, signature)."""
    n = len(lines)
    for i, line in enumerate(lines):
        if line == "-- " or _SEPARATOR.match(line) or _BEGIN_FORWARD.match(line):
            return i
        if _ON_WROTE.match(line) or (
            re.match(r"^\s*On\s", line) and i + 1 < n and len(lines[i + 1]) < 150
            and _WROTE_END.search(lines[i + 1]) and len(line) < 200
        ):
            if not _interleaved(lines[i + 1:i + 500]):
                return i
        if _HEADER_FROM.match(line) and any(_HEADER_SENT.match(x) for x in lines[i + 1:i + 5]):
            return i - 1 if i > 0 and re.fullmatch(r"\s*_{8,}\s*", lines[i - 1]) else i
        if len(line) < 100 and _NOTES_DATE.search(line) and any(
            _HEADER_TO.match(x) for x in lines[i + 1:i + 3]
        ):
            return i - 1 if i > 0 and lines[i - 1].strip() and len(lines[i - 1]) < 80 else i
    return None


def _interleaved(rest: list[str]) -> bool:
    """True when the sender's own lines follow quoted ("> ") lines: an inline reply."""
    seen_quote = False
    for line in rest:
        if line == "-- ":
            return False
        stripped = line.strip()
        if stripped.startswith(">"):
            seen_quote = True
        elif stripped and seen_quote:
            return True
    return False


def _line_flags(lines: list[str]) -> list[bool]:
    start = _reply_start(lines)
    flags = []
    for i, line in enumerate(lines):
        stripped = line.lstrip(" \t")
        quoted = (start is not None and i >= start) or stripped.startswith(">")
        if not quoted and len(line) < 200 and _WROTE_END.search(line):
            # "Ann <a@b.c> wrote:" right above quoted lines belongs to the quote.
            nxt = next((x for x in lines[i + 1:i + 5] if x.strip()), "")
            quoted = nxt.lstrip().startswith(">")
        flags.append(quoted)
    return flags


def split_segments(blocks: list[tuple[str, bool]]) -> list[Segment]:
    """Cut body text into paragraphs, each with its 1-based line in the body and a quoted flag.

    A segment ends at a blank line or where quoting starts or stops. Lines starting with ">",
    everything from a reply or forward header ("-----Original Message-----", "On ... wrote:",
    "----- Forwarded by", Outlook's "From:/Sent:" block, a Lotus Notes "To:" header) and a
    signature after "-- " are quoted; an inline reply keeps the sender's own lines unquoted.
    The blocks are numbered as if joined by one blank line (as ``Body.text`` does).
    """
    segments: list[Segment] = []
    offset = 0
    for text, forced in blocks:
        lines = text.split("\n")
        flags = [True] * len(lines) if forced else _line_flags(lines)
        cur: list[str] = []
        cur_line, cur_quoted = 0, False
        for i, (line, quoted) in enumerate(zip(lines, flags, strict=True)):
            if not line.strip() or (cur and quoted != cur_quoted):
                if cur:
                    segments.append(Segment("\n".join(cur).strip("\n"), cur_line, cur_quoted))
                    cur = []
                if not line.strip():
                    continue
            if not cur:
                cur_line, cur_quoted = offset + i + 1, quoted
            cur.append(line.rstrip())
        if cur:
            segments.append(Segment("\n".join(cur).strip("\n"), cur_line, cur_quoted))
        offset += len(lines) + 1
    return segments


# ----- headers ---------------------------------------------------------------------------------

def fix_text(text: str) -> str:
    """Undo surrogate escapes of raw 8-bit header bytes (UTF-8, else cp1252) and unfold."""
    if _SURROGATE.search(text):
        text = decode_bytes(text.encode("utf-8", "surrogateescape"))
    return re.sub(r"\s+", " ", text.replace("\x00", "")).strip()


def decode_words(raw: str) -> str:
    """Header text with RFC 2047 encoded words decoded, 8-bit bytes fixed and lines unfolded."""
    if "=?" not in raw:
        return fix_text(raw)
    try:
        return fix_text(str(email.policy.default.header_factory("subject", raw)))
    except Exception:  # noqa: BLE001 - a defective header must not stop the message
        pass
    try:
        return fix_text(str(email.header.make_header(email.header.decode_header(raw))))
    except Exception:  # noqa: BLE001
        return fix_text(raw)


def raw_header(msg: Message, name: str) -> list[str]:
    """Raw (undecoded) values of a header; never raises."""
    try:
        return [str(v) for v in msg.get_all(name) or []]
    except Exception:  # noqa: BLE001
        return []


def header_text(msg: Message, name: str) -> str:
    """A header decoded to text (RFC 2047 words, 8-bit bytes), or "" when absent or unreadable."""
    raw = raw_header(msg, name)
    return decode_words(raw[0][:MAX_HEADER_CHARS]) if raw else ""


# ----- small helpers ----------------------------------------------------------------------------

def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if _SURROGATE.search(text):
        text = decode_bytes(text.encode("utf-8", "surrogateescape"))
    return text.strip("\n")  # lines keep trailing spaces: "-- " starts a signature


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # noqa: BLE001
        return "text/plain"


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001 - malformed RFC 2231 parameters
        name = ""
    return decode_words(str(name))


def _disposition(part: Message) -> str:
    try:
        return part.get_content_disposition() or ""
    except Exception:  # noqa: BLE001
        return ""


def _encoded_size(part: Message) -> int:
    """Size of the attachment in bytes, estimated from its encoded form (it is never decoded)."""
    raw = part.get_payload()
    if not isinstance(raw, str):
        return 0
    cte = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if cte == "base64":
        chars = len(re.sub(r"[^A-Za-z0-9+/]", "", raw))
        return chars * 3 // 4
    return len(raw.encode("utf-8", "surrogateescape"))


def _choose_alternative(children: list[Message]) -> Message | None:
    """The alternative to read: plain text when there is any, else the first other text."""
    for child in children:
        if _content_type(child) == "text/plain" and _disposition(child) != "attachment":
            if part_text(child).strip():
                return child
    for wanted in (("text/html", "multipart/"), ("text/",)):
        for child in children:
            ctype = _content_type(child)
            if ctype not in _CALENDAR_TYPES and ctype.startswith(wanted):
                return child
    return children[0] if children else None
