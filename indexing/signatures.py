"""Signature blocks in mail bodies: the contact lines a writer signed their text with.

A signature is found by where it is and what it looks like, never by a list of names: it is the
run of short lines at the end of one writer's text (just before quoted or forwarded material, or
after a "-- " line), or the last run above a sign-off and a first name, holding a phone number,
an address or an e-mail address, or a job title or company under a name line; failing that, an
earlier run that opens with a name line and holds a number (a signature followed by a
disclaimer). The writer's own name line wins over other names in the block. Which part of a
body each writer wrote is ``indexing.mail_parts``'s job; the numbers are read by
``indexing.phones``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from indexing.phones import PHONE_LABEL, PHONE_SHAPE, Phone, find_phones

MAX_SIGNATURE_LINES = 12
MAX_RUN = 20  # a run of short lines longer than this is a list, not a signature
MAX_LINE = 72  # a signature line is short; a longer one is prose
_WEB = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.I)
# Job-title words (roles, not names), to tell a title line from a company line.
_ROLE = re.compile(
    r"\b(president|vice|vp|director|manager|head|chief|ceo|cfo|coo|cto|chair(?:man|woman)?|"
    r"analyst|associate|assistant|coordinator|engineer|officer|professor|lecturer|consultant|"
    r"specialist|partner|counsel|attorney|lawyer|producer|editor|lead|executive|administrator|"
    r"representative|advisor|adviser|trader|scientist|researcher|economist|secretary|"
    r"principal|founder|owner|student|intern|supervisor|agent|accountant|developer|architect|"
    r"designer|broker|recruiter|controller|treasurer|planner|strategist|fellow|dean|"
    r"senior|sr\.?|junior|jr\.?|staff|clerk|nurse|doctor|physician|teacher)\b", re.I)
_COMPANY = re.compile(
    r"\b(inc|llc|ltd|corp|corporation|co|company|group|gmbh|ag|plc|sa|lp|llp|limited|bank|"
    r"university|college|institute|school|associates|partners|consulting|energy|capital|"
    r"services|solutions|technologies|international|holdings)\b\.?", re.I)
_STREET = re.compile(
    r"^\s*(?:\d+[\w-]*\s+(?:[\w.'-]+\s+){0,5}(?:street|st|avenue|ave|road|rd|way|blvd|"
    r"boulevard|drive|dr|lane|ln|place|pl|court|ct|parkway|pkwy|square|sq|highway|hwy|suite|"
    r"ste|floor|fl)\b|p\.?\s?o\.?\s+box\b|(?:suite|apt|unit|bldg|building)\.?\s+\w*\d)", re.I)
_CITY_LINE = re.compile(
    r"\b[A-Z][\w .'-]+,?\s+(?:[A-Z]{2}|[A-Z][a-z]+)\.?\s+\d{5}(?:-\d{4})?\s*(?:USA?)?\s*$"
    r"|\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b"  # UK postcodes
    # "10115 Berlin"
    r"|^\s*(?:[A-Z]-?)?\d{4,5}\s+[A-Z][a-zäöüß]+(?:\s+[A-Z][a-zäöüß]+)?\s*$")
_SIGN_OFF = re.compile(
    r"^\s*(?:[\w']+\s+){0,2}(?:regards|rgds|thanks|thank you|cheers|sincerely|"
    r"best wishes|yours(?: truly| sincerely)?|all the best|best|take care|talk soon|"
    r"mit freundlichen grüßen|viele grüße|gruß|cordialement|saludos)\b[\s,.!-]*$", re.I)
_SIGN_OFF_PREFIX = re.compile(
    r"^\s*(?:[\w']+\s+){0,2}(?:regards|thanks|thank you|cheers|care|best|sincerely)\s*,\s*",
    re.I)
_ATTACHMENT_LINE = re.compile(r"^\s*(?:-\s+\S.*\.\w{2,4}|<<.*>>)\s*$")
_DIGITS_ONLY = re.compile(r"\d{3}\D{0,3}\d{3}\D{0,2}\d{4}")  # a phone number, not a street


@dataclass
class Signature:
    """A signature block: its lines and what could be read from them."""

    lines: list[str]
    name: str = ""  # the name line ("Shirley Crenshaw"), "" when the block has none
    title: str = ""
    organisation: str = ""
    phones: list[Phone] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    postal: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# ----- signature blocks -------------------------------------------------------------------------

def find_signature(text: str, regions: Sequence[str] = (), author: str = "") -> Signature | None:
    """The signature of one writer's text, or None when it has none.

    Args:
        text: one writer's words (a ``Part``'s text), without quoted material after it.
        regions: countries to read phone numbers in (see ``find_phones``).
        author: the writer's name when known: their name line is preferred over other names.

    Returns:
        The block after a "-- " line near the end; else the last run of short lines (a
        blank line, a rule such as "---" or a sign-off such as "Regards," ends a run), when
        it holds a phone number, an e-mail address or a postal address, or a title or company
        under a name line; else the last earlier run that starts with a name line and holds
        a number or an e-mail address (a signature followed by a disclaimer or an
        invitation's details). A run naming the writer wins over one naming someone else.
    """
    lines = [ln.rstrip() for ln in text.replace("\r", "").split("\n")]
    while lines and (not lines[-1].strip() or _ATTACHMENT_LINE.match(lines[-1])
                     or not re.search(r"\w", lines[-1])):
        lines.pop()
    if not lines:
        return None
    delimited = _delimited(lines)
    if delimited:
        sig = _read_block(delimited, regions, author)
        if sig is not None:
            return sig
    blocks = _blocks(lines)[-MAX_BLOCKS:]
    if not blocks:
        return None
    found: list[Signature] = []  # from the end
    # The signature's place: the last run, or the last one before a sign-off and a first
    # name ("Office - 713 ... / Rgds / Iain").
    tail = len(blocks) - 1
    while tail > 0 and sum(len(b[0]) for b in blocks[tail:]) <= 3 and not any(
            PHONE_SHAPE.search(ln) or _EMAIL.search(ln) for b in blocks[tail:] for ln in b[0]):
        tail -= 1
    for k in range(len(blocks) - 1, -1, -1):
        sig = _read_block(blocks[k][0], regions, author)
        if sig is not None and sig.name:
            # The numbers may follow after a blank line: read on while the runs touch.
            merged, j = list(blocks[k][0]), k
            while blocks[j][1] and j + 1 < len(blocks) and len(merged) + len(
                    blocks[j + 1][0]) <= MAX_SIGNATURE_LINES:
                merged, j = merged + blocks[j + 1][0], j + 1
                longer = _read_block(merged, regions, author)
                if longer is not None and longer.name == sig.name:
                    sig = longer
        elif k == len(blocks) - 1:
            sig = _trailing(blocks, regions, author) or sig
        if sig is not None and (sig.name or k >= tail) and (
                k >= tail or sig.phones or sig.emails):
            found.append(sig)
    mine = [f for f in found if author and f.name and _same_name(f.name, author)]
    return (mine or found or [None])[0]


def _trailing(blocks: list[tuple[list[str], bool]], regions: Sequence[str],
              author: str) -> Signature | None:
    """The last runs, parted by single blank lines ("Name / Company", then the numbers), read
    as one signature when together they start with a name."""
    merged, k = blocks[-1][0], len(blocks) - 1
    while k > 0 and blocks[k - 1][1] and len(blocks[k - 1][0]) + len(merged) <= \
            MAX_SIGNATURE_LINES:
        merged, k = blocks[k - 1][0] + merged, k - 1
        sig = _read_block(merged, regions, author)
        if sig is not None and sig.name:
            return sig
    return None


MAX_BLOCKS = 15  # runs of short lines looked at, from the end


def _delimited(lines: list[str]) -> list[str]:
    """Lines after a "-- " (or "--") line near the end."""
    for i in range(len(lines) - 1, max(-1, len(lines) - MAX_SIGNATURE_LINES - 2), -1):
        if lines[i].strip() in ("--", "-- "):
            block = [ln.strip() for ln in lines[i + 1:] if ln.strip()]
            return block if block and len(block) <= MAX_SIGNATURE_LINES else []
    return []


def _is_prose(line: str) -> bool:
    """A line of running text: long, many words without numbers, or a sentence ("Her fax
    number is 713-243-9699.", but not "Enron Net Works, Inc.")."""
    words = line.split()
    if len(line) > MAX_LINE:
        return True
    if len(words) > 8 and not PHONE_SHAPE.search(line) and not _EMAIL.search(line):
        return True
    if line.endswith(("?", "!")) and len(words) > 3:
        return True
    if line.endswith((".", ":")) and len(words) >= 4 and not PHONE_LABEL.match(line):
        last = words[-1].rstrip(".:")
        return len(last) > 4 or any(ch.isdigit() for ch in last)
    return False


def _blocks(lines: list[str]) -> list[tuple[list[str], bool]]:
    """Runs of short lines, in order, each with whether only one blank line parts it from the
    next. A run ends at a blank line, a rule ("---", "____"), a sign-off ("Best regards,") or a
    line of prose."""
    runs: list[tuple[list[str], bool]] = []
    cur: list[str] = []
    blanks = 0

    def close(joinable: bool) -> None:
        nonlocal cur
        if cur and len(cur) <= MAX_RUN:
            runs.append((cur, joinable))
        cur = []

    wrapped = False  # the line before was prose cut off mid-sentence
    for line in lines:
        stripped = line.strip()
        if not stripped:
            blanks += 1
            continue
        blanks_before = blanks
        if blanks and cur:
            close(blanks == 1)
        blanks = 0
        if stripped.count(" | ") >= 2 and PHONE_SHAPE.search(stripped):
            cur.extend(c.strip() for c in stripped.split(" | ") if c.strip())  # one-line card
            continue
        rule = not re.search(r"\w", stripped)
        prose = not rule and (_is_prose(stripped) or (wrapped and not blanks_before
                                                       and not _is_name_line(stripped)))
        # A line cut at the wrap width mid-sentence goes on in the next one.
        wrapped = prose and 50 <= len(stripped) <= 80 and not stripped.endswith(
            (".", "?", "!", ":", ">"))
        if prose or rule or _SIGN_OFF.match(stripped) or _HEADER_LINE.match(stripped):
            close(False)
            continue
        cur.append(stripped)
    close(False)
    return runs


def _name_text(cell: str) -> str:
    """A cell without e-mail addresses and a leading sign-off ("Take care, Kathy Hoyt")."""
    return _SIGN_OFF_PREFIX.sub("", re.sub(r"\(?\S+@\S+\)?", "", cell)).strip(" ,")


def _plain_text(cell: str) -> bool:
    """A line of words: no number, address, web site or "Label:" form."""
    return (len(cell) > 1 and not PHONE_SHAPE.search(cell) and not _WEB.search(cell)
            and not _EMAIL.search(cell) and not re.match(r"^\s*[\w#-]+\s*:", cell)
            and not cell.endswith(":") and sum(ch.isdigit() for ch in cell) * 4 < len(cell))


def _is_name_line(cell: str) -> bool:
    """A line that is only a person's name (two to four capitalised words)."""
    from indexing.person_names import parse_name

    text = _name_text(cell)
    if not _plain_text(text) or cell.rstrip().endswith(",") or re.match(r"^\s*\w+\s*:", cell):
        return False
    words = text.replace(",", " ").split()
    if not 2 <= len(words) <= 4 or _ROLE.search(text) or _COMPANY.search(text):
        return False
    caps = [w for w in words if len(w) >= 4 and w.isupper()]
    if caps and len(caps) < len(words):
        return False  # "ERCOT Market": an acronym beside a word, not a name
    parts = parse_name(text)
    return parts is not None and bool(parts.last) and all(
        w[:1].isupper() for w in words if w[:1].isalpha())


def _same_name(a: str, b: str) -> bool:
    from indexing.person_names import name_key, parse_name

    pa, pb = parse_name(a), parse_name(b)
    if pa is None or pb is None:
        return False
    return name_key(a) == name_key(b) or (bool(pa.last) and pa.last == pb.last
                                          and pa.first[:1] == pb.first[:1])


def _read_block(block: list[str], regions: Sequence[str], author: str = "") -> Signature | None:
    from indexing.person_names import is_org_name

    # Side-by-side columns ("Aspen Technology, Inc.<tabs>Phn: ...") are read cell by cell.
    cells = [(n, c.strip()) for n, ln in enumerate(block)
             for c in re.split(r"\t+|\s{3,}", ln) if c.strip()]
    postal_cells = {i for i, (_, c) in enumerate(cells)
                    if (_STREET.search(c) or _CITY_LINE.search(c)) and not _DIGITS_ONLY.search(c)}
    # The name opens the signature, at most six lines above the first contact line; a block
    # may start with other lines (a list of names, a greeting). The writer's own name, when
    # it is among them, is the one; else the first name-like line.
    contact_at = next((i for i, (_, c) in enumerate(cells) if PHONE_SHAPE.search(c)
                       or _EMAIL.search(c) or i in postal_cells), len(cells))
    window = [i for i in range(max(0, contact_at - 6), contact_at) if _is_name_line(cells[i][1])]
    mine = [i for i in window if author and _same_name(_name_text(cells[i][1]), author)]
    name_at = (mine or window or [-1])[0]
    first_line = cells[name_at][0] if name_at >= 0 else 0
    lines = block[first_line:first_line + MAX_SIGNATURE_LINES]
    for n, line in enumerate(lines[1:], start=1):
        labelled = re.match(r"^\s*[\w ]{2,20}:\s*(.+)$", line)
        if labelled and _is_name_line(labelled[1]):
            lines = lines[:n]  # "Assistant: Sandy Wright": someone else's details follow
            break
    sig = Signature(lines=lines, name=_name_text(cells[name_at][1]) if name_at >= 0 else "")
    sig.phones = find_phones("\n".join(lines), regions)
    sig.emails = list(dict.fromkeys(e.lower() for ln in lines for e in _EMAIL.findall(ln)))
    inside = [i for i, (n, _) in enumerate(cells)
              if first_line <= n < first_line + MAX_SIGNATURE_LINES]
    sig.postal = ", ".join([cells[i][1].strip(" ,") for i in inside if i in postal_cells][:3])
    rest = [t for t in (_name_text(cells[i][1]) for i in inside if i > name_at >= 0
                        and i not in postal_cells) if _plain_text(t) and not t[0].islower()]
    others = []
    for line in rest[:3]:
        if not sig.title and _ROLE.search(line) and len(line) <= 60:
            sig.title = line.strip(" ,")
        else:
            others.append(line.strip(" ,"))
    company = [x for x in others if _COMPANY.search(x) or is_org_name(x)]
    if company or (others and (sig.title or len(others) == 1)):
        sig.organisation = (company or others)[0]
    contact = sig.phones or sig.emails or sig.postal
    if not contact and not (sig.name and (sig.title or sig.organisation)):
        return None
    return sig


_HEADER_LINE = re.compile(r"^(?:cc|bcc|to|subject|sent|date)\s*:", re.I)
