"""Understanding a question: what kind it is, which dates, whom and what it is about.

``understand`` turns "what did Tom say about the contract?" or "am I free Thursday at 3pm?" into
a ``Question`` that the engine answers from the stores. Facts come from code, not the language
model (FIELD-NOTES: a small model cannot be trusted with them). What kind of question it is
(schedule, todo, recall, people, brief, general) is decided by meaning, by ``engine.intent``'s
classifier over labelled examples; patterns here only pull values out of the text: dates
(``engine.daterange``), a time, a person, a ``+project``, and the few flags that refine a to-do
or calendar question (overdue, done, promised, free at a time).

Choices:
  * The intent is the classifier's best label; when it is not sure (top probability under
    ``engine.intent.CONFIDENT``) the runner-up is kept as ``alternative`` and the answerer
    tries it when the first reading finds nothing in the user's data.
  * Past-tense questions ("what did Tom say on Monday?") read bare weekdays, dates and months
    backwards (see ``engine.daterange``).
  * "upcoming" / "coming up" / "soon" with no date phrase gives the next 7 days for schedule and
    todo questions; "overdue" keeps range None. A time with no day ("am I free at 3?") is today.
  * Keywords leave out stopwords, date words, question and cue words (calendar, tasks, email,
    notes, cancelled...). Names stay (lower case) even though ``person`` has them too, so that
    "when is my call with Maria?" can match "Call with Maria"; nouns such as "appointment" stay:
    "when is my dentist appointment?" -> dentist, appointment.
  * A follow-up ("and tomorrow?", "what about Friday?", "and the week after?", "and Tom?") with no
    cue of its own keeps the previous intent, flags, person, project and keywords unless it
    names new ones; "the week after" is the week after the previous range (``shift_range``), and a
    previous time of day moves to the new day ("am I free Thursday at 3?" "and Friday?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from engine.daterange import (
    MAX_CHARS,
    DateRange,
    DateReading,
    make_range,
    normalize_text,
    read_dates,
    shift_range,
    upcoming_range,
)
from engine.intent import QuestionReader, default_reader
from engine.people import read_people_question

Intent = Literal["schedule", "todo", "recall", "people", "brief", "general"]
# A follow-up ("and ...?") starts a question of its own kind only when the classifier is this sure.
FOLLOW_UP_BREAK = 0.6


@dataclass(frozen=True)
class Question:
    """A question, understood.

    Attributes:
        text: the question as asked.
        intent: schedule (calendar), todo (tasks, promises), recall (search the user's content)
            or general (not about the user's data).
        range: the days asked about, or None when the question names none.
        at: a specific instant ("am I free Thursday at 3pm?"), or None.
        free_check: asks whether the user is free or busy.
        done: asks about finished work ("what did I finish this week?").
        overdue: asks about overdue tasks.
        person: the person asked about ("what did I promise Maria?" -> "Maria").
        project: a project named ("+garden", "the website project"), or None.
        keywords: content words for search and matching, lower case.
        next_match: "when is my X" / "my next X": one matching event, not a period's list.
        promise: asks what the user promised someone.
        looks_back: a lookup of the latest past match ("when did I last see Dr. Kim?").
        priority: asks for important tasks only ("my high-priority tasks", "what's urgent?").
        promised_by: asks what someone else promised the user ("what did Sam promise me?").
        other_range: the date phrase read in the other direction ("June 1" last June rather than
            next June), for searches where the user's data may lie on either side of now.
        all_upcoming: asks for every coming occurrence ("what physio sessions do I have left?").
        confidence: the intent classifier's probability for ``intent``.
        alternative: the runner-up intent when the classifier was not sure, else None; the
            answerer tries it when the first reading finds nothing.
    """

    text: str
    intent: Intent
    range: DateRange | None = None
    at: datetime | None = None
    free_check: bool = False
    done: bool = False
    overdue: bool = False
    person: str | None = None
    project: str | None = None
    keywords: list[str] = field(default_factory=list)
    next_match: bool = False
    promise: bool = False
    looks_back: bool = False
    priority: bool = False
    other_range: DateRange | None = None
    promised_by: bool = False
    confidence: float = 1.0
    alternative: Intent | None = None
    all_upcoming: bool = False


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Greetings that may run straight into a question, and ones that must stand alone ("morning
# meetings?" is not a greeting).
_GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|howdy|yo|good\s+(?:morning|afternoon|evening|night|day)"
    r"|thanks?(?:\s+you)?(?:\s+(?:so|very)\s+much|\s+a\s+lot)?|thx|cheers|goodbye)"
    r"(?:\s+(?:there|lodger|again))?(?:[\s!.?,:;]+|$)"
    r"|(?:morning|ok(?:ay)?|cool|great|nice|bye|help|ty|see\s+you|how\s+are\s+you(?:\s+doing)?"
    r"(?:\s+today)?|how's\s+it\s+going|what's\s+up|who\s+are\s+you|what\s+can\s+you\s+do)"
    r"(?:\s+(?:there|lodger|again))?(?:[!.?,:;]+\s*|$))")
_PAST = re.compile(
    r"\b(?:did|didn't|was|wasn't|were|happened|said|wrote|sent|went|met|talked|discussed"
    r"|mentioned|told|asked|finished|completed|received|spoke|decided|agreed|replied)\b")
_FOLLOW = re.compile(r"^(?:(?:and|or|also|so|but|then|ok(?:ay)?)\b|(?:and\s+)?(?:what|how)\s+"
                     r"(?:about|of)\b|same\s+for\b)")
_RELATIVE = _rx(r"\b(?:the\s+)?(?P<unit>day|week|weekend|month)\s+(?P<dir>after|before)\b"
                r"(?!\s+(?:next|tomorrow|yesterday|last))(?:\s+that)?",
                r"\bthe\s+(?P<dir2>next|following|previous|preceding)\s+(?P<unit2>day|week|month)\b")
_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|they|them|their)\b")

_STOP = set("""
a about above after again against all also am an and any anyone anything are aren't around as
at be because been before being below between both but by can can't could couldn't did didn't
do does doesn't doing don't down during each else ever every few for from further get gets
getting give go going gonna got had hadn't has hasn't have haven't having he he'd he's her here
hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
just know let let's like me might mine more most much must my myself need needs no nor not now of
off on once only or other our ours ourselves out over own please re really regarding same she
she'd she's should shouldn't show so some someone something still such tell than that that's the
their theirs them themselves then there there's these they they'd they'll they're they've thing
things this those through to too under until up upon us very want was wasn't we we'd we'll we're
we've were weren't what what's when when's where where's whether which while who who's whom whose
why why's will with within without won't would wouldn't yet you you'd you'll you're you've your
yours yourself any anybody everybody everyone everything nothing ok okay hey hi hello thanks
thank stuff lodger say says said write wrote written send sent mention mentioned told ask asked
find remember recall remind look search give gave show tell see let make made anything else
think thinks supposed goes planning
""".split()) | set("""
calendar schedule agenda diary planner event events plans planned scheduled todo todos to-do
to-dos task tasks list free busy available availability booked overdue due deadline deadlines
done finish finished complete completed accomplish accomplished promise promised promises owe
upcoming coming soon ahead left outstanding pending open email emails e-mail e-mails mail mails
message messages inbox note notes notebook document documents file files happening happened next
time date day days week weeks weekend weekends month months year years today tonight tomorrow
yesterday morning afternoon evening night noon midday o'clock am pm ago later rest last past
many project projects cancelled canceled confirmed still moved postponed rescheduled
""".split()) | {n.lower() for n in ("Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
                                     "January February March April May June July August "
                                     "September October November December").split()}
_NOT_NAMES = _STOP | set("""
i you he she it we they someone somebody anyone anybody everyone people team what who which
where why how the a an my your our their his her this that these those all any some today
tomorrow yesterday tonight next last week weekend month year
""".split())


def understand(text: str, now: datetime, previous: Question | None = None,
               reader: QuestionReader | None = None) -> Question:
    """Read a question into a ``Question`` (see the module docstring for the rules).

    Args:
        text: the question as typed.
        now: the current time, timezone-aware, in the user's zone; all ranges use that zone.
        previous: the question before this one in the conversation, for follow-ups.
        reader: the classifiers of intent and of what is asked (``engine.intent``); default:
            the process's shared MiniLM ones (``engine.intent.default_reader``).

    Returns:
        The understood question; odd or empty text gives a "general" one.

    Raises:
        ValueError: if ``now`` is naive.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    asked = text.strip()
    body = _without_greeting(normalize_text(asked)[:MAX_CHARS])
    if not body:
        return Question(text=asked, intent="general")
    past = bool(_PAST.search(body))
    reading = read_dates(body, now, past)
    reader = reader or default_reader()
    judge = reader.classify
    person = _person(asked[:MAX_CHARS])
    if person is None and previous is not None and _PRONOUN.search(body):
        person = previous.person
    project = _project(asked[:MAX_CHARS])
    keywords = _keywords(body, reading.spans)

    if previous is not None and (_FOLLOW.search(body) or not keywords):
        # "and tomorrow?", "what about Tom?": the previous question's kind, unless what follows
        # the "and" is a question of another kind in its own right ("and what's overdue?").
        rest = _FOLLOW.sub("", body, count=1).strip(" ?.!,")
        # What is left once its dates ("the week after", "on Friday") are taken out; a
        # follow-up that only moves the date or names someone keeps the previous kind.
        bare = _RELATIVE.sub(" ", _blank(rest, read_dates(rest, now, past).spans))
        own = judge(rest) if len(bare.split()) >= 3 else None  # "the invoice" is not a question
        if own is None or own.confidence < FOLLOW_UP_BREAK or own.label == previous.intent:
            if not past and _PAST.search(normalize_text(previous.text)):
                reading = read_dates(body, now, past=True)  # "what did Tom say?" "and on Monday?"
            return _follow_up(asked, body, now, previous, reading, person, project, keywords)

    guess = judge(body)
    intent = guess.label
    alternative = None if guess.sure else guess.runner_up[0]
    if intent == "people" and not _asks_of_a_person(body):
        # Named someone, but asks nothing of them as a contact ("when is Maria's birthday?",
        # "the email from Maria about the lease"): the next reading answers it.
        intent = next(label for label, _ in guess.scores[1:] if label != "general")
        alternative = None
    if intent == "brief" and not guess.sure and alternative in ("schedule", "todo"):
        # A brief is the widest answer; when the classifier cannot tell it from a calendar or
        # to-do question, the narrower reading answers what was asked.
        intent, alternative = alternative, "brief"
    kind_guess = reader.kind(body, intent) if intent in ("schedule", "todo") else None
    kind = kind_guess.label if kind_guess else ""
    if kind == "schedule.all_upcoming" and kind_guess is not None and not kind_guess.sure:
        kind = "schedule.find"  # "next physio?": one event unless every coming one is asked
    rng = reading.range
    overdue, done = kind == "todo.overdue", kind == "todo.done"
    if rng is None and reading.soon and intent in ("schedule", "todo", "brief") and not (
            overdue or done or kind in ("schedule.find", "schedule.all_upcoming")):
        rng = upcoming_range(now)  # "what's coming up?"; "when's X coming up?" is not a period
    other = read_dates(body, now, not past, force_past=not past).range if rng is not None else None
    return Question(
        text=asked, intent=intent, range=rng, at=reading.at,  # type: ignore[arg-type]
        other_range=other if other is not None and other != rng else None,
        free_check=kind == "schedule.free", done=done, overdue=overdue, person=person,
        project=project, keywords=keywords,
        next_match=kind in ("schedule.find", "schedule.last"),
        promise=kind == "todo.promised_by_me",
        looks_back=kind == "schedule.last",
        priority=kind == "todo.priority",
        promised_by=kind == "todo.promised_to_me",
        all_upcoming=kind == "schedule.all_upcoming",
        confidence=guess.confidence, alternative=alternative,  # type: ignore[arg-type]
    )


def _asks_of_a_person(body: str) -> bool:
    """Whether a question asks for something a contacts directory holds: who someone is, how
    to reach them (an address, a number), their work, or when mail last went between you."""
    asked = read_people_question(body).field
    if asked == "email":  # the address, not "the email from Maria about the lease"
        return bool(_EMAIL_ADDRESS.search(body))
    if asked == "reverse":  # "whose address is x@y.com?", not "emails from x@y.com"
        return bool(re.search(r"\bwho(?:se)?\b", body))
    return asked != "who" or bool(_WHO_IS.search(body))


_WHO_IS = re.compile(r"\bwho(?:'s|\s+is|\s+was|\s+are)\b")
_EMAIL_ADDRESS = re.compile(r"e-?mail\s+(?:address|addy|id)|e-?mail\s+(?:for|of)\b|'s\s+e-?mail\b"
                            r"|\baddress\b")


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given character spans replaced by spaces."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _without_greeting(body: str) -> str:
    """Drop leading greetings and thanks ("hi! good morning, what's on today?")."""
    while body and (m := _GREETING.match(body)):
        body = body[m.end():].strip()
    return body


def _follow_up(asked: str, body: str, now: datetime, previous: Question,
               reading: DateReading, person: str | None, project: str | None,
               keywords: list[str]) -> Question:
    """A question that leans on the previous one ("and tomorrow?", "and the week after?")."""
    zone = now.tzinfo
    assert zone is not None
    rng, at = reading.range, reading.at
    rel = _RELATIVE.search(body)
    if rel:  # before the plain reading: here "the following week" is relative to the last answer
        unit = rel.group("unit") or rel.group("unit2")
        word = rel.group("dir") or rel.group("dir2")
        step = 1 if word in ("after", "next", "following") else -1
        base = previous.range or _current(unit, now)
        rng = shift_range(base, unit, step, now)
        keywords = [k for k in keywords if k not in ("after", "before", "following", "preceding")]
    new_range = rng is not None
    if rng is None:
        rng = previous.range
    if at is None and previous.at is not None and new_range and rng is not None \
            and rng.first_day == rng.last_day:
        at = datetime.combine(rng.first_day, previous.at.astimezone(zone).time(), tzinfo=zone)
    elif at is None and not new_range:
        at = previous.at
    return Question(
        text=asked, intent=previous.intent, range=rng, at=at,
        free_check=previous.free_check, done=previous.done,
        overdue=previous.overdue and not new_range,
        person=person or previous.person, project=project or previous.project,
        keywords=_carry_keywords(keywords, person, previous),
        next_match=previous.next_match and not new_range, promise=previous.promise,
    )


def _carry_keywords(keywords: list[str], person: str | None, previous: Question) -> list[str]:
    """New content words win; a new name alone swaps the old name ("and Maria?")."""
    names = set((person or "").lower().split())
    if [k for k in keywords if k not in names]:
        return keywords
    old = set((previous.person or "").lower().split())
    kept = [k for k in previous.keywords if not (names and k in old)]
    return kept + [k for k in keywords if k not in kept]


def _current(unit: str, now: datetime) -> DateRange:
    """The day, week, weekend or month that "the X after" counts from when nothing came before."""
    reading = read_dates({"day": "today", "weekend": "this weekend"}.get(unit, f"this {unit}"),
                         now)
    if reading.range is None:  # pragma: no cover - the phrases above always parse
        today = now.date()
        assert now.tzinfo is not None
        return make_range(today, today, now.tzinfo, "today", today)
    return reading.range


# Up to three words, each starting a word and at most 40 characters long, so that a long run of
# letters cannot make the patterns backtrack quadratically.
_NAME = r"(?P<n>(?<![\w'\-])(?:[^\W\d_][\w'\-]{0,40}\.?\s+){0,2}[^\W\d_][\w'\-]{0,40})"
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63})+")
_PERSON_RULES: list[tuple[re.Pattern[str], str]] = [(re.compile(p, re.I), how) for p, how in [
    # (pattern, how): "lower" accepts a lower-case name, "lead"/"tail" take the capitalized words
    # at the start/end of the group.
    (r"\b(?:did|does|has|had|will|would|could|can)\s+(?P<n>[^\W\d_][\w'\-]*(?:\s+[A-Z][\w'\-]*)?)"
     r"\s+(?:say|write|send|mention|tell|ask|suggest|recommend|propose|reply|answer|share|think"
     r"|want|need|email|mail|text|message|call|promise|decide|agree|note|forward)\b", "lower"),
    (r"\bpromis(?:e|ed)\s+(?P<n>[^\W\d_][\w'\-]*)(?=\s*(?:[?.!,]|$|about|for|by|that|on|to\s"
     r"|i\b|we\b))", "lower"),
    (r"\bpromis(?:e|ed)\s+to\s+(?=" + _NAME + ")", "lead"),
    (r"\bpromis(?:e|ed)\s+(?=" + _NAME + ")", "lead"),
    (r"\b(?:owe|owes)\s+(?=" + _NAME + ")", "lead"),
    (r"\bwho\s+(?:is|was|'s)\s+(?=" + _NAME + ")", "lead"),
    (r"\b(?:is|are)\s+(?=" + _NAME + r"\s+(?:free|busy|available|around|away|off)\b)", "lead"),
    (_NAME + r"\s+(?:said|wrote|sent|mentioned|told|asked|suggested|recommended|replied|emailed"
     r"|texted|promised|shared|forwarded|proposed|thinks|wants|needs|says|writes)\b", "tail"),
    (r"\b(?:from|with|cc|tell|ask|remind|email|call|text|message|meet|meeting|see|seeing|visit"
     r"|visiting|owe|send|give|show|bring|pay)\s+(?=" + _NAME + ")", "lead"),
    (r"\b(?:send|sent|write|wrote|promised|reply|replied|email|emailed|give|gave|forward"
     r"|forwarded)\s+(?:\S+\s+){0,3}?to\s+(?=" + _NAME + ")", "lead"),
    (_NAME + r"'s\b", "tail"),
    (r"^(?:and|or|also|what\s+about|how\s+about|and\s+what\s+about)\s+(?=" + _NAME
     + r"\s*[?.!]*$)", "lead"),
]]


