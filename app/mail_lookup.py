"""Finding one message again by its file and Message-ID, for the in-app message view (no Qt).

A Maildir, MH or .eml file holds one message; an mbox holds many, so it is scanned message by
message (split at "From " lines after a blank line, as the indexer does) until the Message-ID
matches, and only that message is parsed. The same parser as the indexer reads it, so the view
shows what was indexed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from app.store_reader import stored_email
from indexing.mail import is_mbox, parse_email_file, parse_message_bytes
from indexing.model import Document
from indexing.reading import SkipFile

_MSGID_HEADER = re.compile(rb"(?im)^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)")


def load_message(path: str, message_id: str) -> Document:
    """The message ``message_id`` (without angle brackets) stored in ``path``.

    Raises:
        SkipFile: when the file cannot be read or does not hold that message.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise SkipFile(f"cannot open {path}: {exc.strerror or exc}") from exc
    if not is_mbox(head):
        docs = parse_email_file(path).documents
        if not docs:
            raise SkipFile(f"{path} holds no readable message")
        return docs[0]
    raw = _find_in_mbox(path, message_id)
    if raw is None:
        raise SkipFile(f"message <{message_id}> is no longer in {path}")
    return parse_message_bytes(raw, path)


def _find_in_mbox(path: str, message_id: str) -> bytes | None:
    wanted = message_id.strip("<>").encode("utf-8", "replace")
    lines: list[bytes] = []
    prev_blank = True
    with open(path, "rb") as fh:
        for line in fh:
            if prev_blank and line.startswith(b"From ") and lines:
                found = _matches(lines, wanted)
                if found is not None:
                    return found
                lines = []
            elif not (line.startswith(b"From ") and not lines):
                lines.append(line)
            prev_blank = not line.strip()
    return _matches(lines, wanted) if lines else None


def _matches(lines: list[bytes], wanted: bytes) -> bytes | None:
    raw = b"".join(lines)
    header = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    m = _MSGID_HEADER.search(header)
    if m and wanted in m.group(1):
        return re.sub(rb"(?m)^>(>*From )", rb"\1", raw)
    return None


def message_for_view(path: str, message_id: str, db_path: Path) -> dict[str, Any]:
    """Headers and body of a message for the message view: from its file, else (file gone or
    unreadable) from the indexed copy, with a note saying so.

    Returns:
        ``{"subject", "from", "to", "cc", "date", "segments": [(text, quoted)], "note"}``.
    """
    try:
        doc = load_message(path, message_id)
        meta = doc.meta
        return {"subject": doc.title, "from": meta.get("from", ""),
                "to": ", ".join(meta.get("to_names") or meta.get("to") or []),
                "cc": ", ".join(meta.get("cc") or []),
                "date": mail_date(doc.date),
                "attachments": [a.get("name", "") for a in meta.get("attachments", [])],
                "segments": [(s.text, s.quoted) for s in doc.segments], "note": ""}
    except (SkipFile, OSError) as exc:
        reason = str(exc)
    stored = stored_email(db_path, message_id)
    if stored is None:
        raise SkipFile(f"{reason}; and the message is not in the index any more")
    meta = stored["meta"]
    return {"subject": stored["title"], "from": meta.get("from", ""),
            "to": ", ".join(meta.get("to_names") or meta.get("to") or []),
            "cc": ", ".join(meta.get("cc") or []), "date": stored["date"],
            "attachments": [a.get("name", "") for a in meta.get("attachments", [])],
            "segments": [(stored["text"], False)],
            "note": f"The file could not be read ({reason}); showing the indexed copy."}


def mail_date(when: Any) -> str:
    """"Fri 13 Mar 2026, 16:05 (+01:00)": the sender's clock, with its offset when known."""
    if when is None:
        return ""
    text = when.strftime("%a %d %b %Y, %H:%M")
    offset = when.utcoffset() if getattr(when, "tzinfo", None) else None
    if offset is not None:
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        text += f" ({sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"
    return text
