"""Which messages are not the user's mail: mail clients' deleted flags, Gmail's Spam label.

A message the user deleted, or that their provider filed as spam, is not the user's mail: it must
not answer a question or become a promise. Three places say so inside a message's own bytes:

- Thunderbird keeps a deleted message in its mbox until the folder is compacted, marked with
  ``X-Mozilla-Status`` flag 0x0008 (expunged);
- a Google Takeout mbox holds all mail, spam and trash included, each message with an
  ``X-Gmail-Labels`` header: a ``Spam`` label (the names are those of
  ``indexing.sources.junk_reason``) leaves it out; ``Trash`` does not, as Trash folders are read;
- Apple Mail's ``.emlx`` files are a line with the message's byte count, exactly that many bytes
  of message, then an XML property list whose ``flags`` integer says, in bit 1 (``1 << 1``),
  that the message is deleted. That layout was worked out by Jamie Zawinski and is the one
  Thunderbird's importer uses; nothing else in the flags is trusted (the junk bit is only
  Apple's guess, and a junk message the user kept in the inbox is still their mail). A
  ``.partial.emlx`` lacks its attachments; what is there is read.

Left-out messages are counted by reason ("deleted", "spam") for the index summary.
"""

from __future__ import annotations

import plistlib
import re
from collections import Counter
from datetime import UTC, datetime

from indexing.reading import SkipFile
from indexing.sources import junk_reason

_MOZILLA_STATUS = re.compile(rb"(?mi)^X-Mozilla-Status:[ \t]*([0-9a-f]{1,8})[ \t]*\r?$")
_MOZILLA_EXPUNGED = 0x0008
_GMAIL_LABELS = re.compile(rb"(?mi)^X-Gmail-Labels:[ \t]*(.*(?:\r?\n[ \t].*)*)")
_EMLX_DELETED = 1 << 1
_EMLX_COUNT = re.compile(rb"^[ \t]*(\d{1,12})[ \t]*\r?\n")
_YEAR_2200 = 7_258_118_400  # seconds since 1970: a received date past this is nonsense


def emlx_message(raw: bytes) -> tuple[bytes, datetime | None, bool]:
    """The message bytes of an Apple Mail ``.emlx`` file, when it was received (UTC, from the
    property list; None when absent) and whether its flags mark it deleted.

    Raises:
        SkipFile: when the file does not start with the byte count.
    """
    m = _EMLX_COUNT.match(raw)
    if not m:
        raise SkipFile("not an Apple Mail .emlx message (no byte count on the first line)")
    end = m.end() + int(m[1])
    message, trailer = raw[m.end():end], raw[end:].strip()
    received, deleted = None, False
    if trailer:
        try:
            info = plistlib.loads(trailer)
        except Exception:  # noqa: BLE001 - a damaged property list only loses the flags
            info = None
        if isinstance(info, dict):
            flags = info.get("flags")
            deleted = isinstance(flags, int) and bool(flags & _EMLX_DELETED)
            stamp = info.get("date-received")
            if isinstance(stamp, int | float) and 0 < stamp < _YEAR_2200:
                received = datetime.fromtimestamp(stamp, UTC)
    return message, received, deleted


def left_out_reason(raw: bytes) -> str | None:
    """"deleted" or "spam" for a message its client marked deleted or that Gmail labels
    Spam, else None (only the header block is read)."""
    ends = [e for e in (raw.find(b"\n\n"), raw.find(b"\r\n\r\n")) if e >= 0]
    head = raw[: min(ends)] if ends else raw[:65536]
    m = _MOZILLA_STATUS.search(head)
    if m and int(m[1], 16) & _MOZILLA_EXPUNGED:
        return "deleted"
    labels = _GMAIL_LABELS.search(head)
    if labels:
        text = re.sub(rb"\r?\n[ \t]", b" ", labels[1]).decode("utf-8", "replace")
        for label in text.split(","):
            reason = junk_reason(label.strip().strip('"'))
            if reason:
                return reason
    return None


def count_left_out(left_out: Counter[str] | None, reason: str) -> None:
    """Add one left-out message to the caller's counter, when there is one."""
    if left_out is not None:
        left_out[reason] += 1
