"""Understanding a question: what kind it is, which dates, whom and what it is about.

``understand`` turns "what did Tom say about the contract?" or "am I free Thursday at 3pm?" into
a ``Question`` that the engine answers from the stores. Facts come from code, not the language
model (FIELD-NOTES: a small model cannot be trusted with them), so this is deterministic: cue
words scored per intent, a few patterns for people and projects, and ``engine.daterange`` for
dates. Pure functions, no I/O.

Choices:
  * Intent is the best-scoring of todo, schedule and recall cues (ties in that order). General
    needs a clear sign: small talk, a creative or world-knowledge request ("write a haiku",
    "the capital of France", arithmetic) with no "my"/"I" in it. With no cue a date phrase means
    schedule and anything else is recall: sending a question about the user's own data to the
    model without sources costs more than searching the data for nothing.
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

Intent = Literal["schedule", "todo", "recall", "general"]


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
        next_match: "when is my X" / "my next X": the next matching event or task after now.
        promise: asks what the user promised someone.
        looks_back: a lookup of the latest past match ("when did I last see Dr. Kim?").
        priority: asks for important tasks only ("my high-priority tasks", "what's urgent?").
        promised_by: asks what someone else promised the user ("what did Sam promise me?").
        other_range: the date phrase read in the other direction ("June 1" last June rather than
            next June), for searches where the user's data may lie on either side of now.
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
_PERSONAL = re.compile(r"\b(?:my|mine|our|ours|i|i'm|i've|i'd|i'll|we|we're|we've|us)\b")
_PAST = re.compile(
    r"\b(?:did|didn't|was|wasn't|were|happened|said|wrote|sent|went|met|talked|discussed"
    r"|mentioned|told|asked|finished|completed|received|spoke|decided|agreed|replied)\b")
_FREE = _rx(r"\b(?:am|are|is)\s+(?!there\b|it\b|this\b|that\b|these\b|those\b|the\b|any\b)"
            r"(?:i|we|\w+)\s+(?:free|busy|available|booked|around|off)\b",
            r"\bfree\s+(?:time|slots?)\b", r"\b(?:do|will)\s+(?:i|we)\s+have\s+time\b",
            r"\bwhen\s+(?:am|are)\s+(?:i|we)\s+(?:free|available)\b",
            r"\b(?:my|our)\s+availability\b",
            r"\bhave\s+time\s+for\b", r"\bcan\s+i\s+(?:fit|squeeze|book|schedule)\b")
_DONE = _rx(
    r"\b(?:did|have|had)\s+(?:i|we)\s+(?:finish|finished|complete|completed|get\s+done|got\s+done"
    r"|accomplish|accomplished|tick\s+off|ticked\s+off|check\s+off|checked\s+off|wrap\s+up"
    r"|wrapped\s+up|close|closed|do\s+already)\b",
    r"\b(?:i|we)(?:'ve|\s+have)\s+(?:finished|completed|done|accomplished|ticked\s+off)\b",
    r"\b(?:finished|completed|done)\s+(?:tasks?|items?|to-?dos?|things|work|stuff|so\s+far)\b",
    r"\bwhat(?:'s|\s+is|\s+got|\s+has\s+been|\s+was|\s+have\s+i)\s+(?:been\s+)?(?:done|finished"
    r"|completed|ticked\s+off)\b(?!\s+(?:by|before|until))",
    r"\bwhat\s+(?:i|we)\s+(?:did|finished|completed|got\s+done)\b")
_OVERDUE = re.compile(r"\b(?:overdue|past\s+due|late\s+on|missed\s+(?:deadlines?|tasks?)"
                      r"|behind\s+on)\b")
_PROMISE = _rx(r"\b(?:did|have|had)\s+(?:i|we)\s+(?:promise|commit)", r"\b(?:i|we)\s+promised\b",
               r"\b(?:my|our)\s+promises\b", r"\bpromises?\s+(?:to|i|we)\b",
               r"\b(?:do|did)\s+(?:i|we)\s+owe\b", r"\b(?:i|we)\s+(?:said|told\s+\w+)\s+"
               r"(?:i|we)(?:'d|\s+would|'ll|\s+will)\b", r"^promises?\b",
               r"\b(?:did|have)\s+(?:i|we)\s+(?:tell|told|say|said\s+to)\s+\w+(?:\s+\w+)?\s+"
               r"(?:i|we)(?:'d|\s+would|'ll|\s+will|\s+(?:was|were)\s+going\s+to)\b",
               r"\bwhat\s+(?:i|we)\s+(?:said|told\s+\w+)\s+(?:i|we)(?:'d|\s+would|'ll|\s+will)\b")
_NEXT = _rx(r"\bwhen(?:'s|\s+is|\s+are|\s+will\s+be)\s+(?:my|our|the|(?:\w+\s+){0,2}\w+'s)\b",
            r"\bwhen\s+(?:did|was|were)\s+(?:i|we|my|our|the)\s+(?:last\s+)?(?:meet|see|visit"
            r"|have|go|fly|talk|speak|call|get|do|take|attend|book)\b",
            r"\bwhen\s+(?:am|are)\s+(?:i|we)\s+(?:at|in|with|visiting|off|away|back)\b",
            r"^(?:is|was|are)\s+(?:my|our|the)\s+.*\b(?:cancell?ed|still\s+on|confirmed|moved"
            r"|postponed|rescheduled|happening)\b",
            r"\bwhen\s+(?:do|will|shall)\s+(?:i|we)\s+(?:have|see|meet|fly|leave|go|get)\b",
            r"\bwhen\s+am\s+i\s+(?:seeing|meeting|flying|leaving|going|having)\b",
            r"\bwhat\s+time\s+(?:is|does|do)\b",
            r"^where(?:'s|\s+is|\s+are|\s+will\s+be)\s+(?:my|our|the|\w+'s)\s+(?:next\s+)?\w",
            r"\b(?:my|the|our)\s+next\s+(?!week|month|year|weekend|few|couple|\d|days?\b)[a-z]+")
_PROMISED_BY = _rx(r"\b(?:did|has|have|had)\s+(?!i\b|we\b)[\w.'-]+(?:\s+[\w.'-]+)?\s+promised?"
                   r"\b", r"\bpromises?\s+(?:from|by|made\s+by)\b",
                   r"\b(?!i\b|we\b)[\w.'-]+\s+promised\s+(?:me|us|to)\b")
_CUES: dict[str, list[tuple[re.Pattern[str], int]]] = {
    "todo": [
        (_rx(r"\bto-?dos?\b", r"\btodo\s+list\b", r"\btasks?\b", r"\bchores?\b", r"\berrands?\b"),
         3),
        (_rx(r"\b(?:need|have|has|got|ought|supposed)\s+to\s+(?:do|get\s+done|finish)\b",
             r"\b(?:need|have|got)\s+to\s+(?:make|buy|pay|book|call|ring|send|order|return|renew"
             r"|fix|pick\s+up|drop\s+off|sign|file|submit|clean|prepare)\b",
             r"\bleft\s+to\s+do\b", r"\bto\s+be\s+done\b",
             r"\bshould\s+(?:i|we)\s+(?:do|work\s+on|focus\s+on)\b",
             r"\bmust\s+do\b", r"\bwork\s+on\s+(?:next|today|now)\b"), 3),
        (_rx(r"\bdue\b", r"\bdeadlines?\b"), 3),
        (_OVERDUE, 4), (_DONE, 4), (_PROMISE, 4), (re.compile(r"\bpromis"), 2),
        (_PROMISED_BY, 3),
        (re.compile(r"(?<![\w+])\+[^\W\d_][\w\-]*"), 3),  # a todo.txt +project
        (_rx(r"\bwhat(?:'s|\s+is)\s+(?:still\s+)?(?:left|outstanding|pending|open)\b",
             r"\bopen\s+(?:items|loops)\b", r"\boutstanding\b", r"\bremind\s+me\s+to\b",
             r"\bpriorit(?:y|ies|ise|ize)\b"), 2),
    ],
    "schedule": [
        (_rx(r"\b(?:schedule|calendar|agenda|diary|planner)\b"), 3),
        (_rx(r"\b(?:meetings?|appointments?|appts?|events?|calls?|interviews?|bookings?"
             r"|reservations?|flights?|conferences?|webinars?|sessions|classes|lessons"
             r"|rehearsals|practices|shifts|visits)\b"), 2),
        (_rx(r"\bwhat(?:'s|\s+is)\s+(?:on|happening|planned|scheduled|coming\s+up)\b",
             r"\b(?:what|anything)\s+(?:do|did|have)\s+(?:i|we)\s+(?:got|have)\b(?!\s+to\b)",
             r"\bdo\s+(?:i|we)\s+have\s+(?:anything|something|any\s+plans|plans)\b",
             r"\bwhat\s+have\s+(?:i|we)\s+got\b(?!\s+to\b)", r"\banything\s+on\b"), 3),
        (_rx(r"\bplans\b", r"\bplanned\b", r"\bscheduled\b", r"\bbooked\b", r"\bbusy\b"), 2),
        (_FREE, 5), (_NEXT, 3),
    ],
    "recall": [
        (_rx(r"\b(?:did|does|has|had|will)\s+\S+(?:\s+\S+){0,3}?\s+(?:say|write|send|mention|tell"
             r"|ask|suggest|recommend|propose|reply|answer|share|think|want|email|text|message"
             r"|note|decide|agree|forward|attach)\b"), 4),
        (_rx(r"\b(?:said|says|wrote|written|sent|mentioned|told|asked|suggested|recommended"
             r"|replied|shared|emailed|texted|noted|decided|agreed|discussed|forwarded)\b"), 3),
        (_rx(r"\b(?:e-?mails?|mails?|messages?|inbox|notes?|notebook|journal|documents?|files?"
             r"|attachments?|letters?|newsletters?|threads?|memos?|minutes)\b"), 3),
        (_rx(r"\b(?:ideas?|thoughts?)\s+(?:about|on|for)\b", r"\bwhat\s+(?:was|were)\s+the\b",
             r"\bwho\s+(?:sent|wrote|said|mentioned|asked|emailed|recommended)\b"), 3),
        # "why is the studio closed next week?", "how did the meeting go?", "how much was it?":
        # explanations and amounts are in the user's words, not in calendar rows.
        (_rx(r"^(?:why|how\s+come)\b",
             r"^when\s+(?:does|did|will|do)\s+(?!i\b|we\b)[\w.]+(?:\s+[A-Z][\w.]*)?\s+(?:need|want"
             r"|expect|require|ask\s+for|wants|needs)\b",
             r"^how\s+(?:did|was|were|much|does|do|is|are|can)\b(?!.*\b(?:look|looks|looking|busy"
             r"|free|many\s+(?:meetings|events|appointments|calls|tasks|things))\b)"), 5),
        (_rx(r"\b(?:find|search|look\s+up|look\s+for|show\s+me|remember|recall|where\s+did)\b",
             r"\b(?:password|address|phone|number|code|pin|account|receipt|invoice|order"
             r"|tracking|recipe|wifi|wi-fi|reference|ideas?|thoughts)\b"), 2),
    ],
    "general": [
        (_rx(r"^(?:please\s+|can\s+you\s+|could\s+you\s+)?(?:write|compose|generate|make\s+up"
             r"|invent|translate|explain|define|calculate|compute|convert|solve)\b",
             r"\btell\s+me\s+(?:a|an|some)\s+(?:joke|story|fact|riddle|poem)",
             r"\b(?:haiku|poem|limerick|joke|riddle|weather|forecast|capital\s+of|meaning\s+of"
             r"|definition\s+of|synonyms?|antonyms?|translate|(?:president|population|prime"
             r"\s+minister|chancellor|king|queen)\s+of|speed\s+of\s+light|how\s+far\s+is"
             r"|(?:tallest|largest|biggest|smallest|longest|highest)\s+(?:mountain|river|country"
             r"|city|planet|animal|building|lake|ocean))\b"), 5),
        (re.compile(r"^(?:what(?:'s|\s+is)\s+|calculate\s+)?(?!\d{4}-\d\d?-\d\d?\b)[(\s]*\d[\d.,]*"
                    r"(?:\s*(?:[-+*/x^]|%\s*of)\s*[(\s]*\d[\d.,]*[)\s]*)+[=?]?\s*$"), 5),
        (re.compile(r"^who\s+(?:won|invented|discovered|founded|painted|composed|directed)\b"), 5),
    ],
}
_LOOKS_BACK = _rx(
    r"\blast\s+(?!week|month|year|weekend|night|time\b|few|couple|\d|days?\b)[a-z]",
    r"^when\s+(?:did|was|were)\b", r"\bmost\s+recent\b",
    r"\bprevious\s+(?!week|month|year|day)[a-z]")
_PRIORITY = _rx(r"\b(?:high|top|highest)[\s-]+priority\b",
                r"\bpriority\s+(?:tasks?|items?|a|one|1)\b",
                r"\b(?:urgent|important|most\s+important)\b", r"\bprioriti[sz]ed\b")
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


def understand(text: str, now: datetime, previous: Question | None = None) -> Question:
    """Read a question into a ``Question`` (see the module docstring for the rules).

    Args:
        text: the question as typed.
        now: the current time, timezone-aware, in the user's zone; all ranges use that zone.
        previous: the question before this one in the conversation, for follow-ups.

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
    scores = {name: sum(w for rx, w in cues if rx.search(body)) for name, cues in _CUES.items()}
    person = _person(asked[:MAX_CHARS])
    if person is None and previous is not None and _PRONOUN.search(body):
        person = previous.person
    project = _project(asked[:MAX_CHARS])
    keywords = _keywords(body, reading.spans)

    own_cue = max(scores.values()) >= 3
    general_then_dated = previous is not None and previous.intent == "general" and reading.range
    if previous is not None and not own_cue and not general_then_dated and (
            _FOLLOW.search(body) or not keywords):
        if not past and _PAST.search(normalize_text(previous.text)):
            reading = read_dates(body, now, past=True)  # "what did Tom say?" "and on Monday?"
        return _follow_up(asked, body, now, previous, reading, person, project, keywords)

    intent = _intent(body, scores, reading.range is not None, person, keywords)
    rng = reading.range
    overdue = intent == "todo" and bool(_OVERDUE.search(body))
    done = intent == "todo" and bool(_DONE.search(body))
    if rng is None and reading.soon and intent in ("schedule", "todo") and not (overdue or done):
        rng = upcoming_range(now)
    other = read_dates(body, now, not past, force_past=not past).range if rng is not None else None
    return Question(
        text=asked, intent=intent, range=rng, at=reading.at,
        other_range=other if other is not None and other != rng else None,
        free_check=intent == "schedule" and bool(_FREE.search(body)),
        done=done, overdue=overdue, person=person, project=project, keywords=keywords,
        next_match=intent in ("schedule", "todo") and bool(_NEXT.search(body)),
        promise=intent == "todo" and bool(_PROMISE.search(body)),
        looks_back=bool(_LOOKS_BACK.search(body)),
        priority=intent == "todo" and bool(_PRIORITY.search(body)),
        promised_by=intent == "todo" and person is not None and bool(_PROMISED_BY.search(body)),
    )


def _without_greeting(body: str) -> str:
    """Drop leading greetings and thanks ("hi! good morning, what's on today?")."""
    while body and (m := _GREETING.match(body)):
        body = body[m.end():].strip()
    return body


def _intent(body: str, scores: dict[str, int], dated: bool, person: str | None,
            keywords: list[str]) -> Intent:
    personal = bool(_PERSONAL.search(body)) or person is not None
    if scores["general"] and not personal and scores["recall"] < 3:
        return "general"
    best = max(("todo", "schedule", "recall"), key=lambda k: scores[k])  # ties: first wins
    if scores[best] > 0:
        return best  # type: ignore[return-value]
    if dated:
        return "schedule"
    if not personal and not keywords:
        return "general"
    return "recall"


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
