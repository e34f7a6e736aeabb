"""Questions to answers: facts from code, phrasing from the model.

``Answerer.ask`` is a generator: it yields an ``Answer`` plan first (intent, range, items,
sources), then the answer text in pieces as they are produced, then the finished ``Answer``. The
CLI prints the pieces; the app turns them into signals. Schedule and to-do answers are rendered by
code from the structured store and are complete with no model. Recall answers come from hybrid
retrieval; a model at least ``min_params`` large phrases them from numbered sources, otherwise the
best matching sentences are quoted with citations. When nothing relevant is found, the answer says
so instead of letting the model guess.

The strategies live in their own modules (``answer_schedule``, ``answer_todo``,
``answer_recall``; people and the brief are answered by ``engine.people`` and ``engine.brief``);
this module reads the question, picks the strategy by its intent and, when the reading was
unsure and found nothing, tries the runner-up.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

from engine.agenda import Agenda
from engine.answer_base import ITEM_KEYS, PERSON_KEYS, Answer, Turn
from engine.answer_recall import (
    HELLO,
    NOT_FOUND,
    SMALL_MODEL_GENERAL,
    about_the_user,
    dated_search,
    extractive_answer,
    general,
    recall,
    relevance,
)
from engine.answer_schedule import schedule
from engine.answer_todo import todo
from engine.brief import build_brief
from engine.intent import QuestionReader, default_reader
from engine.llm import ChatModel
from engine.people import PeopleAnswer
from engine.question import Question, understand
from engine.render import REFERENCE_YEAR
from engine.retrieval import Retriever

DEFAULT_MIN_PARAMS = 1_000_000_000  # below this, recall answers are extractive

__all__ = ["Answer", "Answerer", "DEFAULT_MIN_PARAMS", "HELLO", "ITEM_KEYS", "NOT_FOUND",
           "PERSON_KEYS", "SMALL_MODEL_GENERAL", "extractive_answer", "relevance"]


class Answerer:
    """Answers questions for one user. Thread-compatible: one question at a time per model."""

    def __init__(self, agenda: Agenda, retriever: Retriever, llm: ChatModel | None = None,
                 min_params: int = DEFAULT_MIN_PARAMS,
                 reader: QuestionReader | None = None) -> None:
        self.agenda = agenda
        self.retriever = retriever
        self.llm = llm
        self.min_params = min_params
        self.reader = reader or default_reader()
        self._people_answer: PeopleAnswer | None = None  # its name index, built on first use

    @property
    def zone(self) -> tzinfo:
        return self.agenda.zone

    def ask(self, text: str, now: datetime, previous: Question | None = None,
            use_llm: bool = True, stop_event: threading.Event | None = None,
            ) -> Iterator[Answer | str]:
        """Yield the plan (an ``Answer``), then text pieces, then the final ``Answer``."""
        t0 = time.perf_counter()
        now = now.astimezone(self.zone)
        year = REFERENCE_YEAR.set(now.year)
        try:
            turn = Turn(self.agenda, self.retriever, self.llm if use_llm else None,
                        self.min_params, self._people, stop_event)
            yield from self._ask(turn, text, now, previous, t0)
        finally:
            REFERENCE_YEAR.reset(year)

    def _ask(self, turn: Turn, text: str, now: datetime, previous: Question | None,
             t0: float) -> Iterator[Answer | str]:
        q = understand(text, now, previous, reader=self.reader)
        ans, body = self._answer_as(turn, q, now)
        if not ans.found and q.alternative is not None and q.alternative != q.intent:
            # The classifier was not sure and its first reading found nothing in the user's
            # data: the runner-up reading may ("what do I owe the dentist?").
            other_q = replace(q, intent=q.alternative, alternative=None)
            other, other_body = self._answer_as(turn, other_q, now)
            if other.found and other.question.intent != "general":
                ans, body = other, other_body
        ans.timings["retrieve_ms"] = round((time.perf_counter() - t0) * 1000, 2)
        yield ans
        pieces: list[str] = []
        for piece in body:
            if turn.stop_event is not None and turn.stop_event.is_set():
                break
            pieces.append(piece)
            yield piece
        ans.text = "".join(pieces).strip()
        ans.timings["total_ms"] = round((time.perf_counter() - t0) * 1000, 2)
        if ans.timings.get("tokens"):
            ans.timings["first_token_ms"] = round(ans.timings.pop("_first", 0.0), 2)
        else:
            ans.timings.pop("_first", None)
        yield ans

    def _answer_as(self, turn: Turn, q: Question, now: datetime,
                   ) -> tuple[Answer, Iterator[str]]:
        """The plan and the text of ``q`` answered as its intent says."""
        ans = Answer(q, now)
        ans.timings = {"retrieve_ms": 0.0, "first_token_ms": None, "total_ms": 0.0, "tokens": 0}
        if q.intent == "schedule":
            body = schedule(turn, q, ans)
        elif q.intent == "todo":
            body = todo(turn, q, ans)
        elif q.intent == "people":
            body = self._person(turn, q, ans)
        elif q.intent == "recall":
            body = recall(turn, q, ans)
        elif q.intent == "brief":
            body = self._brief(turn, q, ans)
        elif q.keywords and about_the_user(q, relevance((found := dated_search(turn, q))[0])):
            # Read as a general question, yet the user's own mail and notes match it ("lidar
            # data eta?", "when does my passport expire?"): it is about their data after all.
            recall_q = replace(q, intent="recall")
            ans.question = recall_q
            body = recall(turn, recall_q, ans, searched=found)
        else:
            body = general(turn, q, ans)
        return ans, body

    def _people(self) -> PeopleAnswer:
        if self._people_answer is None:
            self._people_answer = PeopleAnswer(self.agenda.store.people, self.zone)
        return self._people_answer

    def _person(self, turn: Turn, q: Question, ans: Answer) -> Iterator[str]:
        """A person as a contact: the people directory answers by code (``engine.people``); a
        person it does not hold (the plumber a friend recommended) is searched for in mail and
        notes, and those sources are cited beside the directory's."""
        res = turn.people().answer(q.text, since=q.range.start if q.range else None,
                                   previous_person=q.person)
        if not res.found:
            return recall(turn, replace(q, intent="recall"), ans)
        ans.items += res.items
        ans.sources += res.sources
        found, _ = dated_search(turn, q)
        seen = {s.doc_id for s in ans.sources}
        ans.sources += [s for s in found if s.doc_id not in seen and relevance([s]) != "none"]
        return iter([res.text])

    def _brief(self, turn: Turn, q: Question, ans: Answer) -> Iterator[str]:
        """"Catch me up", "summarize my week": the brief of the period asked (today and
        tomorrow by default), every line cited (``engine.brief``)."""
        start, days = None, 2
        if q.range is not None:
            start = q.range.start
            days = max(1, min(31, math.ceil((q.range.end - q.range.start) / timedelta(days=1))))
        report = build_brief(self.agenda, self.agenda.store, ans.now, days=days, start=start)
        return turn.report(report, ans)

    def answer(self, text: str, now: datetime, **kw: Any) -> Answer:
        """Run ``ask`` to the end and return the finished answer."""
        final: Answer | None = None
        for event in self.ask(text, now, **kw):
            if isinstance(event, Answer):
                final = event
        assert final is not None
        return final
