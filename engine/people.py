"""People questions answered from the people directory, by code.

"What's Vince's email address?", "Shirley's phone number?", "Who is Keisha?", "When did I last
hear from Tom?", "When did I last write to Ana?", "Who have I been emailing about the launch?".
Whether a question is about people is decided elsewhere (the intent classifier);
``read_people_question`` only pulls out what is asked (``field``) and of whom (``name``, a
``topic`` or an organisation), by pattern. ``PeopleAnswer.answer`` finds the person in
``store.people`` (``indexing.people_store``; no SQL here) and writes the answer lines, the
``kind: "person"`` items and the sources to cite.

Names match fuzzily (``rapidfuzz``): a first name alone, a surname alone, a nickname ("Bob"
for Robert), a typo ("Kaminsky"). When several people match about equally well the answer says
so and lists them, each with the detail asked for, instead of picking one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from engine.people_match import NameIndex, match_people
from engine.retrieval import Source
from indexing.people_store import PeopleQueries, PersonRecord
from indexing.timeutil import from_iso, localize, sort_key

Field = str  # email, phone, postal, who, title, organisation, contact, last_from, last_to,
# about, top, reverse, at_org

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_LEAD = re.compile(
    r"^\s*(?:(?:hey|hi|ok|so|lodger)[,\s]+)*(?:please\s+)?(?:can|could|would)?\s*(?:you\s+)?"
    r"(?:please\s+)?(?:tell\s+me|give\s+me|show\s+me|find|get|look\s+up|do\s+you\s+have|"
    r"i\s+need|what(?:'s|\s+is|\s+are|\s+was)|whats|who(?:'s|\s+is|\s+was)|where(?:'s|\s+is))?"
    r"\s*", re.I)
_WANTS = [  # (field, pattern) in order: the first that matches decides what is asked
    ("reverse", re.compile(r"\bwhose\b|" + _EMAIL.pattern, re.I)),
    ("top", re.compile(r"\bwho(?:'s|\s+has|\s+have|\s+do\s+i|\s+did\s+i)?\s+(?:been\s+)?"
                       r"(?:e-?mail(?:ed|ing)?|writ(?:ten|ing)|sent|mailed|messag\w*)"
                       r"(?:\s+(?:me|to\s+me|with))?\s+(?:the\s+)?most\b", re.I)),
    ("about", re.compile(r"\bwho\b.*?\b(?:e-?mail\w*|talk\w*|writ\w*|wrote|correspond\w*|"
                         r"messag\w*|discuss\w*|speak\w*|spok\w*|chat\w*|work\w*\s+with)\b.*?"
                         r"\b(?:about|regarding|re|on|concerning)\s+(?P<topic>.+)$", re.I)),
    ("at_org", re.compile(r"\b(?:my|our|the)?\s*(?:contact|person|rep(?:resentative)?|"
                          r"account\s+manager|someone|anyone|people)\s+(?:at|from|in)\s+"
                          r"(?P<org>[A-Z0-9][\w&.' -]+?)\s*[?.!]*$", re.I)),
    ("last_from", re.compile(r"\b(?:last|latest|most\s+recent)\b.*\b(?:hear[d]?|heard)\s+from\b|"
                             r"\b(?:hear[d]?|heard)\s+from\b.*\blast\b|\blast\s+(?:e-?mail|"
                             r"message|mail|note|word)\s+from\b|\bwhen\s+did\s+(?P<who>.+?)\s+"
                             r"last\s+(?:e-?mail|write|wrote|contact|message|mail)\w*\s+me\b",
                             re.I)),
    ("last_to", re.compile(r"\b(?:last|latest|ever)\b.*\b(?:e-?mail(?:ed)?|wr(?:i|o)te(?:\s+to)?|"
                           r"written\s+to|mail(?:ed)?|messag(?:e|ed)|contact(?:ed)?|repl(?:y|ied)"
                           r"(?:\s+to)?|sent\s+(?:an?\s+)?(?:e-?mail|message|mail)\s+to)\b|"
                           r"\blast\s+time\s+i\s+(?:wrote|e-?mailed|mailed|contacted)\b", re.I)),
    ("title", re.compile(r"\bwhat\s+does\s+(?P<who>.+?)\s+do\b|\b(?:job|title|role|position)\b",
                         re.I)),
    ("organisation", re.compile(r"\b(?:where|who)\s+does\s+(?P<who>.+?)\s+work\b|\bwhat\s+"
                                r"(?:company|firm|organi[sz]ation)\s+(?:is|does)\s+(?P<who2>.+?)"
                                r"\s+(?:with|at|in|work\w*)\b|\b(?:company|employer|"
                                r"organi[sz]ation|firm)\b", re.I)),
    ("postal", re.compile(r"\b(?:postal|home|street|mailing|physical|office|work)\s+address\b|"
                          r"\bwhere\s+does\s+.+?\s+live\b|\baddress\b(?!.*\be-?mail\b)(?<!e-mail "
                          r"address)(?<!email address)", re.I)),
    ("email", re.compile(r"\be-?mail\b|\bmail\s+address\b", re.I)),
    ("phone", re.compile(r"\b(?:phone|number|mobile|cell|tel|telephone|fax|landline|call|ring|"
                         r"text)\b", re.I)),
    ("contact", re.compile(r"\b(?:contact|reach|get\s+(?:hold|in\s+touch))\b", re.I)),
    ("who", re.compile(r"\bwho\b|\bhow\s+do\s+i\s+know\b|\btell\s+me\s+about\b", re.I)),
]
_FIELD_WORDS = re.compile(
    r"\b(?:(?:work|home|office|personal|private|postal|street|mailing|business|direct|cell|"
    r"mobile)\s+)?(?:e-?mail(?:\s+address)?|mail\s+address|phone(?:\s+number)?|mobile(?:\s+"
    r"number)?|cell(?:\s+number)?|number|telephone(?:\s+number)?|fax(?:\s+number)?|address|"
    r"contact\s+(?:details|info(?:rmation)?)|details|job\s+title|title|role|position|company|"
    r"employer|organi[sz]ation)\b", re.I)
_NAME_AFTER = re.compile(
    r"\b(?:of|for|from|to|with|about|is|reach|contact|call|email|e-mail|mail|emailed|e-mailed|"
    r"mailed|messaged|contacted|know|knows|called)\s+(?P<name>.+)$", re.I)
_TAIL = re.compile(
    r"(?:\s*[?.!,]+\s*$)|\s+(?:these\s+days|nowadays|now|again|lately|recently|please|"
    r"and\s+how\s+do\s+i\s+know\s+(?:him|her|them)|how\s+do\s+i\s+know\s+(?:him|her|them)|"
    r"for\s+work|at\s+work|last|the\s+last\s+time|ever|at\s+all|exactly)\s*[?.!]*$", re.I)
_PRONOUN = re.compile(r"^(?:he|she|him|her|his|hers|they|them|their|theirs)$", re.I)
_ME = re.compile(r"^(?:me|my|mine|myself|i)$", re.I)


@dataclass(frozen=True)
class PeopleAsk:
    """What a people question asks: ``field`` (see ``Field``) about ``name``; ``hint`` is a
    description that came with the name ("the plumber"); ``topic`` and ``org`` are set for
    "who have I been emailing about X" and "my contact at X"."""

    field: Field
    name: str = ""
    hint: str = ""
    topic: str = ""
    org: str = ""


def read_people_question(text: str) -> PeopleAsk:
    """Pull the asked field and the person's name out of a people question.

    The question is assumed to be about people (a classifier decided that); patterns only
    extract. "What's Vince's email address?" -> (email, "Vince"); "What is the phone number of
    Shirley Crenshaw?" -> (phone, "Shirley Crenshaw"); "How do I reach Tony the plumber?" ->
    (contact, "Tony", hint "plumber"); "Who have I been emailing about the launch?" ->
    (about, topic "the launch"); "Whose address is sk.ong@x.com?" -> (reverse, "sk.ong@x.com").
    """
    q = " ".join(text.strip().split())
    q = re.sub(r",?\s+and\s+how\s+do\s+i\s+know\s+(?:him|her|them)\b", "", q, flags=re.I)
    asked: Field = "who"
    match: re.Match[str] | None = None
    for name, pattern in _WANTS:
        match = pattern.search(q)
        if match:
            asked = name
            break
    if asked == "reverse":
        found = _EMAIL.search(q)
        return PeopleAsk("reverse" if found else "who", found.group(0).lower() if found else "")
    if asked == "top":
        return PeopleAsk("top")
    if asked == "about" and match is not None:
        return PeopleAsk("about", topic=_TAIL.sub("", match["topic"]).strip())
    if asked == "at_org" and match is not None:
        return PeopleAsk("at_org", org=match["org"].strip())
    groups = match.groupdict() if match is not None else {}
    who = groups.get("who") or groups.get("who2")
    if who:
        return _with_name(asked, who)
    found = _with_name(asked, _name_part(q, asked))
    if not found.name and re.search(r"\b(?:my|me|i)\b", q, re.I) and not re.search(
            r"\b(?:his|her|their|them|him)\b", q, re.I):
        return PeopleAsk(asked, "me")
    return found


def _with_name(asked: Field, raw: str) -> PeopleAsk:
    name = raw.strip(" '\"?.!,")
    for _ in range(3):
        name = _TAIL.sub("", name).strip(" '\"?.!,")
    hint = ""
    m = re.match(r"^(?P<name>.+?),?\s+(?:the|my|our)\s+(?P<hint>[\w -]+)$", name, re.I)
    if m and len(m["name"].split()) <= 3:
        name, hint = m["name"], m["hint"]
    name = re.sub(r"^(?:the|my|our)\s+", "", name, flags=re.I)
    return PeopleAsk(asked, name.strip(), hint.strip())


def _name_part(q: str, asked: Field) -> str:
    """The words that name the person: before "'s" (possessive) or after of/for/from/to..."""
    body = _LEAD.sub("", q, count=1)
    poss = re.search(r"(?P<name>[^\W\d_][\w .'’-]*?)['’]s?\s+(?P<rest>.*)$", body)
    if poss and (_FIELD_WORDS.search(poss["rest"]) or asked in ("who", "contact")):
        name = re.sub(r"^.*\b(?:is|are|me|give|get|find|what|whats|have|has|does|do)\s+", "",
                      poss["name"], flags=re.I)
        return re.sub(r"^(?:the|my|our)\s+", "", name, flags=re.I)
    rest = _FIELD_WORDS.sub(" ", body)
    after = None
    for m in _NAME_AFTER.finditer(rest):
        after = m
        break
    if after is not None:
        name = after["name"]
        inner = _NAME_AFTER.search(name)
        while inner and inner.start() == 0:
            name, inner = inner["name"], _NAME_AFTER.search(inner["name"])
        return name
    words = re.sub(r"\b(?:when|did|i|last|what|the|a|an|is|was|do|does|how|who|whom|"
                   r"can|you|me|my|give|get|find)\b", " ", rest, flags=re.I)
    return words


# ----- answering ------------------------------------------------------------------------------

@dataclass
class PeopleResult:
    """An answer: its lines of text, the ``kind: "person"`` items, the sources to cite, and
    ``found``: False when the person or the asked detail is not in the user's data."""

    lines: list[str] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    found: bool = True

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class PeopleAnswer:
    """The people strategy: answers ``PeopleAsk``s from the people directory."""

    def __init__(self, people: PeopleQueries, zone: tzinfo) -> None:
        self.people = people
        self.zone = zone
        self._index: NameIndex | None = None

    def _names(self) -> NameIndex:
        """The parsed name forms, rebuilt when the directory changed size."""
        if self._index is None or self._index.size != self.people.count():
            self._index = NameIndex(self.people)
        return self._index

    def answer(self, text: str, since: datetime | None = None,
               previous_person: str | None = None) -> PeopleResult:
        """Answer a people question.

        Args:
            text: the question as asked.
            since: the start of the period the question names, for "who emailed me the most
                this month?" (None: all time).
            previous_person: whom the conversation's previous question was about, for "what's
                her number?".
        """
        ask = read_people_question(text)
        if _PRONOUN.match(ask.name) and previous_person:
            ask = PeopleAsk(ask.field, previous_person, ask.hint, ask.topic, ask.org)
        return self.answer_ask(ask, since)

    def answer_ask(self, ask: PeopleAsk, since: datetime | None = None) -> PeopleResult:
        """Answer an already read question (see ``read_people_question``)."""
        if ask.field == "top":
            return self._top(since)
        if ask.field == "about":
            return self._about(ask.topic)
        if ask.field == "at_org":
            return self._at_org(ask.org)
        if ask.field == "reverse":
            pid = self.people.by_address(ask.name)
            if pid is None:
                return PeopleResult([f"I don't know whose address {ask.name} is: it is not in "
                                     "your mail or contacts."], found=False)
            rec = self.people.get(pid)
            assert rec is not None
            return self._about_person(rec, "who", lead=f"{ask.name} is {rec.name}'s address.")
        if not ask.name or _ME.match(ask.name):
            ids = self.people.user_ids()
            if not ids:
                return PeopleResult(["I don't know your own address yet: set it in Settings."],
                                    found=False)
            rec = self.people.get(ids[0])
            assert rec is not None
            return self._about_person(rec, ask.field)
        matches = match_people(self.people, ask.name, ask.hint, self._names())
        if not matches and len(ask.name.split()) <= 2:
            matches = self.people.described_as(ask.name.lower().split())[:6]  # "the plumber"
        if not matches:
            return PeopleResult([f"I couldn't find anyone called {ask.name} in your mail, notes "
                                 "or contacts."], found=False)
        if len(matches) > 1:
            return self._several(ask, matches)
        rec = self.people.get(matches[0])
        assert rec is not None
        return self._about_person(rec, ask.field)

    # ----- one person -------------------------------------------------------------------------

    def _about_person(self, rec: PersonRecord, asked: Field, lead: str = "") -> PeopleResult:
        from engine.people_text import describe

        res = PeopleResult()
        lines, cite, found = describe(rec, asked, self._when, self._threads(rec),
                                      lambda d: self.people.location(d)[2])
        res.lines = ([lead] if lead else []) + lines
        res.found = found
        res.items.append(self._item(rec, cite))
        for doc_id in dict.fromkeys(d for d in cite if d):
            src = self._source(doc_id)
            if src is not None:
                res.sources.append(src)
        return res

    def _several(self, ask: PeopleAsk, ids: list[int]) -> PeopleResult:
        from engine.people_text import short_line

        res = PeopleResult()
        recs = [r for r in (self.people.get(i) for i in ids) if r is not None]
        res.lines.append(f"{len(recs)} people in your mail match “{ask.name}”; which one do "
                         "you mean?")
        for rec in recs:
            line, doc_id = short_line(rec, ask.field, self._when)
            res.lines.append(f"- {line}")
            res.items.append(self._item(rec, [doc_id]))
            src = self._source(doc_id) if doc_id else None
            if src is not None:
                res.sources.append(src)
        return res

    # ----- lists of people ------------------------------------------------------------------

    def _about(self, topic: str) -> PeopleResult:
        from engine.question import _STOP

        words = [w for w in re.findall(r"[\w'-]+", topic.lower()) if w not in _STOP]
        rows = self.people.correspondents_about(words) if words else []
        if not rows:
            return PeopleResult([f"I found no mail about “{topic}” with anyone."], found=False)
        res = PeopleResult([f"People in your mail about “{' '.join(words)}”:"])
        for pid, n, doc_id in rows:
            rec = self.people.get(pid)
            if rec is None:
                continue
            address = f" <{rec.emails[0].value}>" if rec.emails else ""
            res.lines.append(f"- {rec.name}{address}: {n} message{'s' * (n != 1)}")
            res.items.append(self._item(rec, [doc_id]))
            src = self._source(doc_id)
            if src is not None:
                res.sources.append(src)
        return res

    def _top(self, since: datetime | None) -> PeopleResult:
        rows = self.people.top_correspondents(sort_key(since) if since else None)
        if not rows:
            return PeopleResult(["No one has written to you in that time, as far as your mail "
                                 "shows."], found=False)
        since_text = f" since {self._when(since)}" if since else ""
        res = PeopleResult([f"Who wrote to you the most{since_text}:"])
        for pid, n in rows:
            rec = self.people.get(pid)
            if rec is not None:
                res.lines.append(f"- {rec.name}: {n} message{'s' * (n != 1)}")
                res.items.append(self._item(rec, [rec.last_from_doc]))
        return res

    def _at_org(self, org: str) -> PeopleResult:
        from engine.question import _STOP

        words = [w for w in re.findall(r"[\w'&-]+", org.lower()) if w not in _STOP]
        ids = self.people.at_organisation(words)
        if not ids:
            return PeopleResult([f"I found no one at {org} in your mail or contacts."],
                                found=False)
        res = PeopleResult([f"People at {org}:"])
        for pid in ids:
            rec = self.people.get(pid)
            if rec is None or rec.is_user:
                continue
            from engine.people_text import short_line

            line, doc_id = short_line(rec, "contact", self._when)
            res.lines.append(f"- {line}")
            res.items.append(self._item(rec, [doc_id]))
        return res

    # ----- helpers ------------------------------------------------------------------------------

    def _threads(self, rec: PersonRecord) -> list[tuple[str, int]]:
        return [(t.subject, t.count) for t in self.people.threads(rec.person_id, 3)]

    def _when(self, value: str | datetime | date | None) -> str:
        from engine.render import day

        when = from_iso(value) if isinstance(value, str) else value
        if when is None:
            return ""
        if isinstance(when, datetime):
            if when.tzinfo is None:  # a stored sort key: UTC
                when = when.replace(tzinfo=UTC)
            when = localize(when, self.zone).date()
        return day(when)

    def _source(self, doc_id: str) -> Source | None:
        path, locator, title = self.people.location(doc_id)
        if not path:
            return None
        kind = "email" if doc_id.startswith("email:") else "note"
        return Source(path=path, kind=kind, title=title, locator=locator, snippet=title,
                      score=1.0, doc_id=doc_id)

    def _item(self, rec: PersonRecord, cite: list[str]) -> dict[str, Any]:
        doc_id = next((d for d in cite if d), "") or rec.last_from_doc or rec.first_doc
        path, locator, _ = self.people.location(doc_id) if doc_id else ("", "", "")
        return {
            "kind": "person", "title": rec.name, "name": rec.name,
            "emails": [e.value for e in rec.emails], "phones": [p.value for p in rec.phones],
            "start": None, "end": None, "due": None, "done": False,
            "source": {"path": path, "locator": locator},
        }
