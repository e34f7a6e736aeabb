"""What the people directory reads of one message: the people its headers name, and the
signatures in its body.

``header_people`` lists (role, display name, address) for From, To, Cc and Reply-To, taking a
missing From name from Enron's X-From and pairing X-To names with To addresses when both list
the same people. ``signature_facts`` finds the signature of each writer's part of the body
(``indexing.mail_parts``, ``indexing.signatures``) and the numbers they state in sentences; the
indexer keeps these per message (``person_facts``), so rebuilding the directory reads no bodies.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Sequence
from typing import Any

from indexing.mail_parts import authored_parts
from indexing.person_names import address_fits_name, clean_name, parse_name
from indexing.phones import stated_phones
from indexing.signatures import Signature, find_signature

MAX_BODY_CHARS = 20_000  # the start of a body is enough to find its parts' signatures
_ADDR = re.compile(r"[\w.+'=&-]+@[\w-]+(?:\.[\w-]+)+")
_ANGLE_ENTRY = re.compile(r"\s*([^<>]*?)\s*<([^<>]*)>\s*,?")


def header_people(meta: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(role, display name, address) for everyone a message's headers name.

    Roles are from, to, cc and reply_to. The From display name falls back to Enron's X-From;
    X-To names are paired with the To addresses when both list the same number of people and
    each name fits its address.
    """
    out: list[tuple[str, str, str]] = []
    from_addr = str(meta.get("from_addr") or "").lower()
    display = clean_name(_split_address(str(meta.get("from") or ""))[0])
    x_from = str(meta.get("x_from") or "")
    if not display and x_from:
        display = clean_name(x_from)
    if from_addr or display:
        out.append(("from", display, from_addr))
    to = [str(a).lower() for a in meta.get("to") or []]
    named = {}
    for entry in meta.get("to_names") or []:
        name, addr = _split_address(str(entry))
        if addr:
            named[addr.lower()] = clean_name(name)
    x_names = _x_list(str(meta.get("x_to") or ""))
    if len(x_names) == len(to) and not any(named.get(a) for a in to):
        for addr, name in zip(to, x_names, strict=True):
            parts = parse_name(name)
            if parts is not None and parts.last and address_fits_name(addr, parts):
                named[addr] = name
    for addr in to:
        out.append(("to", named.get(addr, ""), addr))
    for role, key in (("cc", "cc_names"), ("reply_to", "reply_to")):
        entries = meta.get(key) or []
        for entry in entries if isinstance(entries, list) else [entries]:
            name, addr = email.utils.parseaddr(str(entry))
            if addr and "@" in addr:
                out.append((role, clean_name(name), addr.lower()))
    listed = {a for r, _, a in out if r == "cc"}
    out += [("cc", "", str(a).lower()) for a in meta.get("cc") or []
            if str(a).lower() not in listed]
    return out


def _split_address(entry: str) -> tuple[str, str]:
    """("Name", "addr") of "Name <addr>" (quick path), else as ``email.utils.parseaddr``."""
    m = re.fullmatch(r'\s*"?([^"<>]*?)"?\s*<([^<>@\s]+@[^<>\s]+)>\s*', entry)
    if m:
        return m[1].strip(), m[2]
    if "<" not in entry and '"' not in entry and "(" not in entry and _ADDR.fullmatch(
            entry.strip()):
        return "", entry.strip()
    return email.utils.parseaddr(entry)


def _x_list(x_to: str) -> list[str]:
    """The names of an X-To / X-cc list written with angle brackets (Exchange, Lotus Notes)."""
    if "<" not in x_to:
        return []
    names = [clean_name(m[1]) or clean_name(m[2]) for m in _ANGLE_ENTRY.finditer(x_to)]
    return names


def author_of(text: str) -> tuple[str, str]:
    """(display name, address) of a reply header's writer ("Chuck Paul [mailto:c@x.com]")."""
    addrs = _ADDR.findall(text)
    return clean_name(text), (addrs[-1].lower() if addrs else "")


def region_of_address(address: str) -> str:
    """The country of an address's top-level domain ("GB" for .uk), or ""."""
    tld = address.rsplit(".", 1)[-1].upper() if "." in address else ""
    tld = {"UK": "GB"}.get(tld, tld)
    if len(tld) != 2:
        return ""
    import phonenumbers

    return tld if tld in phonenumbers.SUPPORTED_REGIONS else ""


def signature_facts(body: str, meta: dict[str, Any], regions: Sequence[str] = (),
                    ) -> list[dict[str, Any]]:
    """The signatures in a message body, each with the part it ends and that part's writer
    line, as JSON-ready dicts (what the indexer keeps per message, so a rebuild of the
    directory does not read bodies again).

    Args:
        body: the whole body text (own words and quoted or forwarded messages).
        meta: the message's metadata (for the sender's name and address).
        regions: the user's countries, for phone numbers.
    """
    sender = str(meta.get("from_addr") or "").lower()
    sender_name = next((d for r, d, _ in header_people(meta) if r == "from"), "")
    out: list[dict[str, Any]] = []
    for i, part in enumerate(authored_parts(body[:MAX_BODY_CHARS])):
        display, addr = (sender_name, sender) if i == 0 else author_of(part.author)
        tries = [r for r in (region_of_address(addr), *regions) if r]
        sig = find_signature(part.text, tries, display)
        stated = stated_phones(part.text, tries)
        if sig is None and stated:
            sig = Signature(lines=[])
        if sig is None:
            continue
        known = {p.digits for p in sig.phones}
        sig.phones += [p for p in stated if p.digits not in known]
        out.append({"part": i, "author": part.author if i else "", "name": sig.name,
                    "title": sig.title, "organisation": sig.organisation, "postal": sig.postal,
                    "emails": sig.emails,
                    "phones": [[p.raw, p.e164, p.kind] for p in sig.phones]})
    return out


def document_signatures(doc: Any, regions: Sequence[str] = ()) -> list[dict[str, Any]]:
    """``signature_facts`` of a parsed email ``Document`` (all of its text, quoted parts too)."""
    return signature_facts(doc.text, doc.meta, regions)
