"""The words of people answers: one person described for what was asked, or one line per
person when several match. Rendering is code: every address, number and date comes from the
people directory as stored."""

from __future__ import annotations

from collections.abc import Callable

from indexing.people_store import Fact, PersonRecord

When = Callable[[str | None], str]
Subject = Callable[[str], str]
_WEBMAIL = {"gmail.com", "yahoo.com", "hotmail.com", "aol.com", "outlook.com", "icloud.com",
            "msn.com", "live.com", "me.com", "gmx.de", "gmx.net", "web.de", "proton.me",
            "protonmail.com", "fastmail.com", "mail.com"}
_KIND_ORDER = {"phone": 0, "": 0, "mobile": 1, "home": 2, "pager": 3, "fax": 4}


def phone_label(fact: Fact) -> str:
    """ "713-853-5290", or "650-823-2510 (mobile)" when the number is not a plain phone."""
    return fact.value if fact.kind in ("", "phone") else f"{fact.value} ({fact.kind})"


def _phones(rec: PersonRecord) -> list[Fact]:
    return sorted(rec.phones, key=lambda p: (_KIND_ORDER.get(p.kind, 2), -p.count))


def _domain_org(rec: PersonRecord) -> str:
    for e in rec.emails:
        domain = e.value.rsplit("@", 1)[-1]
        if domain not in _WEBMAIL:
            return domain
    return ""


def describe(rec: PersonRecord, asked: str, when: When, threads: list[tuple[str, int]],
             subject: Subject | None = None) -> tuple[list[str], list[str], bool]:
    """Lines answering ``asked`` about one person, the documents to cite, and whether the
    asked detail was found."""
    name = rec.name
    subject = subject or (lambda _d: "")
    if asked == "email":
        if not rec.emails:
            return [f"I have no email address for {name}."], [rec.first_doc], False
        first, others = rec.emails[0], [e.value for e in rec.emails[1:6]]
        also = f" (also {', '.join(others)})" if others else ""
        return [f"{name}'s email address: {first.value}{also}."], [first.doc_id], True
    if asked == "phone":
        phones = _phones(rec)
        if not phones:
            lines = [f"I found no phone number for {name} in your mail or contacts."]
            if rec.emails:
                lines.append(f"Their email address: {rec.emails[0].value}.")
            return lines, [rec.emails[0].doc_id if rec.emails else rec.first_doc], False
        lines = [f"{name}'s phone number: {phone_label(phones[0])}{_seen(phones[0], when)}."]
        if phones[1:]:
            lines.append("Other numbers: " + ", ".join(phone_label(p) for p in phones[1:6])
                         + ".")
        return lines, [p.doc_id for p in phones[:3]], True
    if asked == "postal":
        if not rec.postal:
            lines = [f"I found no postal address for {name}."]
            lines += _contact_lines(rec)
            return lines, [rec.first_doc], False
        return ([f"{name}'s address: {rec.postal[0].value}."], [rec.postal[0].doc_id], True)
    if asked == "title":
        if not rec.titles:
            org = rec.organisations[0].value if rec.organisations else _domain_org(rec)
            line = f"I found no job title for {name}" + (f"; they are with {org}." if org
                                                         else ".")
            return [line], [rec.first_doc], False
        org = f" at {rec.organisations[0].value}" if rec.organisations else ""
        return [f"{name}: {rec.titles[0].value}{org}."], [rec.titles[0].doc_id], True
    if asked == "organisation":
        if rec.organisations:
            return ([f"{name} is with {rec.organisations[0].value}"
                     f"{_seen(rec.organisations[0], when)}."], [rec.organisations[0].doc_id], True)
        domain = _domain_org(rec)
        if domain:
            return [f"{name} writes from {domain}."], [rec.emails[0].doc_id], True
        return [f"I found no company for {name}."], [rec.first_doc], False
    if asked == "last_from":
        if not rec.last_from_doc:
            return [f"I found no mail from {name}."], [rec.first_doc], False
        title = subject(rec.last_from_doc)
        about = f": “{title}”" if title else ""
        return ([f"You last heard from {name} on {when(rec.last_from_date)}{about}."
                 + _count(rec.from_count, "message from them", "messages from them")],
                [rec.last_from_doc], True)
    if asked == "last_to":
        if not rec.last_to_doc:
            return ([f"I found no mail from you to {name}."], [rec.first_doc], False)
        title = subject(rec.last_to_doc)
        about = f": “{title}”" if title else ""
        return ([f"You last wrote to {name} on {when(rec.last_to_date)}{about}."
                 + _count(rec.to_count, "message to them", "messages to them")],
                [rec.last_to_doc], True)
    return _card(rec, when, threads), [rec.last_from_doc or rec.first_doc,
                                       *(e.doc_id for e in rec.emails[:1])], True


