"""The people directory in SQLite: its tables, how it is rebuilt, and every query on it.

The directory is derived data: ``refresh_people`` reads the stored messages (header metadata and
chunk text) and contact cards, runs ``indexing.people.build_people`` and replaces the tables in
one transaction, so a crash leaves the old directory. It is rebuilt after an index run that
changed something; nothing in it needs the user's files. ``PeopleQueries`` (``store.people``)
owns every SQL statement the engine needs about people, so ``engine/`` holds no SQL.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from indexing.timeutil import from_iso, sort_key, to_iso

if TYPE_CHECKING:
    from indexing.people import Person
    from indexing.store import Store

log = logging.getLogger("lodger.indexing")

PEOPLE_SCHEMA = """
CREATE TABLE IF NOT EXISTS people (
    person_id INTEGER PRIMARY KEY, name TEXT NOT NULL, is_user INTEGER NOT NULL DEFAULT 0,
    from_count INTEGER NOT NULL DEFAULT 0, to_count INTEGER NOT NULL DEFAULT 0,
    first_date TEXT, first_doc TEXT, last_from_date TEXT, last_from_key TEXT, last_from_doc TEXT,
    last_to_date TEXT, last_to_key TEXT, last_to_doc TEXT, sources TEXT
);
CREATE TABLE IF NOT EXISTS person_names (
    person_id INTEGER NOT NULL, name TEXT NOT NULL, count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS person_names_person ON person_names(person_id);
CREATE TABLE IF NOT EXISTS person_addresses (
    address TEXT PRIMARY KEY, person_id INTEGER NOT NULL, count INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0, doc_id TEXT
);
CREATE INDEX IF NOT EXISTS person_addresses_person ON person_addresses(person_id);
CREATE TABLE IF NOT EXISTS person_phones (
    person_id INTEGER NOT NULL, raw TEXT NOT NULL, e164 TEXT, kind TEXT, count INTEGER,
    doc_id TEXT, date_key TEXT
);
CREATE INDEX IF NOT EXISTS person_phones_person ON person_phones(person_id);
CREATE TABLE IF NOT EXISTS person_details (
    person_id INTEGER NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, count INTEGER,
    doc_id TEXT, date_key TEXT
);
CREATE INDEX IF NOT EXISTS person_details_person ON person_details(person_id);
CREATE TABLE IF NOT EXISTS person_docs (
    person_id INTEGER NOT NULL, doc_id TEXT NOT NULL, role TEXT NOT NULL,
    PRIMARY KEY (person_id, doc_id, role)
);
CREATE INDEX IF NOT EXISTS person_docs_doc ON person_docs(doc_id);
-- Signatures found in each message when it was indexed (people.signature_facts, JSON), so
-- that rebuilding the directory reads no bodies; rows of deleted messages go at the rebuild.
CREATE TABLE IF NOT EXISTS person_facts (doc_id TEXT PRIMARY KEY, signatures TEXT NOT NULL);
"""
PEOPLE_TABLES = ("people", "person_names", "person_addresses", "person_phones", "person_details",
                 "person_docs")
BUILT_KEY = "people_built"  # store meta: when the directory was last built, and from what


@dataclass
class Fact:
    """A value known about a person and the document it was last seen in."""

    value: str
    count: int
    doc_id: str
    date: str | None = None
    kind: str = ""  # phones: phone / mobile / fax / pager / home
    e164: str = ""


@dataclass
class PersonRecord:
    """One person as stored, with everything an answer needs."""

    person_id: int
    name: str
    is_user: bool
    names: list[str]
    emails: list[Fact]
    phones: list[Fact]
    titles: list[Fact]
    organisations: list[Fact]
    postal: list[Fact]
    from_count: int
    to_count: int
    first_date: str | None
    first_doc: str
    last_from_date: str | None
    last_from_doc: str
    last_to_date: str | None
    last_to_doc: str
    sources: list[str] = field(default_factory=list)


@dataclass
class ThreadRow:
    """A thread shared with a person: its subject, how many messages, the latest one."""

    subject: str
    count: int
    last_date: str | None
    doc_id: str


class PeopleQueries:
    """Every read of the people directory (``store.people``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def count(self) -> int:
        return int(self.store.query("SELECT count(*) FROM people")[0][0])

    def save_signatures(self, rows: Iterable[tuple[str, list[dict[str, Any]]]]) -> None:
        """Keep the signatures found in messages (doc_id, ``people.signature_facts``)."""
        with self.store.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO person_facts(doc_id, signatures) VALUES(?,?)",
                           [(d, json.dumps(f, ensure_ascii=False)) for d, f in rows])

    def names(self) -> list[tuple[int, str]]:
        """(person_id, name form) for every name form of every person, for fuzzy matching."""
        rows = self.store.query(
            "SELECT n.person_id, n.name FROM person_names n JOIN people p"
            " ON p.person_id = n.person_id ORDER BY p.from_count + p.to_count DESC, n.count DESC")
        return [(int(r[0]), str(r[1])) for r in rows]

    def addresses(self) -> list[tuple[int, str]]:
        """(person_id, address) for every known address."""
        return [(int(r[0]), str(r[1])) for r in self.store.query(
            "SELECT person_id, address FROM person_addresses")]

    def by_address(self, address: str) -> int | None:
        rows = self.store.query("SELECT person_id FROM person_addresses WHERE address=?",
                                (address.strip().lower(),))
        return int(rows[0][0]) if rows else None

    def user_ids(self) -> list[int]:
        return [int(r[0]) for r in self.store.query("SELECT person_id FROM people WHERE is_user")]

    def get(self, person_id: int) -> PersonRecord | None:
        """A person with all their names, addresses, numbers and details."""
        rows = self.store.query("SELECT * FROM people WHERE person_id=?", (person_id,))
        if not rows:
            return None
        r = rows[0]
        names = [str(x[0]) for x in self.store.query(
            "SELECT name FROM person_names WHERE person_id=? ORDER BY count DESC", (person_id,))]
        emails = [Fact(x["address"], x["count"], x["doc_id"] or "") for x in self.store.query(
            "SELECT address, count, doc_id FROM person_addresses WHERE person_id=?"
            " ORDER BY sent DESC, count DESC, address", (person_id,))]
        phones = [Fact(x["raw"], x["count"], x["doc_id"] or "", x["date_key"], x["kind"] or "",
                       x["e164"] or "") for x in self.store.query(
            "SELECT * FROM person_phones WHERE person_id=? ORDER BY count DESC,"
            " date_key DESC", (person_id,))]
        details: dict[str, list[Fact]] = defaultdict(list)
        for x in self.store.query("SELECT * FROM person_details WHERE person_id=? ORDER BY"
                                  " date_key DESC, count DESC", (person_id,)):
            details[x["field"]].append(Fact(x["value"], x["count"], x["doc_id"] or "",
                                            x["date_key"]))
        return PersonRecord(
            person_id=person_id, name=r["name"], is_user=bool(r["is_user"]), names=names,
            emails=emails, phones=phones, titles=details["title"],
            organisations=details["organisation"], postal=details["postal"],
            from_count=r["from_count"], to_count=r["to_count"], first_date=r["first_date"],
            first_doc=r["first_doc"] or "", last_from_date=r["last_from_date"],
            last_from_doc=r["last_from_doc"] or "", last_to_date=r["last_to_date"],
            last_to_doc=r["last_to_doc"] or "", sources=json.loads(r["sources"] or "[]"))

    def location(self, doc_id: str) -> tuple[str, str, str]:
        """(path, locator, title) of a document, for citing it; empty strings when gone."""
        rows = self.store.query(
            "SELECT l.path, l.locator, d.title FROM locations l JOIN documents d"
            " ON d.doc_id = l.doc_id WHERE l.doc_id=? ORDER BY l.path LIMIT 1", (doc_id,))
        return (rows[0][0], rows[0][1], rows[0][2] or "") if rows else ("", "", "")

    def threads(self, person_id: int, limit: int = 5) -> list[ThreadRow]:
        """The threads with the most messages involving this person, busiest first. Messages
        are one thread by their References, or by their subject without "Re:"/"Fwd:"."""
        rows = self.store.query(
            "SELECT coalesce(json_extract(d.meta, '$.thread'), d.doc_id) AS t, d.title,"
            " d.date_key, d.doc_id FROM (SELECT DISTINCT doc_id FROM person_docs"
            " WHERE person_id=?) pd JOIN documents d ON d.doc_id = pd.doc_id"
            " WHERE d.kind='email' ORDER BY d.date_key", (person_id,))
        groups: dict[str, list[Any]] = {}
        alias: dict[str, str] = {}
        for r in rows:
            subject = _bare_subject(r["title"] or "")
            key = alias.get(r["t"]) or (alias.get("s:" + subject) if subject else None) or r["t"]
            alias[r["t"]] = key
            if subject:
                alias.setdefault("s:" + subject, key)
            groups.setdefault(key, []).append(r)
        ranked = sorted(groups.values(), key=lambda g: (len(g), g[-1]["date_key"] or ""),
                        reverse=True)
        return [ThreadRow(_bare_subject(g[0]["title"] or "", keep_case=True) or "(no subject)",
                          len(g), g[-1]["date_key"], g[-1]["doc_id"]) for g in ranked[:limit]]

    def correspondents_about(self, words: Sequence[str], limit: int = 8,
                             ) -> list[tuple[int, int, str]]:
        """People in the mail that mentions all of ``words`` (title or text), most such
        messages first: (person_id, messages, latest doc_id). The user is left out."""
        terms = [w.replace('"', "") for w in words if w.strip()]
        if not terms:
            return []
        match = " ".join(f'"{t}"' for t in terms)
        rows = self.store.query(
            "SELECT pd.person_id, count(DISTINCT pd.doc_id) AS n, max(d.date_key || ' ' ||"
            " d.doc_id) AS last FROM person_docs pd JOIN documents d ON d.doc_id = pd.doc_id"
            " JOIN people p ON p.person_id = pd.person_id"
            " WHERE pd.role IN ('from', 'to', 'cc') AND NOT p.is_user AND pd.doc_id IN"
            " (SELECT c.doc_id FROM chunks_fts f JOIN chunks c ON c.chunk_id = f.chunk_id"
            "  WHERE chunks_fts MATCH ?)"
            " GROUP BY pd.person_id ORDER BY n DESC, last DESC LIMIT ?", (match, limit))
        return [(int(r[0]), int(r[1]), str(r[2]).split(" ", 1)[-1]) for r in rows]

    def top_correspondents(self, since: str | None = None, limit: int = 5,
                           ) -> list[tuple[int, int]]:
        """People who sent the most mail (since an ISO date key when given), the user left out."""
        rows = self.store.query(
            "SELECT pd.person_id, count(DISTINCT pd.doc_id) AS n FROM person_docs pd"
            " JOIN documents d ON d.doc_id = pd.doc_id JOIN people p ON p.person_id ="
            " pd.person_id WHERE pd.role='from' AND NOT p.is_user AND (? IS NULL OR"
            " d.date_key >= ?) GROUP BY pd.person_id ORDER BY n DESC LIMIT ?",
            (since, since, limit))
        return [(int(r[0]), int(r[1])) for r in rows]

    def described_as(self, words: Sequence[str], limit: int = 8) -> list[int]:
        """People whose job title or organisation holds all of ``words`` ("plumber")."""
        terms = [w.lower() for w in words if len(w) > 2]
        if not terms:
            return []
        cond = " AND ".join(["lower(value) LIKE ?"] * len(terms))
        rows = self.store.query(
            f"SELECT d.person_id FROM person_details d JOIN people p ON p.person_id ="
            f" d.person_id WHERE d.field IN ('title', 'organisation') AND NOT p.is_user AND"
            f" {cond} GROUP BY d.person_id ORDER BY max(p.from_count + p.to_count) DESC LIMIT ?",
            [*(f"%{t}%" for t in terms), limit])
        return [int(r[0]) for r in rows]

    def at_organisation(self, words: Sequence[str], limit: int = 8) -> list[int]:
        """People whose organisation or address domain holds all of ``words``."""
        terms = [w.lower() for w in words if len(w) > 1]
        if not terms:
            return []
        cond = " AND ".join(["lower(x) LIKE ?"] * len(terms))
        params = [f"%{t}%" for t in terms]
        rows = self.store.query(
            f"SELECT person_id, max(n) AS n FROM (SELECT d.person_id, d.value AS x, d.count AS n"
            f" FROM person_details d WHERE d.field='organisation' UNION ALL SELECT a.person_id,"
            f" substr(a.address, instr(a.address, '@') + 1) AS x, a.count AS n"
            f" FROM person_addresses a) WHERE {cond} GROUP BY person_id ORDER BY n DESC LIMIT ?",
            [*params, limit])
        return [int(r[0]) for r in rows]


def _bare_subject(subject: str, keep_case: bool = False) -> str:
    """A subject without "Re:", "Fwd:", "AW:" prefixes (lower case unless ``keep_case``)."""
    bare = re.sub(r"^(?:\s*(?:re|fw|fwd|aw|wg|tr|sv|vs)\s*(?:\[\d+\])?\s*:\s*)+", "",
                  subject, flags=re.I).strip()
    return bare if keep_case else bare.lower()


# ----- building -----------------------------------------------------------------------------

@dataclass
class PeopleSummary:
    """What a rebuild did."""

    people: int
    seconds: float
    user_addresses: list[str]


def refresh_people(store: Store, user_addresses: Sequence[str] = (),
                   regions: Sequence[str] = ()) -> PeopleSummary:
    """Rebuild the people directory from the stored documents (one transaction).

    Args:
        store: the store to read and write.
        user_addresses: the user's addresses; when empty they are guessed from the mail
            (``indexing.own_address.guess_own_addresses``).
        regions: the user's countries, for phone numbers written without a country code.
    """
    from indexing.own_address import guess_own_addresses
    from indexing.people import build_people
    from indexing.vcard import cards_from_documents

    t0 = time.perf_counter()
    messages = _messages(store, regions)
    users = [a.lower() for a in user_addresses] or guess_own_addresses(
        [m.meta for m in messages]).addresses
    cards = cards_from_documents(_notes(store))
    people = build_people(messages, cards, users, regions)
    _write(store, people)
    seconds = time.perf_counter() - t0
    store.set_meta(BUILT_KEY, json.dumps({"user_addresses": users, "people": len(people),
                                          "seconds": round(seconds, 2)}))
    log.info("people directory: %d people in %.2f s", len(people), seconds)
    return PeopleSummary(len(people), seconds, users)


def built_with(store: Store) -> dict[str, Any] | None:
    """What the directory was last built from (``{"user_addresses": [...]}``), None if never."""
    raw = store.get_meta(BUILT_KEY)
    return json.loads(raw) if raw else None


def _messages(store: Store, regions: Sequence[str]) -> list[Any]:
    """Every stored message; signatures from ``person_facts``, or read from the chunk text
    (and kept) for messages indexed before the directory existed."""
    from indexing.people import MessageFacts
    from indexing.people_headers import signature_facts

    with store.transaction() as db:
        db.execute("DELETE FROM person_facts WHERE doc_id NOT IN (SELECT doc_id FROM documents)")
    out = []
    for r in store.query(
            "SELECT d.doc_id, d.title, d.date, d.meta, l.path, l.locator, f.signatures"
            " FROM documents d LEFT JOIN person_facts f ON f.doc_id = d.doc_id"
            " LEFT JOIN locations l ON l.doc_id = d.doc_id AND l.path = (SELECT min(path) FROM"
            " locations WHERE doc_id = d.doc_id) WHERE d.kind='email' ORDER BY d.date_key"):
        out.append(MessageFacts(
            doc_id=r["doc_id"], path=r["path"] or "", locator=r["locator"] or "",
            date=from_iso(r["date"]), subject=r["title"] or "", meta=json.loads(r["meta"] or "{}"),
            signatures=json.loads(r["signatures"]) if r["signatures"] is not None else None))
    missing = {m.doc_id: m for m in out if m.signatures is None}
    if missing:
        bodies: dict[str, list[str]] = defaultdict(list)
        for r in store.query("SELECT c.doc_id, c.text FROM chunks c JOIN documents d ON"
                             " d.doc_id = c.doc_id LEFT JOIN person_facts f ON f.doc_id ="
                             " c.doc_id WHERE d.kind='email' AND f.doc_id IS NULL"
                             " ORDER BY c.doc_id, c.ord"):
            bodies[r[0]].append(r[1])
        for doc_id, m in missing.items():
            m.signatures = signature_facts("\n\n".join(bodies.get(doc_id, [])), m.meta, regions)
        store.people.save_signatures((d, m.signatures or []) for d, m in missing.items())
    return out


def _notes(store: Store) -> Iterable[tuple[str, str, str, dict[str, Any], str]]:
    """(doc_id, path, title, meta, text) of every note."""
    bodies: dict[str, list[str]] = defaultdict(list)
    for r in store.query("SELECT c.doc_id, c.text FROM chunks c JOIN documents d ON"
                         " d.doc_id = c.doc_id WHERE d.kind='note' ORDER BY c.doc_id, c.ord"):
        bodies[r[0]].append(r[1])
    for r in store.query(
            "SELECT d.doc_id, d.title, d.meta, (SELECT min(path) FROM locations WHERE"
            " doc_id = d.doc_id) AS path FROM documents d WHERE d.kind='note'"):
        yield (r["doc_id"], r["path"] or "", r["title"] or "", json.loads(r["meta"] or "{}"),
               "\n\n".join(bodies.get(r["doc_id"], [])))


def _write(store: Store, people: list[Person]) -> None:
    with store.transaction() as db:
        for table in PEOPLE_TABLES:
            db.execute(f"DELETE FROM {table}")
        taken: set[str] = set()
        for pid, p in enumerate(people, start=1):
            db.execute(
                "INSERT INTO people(person_id, name, is_user, from_count, to_count, first_date,"
                " first_doc, last_from_date, last_from_key, last_from_doc, last_to_date,"
                " last_to_key, last_to_doc, sources) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (pid, p.name, int(p.is_user), p.from_count, p.to_count, to_iso(p.first[0]),
                 p.first[1], to_iso(p.last_from[0]), sort_key(p.last_from[0]), p.last_from[1],
                 to_iso(p.last_to[0]), sort_key(p.last_to[0]), p.last_to[1],
                 json.dumps(sorted(p.sources))))
            db.executemany("INSERT INTO person_names(person_id, name, count) VALUES(?,?,?)",
                           [(pid, n, c) for n, c in p.names.most_common()])
            for addr, ev in p.emails.items():
                if addr in taken:
                    continue
                taken.add(addr)
                db.execute("INSERT INTO person_addresses(address, person_id, count, sent, doc_id)"
                           " VALUES(?,?,?,?,?)", (addr, pid, ev.count, ev.sent, ev.doc_id))
            db.executemany(
                "INSERT INTO person_phones(person_id, raw, e164, kind, count, doc_id, date_key)"
                " VALUES(?,?,?,?,?,?,?)",
                [(pid, ev.value, ev.e164, ev.kind, ev.count, ev.doc_id, sort_key(ev.date))
                 for ev in p.phones.values()])
            for fld, bucket in (("title", p.titles), ("organisation", p.organisations),
                                ("postal", p.postal)):
                db.executemany(
                    "INSERT INTO person_details(person_id, field, value, count, doc_id, date_key)"
                    " VALUES(?,?,?,?,?,?)",
                    [(pid, fld, ev.value, ev.count, ev.doc_id, sort_key(ev.date))
                     for ev in bucket.values()])
            db.executemany("INSERT OR IGNORE INTO person_docs(person_id, doc_id, role)"
                           " VALUES(?,?,?)",
                           [(pid, d, role) for d, roles in p.docs.items() for role in roles])
