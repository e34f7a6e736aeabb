"""Phone numbers in text: found and normalised with ``phonenumbers``, kind from their labels.

Each line is tried in the regions given (the country of the writer's address, then the user's
own) and a number is kept only when it is valid there; a number written with "+" needs no region;
a North American "713-853-5290" is tried as such last; a number a label announces ("Tel: 0044 207
915 5675") that no region reads is kept as written without an E.164 form. The number is kept as
written (for showing and searching). ``stated_phones`` reads the numbers a writer gives as their
own in a sentence ("feel free to contact me at ..."), ``region_of_zone`` the country of the
user's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import phonenumbers

PHONE_SHAPE = re.compile(r"\+?\(?\d[\d ().\-/]{5,}\d")
PHONE_LABEL = re.compile(
    r"\b(?P<label>tel(?:ephone)?|phone|ph|office|direct|work|voice|cell(?:ular)?|mobile|mob|"
    r"handy|fax|facsimile|pager|home|main|desk)\b\.?|^\s*(?P<letter>[tmfoch])\s*[:.]", re.I)
_KIND = {"cell": "mobile", "cellular": "mobile", "mob": "mobile", "mobile": "mobile",
         "handy": "mobile", "c": "mobile", "m": "mobile", "fax": "fax", "facsimile": "fax",
         "f": "fax", "pager": "pager", "home": "home", "h": "home"}
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


@dataclass
class Phone:
    """A phone number as written, its E.164 form ("" when no region could read it) and its
    kind: phone, mobile, fax, pager or home."""

    raw: str
    e164: str
    kind: str = "phone"

    @property
    def digits(self) -> str:
        """The number's digits (E.164 without "+", else the digits as written)."""
        return self.e164.lstrip("+") if self.e164 else re.sub(r"\D", "", self.raw)


def find_phones(text: str, regions: Sequence[str] = ()) -> list[Phone]:
    """Phone numbers in ``text``, each line read in the first region where it is valid.

    Args:
        text: a few lines (a signature, a contact note).
        regions: ISO country codes to try, most likely first ("GB", "US"); numbers written
            with "+" or "00" are read without one, and North American 3-3-4 numbers are tried
            as "US" after the regions given.

    Returns:
        The numbers in order, each once, with the kind its label gives ("Fax:", "Cell").
    """
    out: list[Phone] = []
    seen: set[str] = set()
    tries = [r for r in regions if r] + ["US"]
    for line in text.split("\n"):
        if not PHONE_SHAPE.search(line):
            continue
        found = _read_line(line, tries)
        for raw, e164, start in found:
            key = e164 or re.sub(r"\D", "", raw)
            if key in seen:
                continue
            seen.add(key)
            out.append(Phone(" ".join(raw.split()), e164, _kind(line, start)))
    return out


def _read_line(line: str, regions: list[str]) -> list[tuple[str, str, int]]:
    line = _IP.sub(" ", line)  # "[130.160.160.28]" is no phone number
    line = re.sub(r"(\d)\s*\.\s*(?=\d)", r"\1.", line)  # "03. 5219.4579"
    for region in [None, *dict.fromkeys(regions)]:
        got: list[tuple[str, str, int]] = []
        try:
            matches = list(phonenumbers.PhoneNumberMatcher(
                line, region, leniency=phonenumbers.Leniency.VALID))
        except Exception:  # noqa: BLE001 - a library surprise must not stop indexing
            matches = []
        for m in matches:
            e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            got.append((m.raw_string, e164, m.start))
        if got:
            return got
    # A labelled number no region could read ("Tel: 0044 207 915 5675" mistyped): as written.
    label = PHONE_LABEL.search(line)
    if label:
        m = PHONE_SHAPE.search(line, label.end())
        if m and 7 <= len(re.sub(r"\D", "", m.group(0))) <= 15:
            return [(m.group(0), "", m.start())]
    return []


def _kind(line: str, start: int) -> str:
    """The kind of the number at ``start``: the nearest label before it, else one after it
    ("(215) 573-4217  fax")."""
    before = [m for m in PHONE_LABEL.finditer(line[:start])]
    if before:
        m = before[-1]
        word = (m.group("label") or m.group("letter") or "").lower()
        return _KIND.get(word, "phone")
    after = PHONE_LABEL.search(line[start:])
    if after and after.group("label"):
        return _KIND.get(after.group("label").lower(), "phone")
    return "phone"


def region_of_zone(zone: str) -> str:
    """The country of an IANA time zone ("Europe/Berlin" -> "DE"), from tzdata's zone.tab;
    "" when unknown (UTC, or no table on this system). An empty name means the system's zone."""
    if not zone:
        try:
            from tzlocal import get_localzone_name

            zone = get_localzone_name() or ""
        except Exception:  # noqa: BLE001 - no zone configured on this system
            return ""
    for table in _zone_tables():
        for line in table.splitlines():
            cols = line.split("\t")
            if len(cols) >= 3 and not line.startswith("#") and cols[2] == zone:
                return cols[0] if cols[0] in phonenumbers.SUPPORTED_REGIONS else ""
    return ""


def _zone_tables() -> list[str]:
    out = []
    try:
        import importlib.resources

        out.append(importlib.resources.files("tzdata").joinpath("zoneinfo", "zone.tab")
                   .read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - tzdata is optional where the system has the table
        pass
    try:
        with open("/usr/share/zoneinfo/zone.tab", encoding="utf-8") as fh:
            out.append(fh.read())
    except OSError:
        pass
    return out


_STATED = re.compile(
    r"\b(?:(?:call|reach|contact|ring|phone|text|page)\s+me\s+(?:at|on)|give\s+me\s+a\s+"
    r"(?:call|ring)\s+(?:at|on)|(?:call|try)\s+my\s+(?:cell|mobile|office|home)(?:\s+(?:phone|"
    r"number))?(?:\s+at)?|(?:my\s+)?(?:cell|mobile|pager|home|office|direct|work)\s+(?:phone\s+)?"
    r"(?:number\s+|line\s+)?is|my\s+(?:phone|number|telephone)(?:\s+number)?\s+is|i\s+can\s+be"
    r"\s+(?:reached|contacted)\s+(?:at|on)(?:\s+my\s+\w+)?|you\s+can\s+reach\s+me\s+(?:at|on))\b",
    re.I)


def stated_phones(text: str, regions: Sequence[str] = ()) -> list[Phone]:
    """Numbers the writer gives as their own in a sentence ("feel free to contact me at
    (713) 853-4750", "my cell is ..."): the first number within 40 characters after it."""
    out: list[Phone] = []
    flat = " ".join(text.split())
    for m in _STATED.finditer(flat):
        window = flat[m.end():m.end() + 40]
        found = find_phones(window, regions)
        if found:
            phone = found[0]
            phone.kind = "phone"  # a label after the number belongs to the next one
            said = m.group(0).lower()
            phone.kind = ("mobile" if "cell" in said or "mobile" in said else
                          "pager" if "pager" in said else "home" if "home" in said else phone.kind)
            out.append(phone)
    return out
