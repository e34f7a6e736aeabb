"""The people directory: one entry per real human, merged from every form they appear in.

``build_people`` is a pure function over what the store holds about messages (their header
metadata and the signatures kept for them, ``people_headers.signature_facts``) and contact cards
(vCards, people notes). Each address and each two-part
name is a node; nodes are joined when they are seen together: a From/To/Reply-To display name with
its address, Enron's X-From/X-To names lined up with the From/To addresses, a name and its
address on a contact card, a signature's e-mail line under its name line. An address seen with
no name ("vkamins@enron.com") joins the one known person whose name its local part spells
(``person_names.localpart_matches``); an address that different people write from (a shared
mailbox, a list) is kept apart rather than joined to all of them. Names compare by
``name_key``, so "Kaminski, Vince J", "Vince J Kaminski" and "Vince Kaminski" are one person.

Signatures (``indexing.signatures``) add phone numbers, titles, organisations and postal
addresses, credited to the writer of the part of the body they end (a forwarded message's
signature goes to its own writer), or to the person the signature names when that is someone
else and known by that name (an assistant signing for a boss). Per person the directory keeps
how many messages they sent the user and the user sent them, the first and latest of each, and
their threads. The user is a person too (``is_user``), found by the addresses given.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from indexing.people_headers import author_of, header_people, signature_facts
from indexing.person_names import (
    NameParts,
    address_fits_name,
    canonical_first,
    localpart_matches,
    name_from_localpart,
    name_key,
    parse_name,
    pretty_name,
)
from indexing.phones import Phone
from indexing.timeutil import sort_key


@functools.lru_cache(maxsize=16384)
def _key(value: datetime | None) -> str:
    return sort_key(value) or ""


@dataclass
class MessageFacts:
    """What the directory reads of one stored message."""

    doc_id: str
    path: str
    locator: str
    date: datetime | None
    subject: str
    meta: dict[str, Any]
    body: str = ""
    signatures: list[dict[str, Any]] | None = None  # ``signature_facts``; None: read ``body``


@dataclass
class ContactCard:
    """A person as a vCard or a people note describes them."""

    doc_id: str
    path: str
    locator: str
    name: str
    emails: list[str] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    title: str = ""
    organisation: str = ""
    postal: str = ""
    source: str = "vcard"  # "vcard" or "note"


@dataclass
class Evidence:
    """One value known about a person: how often it was seen, and the latest place and date."""

    value: str
    count: int = 0
    doc_id: str = ""
    date: datetime | None = None
    kind: str = ""  # phones: phone / mobile / fax / pager / home
    e164: str = ""  # phones: the normalised number
    sent: int = 0  # addresses: messages sent from it

    def see(self, doc_id: str, date: datetime | None) -> None:
        self.count += 1
        if not self.doc_id or _key(date) >= _key(self.date):
            self.doc_id, self.date = doc_id, date


@dataclass
class Person:
    """One human in the directory."""

    name: str
    names: Counter[str] = field(default_factory=Counter)
    emails: dict[str, Evidence] = field(default_factory=dict)
    phones: dict[str, Evidence] = field(default_factory=dict)  # by digits
    titles: dict[str, Evidence] = field(default_factory=dict)
    organisations: dict[str, Evidence] = field(default_factory=dict)
    postal: dict[str, Evidence] = field(default_factory=dict)
    is_user: bool = False
    from_count: int = 0  # messages they sent the user (all they sent when the user is unknown)
    to_count: int = 0  # messages the user sent them
    first: tuple[datetime | None, str] = (None, "")
    last_from: tuple[datetime | None, str] = (None, "")
    last_to: tuple[datetime | None, str] = (None, "")
    docs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    threads: Counter[str] = field(default_factory=Counter)
    sources: set[str] = field(default_factory=set)  # mail, vcard, note


class _Nodes:
    """Union-find over "a:<address>", "n:<name key>" and "c:<card>" nodes."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def add(self, node: str) -> str:
        self.parent.setdefault(node, node)
        return node

    def find(self, node: str) -> str:
        self.add(node)
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