def _person(text: str) -> str | None:
    """The person a question is about, or None ("what did I promise Maria?" -> "Maria")."""
    text = text.replace("\u2019", "'")
    for pattern, how in _PERSON_RULES:
        for m in pattern.finditer(text):
            name = _name_from(m.group("n"), how)
            if name:
                return name
    m = _EMAIL.search(text)
    return m.group(0) if m else None


def _name_from(group: str, how: str) -> str | None:
    name = _name_words(group, how)
    if not name:
        return None
    words = name.split()
    # "AT&T's" gives "T", "the SAP team" gives "SAP": a single letter or a lone short acronym is
    # not a person, and it would make every sender containing those letters "the person".
    if all(len(w) < 2 for w in words) or (len(words) == 1 and words[0].isupper()
                                            and len(words[0]) <= 4):
        return None
    return name


def _name_words(group: str, how: str) -> str | None:
    words = [w.rstrip(".").removesuffix("'s") for w in group.split()]
    if how == "lower":
        if any(w.lower() in _NOT_NAMES or not w for w in words):
            return None
        return " ".join(w if w[:1].isupper() else w.capitalize() for w in words)
    if how == "tail":
        words = words[::-1]
    run: list[str] = []
    for w in words:
        if not w[:1].isupper() or w.lower() in _NOT_NAMES:
            break
        run.append(w)
    if how == "tail":
        run = run[::-1]
    return " ".join(run) or None


