"""Who waits on whom in the indexed mail: questions without a reply, promises made to the user.

Three read-only views over the mail already in the store, for the brief and for "who owes me
what?":

- ``awaiting_your_reply``: received mail that asks the user a question (a sentence of the
  writer's own text ending in "?") and got no later mail from the user in its thread;
- ``unanswered_questions``: questions the user asked in sent mail that no recipient answered;
- ``promises_to_you``: promises others made to the user in mail ("I'll send you the contract by
  Friday", found at index time by ``indexing.extract``), each with the later mail in its thread
  that delivers it (an attachment, "here is ..."), if any.

A reply counts when it is in the same thread (In-Reply-To, References or the thread root), or,
for mail that was answered with a fresh message, when it goes between the same people later and
its subject repeats a content word of the question ("Would a walkthrough in April suit you?" is
answered by "Invitation: Keller garden walkthrough"). Mail from automated senders (no-reply,
newsletters, Gmail's promotion and update categories) and mass mail asks nobody anything. Only
mail dated up to ``now`` counts, so a fixed clock in the past sees the mailbox as it was then.
All SQL for these views lives here; ``engine/`` only calls the methods.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from indexing.store import Store
from indexing.timeutil import from_iso, sort_key

MAX_RECIPIENTS = 10  # mail to more people than this is a broadcast, not a question to the user
MAX_QUESTION = 300
_AUTOMATED = re.compile(
    r"^(?:no-?reply|do-?not-?reply|donotreply|newsletters?|news|notifications?|notify|alerts?"
    r"|mailer-daemon|postmaster|bounces?|marketing|digest|updates?|automated)(?:[-+._]|$)", re.I)
_BULK_LABEL = re.compile(r"^(?:category\s*)?(?:promotions|social|updates|forums)$", re.I)
_CUT = re.compile(
    r"^\s*(?:-{2,}\s*Original Message|-{2,}\s*Forwarded message|-{3,}.*Forwarded by"
    r"|On\s.{0,200}\swrote:\s*$|Am\s.{0,200}\sschrieb.{0,80}:\s*$|From:\s.*\n\s*(?:Sent|Date):)"
    r"|^-- ?$", re.I | re.M)
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_SMALL_TALK = re.compile(
    r"^(?:hi|hello|hey|and)?[\s,]*(?:how\s+(?:are|r)\s+(?:you|u|things)|how(?:'s|\s+is)\s+"
    r"(?:it\s+going|everything|life|the\s+family)|how\s+have\s+you\s+been|how\s+was\s+your"
    r"\s+(?:weekend|holiday|trip|day)|what'?s\s+up|you\s+know\?|right\?|ok(?:ay)?\?)", re.I)
_SUBJECT_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg|sv|tr|antw)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
_DELIVERS = re.compile(
    r"\b(?:here(?:'s|\s+is|\s+are|\s+it\s+is)|attached|attaching|enclosed|please\s+find"
    r"|as\s+promised|i(?:'ve|\s+have)\s+(?:just\s+)?(?:sent|attached|uploaded|shared))\b", re.I)
_NOT_A_DELIVERY = ("text/calendar", "application/pgp-signature", "application/pkcs7-signature",
                   "text/vcard", "text/x-vcard")
_ECHO_STOP = set("""
about above after again also because been before being below between both could does doing
down during each from further have having here into just more most much must only other over
same should some such than that their them then there these they this those through under
until very want were what when where which while will with would your yours shall might
please thanks thank hello regards best question questions update quick note invitation
monday tuesday wednesday thursday friday saturday sunday january february march april june
july august september october november december today tomorrow week weekend month year
""".split())


@dataclass
class MailMessage:
    """One indexed mail message, with the writer's own text (quotes and forwards cut off)."""

    doc_id: str
    message_id: str
    subject: str
    date: datetime
    from_addr: str
    sender: str
    to: list[str]
    cc: list[str]
    to_names: list[str]
    thread: str
    in_reply_to: str
    references: list[str]
    attachments: list[dict]
    labels: list[str]
    path: str
    text: str = ""

    @property
    def sender_name(self) -> str:
        """"Maria Keller <maria@x>" -> "Maria Keller"; a bare address stays as it is."""
        name = re.sub(r"\s*<[^>]*>\s*", " ", self.sender).strip().strip('"')
        return name or self.from_addr

    def recipients(self) -> list[str]:
        return [a.lower() for a in [*self.to, *self.cc]]


@dataclass
class MailQuestion:
    """A message that asks something and is still waiting for an answer.

    Attributes:
        message: the message with the questions.
        questions: its question sentences, in order.
        waiting_on: for received mail the user (their addresses); for sent mail the recipients.
    """

    message: MailMessage
    questions: list[str]
    waiting_on: list[str] = field(default_factory=list)


@dataclass
class PromiseToUser:
    """A promise someone made to the user in mail, and the later mail that delivered it."""

    title: str
    due: date | datetime | None
    sentence: str
    message: MailMessage
    line: int = 0
    delivered_by: MailMessage | None = None

    @property
    def done(self) -> bool:
        return self.delivered_by is not None