# ----- building ---------------------------------------------------------------------------------

def build_people(messages: Iterable[MessageFacts], cards: Iterable[ContactCard] = (),
                 user_addresses: Sequence[str] = (), regions: Sequence[str] = ()) -> list[Person]:
    """Build the people directory.

    Args:
        messages: every stored message (header metadata and body text).
        cards: contact cards from vCards and people notes.
        user_addresses: the user's own addresses; the person holding them is ``is_user`` and
            decides which way each message went. Empty: every message counts as received.
        regions: the user's countries, for phone numbers written without a country code.

    Returns:
        The people, most in touch with the user first.
    """
    msgs = list(messages)
    cards = list(cards)
    user = {a.lower() for a in user_addresses}
    nodes = _Nodes()
    seen_names: dict[str, Counter[str]] = defaultdict(Counter)  # address -> display names
    roles: list[list[tuple[str, str, str]]] = []
    for m in msgs:
        people = header_people(m.meta)
        roles.append(people)
        for _role, display, addr in people:
            if addr:
                nodes.add("a:" + addr)
                if display:
                    seen_names[addr][display] += 1
            elif name_key(display):
                nodes.add("n:" + name_key(display))
    shared = _join_names(nodes, seen_names)
    facts = _Facts()
    keys = {n[2:] for n in nodes.parent if n.startswith("n:")}
    keys |= {name_key(c.name) for c in cards if name_key(c.name)}
    known = (keys, {k.split()[0] for k in keys})
    for m, people_of in zip(msgs, roles, strict=True):
        sender_name = next((d for r, d, _ in people_of if r == "from"), "")
        _signatures(m, sender_name, nodes, facts, shared, list(regions), known)
    for card in cards:
        _card(card, nodes, facts)
    _join_local_parts(nodes)
    return _assemble(msgs, roles, nodes, seen_names, shared, facts, user)


def _join_names(nodes: _Nodes, seen_names: dict[str, Counter[str]]) -> set[str]:
    """Join each address to the name it is mostly seen with; returns the shared addresses
    (several people write from them: a team mailbox, a list), which stay apart."""
    shared: set[str] = set()
    for addr, names in seen_names.items():
        keys: Counter[str] = Counter()
        spelt = name_from_localpart(addr)
        foreign: list[str] = []
        for display, n in names.items():
            key = name_key(display)
            parts = parse_name(display) if key else None
            if spelt is not None and parts is not None and not address_fits_name(addr, parts):
                foreign.append(display)  # the address spells another name: sent on its behalf
                continue
            if key:
                keys[key] += n
        for display in foreign:
            del names[display]
        if not keys:
            continue
        total = sum(keys.values())
        if sum(1 for c in keys.values() if c >= 2) > 2:
            shared.add(addr)
            continue
        for key, count in keys.items():
            if count * 3 >= total:
                nodes.union("a:" + addr, "n:" + key)
    return shared


@dataclass
class _Facts:
    """Values found for nodes (merged per person at the end)."""

    phones: dict[str, list[tuple[Phone, str, datetime | None]]] = field(
        default_factory=lambda: defaultdict(list))
    titles: dict[str, list[tuple[str, str, datetime | None]]] = field(
        default_factory=lambda: defaultdict(list))
    organisations: dict[str, list[tuple[str, str, datetime | None]]] = field(
        default_factory=lambda: defaultdict(list))
    postal: dict[str, list[tuple[str, str, datetime | None]]] = field(
        default_factory=lambda: defaultdict(list))
    names: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    docs: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    sources: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def _same_person(display: str, addr: str, sig_name: str) -> bool:
    """Does a signature's name line name the writer of its part?"""
    sig = parse_name(sig_name)
    if sig is None or not sig.last:
        return True
    writer = parse_name(display) if display else None
    if writer is not None and writer.last:
        if name_key(display) == sig.key:
            return True
        return writer.last == sig.last and writer.first[:1] == sig.first[:1]
    return bool(addr) and address_fits_name(addr, sig)


