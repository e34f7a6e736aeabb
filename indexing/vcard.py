"""Contact cards: vCard files (.vcf) and people notes, as people for the directory.

``parse_vcard_file`` reads a .vcf (one or many cards, vCard 2.1, 3.0 or 4.0, with the
``vobject`` package) into one note-kind ``Document`` per card: its text ("Ann Lee / Email: ... /
Phone: ...") is searchable like any note, and ``meta["contact"]`` keeps the card's fields. A
card that cannot be read goes to ``skipped``; the others are kept.

``cards_from_documents`` turns stored notes into ``people.ContactCard``s: the vCard documents,
and Obsidian-style people notes, recognised by shape, not by name: front matter with an e-mail
or phone field, a person/people/contact tag or type, or a note in a folder called People,
Contacts or Persons. A people note's name is its title; its addresses and numbers come from
its front matter and from its lines ("Email: ...", "phone:: ...").
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

from indexing.model import Document, ParseResult, Segment, Skipped
from indexing.reading import SkipFile, read_text

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.I)
_PEOPLE_FOLDERS = {"people", "contacts", "persons", "personen", "kontakte", "contactos"}
_PEOPLE_TAGS = {"person", "people", "contact", "contacts"}
_PHONE_KEYS = ("phone", "tel", "telephone", "mobile", "cell", "work phone", "home phone")
_EMAIL_KEYS = ("email", "e-mail", "mail", "emails")


def parse_vcard_file(path: str) -> ParseResult:
    """Parse a .vcf file into one document per card.

    Raises:
        SkipFile: when the file cannot be read or holds no vCard.
    """
    import vobject

    text = read_text(path)
    if "BEGIN:VCARD" not in text.upper():
        raise SkipFile("not a vCard file (no BEGIN:VCARD)")
    result = ParseResult()
    abspath = os.path.abspath(path)
    blocks = re.split(r"(?im)^(?=BEGIN:VCARD\s*$)", text)
    number = 0
    for block in blocks:
        if not block.strip().upper().startswith("BEGIN:VCARD"):
            continue
        number += 1
        try:
            card = vobject.readOne(block)
            contact = _contact(card)
        except Exception as exc:  # noqa: BLE001 - one broken card must not lose the others
            result.skipped.append(Skipped(abspath, f"card {number}: could not be read "
                                                   f"({type(exc).__name__})"))
            continue
        if not contact["name"]:
            result.skipped.append(Skipped(abspath, f"card {number}: has no name"))
            continue
        locator = contact.pop("uid") or f"card{number}"
        result.documents.append(Document(
            doc_id=f"note:{abspath}#{locator}", kind="note", path=abspath,
            title=contact["name"], locator=locator,
            segments=[Segment(_card_text(contact), line=0)],
            meta={"contact": contact, "source_type": "vcard"}))
    if not result.documents and not result.skipped:
        raise SkipFile("no contact cards in the file")
    return result


def _contact(card: Any) -> dict[str, Any]:
    def values(name: str) -> list[Any]:
        return list(card.contents.get(name, []))

    name = str(values("fn")[0].value).strip() if values("fn") else ""
    if not name and values("n"):
        n = values("n")[0].value
        name = " ".join(p for p in (n.prefix, n.given, n.additional, n.family) if p).strip()
    phones = []
    for tel in values("tel"):
        types = [t.lower() for t in tel.params.get("TYPE", [])]
        kind = ("mobile" if {"cell", "mobile"} & set(types) else "fax" if "fax" in types
                else "home" if "home" in types else "phone")
        value = str(tel.value).strip()
        if value.lower().startswith("tel:"):
            value = value[4:]
        if value:
            phones.append({"raw": value, "kind": kind})
    org = ""
    if values("org"):
        raw = values("org")[0].value
        org = " ".join(raw) if isinstance(raw, list) else str(raw)
    postal = []
    for adr in values("adr"):
        a = adr.value
        parts = [a.box, a.extended, a.street, a.city, a.region, a.code, a.country]
        postal.append(", ".join(str(p).strip() for p in parts if p and str(p).strip()))
    return {
        "name": name,
        "emails": [str(e.value).strip().lower() for e in values("email") if str(e.value).strip()],
        "phones": phones,
        "title": str(values("title")[0].value).strip() if values("title") else "",
        "organisation": org.strip(),
        "postal": "; ".join(p for p in postal if p),
        "uid": str(values("uid")[0].value).strip() if values("uid") else "",
    }


def _card_text(contact: dict[str, Any]) -> str:
    lines = [contact["name"]]
    if contact["title"] or contact["organisation"]:
        lines.append(", ".join(x for x in (contact["title"], contact["organisation"]) if x))
    lines += [f"Email: {e}" for e in contact["emails"]]
    lines += [f"{p['kind'].capitalize()}: {p['raw']}" for p in contact["phones"]]
    if contact["postal"]:
        lines.append(f"Address: {contact['postal']}")
    return "\n".join(lines)


# ----- cards for the people directory -----------------------------------------------------------

def cards_from_documents(notes: Iterable[tuple[str, str, str, dict[str, Any], str]]) -> list[Any]:
    """Contact cards from stored notes: (doc_id, path, title, meta, text) of each note.

    Returns:
        ``people.ContactCard``s for vCard documents and people notes; other notes give none.
    """
    from indexing.people import ContactCard
    from indexing.phones import Phone, find_phones

    cards: list[ContactCard] = []
    for doc_id, path, title, meta, text in notes:
        contact = meta.get("contact")
        if isinstance(contact, dict) and contact.get("name"):
            phones = [Phone(p["raw"], _e164(p["raw"]), p.get("kind", "phone"))
                      for p in contact.get("phones", [])]
            cards.append(ContactCard(
                doc_id, path, doc_id.rsplit("#", 1)[-1], contact["name"],
                list(contact.get("emails", [])), phones, contact.get("title", ""),
                contact.get("organisation", ""), contact.get("postal", ""), "vcard"))
            continue
        front = meta.get("front_matter") or {}
        if not _is_people_note(path, front, meta.get("tags") or []):
            continue
        fields = {str(k).lower(): v for k, v in front.items()}
        emails = _EMAIL.findall(" ".join(str(fields.get(k, "")) for k in _EMAIL_KEYS))
        emails += [e for e in _EMAIL.findall(text) if e not in emails]
        phone_text = "\n".join(f"phone: {fields[k]}" for k in _PHONE_KEYS if fields.get(k))
        labelled = "\n".join(ln for ln in text.split("\n")
                             if re.search(r"\b(phone|tel|mobile|cell|fax)\b", ln, re.I))
        phones = find_phones(phone_text + "\n" + labelled)
        name = str(fields.get("name") or fields.get("title") or title).strip()
        cards.append(ContactCard(
            doc_id, path, "", name, [e.lower() for e in emails], phones,
            str(fields.get("role") or fields.get("job") or fields.get("position") or ""),
            str(fields.get("company") or fields.get("organisation") or fields.get("organization")
                or fields.get("org") or ""),
            str(fields.get("address") or ""), "note"))
    return cards


def _is_people_note(path: str, front: dict[str, Any], tags: list[str]) -> bool:
    keys = {str(k).lower() for k in front}
    if keys & set(_EMAIL_KEYS) or keys & set(_PHONE_KEYS):
        return True
    kinds = {str(front.get(k, "")).lower() for k in ("type", "category", "kind")}
    if kinds & _PEOPLE_TAGS or {str(t).lower().lstrip("#") for t in tags} & _PEOPLE_TAGS:
        return True
    parent = os.path.basename(os.path.dirname(path)).lower()
    return parent in _PEOPLE_FOLDERS


def _e164(raw: str) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