class MailQueries:
    """Read-only queries over one user's indexed mail.

    Args:
        store: the store to read.
        user_addresses: the user's own mail addresses (case does not matter). With none known
            nothing can tell sent from received mail, and every view is empty.
    """

    def __init__(self, store: Store, user_addresses: Iterable[str] = ()) -> None:
        self.store = store
        self.user_addresses = {a.strip().lower() for a in user_addresses if a.strip()}

    def is_users(self, addr: str) -> bool:
        return addr.strip().lower() in self.user_addresses

    # ----- reading -------------------------------------------------------------------------

    def messages(self, since: datetime, until: datetime) -> list[MailMessage]:
        """Every mail message dated in [since, until], oldest first, with its own text."""
        rows = self.store.query(
            "SELECT d.doc_id, d.title, d.date, d.from_addr, d.meta, (SELECT l.path FROM"
            " locations l WHERE l.doc_id = d.doc_id ORDER BY l.path LIMIT 1) AS path,"
            " (SELECT l.locator FROM locations l WHERE l.doc_id = d.doc_id ORDER BY l.path"
            " LIMIT 1) AS locator FROM documents d WHERE d.kind = 'email' AND d.date_key >= ?"
            " AND d.date_key <= ? ORDER BY d.date_key, d.doc_id",
            (sort_key(since), sort_key(until)))
        out = [m for m in (_message(r) for r in rows) if m is not None]
        texts = self._own_texts([m.doc_id for m in out])
        for m in out:
            m.text = _own_text(texts.get(m.doc_id, ""))
        return out

    def _own_texts(self, doc_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, list[str]] = {}
        for i in range(0, len(doc_ids), 500):
            part = list(doc_ids[i:i + 500])
            rows = self.store.query(
                "SELECT doc_id, text FROM chunks WHERE quoted = 0 AND doc_id IN"
                f" ({','.join('?' * len(part))}) ORDER BY doc_id, ord", part)
            for r in rows:
                out.setdefault(r["doc_id"], []).append(r["text"])
        return {k: "\n\n".join(v) for k, v in out.items()}

    def correspondents(self) -> set[str]:
        """Every address the user has sent mail to (lower case)."""
        if not self.user_addresses:
            return set()
        mine = sorted(self.user_addresses)
        rows = self.store.query(
            "SELECT DISTINCT lower(j.value) AS addr FROM documents d, json_each(d.meta, '$.to') j"
            f" WHERE d.kind = 'email' AND lower(d.from_addr) IN ({','.join('?' * len(mine))})",
            mine)
        return {r["addr"] for r in rows if r["addr"]}

    # ----- views ---------------------------------------------------------------------------

    def awaiting_your_reply(self, now: datetime, lookback: timedelta = timedelta(days=30),
                            ) -> list[MailQuestion]:
        """Received mail of the last ``lookback`` that asks the user something and has no later
        reply from them; one per thread (its latest such message), oldest first."""
        if not self.user_addresses:
            return []
        mail = self.messages(now - lookback, now)
        known = self.correspondents()
        found: dict[str, MailQuestion] = {}
        for m in mail:
            if self.is_users(m.from_addr) or not _personal(m):
                continue
            to_user = any(self.is_users(a) for a in m.recipients())
            if not to_user and m.from_addr.lower() not in known:
                continue
            questions = question_sentences(m.text)
            if not questions:
                continue
            replies = [u for u in mail if self.is_users(u.from_addr) and u.date > m.date
                       and _answers(u, m, questions)]
            if not replies:
                found[m.thread or m.message_id] = MailQuestion(m, questions,
                                                               sorted(self.user_addresses))
        return sorted(found.values(), key=lambda q: q.message.date)

    def unanswered_questions(self, now: datetime, lookback: timedelta = timedelta(days=30),
                             ) -> list[MailQuestion]:
        """Questions the user asked in mail of the last ``lookback`` that no recipient has
        answered; one per thread (the latest such message), oldest first."""
        if not self.user_addresses:
            return []
        mail = self.messages(now - lookback, now)
        found: dict[str, MailQuestion] = {}
        for s in mail:
            if not self.is_users(s.from_addr):
                continue
            others = [a for a in s.recipients() if not self.is_users(a)]
            if not others or len(others) > MAX_RECIPIENTS:
                continue
            questions = question_sentences(s.text)
            if not questions:
                continue
            key = s.thread or s.message_id
            answers = [r for r in mail if not self.is_users(r.from_addr) and r.date > s.date
                       and (r.from_addr.lower() in others or _same_thread(r, s))
                       and _answers(r, s, questions)]
            if answers:
                found.pop(key, None)  # a later answer settles earlier questions too
            else:
                found[key] = MailQuestion(s, questions, others)
        return sorted(found.values(), key=lambda q: q.message.date)

    def promises_to_you(self, now: datetime, lookback: timedelta = timedelta(days=90),
                        ) -> list[PromiseToUser]:
        """Open promises others made to the user in mail of the last ``lookback``, by due date
        (undated last); ``delivered_by`` is set when a later mail from the same person in the
        thread delivers (has an attachment or says "here is", "attached", "as promised"...)."""
        if not self.user_addresses:
            return []
        rows = self.store.query(
            "SELECT t.title, t.due, t.description, t.line, t.from_addr, d.doc_id FROM tasks t"
            " JOIN documents d ON d.doc_id = t.doc_id WHERE t.origin = 'promise' AND t.done = 0"
            " AND d.kind = 'email' AND d.date_key >= ? AND d.date_key <= ?",
            (sort_key(now - lookback), sort_key(now)))
        rows = [r for r in rows if r["from_addr"] and not self.is_users(r["from_addr"])]
        if not rows:
            return []
        mail = self.messages(now - lookback, now)
        by_id = {m.doc_id: m for m in mail}
        out: list[PromiseToUser] = []
        for r in rows:
            m = by_id.get(r["doc_id"])
            if m is None:
                continue
            promise = PromiseToUser(title=r["title"] or "", due=from_iso(r["due"]),
                                    sentence=r["description"] or "", message=m,
                                    line=r["line"] or 0)
            promise.delivered_by = next(
                (d for d in mail if d.date > m.date and d.from_addr.lower() == m.from_addr.lower()
                 and _same_thread(d, m) and _delivers(d)), None)
            out.append(promise)
        far = date.max
        out.sort(key=lambda p: (_day(p.due) or far, p.message.date, p.title))
        return out