_PROJECT_RULES = [re.compile(p, re.I) for p in (
    r"(?<![\w+])\+(?P<p>[\w\-]+)",
    r"\bproject\s+[\"']?(?P<p>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?)[\"']?",
    r"\b(?P<p>(?:[\w\-]+\s+)?[\w\-]+)\s+project\b",
)]


def _project(text: str) -> str | None:
    """A project named in the question: "+garden", "project Apollo", "the website project"."""
    for i, pattern in enumerate(_PROJECT_RULES):
        for m in pattern.finditer(text):
            words = m.group("p").split()
            if i == 1 and not all(w[:1].isupper() for w in words):
                continue
            if i == 2:
                kept: list[str] = []
                for w in reversed(words):
                    if w.lower() in _STOP:
                        break
                    kept.insert(0, w)
                words = kept
            if words:
                return " ".join(words)
    return None


def _keywords(body: str, spans: list[tuple[int, int]]) -> list[str]:
    """Content words of the question, in order, without date phrases, stopwords or cue words."""
    chars = list(body)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    out: list[str] = []
    for token in re.findall(r"[^\W_][\w'\-.@+]*", "".join(chars)):
        word = token.strip(".'-+").removesuffix("'s").lstrip("+")
        if (len(word) < 2 and not word.isdigit()) or word in _STOP:
            continue
        if word not in out:
            out.append(word)
    return out


__all__ = ["Intent", "Question", "understand"]
