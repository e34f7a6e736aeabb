"""Reading mail: single messages (.eml, MH and Maildir files) and mbox files, into ``Document``s.

Every message becomes one ``Document`` whose id is its Message-ID, so the same message found in an
mbox and in a Maildir is one document. Headers are read defensively (real mail has broken dates,
unknown charsets and malformed address lists), the date keeps the zone the sender wrote, and a
message without a Message-ID gets a synthetic id that is the same every time it is parsed. mbox
files are split by scanning their bytes for "From " lines, so the offset where reading stopped is
known and an mbox that grew can be read on from there. Apple Mail's ``.emlx`` files (one message
each, with a byte count before it and a property list after it) are single messages too.
Messages the user's client marked deleted (Thunderbird, Apple Mail) and those Gmail labels Spam are
left out and counted for the index summary (``indexing.mail_flags``). The body (which
parts hold text, what is quoted) is worked out in ``indexing.mail_body``.
"""

from __future__ import annotations

import email
import email.header
import email.policy
import email.utils
import hashlib
import logging
import re
import warnings
from collections import Counter
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any

from indexing.mail_body import (
    Body,
    decode_words,
    extract_body,
    fix_text,
    header_text,
    raw_header,
    split_segments,
)
from indexing.mail_flags import count_left_out, emlx_message, left_out_reason
from indexing.model import Document, Item, ParseResult, Skipped
from indexing.reading import MAX_TEXT_BYTES, SkipFile, read_bytes

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = MAX_TEXT_BYTES  # one message in an mbox larger than this is skipped
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Outlook .msg (CDFV2 compound file)
_KEY_HEADERS = {
    "message-id", "from", "to", "date", "subject", "received", "return-path", "mime-version",
}
_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
# "From sender Wed Jan 30 23:00:01 2002": a time and a four-digit year after the sender.
_FROM_LINE = re.compile(
    rb"^From \S*[ \t]+.*?\b\d{1,2}:\d{2}(?::\d{2})?\b.*?\b(?:19|20)\d{2}\b"
    rb"|^From \S*[ \t]+.*?\b(?:19|20)\d{2}\b.*?\b\d{1,2}:\d{2}\b"
)


# ----- sniffing ---------------------------------------------------------------------------------

def looks_like_email(head: bytes) -> bool:
    """True when ``head`` (the first ~4 KB of a file) is the start of an RFC 822 message.

    The text must open with header lines and name at least two of Message-ID, From, To, Date,
    Subject, Received, Return-Path and MIME-Version.
    """
    lines = head.lstrip(b"\xef\xbb\xbf").lstrip(b" \t\r\n").split(b"\n")
    if len(head) >= 4096 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off
    found: set[str] = set()
    for i, line in enumerate(lines):
        line = line.rstrip(b"\r")
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t") and i > 0:
            continue
        m = _HEADER_LINE.match(line)
        if not m:
            if i == 0:
                return False
            break
        name = line.split(b":", 1)[0].strip().lower().decode("ascii", "replace")
        if name in _KEY_HEADERS:
            found.add(name)
    return len(found) >= 2


def is_mbox(head: bytes) -> bool:
    """True when ``head`` starts with an mbox "From " line (a sender and a date-like string)."""
    first = head.split(b"\n", 1)[0]
    return _is_from_line(first)


def _is_from_line(line: bytes) -> bool:
    # Only the start of the line is looked at: a 1 MB line must not make the regex crawl.
    return bool(_FROM_LINE.match(line[:300].rstrip(b"\r\n")))


# ----- headers ----------------------------------------------------------------------------------

class _RawHeaderPolicy(email.policy.EmailPolicy):
    """``email.policy.default``, except that reading a header returns its raw unfolded text.

    The default policy parses every header it hands out into a structured object, re-parsing
    Content-Type on each look and running the full RFC 5322 address grammar; that was 60 % of the
    time spent on a message. Bodies still decode through the default content manager, and the
    few headers Lodger shows are decoded in ``_decode_words``.
    """

    def header_fetch_parse(self, name: str, value: str) -> Any:
        if hasattr(value, "name"):
            return value
        return re.sub(r"\r?\n(?=[ \t])", "", str(value))