# ----- helpers -----------------------------------------------------------------------------

def _message(r: sqlite3.Row) -> MailMessage | None:
    meta = json.loads(r["meta"] or "{}")
    when = from_iso(r["date"])
    if not isinstance(when, datetime):
        return None
    message_id = r["locator"] or str(r["doc_id"]).removeprefix("email:")
    return MailMessage(
        doc_id=r["doc_id"], message_id=message_id, subject=r["title"] or "",
        date=when, from_addr=(r["from_addr"] or "").lower(),
        sender=str(meta.get("from") or r["from_addr"] or ""),
        to=[str(a) for a in meta.get("to") or []], cc=[str(a) for a in meta.get("cc") or []],
        to_names=[str(a) for a in meta.get("to_names") or []],
        thread=str(meta.get("thread") or ""), in_reply_to=str(meta.get("in_reply_to") or ""),
        references=[str(x) for x in meta.get("references") or []],
        attachments=[a for a in meta.get("attachments") or [] if isinstance(a, dict)],
        labels=[str(x) for x in meta.get("labels") or []], path=r["path"] or "")


def _own_text(text: str) -> str:
    cut = _CUT.search(text)
    if cut:
        text = text[:cut.start()]
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))


def question_sentences(text: str) -> list[str]:
    """The questions in a writer's own text: sentences ending in "?", small talk left out."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        joined = " ".join(para.split())
        for sentence in _SENT_END.split(joined):
            s = sentence.strip()
            if not s.endswith("?") or len(s) > MAX_QUESTION or len(s.split()) < 3:
                continue
            if _SMALL_TALK.match(s):
                continue
            out.append(s)
    return out


def _personal(m: MailMessage) -> bool:
    """Mail a person wrote to a few people, not a newsletter, notification or broadcast."""
    local = m.from_addr.split("@", 1)[0]
    if _AUTOMATED.match(local):
        return False
    if any(_BULK_LABEL.match(label.strip()) for label in m.labels):
        return False
    return len(m.recipients()) <= MAX_RECIPIENTS


def _same_thread(a: MailMessage, b: MailMessage) -> bool:
    """Whether ``a`` and ``b`` belong to one thread (by reply headers or thread root)."""
    if a.in_reply_to == b.message_id or b.message_id in a.references:
        return True
    if b.in_reply_to == a.message_id or a.message_id in b.references:
        return True
    return bool(a.thread) and a.thread == b.thread


def _answers(reply: MailMessage, asked: MailMessage, questions: list[str]) -> bool:
    """Whether ``reply`` (later, from the other side) answers ``asked``: in its thread, or a
    fresh message to the asker whose subject repeats a content word of the question's."""
    if _same_thread(reply, asked):
        return True
    if asked.from_addr.lower() not in reply.recipients():
        return False
    asked_words = echo_words(asked.subject) | echo_words(" ".join(questions))
    return bool(asked_words & echo_words(reply.subject))


def echo_words(text: str) -> set[str]:
    """Content words of a subject or sentence that can tie a reply to it (lower case)."""
    text = _SUBJECT_PREFIX.sub("", text)
    return {w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in _ECHO_STOP}


def _delivers(m: MailMessage) -> bool:
    """A mail that hands something over: a real attachment, or "here is", "attached"..."""
    for a in m.attachments:
        kind = str(a.get("content_type") or "").lower()
        if kind in _NOT_A_DELIVERY:
            continue
        if kind.startswith("image/") and int(a.get("size") or 0) < 10_000:
            continue  # a logo in a signature
        return True
    return bool(_DELIVERS.search(m.text))


def _day(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value