def _owns(addr: str, name: str) -> bool:
    """False when the address spells someone else's name ("mark.duffey@" signed "Vicki")."""
    parts = parse_name(name)
    return (name_from_localpart(addr) is None or parts is None
            or address_fits_name(addr, parts))


def _someone(name: str, emails: list[str], known: tuple[set[str], set[str]]) -> bool:
    """Is a signature's name line a person: one known from headers or contacts by name or by
    first name, or one whose own address the signature gives?"""
    parts = parse_name(name)
    if parts is None or not parts.last:
        return False
    keys, firsts = known
    return (parts.key in keys or canonical_first(parts.first) in firsts
            or any(localpart_matches(e, parts) for e in emails))


def _signatures(m: MessageFacts, sender_name: str, nodes: _Nodes, facts: _Facts,
                shared: set[str], regions: list[str], known: tuple[set[str], set[str]],
                ) -> None:
    found = m.signatures if m.signatures is not None else (
        signature_facts(m.body, m.meta, regions) if m.body else [])
    sender = str(m.meta.get("from_addr") or "").lower()
    for f in found:
        display, addr = (sender_name, sender) if not f["part"] else author_of(f["author"])
        name = str(f.get("name") or "")
        if name and not _same_person(display, addr, name):
            if _someone(name, f.get("emails") or [], known):
                display, addr = name, ""  # someone else signed: an assistant, a colleague
            else:
                name = ""  # a name-like line that no one is known by ("Policy Research")
        elif name and not name_key(display):
            display = name
        key = name_key(display)
        if addr:
            node = nodes.add("a:" + addr)
            if name and name_key(name) and addr not in shared and _owns(addr, name):
                nodes.union(node, "n:" + name_key(name))  # the signature confirms the name
        elif key:
            node = nodes.add("n:" + key)
        else:
            continue
        if name:
            facts.names[node][name] += 1
        parts = parse_name(display) if display else None
        for e in f.get("emails") or []:
            if e != addr and parts is not None and parts.last and localpart_matches(e, parts):
                nodes.union(node, "a:" + e)
        for raw, e164, kind in f.get("phones") or []:
            facts.phones[node].append((Phone(raw, e164, kind), m.doc_id, m.date))
        for fld, bucket in (("title", facts.titles), ("organisation", facts.organisations),
                            ("postal", facts.postal)):
            if f.get(fld):
                bucket[node].append((f[fld], m.doc_id, m.date))
        facts.docs[node][m.doc_id].add("signature")


def _card(card: ContactCard, nodes: _Nodes, facts: _Facts) -> None:
    key = name_key(card.name)
    node = nodes.add("n:" + key if key else "c:" + card.doc_id)
    for e in card.emails:
        nodes.union(node, "a:" + e.lower())
    facts.names[node][card.name] += 1
    facts.sources[node].add(card.source)
    for phone in card.phones:
        facts.phones[node].append((phone, card.doc_id, None))
    for value, bucket in ((card.title, facts.titles), (card.organisation, facts.organisations),
                          (card.postal, facts.postal)):
        if value:
            bucket[node].append((value, card.doc_id, None))
    facts.docs[node][card.doc_id].add(card.source)


def _join_local_parts(nodes: _Nodes) -> None:
    """Join each address seen without a name to the one named person its local part spells."""
    named: dict[str, list[tuple[str, NameParts]]] = defaultdict(list)  # surname -> people
    for node in list(nodes.parent):
        if node.startswith("n:"):
            parts = parse_name(node[2:])
            if parts is not None and parts.last:
                named[re.sub(r"[^a-z]", "", parts.last)[:6]].append((node, parts))
    has_name = {nodes.find(n) for n in nodes.parent if n.startswith("n:")}
    for node in list(nodes.parent):
        if not node.startswith("a:") or nodes.find(node) in has_name:
            continue
        addr = node[2:]
        local = re.sub(r"[^a-z]", "", addr.split("@", 1)[0])
        probes = {local[i:j] for i in range(len(local))
                  for j in range(i + 2, min(i + 6, len(local)) + 1)}
        found = {nodes.find(n) for probe in probes for n, parts in named.get(probe, [])
                 if localpart_matches(addr, parts)}
        if len(found) == 1:
            nodes.union(node, found.pop())


