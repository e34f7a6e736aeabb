"""Finding the promises a writer made in a message ("I'll send you the draft by Thursday").

A promise becomes a task the user owes someone: who it was promised to, what, and by when (the
date is resolved against the message's own date). The rules aim for precision over recall, since
a false task in the user's list costs more than a missed one:

- the clause must have the writer as subject with a future or commitment form: "I'll", "I will",
  "we'll", "I'm going to", "I promise to", "let me ..." (not "let me know"), or "I can" when a date
  is given ("I can have the slides ready by Friday");
- its verb must be one of the things people promise to do (send, call, check, get back, follow
  up...), some only with the right next word ("take care", "look into", "set up") or only with a
  date ("do", "work on", "meet");
- questions, negations ("I won't", "I'll never"), hedges ("maybe I'll", "I'll probably"),
  conditions placed before the promise ("If you send X, I'll ...") and others' reported words are
  left out;
- quoted and forwarded text is cut off ("-----Original Message-----", "... wrote:", "Forwarded by")
  and "> " lines are skipped, in case the caller did not remove them.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from indexing.dates import find_date_phrases
from indexing.model import Item

MAX_TITLE = 120
MAX_SENTENCE = 600

_CUT = re.compile(
    r"^\s*(?:-{2,}\s*Original Message|-{3,}.*Forwarded by|_{5,}\s*$|-{2,}\s*Forwarded message"
    r"|On\s.{0,200}\swrote:\s*$|From:\s.*\n\s*(?:Sent|Date|To):)|^-- ?$",
    re.IGNORECASE | re.MULTILINE,
)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREV = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|etc|e\.g|i\.e|a\.m|p\.m|approx|Inc|Co)\.$", re.IGNORECASE
)

_APOS = "['’]"
_MODAL = re.compile(
    rf"\b(?:(?P<subj>I|we)(?:{_APOS}ll|\s+will|\s+shall|{_APOS}m\s+going\s+to|\s+am\s+going\s+to|"
    rf"{_APOS}re\s+going\s+to|\s+are\s+going\s+to|{_APOS}m\s+gonna|\s+am\s+gonna|"
    r"\s+promise\s+to|\s+plan\s+to|\s+intend\s+to|\s+commit\s+to|(?P<can>\s+can))"
    r"|(?P<letme>let\s+me))\b",
    re.IGNORECASE,
)
_ADVERBS = re.compile(
    r"(?:\s+(?:also|then|definitely|certainly|personally|just|gladly|happily|quickly|first|now|"
    r"still|surely|immediately|promptly|either|try\s+(?:to|and)|be\s+sure\s+to|be\s+able\s+to|"
    r"make\s+sure\s+to|need\s+to|have\s+to|want\s+to|be\s+happy\s+to|be\s+glad\s+to))*"
    r"\s+(?P<verb>[a-z][a-z-]*)\b",
    re.IGNORECASE,
)
_ANY = ""  # the verb alone is enough
_DATE_ONLY = None  # the verb counts only when the sentence has a date
_OBJ = r"(?:you|him|her|them|it|this|that|these|those|the|a|an|my|our|your|some|all|everything)\b"
_VERBS: dict[str, str | None] = {
    **dict.fromkeys(
        "send resend forward email e-mail mail fax courier call phone contact reply respond write "
        "draft prepare finish complete deliver provide submit give schedule reschedule "
        "arrange organize organise book review check double-check confirm update circulate "
        "distribute share post upload ping handle fix file sign print pay transfer ask "
        "investigate research compile revise edit incorporate add include coordinate process "
        "approve verify attach notify inform remind chase".split(),
        _ANY,
    ),
    "get": r"(?:back(?!\s+(?:to|into|in)\s+(?:business|work|normal|basics|the\s+market))"
    r"|in\s+touch|" + _OBJ.removeprefix("(?:"),
    "let": r"(?:you|him|her|them|us|\w+(?:\s+\w+)?)\s+know\b",
    "look": r"(?:into|at|over|through)\b",
    "follow": r"up\b",
    "set": r"up\b",
    "put": r"together\b",
    "pull": r"together\b",
    "take": r"(?:care|a\s+look|a\s+stab|a\s+crack|charge)\b",
    "make": r"(?:sure|the\s+changes?|the\s+edits?|a\s+reservation|copies|arrangements)\b",
    "sort": r"(?:out|it|this|that)\b",
    "pick": r"up\b",
    "drop": r"(?:off|by)\b",
    "stop": r"by\b",
    "come": r"by\b",
    "return": r"(?:your|the|it|this|that|my|them|those|these)\b",
    "find": r"out\b",
    "touch": r"base\b",
    "go": r"(?:over|through)\b",
    "reach": r"out\b",
    "circle": r"back\b",
    "loop": r"(?:back|in)\b",
    "see": r"(?:what|if|whether)\b",
    "ring": r"(?:you|him|her|them|back)\b",
    "run": r"(?:it|this|that|the)\b",
    "do": _DATE_ONLY,
    "work": _DATE_ONLY,
    "keep": _DATE_ONLY,
    "meet": _DATE_ONLY,
    "talk": r"(?:to|with)\b",
    "speak": r"(?:to|with)\b",
    "bring": _ANY,  # "I'll bring the pavlova", "I'll bring printed copies"
}
_HAVE_READY = re.compile(
    r"\b(?:ready|done|finished|completed?|drafted|sent|to\s+you|over\s+to\s+you|back\s+to\s+you|"
    r"for\s+you|on\s+your\s+desk|in\s+your\s+inbox)\b",
    re.IGNORECASE,
)
_DANGLING = {"at", "on", "by", "before", "until", "for", "around", "of", "the", "and", "or"}
_DITRANSITIVE = {
    "send", "email", "e-mail", "forward", "give", "bring", "get", "mail", "fax", "resend",
}
_LET_ME_NOT = re.compile(r"\s+(?:know|add|say|tell|explain|introduce|thank)\b", re.IGNORECASE)
_QUESTION_START = re.compile(
    r"^\W*(?:will|can|could|would|shall|should|do|did|may|might)\s+(?:you|we|i|they|he|she)\b",
    re.IGNORECASE,
)
_BEFORE_BLOCKERS = re.compile(
    r"\b(?:if|unless|whether|in\s+case|maybe|perhaps|possibly|might|may|hope|hopefully|wish|"
    r"(?:he|she|they|who|\w+)\s+(?:said|says|told|mentioned|thinks|believes|hopes|expects)|"
    r"asked\s+(?:me|us)|wants?\s+(?:me|us))\b",
    re.IGNORECASE,
)
_CONDITION_AFTER = re.compile(
    r"(?<!\bout)(?<!\bsee)(?<!\bcheck)(?<!\bask)(?<!\bknow)(?<!\bconfirm)(?<!\bwonder)"
    r"\s(?:if|unless|in\s+case|provided\s+that|assuming)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(
    r"\s*(?:[;:!?(]|\s[-–—]\s|,\s*(?=(?:but|so|as|because|since|if|unless|when|once|which|though|"
    r"although|please|thanks|and|i|we|you|he|she|they)\b)|"
    r"\s(?=(?:because|since|so\s+that|if|unless|once|as\s+soon\s+as|in\s+case|but|so\s+i|so\s+we|"
    r"and\s+(?:will|shall|would|can|need|have|may|might|hope|expect)|when\s+i)\b))",
    re.IGNORECASE,
)


def extract_promises(text: str, anchor: datetime, recipients: list[str]) -> list[Item]:
    """Find commitments the writer made in ``text`` (unquoted message text).

    Args:
        text: the writer's own words (quoted replies removed by the caller).
        anchor: when the text was written; relative dates resolve against it.
        recipients: whom the message went to; joined into each item's ``person``.

    Returns:
        Task items with ``origin="promise"``: a short imperative title ("Send the budget
        draft"), the resolved due date or None, the recipients and the sentence as description.
    """
    items: list[Item] = []
    seen: set[str] = set()
    person = ", ".join(r for r in recipients if r)
    for sentence in _sentences(text):
        item = _promise(sentence, anchor, recipients, person)
        if item and item.title.lower() not in seen:
            seen.add(item.title.lower())
            items.append(item)
    return items


def _sentences(text: str) -> list[str]:
    """Sentences of the writer's own text: forwarded parts cut, lists and paragraphs split."""
    cut = _CUT.search(text)
    if cut:
        text = text[: cut.start()]
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        blocks: list[list[str]] = [[]]
        for line in para.split("\n"):
            if line.lstrip().startswith(">"):
                continue
            if _BULLET.match(line) and blocks[-1]:
                blocks.append([])
            blocks[-1].append(_BULLET.sub("", line).strip())
        for block in blocks:
            joined = " ".join(w for w in " ".join(block).split())
            pieces = _SENT_END.split(joined)
            merged: list[str] = []
            for piece in pieces:
                if merged and _ABBREV.search(merged[-1]):
                    merged[-1] += " " + piece
                else:
                    merged.append(piece)
            out.extend(p.strip() for p in merged if p.strip())
    return out


def _promise(sentence: str, anchor: datetime, recipients: list[str], person: str) -> Item | None:
    if len(sentence) > MAX_SENTENCE or sentence.rstrip().endswith("?"):
        return None
    if _QUESTION_START.match(sentence):
        return None
    dates = find_date_phrases(sentence, anchor)
    for modal in _MODAL.finditer(sentence):
        if _BEFORE_BLOCKERS.search(sentence[: modal.start()]):
            return None  # a condition, a hedge or someone else's words govern the rest
        after = sentence[modal.end():]
        if modal["letme"] and _LET_ME_NOT.match(after):
            continue
        if _CONDITION_AFTER.search(after):
            return None  # "I'll update you if anything changes" is not a commitment
        m = _ADVERBS.match(after)
        if not m:
            continue
        verb = m["verb"].lower()
        rest = after[m.end():]
        due = _pick_due(dates, modal.start(), sentence)
        if not _verb_ok(verb, rest, due is not None):
            continue
        if modal["can"] and due is None:
            continue  # "I can send it" is an offer; with a date it is a commitment
        verb_start = modal.end() + m.start("verb")
        title = _title(sentence, verb_start, verb, dates, recipients)
        if not title:
            continue
        return Item(
            kind="task",
            title=title,
            due=due,
            person=person,
            origin="promise",
            description=sentence.strip(),
        )
    return None


def _verb_ok(verb: str, rest: str, has_date: bool) -> bool:
    if verb == "have":
        return bool(_HAVE_READY.search(rest))
    if verb not in _VERBS:
        return False
    need = _VERBS[verb]
    if need is None:
        return has_date
    return need == "" or bool(re.match(r"\s+" + need, rest, re.IGNORECASE))


def _pick_due(
    dates: list[tuple[str, date | datetime, int, int]], modal_start: int, sentence: str
) -> date | datetime | None:
    """The date of the promise: the first one after the modal, or one opening the sentence."""
    for _text, value, start, _end in dates:
        if start >= modal_start:
            return value
    for _text, value, start, _end in dates:
        if not sentence[:start].strip(" \"'(-"):
            return value
    return None


def _title(
    sentence: str,
    verb_start: int,
    verb: str,
    dates: list[tuple[str, date | datetime, int, int]],
    recipients: list[str],
) -> str:
    """A short imperative phrase: the clause from the verb on, without its date phrase."""
    clause = sentence[verb_start:]
    for _text, _value, start, end in sorted(dates, key=lambda d: -d[2]):
        if start >= verb_start:
            s, e = start - verb_start, end - verb_start
            clause = clause[:s] + clause[e:]
    end = _CLAUSE_END.search(clause, len(verb))
    if end:
        clause = clause[: end.start()]
    words = clause.split()
    if verb in _DITRANSITIVE and len(words) > 2 and words[1].lower() == "you":
        del words[1]  # "send you the draft" -> "send the draft"
    names = [r for r in recipients if r]
    if len(names) == 1 and "@" not in names[0]:
        words = [_you_to_name(w, names[0]) for w in words]
    while words and words[-1].lower().strip(",.") in _DANGLING:
        words.pop()  # "send another email at" once "4pm" is gone
    title = " ".join(words).strip(" ,.;:-–—")
    if len(title) > MAX_TITLE:
        title = title[:MAX_TITLE].rsplit(" ", 1)[0] + "…"
    return title[:1].upper() + title[1:]


def _you_to_name(word: str, name: str) -> str:
    core = word.strip(".,;:!")
    if core.lower() == "you":
        return word.replace(core, name)
    if core.lower() == "your":
        return word.replace(core, name + "'s")
    return word
