"""Who wrote which part of a mail body: the sender's own text, then each quoted or forwarded
message under the header that names its writer.

``authored_parts`` cuts a body at reply and forward headers (Outlook's "From: ... Sent:", Lotus
Notes' "Name <addr> on 05/15/2001 07:30 AM" over a "To:" line, "On ... wrote:"), so that a
forwarded message's signature is credited to its own writer, not to the person who forwarded it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Part:
    """One writer's text inside a body: the top part is the sender's own, later parts are
    quoted or forwarded messages, with the author line their header gave ("" when none)."""

    author: str
    text: str


_FROM_HEADER = re.compile(r"^\s*\**(?:from|von|de)\s*:\**\s*(?P<who>.+?)\s*$", re.I)
_NEXT_HEADER = re.compile(r"^\s*\**(?:sent|date|to|subject|gesendet|envoyé|enviado)\s*:", re.I)
_LOTUS = re.compile(
    r"^\s*(?P<who>[^\s].{1,120}?)\s+on\s+\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}", re.I)
_LOTUS_DATE = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*([AP]M)?\s*$")
_WROTE = re.compile(r"^\s*(?:on\s.{4,120}?,\s*)?(?P<who>[^,]{2,120}?)\s+(?:wrote|schrieb|a écrit)"
                    r"\s*:\s*$", re.I)
_QUOTES = re.compile(r"^\s*(?:>\s?)+")
_TO_LINE = re.compile(r"^\s*to\s*:", re.I)
# Cheap test before the header patterns: a header line names From, a date, or "wrote".
_MAYBE_HEADER = re.compile(r"(?i)from|von|de\s*:|\d/\d|wrote|schrieb|écrit|^\s*\S.{0,58}$")
_FORWARD = re.compile(r"^\s*-{2,}.*\b(forwarded|original message|weitergeleitet)\b", re.I)


def authored_parts(body: str) -> list[Part]:
    """Cut a mail body into its writers' parts at reply and forward headers.

    The first part (author "") is the sender's own text. Each later part starts at a header
    that names its writer ("From: Vince J Kaminski", ``"Susan Varga" <svarga@kudlow.com> on
    01/09/2001 05:00:00 PM``, "On Monday, Ann <ann@x.org> wrote:"); the header lines (To:, cc:,
    Subject:) are left out of the part's text, and "> " quote marks are removed.
    """
    lines = [_QUOTES.sub("", ln) for ln in body.replace("\r", "").split("\n")]
    parts: list[Part] = []
    author, cur = "", []
    i = 0
    while i < len(lines):
        line = lines[i]
        who, skip = _header_at(lines, i) if _MAYBE_HEADER.search(line) else (None, 0)
        if who is not None:
            parts.append(Part(author, "\n".join(cur)))
            author, cur = who, []
            i = _after_headers(lines, i + skip)
            continue
        if line.lstrip().startswith("--") and _FORWARD.match(line):
            parts.append(Part(author, "\n".join(cur)))
            author, cur = "", []
            i += 1
            continue
        cur.append(line)
        i += 1
    parts.append(Part(author, "\n".join(cur)))
    return [p for p in parts if p.text.strip()]


def _header_at(lines: list[str], i: int) -> tuple[str | None, int]:
    """The writer named by a reply/forward header starting at line ``i`` and its length
    (``lines`` have their "> " quote marks removed)."""
    line = lines[i]
    if len(line) > 300:
        return None, 0
    nxt = lines[i + 1:i + 5]
    m = _FROM_HEADER.match(line)
    if m and any(_NEXT_HEADER.match(x) for x in nxt):
        return _strip_lotus_date(m["who"]), 1
    m = _LOTUS.match(line)
    if m and any(_TO_LINE.match(x) for x in nxt[:3]):
        return m["who"].strip(), 1
    if (nxt and _LOTUS_DATE.match(nxt[0]) and 0 < len(line.strip()) < 60
            and any(_TO_LINE.match(x) for x in nxt[1:3])):
        return line.strip(), 2
    m = _WROTE.match(line)
    if m:
        return m["who"].strip(), 1
    return None, 0


def _strip_lotus_date(who: str) -> str:
    return re.split(r"\s+on\s+\d{1,2}/\d{1,2}/\d{2,4}", who, maxsplit=1)[0].strip()


def _after_headers(lines: list[str], i: int) -> int:
    """Skip the header lines (and their continuation lines) that follow a writer line."""
    n = len(lines)
    while i < n:
        line = lines[i]
        if _NEXT_HEADER.match(line) or _CC_LINE.match(line):
            i += 1
            while i < n and lines[i][:1] in (" ", "\t") and lines[i].strip() and not (
                    _NEXT_HEADER.match(lines[i]) or _CC_LINE.match(lines[i])):
                i += 1
            continue
        if not line.strip() and i + 1 < n and _NEXT_HEADER.match(lines[i + 1]):
            i += 1
            continue
        break
    return i


_CC_LINE = re.compile(r"^\s*(?:cc|bcc)\s*:", re.I)