def _assemble(msgs: list[MessageFacts], roles: list[list[tuple[str, str, str]]], nodes: _Nodes,
              seen_names: dict[str, Counter[str]], shared: set[str], facts: _Facts,
              user: set[str]) -> list[Person]:
    people: dict[str, Person] = {}

    def person(node: str) -> Person:
        root = nodes.find(node)
        if root not in people:
            people[root] = Person(name="")
        return people[root]

    for node in list(nodes.parent):
        p = person(node)
        if node.startswith("a:"):
            addr = node[2:]
            p.emails.setdefault(addr, Evidence(addr))
            names = seen_names.get(addr, Counter())
            if addr in shared or nodes.find(node) == node and len(names) > 3:
                names = Counter(dict(names.most_common(1)))  # a list's or team's address
            p.names.update(names)
            p.is_user = p.is_user or addr in user
        p.names.update(facts.names.get(node, Counter()))
        p.sources |= facts.sources.get(node, set())
        for phone, doc_id, date in facts.phones.get(node, []):
            ev = p.phones.setdefault(phone.digits[-10:], Evidence(phone.raw, kind=phone.kind,
                                                                  e164=phone.e164))
            ev.see(doc_id, date)
        for bucket, target in ((facts.titles, p.titles), (facts.organisations, p.organisations),
                               (facts.postal, p.postal)):
            for value, doc_id, date in bucket.get(node, []):
                target.setdefault(value, Evidence(value)).see(doc_id, date)
        for doc_id, rs in facts.docs.get(node, {}).items():
            p.docs[doc_id] |= rs
    for m, people_of in zip(msgs, roles, strict=True):
        _count_message(m, people_of, person, user)
    out = []
    for p in people.values():
        p.name = _best_name(p)
        if p.name:
            out.append(p)
    out.sort(key=lambda p: (-(p.from_count + p.to_count), p.name.lower()))
    return out


def _count_message(m: MessageFacts, people_of: list[tuple[str, str, str]], person: Any,
                   user: set[str]) -> None:
    sender = str(m.meta.get("from_addr") or "").lower()
    sent_by_user = bool(user) and sender in user
    thread = str(m.meta.get("thread") or m.locator)
    for role, display, addr in people_of:
        if not addr and not name_key(display):
            continue
        p = person("a:" + addr if addr else "n:" + name_key(display))
        p.sources.add("mail")
        p.docs[m.doc_id].add(role)
        p.threads[thread] += 1
        if addr:
            ev = p.emails.setdefault(addr, Evidence(addr))
            ev.see(m.doc_id, m.date)
            ev.sent += role == "from"
        if p.first[1] == "" or _key(m.date) < _key(p.first[0]):
            p.first = (m.date, m.doc_id)
        if p.is_user:
            continue
        if role == "from" and not sent_by_user:
            p.from_count += 1
            if _key(m.date) >= _key(p.last_from[0]) or not p.last_from[1]:
                p.last_from = (m.date, m.doc_id)
        elif role in ("to", "cc") and sent_by_user:
            p.to_count += 1
            if _key(m.date) >= _key(p.last_to[0]) or not p.last_to[1]:
                p.last_to = (m.date, m.doc_id)


def _best_name(p: Person) -> str:
    """The most used full name (two parts or more), else any name, else the address."""
    full = Counter({pretty_name(n): c for n, c in p.names.items() if name_key(n)})
    merged: Counter[str] = Counter()
    for n, c in full.items():
        merged[n] += c
    if merged:
        return max(merged.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
    other = [pretty_name(n) for n, _ in p.names.most_common() if pretty_name(n)]
    if other:
        return other[0]
    if p.emails:
        return max(p.emails.values(), key=lambda e: e.count).value
    return ""