def _seen(fact: Fact, when: When) -> str:
    date = when(fact.date) if fact.date else ""
    return f" (in your mail of {date})" if date else ""


def _count(n: int, one: str, many: str) -> str:
    return f" In all: {n} {one if n == 1 else many}." if n > 1 else ""


def _contact_lines(rec: PersonRecord) -> list[str]:
    lines = []
    if rec.emails:
        lines.append("Email: " + ", ".join(e.value for e in rec.emails[:4]))
    phones = _phones(rec)
    if phones:
        lines.append("Phone: " + ", ".join(phone_label(p) for p in phones[:4]))
    return lines


def _card(rec: PersonRecord, when: When, threads: list[tuple[str, int]]) -> list[str]:
    head = rec.name
    role = ", ".join(x for x in (rec.titles[0].value if rec.titles else "",
                                 rec.organisations[0].value if rec.organisations else "") if x)
    if role:
        head += f" — {role}"
    elif _domain_org(rec):
        head += f" ({_domain_org(rec)})"
    lines = [head + (" (this is you)" if rec.is_user else "")]
    lines += _contact_lines(rec)
    if rec.postal:
        lines.append(f"Address: {rec.postal[0].value}")
    known = []
    if rec.from_count:
        known.append(f"{rec.from_count} message{'s' * (rec.from_count != 1)} from them "
                     f"(latest {when(rec.last_from_date)})")
    if rec.to_count:
        known.append(f"{rec.to_count} from you to them (latest {when(rec.last_to_date)})")
    if known:
        lines.append(f"How you know them: {'; '.join(known)}; first mail {when(rec.first_date)}.")
    elif rec.first_date:
        lines.append(f"First seen in your mail {when(rec.first_date)}.")
    if "vcard" in rec.sources or "note" in rec.sources:
        lines.append("They are in your contacts" if "vcard" in rec.sources
                     else "You have a note about them.")
    if threads:
        lines.append("Common threads: " + "; ".join(f"“{s}” ({n})" for s, n in threads) + ".")
    return lines


def short_line(rec: PersonRecord, asked: str, when: When) -> tuple[str, str]:
    """One line for a person among several matches, with the detail asked for; the document
    to cite."""
    bits = [rec.name]
    doc = rec.emails[0].doc_id if rec.emails else rec.first_doc
    if rec.emails and rec.emails[0].value != rec.name:
        bits[0] += f" <{rec.emails[0].value}>"
    if asked == "phone" and rec.phones:
        phone = _phones(rec)[0]
        bits.append(phone_label(phone))
        doc = phone.doc_id
    if asked in ("title", "organisation", "who", "contact", "at_org"):
        role = ", ".join(x for x in (rec.titles[0].value if rec.titles else "",
                                     rec.organisations[0].value if rec.organisations else "")
                         if x)
        if role:
            bits.append(role)
    if asked == "last_from" and rec.last_from_date:
        bits.append(f"last heard from {when(rec.last_from_date)}")
        doc = rec.last_from_doc
    elif asked == "last_to" and rec.last_to_date:
        bits.append(f"last written to {when(rec.last_to_date)}")
        doc = rec.last_to_doc
    elif rec.from_count or rec.to_count:
        bits.append(f"{rec.from_count + rec.to_count} messages")
    return ", ".join(bits), doc or ""