_POLICY = _RawHeaderPolicy()


def _addresses(msg: Message, *names: str) -> list[tuple[str, str]]:
    """(display name, lowercased address) pairs from address headers, malformed ones skipped."""
    out: list[tuple[str, str]] = []
    for name in names:
        for raw in raw_header(msg, name):
            try:
                pairs = email.utils.getaddresses([raw])
            except Exception:  # noqa: BLE001
                pairs = []
            good = [(decode_words(n), fix_text(a).strip("'\"<>").lower())
                    for n, a in pairs if "@" in a]
            if not good:  # unparsable list: take anything that looks like an address
                good = [("", fix_text(a).lower())
                        for a in re.findall(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+", raw)]
            out.extend(good)
    return out


def _message_ids(text: str) -> list[str]:
    ids = re.findall(r"<([^<>\s]+)>", text)
    if not ids:
        ids = [t.strip("<>") for t in text.split() if "@" in t]
    return ids


def _parse_date(text: str) -> datetime | None:
    """An aware datetime from an RFC 822 date (zone as written; no zone or -0000 means UTC)."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return None
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        value = _parse_date_loosely(text)
    if value is None or not 1900 <= value.year <= 2200:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _parse_date_loosely(text: str) -> datetime | None:
    """Dates that are not RFC 822 ("2002-01-30 15:00"), only when the year is written out."""
    from dateutil import parser as dateparser

    try:
        with warnings.catch_warnings():  # unknown zone names warn and stay naive
            warnings.simplefilter("ignore")
            value = dateparser.parse(text, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    return value if str(value.year) in text else None


def _message_date(msg: Message, envelope: datetime | None) -> datetime | None:
    """Date header, else the newest parsable Received header, else the mbox From_ line date."""
    for raw in raw_header(msg, "Date")[:1]:
        value = _parse_date(fix_text(raw))
        if value is not None:
            return value
    for raw in raw_header(msg, "Received"):
        if ";" in raw:
            value = _parse_date(fix_text(raw.rsplit(";", 1)[1]))
            if value is not None:
                return value
    return envelope


# ----- one message ------------------------------------------------------------------------------

def parse_message_bytes(raw: bytes, path: str, folder: str = "") -> Document:
    """Parse one RFC 822 message into an email ``Document``.

    Args:
        raw: the message bytes (headers and body).
        path: the file the message was read from (stored on the document).
        folder: the mail folder it sits in ("Inbox", "Sent"...), kept in ``meta["folder"]``.

    Returns:
        The document: ``doc_id`` "email:<Message-ID>", subject as title, the Date header's
        datetime with its zone, body paragraphs as segments (quoted text marked) and any
        calendar invitations and promises as items.
    """
    return _parse_message(raw, path, folder, None)


def _parse_message(raw: bytes, path: str, folder: str, envelope: datetime | None) -> Document:
    msg = email.message_from_bytes(raw, policy=_POLICY)
    body = extract_body(msg)
    segments = split_segments(body.blocks)
    date = _message_date(msg, envelope)
    subject = header_text(msg, "Subject")

    ids = _message_ids(header_text(msg, "Message-ID"))
    message_id = ids[0] if ids else _synthetic_id(msg, body)
    in_reply_to = next(iter(_message_ids(header_text(msg, "In-Reply-To"))), "")
    references = _message_ids(header_text(msg, "References"))

    sender = _addresses(msg, "From")
    to = _addresses(msg, "To")
    meta: dict[str, Any] = {
        "from": header_text(msg, "From"),
        "from_addr": sender[0][1] if sender else "",
        "to": _unique(a for _, a in to),
        "cc": _unique(a for _, a in _addresses(msg, "Cc")),
        "to_names": _unique(f"{n} <{a}>" if n else a for n, a in to),
        "in_reply_to": in_reply_to,
        "references": references,
        "thread": references[0] if references else (in_reply_to or message_id),
        "attachments": body.attachments,
        "folder": folder,
    }
    for header, key in (("X-From", "x_from"), ("X-To", "x_to")):
        value = header_text(msg, header)
        if value:
            meta[key] = value
    labels = header_text(msg, "X-Gmail-Labels")
    if labels:
        meta["labels"] = [x.strip() for x in labels.split(",") if x.strip()]

    doc = Document(
        doc_id=f"email:{message_id}", kind="email", path=path, title=subject or "(no subject)",
        locator=message_id, date=date, segments=segments, meta=meta,
    )
    doc.items.extend(_calendar_items(body, path, message_id, str(meta.get("from_addr") or "")))
    unquoted = "\n\n".join(s.text for s in segments if not s.quoted)
    doc.items.extend(_promises(unquoted, date, meta["to_names"], message_id))
    return doc


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _synthetic_id(msg: Message, body: Body) -> str:
    """A Message-ID for a message without one, the same every time the message is parsed."""
    parts = [header_text(msg, h) for h in ("From", "To", "Date", "Subject")]
    parts.append(body.text[:4096])
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "replace")).hexdigest()
    return f"lodger-{digest[:24]}@synthetic"


_METHOD_CANCEL = re.compile(rb"^METHOD:\s*CANCEL\b", re.M | re.I)
_ORGANIZER = re.compile(rb"^ORGANIZER[^:\r\n]*:(?:mailto:)?\s*([^\r\n]+)", re.M | re.I)


def _calendar_items(body: Body, path: str, message_id: str, sender: str = "") -> list[Item]:
    """Events of the message's calendar parts, marked as coming from it. A cancellation counts
    only when the meeting's organizer sent it: anyone can mail a METHOD:CANCEL with the UID of
    someone else's meeting."""
    if not body.calendars:
        return []
    try:
        from indexing.calendar import parse_ics_bytes
    except ImportError:
        return []
    items: list[Item] = []
    for data in body.calendars:
        if _METHOD_CANCEL.search(data):
            organizer = _ORGANIZER.search(data)
            who = organizer.group(1).decode("utf-8", "replace").strip().lower() if organizer else ""
            if not sender or who != sender.lower():
                log.info("ignored a cancellation in %s <%s>: not sent by the organizer (%s)",
                         path, message_id, who or "none named")
                continue
        try:
            found = parse_ics_bytes(data, path)
        except Exception:  # noqa: BLE001 - a broken invitation does not lose the message
            log.debug("calendar part in %s <%s> not readable", path, message_id, exc_info=True)
            continue
        for item in found:
            item.origin = "email-calendar"
            item.locator = message_id
            items.append(item)
    return items


def _promises(
    text: str, date: datetime | None, recipients: list[str], message_id: str
) -> list[Item]:
    if not text.strip() or date is None:  # a promise's "by Friday" needs the message's date
        return []
    try:
        from indexing.extract import extract_promises
    except ImportError:
        return []
    try:
        items = extract_promises(text, date, recipients)
    except Exception:  # noqa: BLE001 - extraction is a bonus, never a reason to lose mail
        log.warning("promise extraction failed for <%s>", message_id, exc_info=True)
        return []
    for item in items:
        item.locator = message_id
    return items


# ----- files ------------------------------------------------------------------------------------

def parse_email_file(path: str, folder: str = "",
                     left_out: Counter[str] | None = None) -> ParseResult:
    """Parse a file holding one message (.eml, .emlx, an MH file such as ``inbox/1``, a
    Maildir file).

    A message that is deleted (Apple Mail's flag) or labelled Spam gives no document;
    its reason is counted in ``left_out`` when given.

    Raises:
        SkipFile: when the file is empty, an Outlook .msg, binary, or not a mail message.
    """
    raw = read_bytes(path)
    envelope = None
    if path.lower().endswith(".emlx"):
        raw, envelope, deleted = emlx_message(raw)
        if deleted:
            count_left_out(left_out, "deleted")
            return ParseResult()
    raw = raw.lstrip(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not raw:
        raise SkipFile("empty file")
    if raw.startswith(_OLE2_MAGIC):
        raise SkipFile("Outlook .msg (binary) format is not supported; export the mail as .eml")
    if is_mbox(raw[:4096]):  # a single message saved with its mbox "From " line
        first, _, raw = raw.partition(b"\n")
        envelope = _envelope_date(first)
    reason = left_out_reason(raw)
    if reason:
        count_left_out(left_out, reason)
        return ParseResult()
    head = raw[:4096]
    if b"\x00" in head.split(b"\n\n", 1)[0] or not looks_like_email(head):
        if not _has_headers(raw):
            raise SkipFile("not an email message (no mail headers found)")
    try:
        doc = _parse_message(raw, path, folder, envelope)
    except Exception as exc:  # noqa: BLE001 - the email package has surprises left
        log.warning("could not parse %s", path, exc_info=True)
        raise SkipFile(f"could not be read as an email message ({type(exc).__name__})") from exc
    return ParseResult(documents=[doc])


def _has_headers(raw: bytes) -> bool:
    """A laxer test than ``looks_like_email``: one key header in a text header block."""
    block = raw[:65536].split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    if b"\x00" in block:
        return False
    names = {m.group(1).strip().lower().decode("ascii", "replace")
             for m in re.finditer(rb"(?m)^([\x21-\x39\x3b-\x7e]+)[ \t]*:", block)}
    return bool(names & (_KEY_HEADERS | {"content-type"}))


def _envelope_date(from_line: bytes) -> datetime | None:
    """Date of an mbox From_ line (asctime, conventionally UTC), the last fallback for a date."""
    text = from_line.decode("latin-1").rstrip("\r\n")
    m = re.search(r"\w{3}\s+\w{3}\s+\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s+\d{4}", text)
    return _parse_date(m.group(0)) if m else None


def parse_mbox(path: str, start_offset: int = 0,
               left_out: Counter[str] | None = None) -> tuple[ParseResult, int]:
    """Parse the messages of an mbox file from byte ``start_offset`` on.

    Messages start at a "From " line (with a sender and a date) that opens the file or follows
    a blank line; ">From " lines in bodies are unescaped. A message that cannot be read goes to
    ``skipped`` ("message N at byte B: ...") and the others are still returned. Messages
    Thunderbird marked deleted, and those Gmail labels Spam, are left out without a
    report (counted by reason in ``left_out`` when given). The folder of every message is
    ``mbox_folder(path)``.

    Args:
        path: the mbox file.
        start_offset: where to start: 0 or the offset of a "From " line, normally the end offset
            a previous call returned for the file before it grew.
        left_out: a counter that left-out messages are added to ("deleted", "spam").

    Returns:
        The result and the byte offset where parsing ended (the file's size then).

    Raises:
        SkipFile: when the file cannot be read, or is not an mbox at ``start_offset``.
    """
    folder = mbox_folder(path)
    result = ParseResult()
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below; errors become reasons
    except OSError as exc:
        raise _read_error(exc) from exc
    with fh:
        fh.seek(start_offset)
        first = fh.readline()
        if not first:
            return result, start_offset
        if not _is_from_line(first):
            where = "the start" if start_offset == 0 else f"byte {start_offset}"
            raise SkipFile(f"not an mbox file (no 'From ' line at {where})")
        number, msg_start, from_line = 0, start_offset, first
        lines: list[bytes] = []
        size, too_big = 0, False
        offset = start_offset + len(first)
        prev_blank = False
        while True:
            line = fh.readline()
            boundary = not line or (prev_blank and line.startswith(b"From ")
                                    and _is_from_line(line))
            if boundary:
                number += 1
                _add_mbox_message(result, path, folder, number, msg_start, from_line,
                                  lines, too_big, left_out)
                if not line:
                    break
                msg_start, from_line, lines, size, too_big = offset, line, [], 0, False
            else:
                size += len(line)
                if size > MAX_MESSAGE_BYTES:
                    too_big, lines = True, []
                elif not too_big:
                    lines.append(line)
            prev_blank = not line.strip()
            offset += len(line)
    return result, offset


def mbox_folder(path: str) -> str:
    """The mail folder an mbox file stands for.

    "Sent.mbox" is "Sent"; a Thunderbird folder file has no extension ("Sent Items") and its
    subfolders live in "<parent>.sbd/" ("INBOX.sbd/Clients" is "INBOX/Clients"); Apple Mail
    exports "Sent.mbox/mbox", which is "Sent".
    """
    p = Path(path)
    name = p.stem if p.suffix.lower() in (".mbox", ".mbx", ".mbs") else p.name
    parent = p.parent
    if name.lower() == "mbox" and parent.suffix.lower() == ".mbox":
        name, parent = parent.stem, parent.parent
    parts = [name]
    while parent.name.lower().endswith(".sbd") and len(parent.name) > 4:
        parts.insert(0, parent.name[:-4])
        parent = parent.parent
    return "/".join(parts)


def _add_mbox_message(result: ParseResult, path: str, folder: str, number: int, at: int,
                      from_line: bytes, lines: list[bytes], too_big: bool,
                      left_out: Counter[str] | None = None) -> None:
    where = f"message {number} at byte {at}"
    if too_big:
        result.skipped.append(Skipped(path, f"{where}: larger than "
                                            f"{MAX_MESSAGE_BYTES // (1024 * 1024)} MB"))
        return
    if lines and not lines[-1].strip():
        lines = lines[:-1]  # the blank line before the next From_ belongs to the mbox
    raw = re.sub(rb"(?m)^>(>*From )", rb"\1", b"".join(lines))
    if not raw.strip():
        result.skipped.append(Skipped(path, f"{where}: empty message"))
        return
    reason = left_out_reason(raw)
    if reason:
        log.debug("%s: %s is %s; left out", path, where, reason)
        count_left_out(left_out, reason)
        return
    try:
        doc = _parse_message(raw, path, folder, _envelope_date(from_line))
    except Exception as exc:  # noqa: BLE001 - one broken message must not lose the mailbox
        result.skipped.append(Skipped(path, f"{where}: could not be read ({type(exc).__name__})"))
        return
    result.documents.append(doc)


def _read_error(exc: OSError) -> SkipFile:
    if isinstance(exc, FileNotFoundError):
        return SkipFile("file disappeared while indexing")
    if isinstance(exc, PermissionError):
        return SkipFile("permission denied (file is not readable)")
    if isinstance(exc, IsADirectoryError):
        return SkipFile("is a directory, not a file")
    return SkipFile(f"could not read file: {exc.strerror or exc}")


# ----- the user's own addresses -----------------------------------------------------------------

def guess_user_addresses(docs_meta: list[dict[str, Any]]) -> list[str]:
    """The user's own addresses, most used first (see ``indexing.own_address``).

    The senders of mail in sent folders count first: a folder counts as sent mail when its
    name says so ("Sent", "sent_items", "[Gmail]/Sent Mail", "Gesendet"...), as does a Gmail
    label "Sent"; addresses seen in fewer than a tenth as many sent messages as the most
    frequent one (mail sent on someone's behalf) are left out. With no sent mail, the
    Delivered-To headers, then the address that receives the most mail and also sends some.

    Returns:
        Lowercased addresses; empty when nothing points to the user.
    """
    from indexing.own_address import guess_own_addresses

    return guess_own_addresses(docs_meta).addresses
