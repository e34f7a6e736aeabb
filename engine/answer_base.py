"""What every answering strategy shares: the ``Answer`` being built and the ``Turn`` it is built in.

A ``Turn`` is one question being answered: the stores, the model (None when the user switched it
off for this question), the stop flag of the app's Stop button, and the ways to cite events,
tasks and reports into the answer. The strategies (``answer_schedule``, ``answer_todo``,
``answer_recall``) are functions of a turn, a question and the answer; the ``Answerer`` keeps no
per-question state of its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from engine.agenda import Agenda, EventHit, TaskHit
from engine.brief import Report, render_report
from engine.items import event_entry, task_entry
from engine.llm import ChatModel
from engine.people import PeopleAnswer
from engine.question import Question
from engine.retrieval import Retriever, Source

ITEM_KEYS = ("kind", "title", "start", "end", "due", "done", "source")
PERSON_KEYS = ("name", "emails", "phones")


@dataclass
class Answer:
    """Everything about one answer: what was understood, the facts, the text, the timings."""

    question: Question
    now: datetime
    text: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    found: bool = True
    timings: dict[str, Any] = field(default_factory=dict)
    not_from_data: bool = False  # a general answer from the model's own knowledge

    def to_json(self) -> dict[str, Any]:
        q = self.question
        out = {
            "question": q.text,
            "now": self.now.isoformat(),
            "intent": q.intent,
            "range": ({"start": q.range.start.isoformat(), "end": q.range.end.isoformat()}
                      if q.range else None),
            "answer": self.text,
            "items": [{k: item[k] for k in ITEM_KEYS + (PERSON_KEYS if item.get("kind") == "person"
                                                         else ()) if k in item}
                      for item in self.items],
            "sources": [s.to_json() for s in self.sources],
            "timings": self.timings,
        }
        if self.not_from_data:  # only then, so that the contract's keys stay as they were
            out["not_from_data"] = True
        return out


@dataclass
class Turn:
    """One question being answered, with what its strategies need."""

    agenda: Agenda
    retriever: Retriever
    llm: ChatModel | None  # None: no model for this question (switched off or none loaded)
    min_params: int
    people: Callable[[], PeopleAnswer]  # the people directory's answerer, built on first use
    stop_event: threading.Event | None = None

    @property
    def zone(self) -> tzinfo:
        return self.agenda.zone

    def model_big_enough(self, llm: ChatModel) -> bool:
        """Whether the model is large enough to phrase answers and know general facts."""
        try:
            return llm.n_params >= self.min_params
        except Exception:
            return False

    def cite_events(self, events: list[EventHit], ans: Answer) -> None:
        """Add the events to the answer's items and sources (in that order, numbered alike)."""
        for ev in events:
            entry = event_entry(ev, self.zone)
            ans.items.append(entry.item)
            ans.sources.append(entry.source)

    def cite_tasks(self, tasks: list[TaskHit], ans: Answer) -> None:
        """Add the tasks to the answer's items and sources."""
        for t in tasks:
            entry = task_entry(t, self.zone)
            ans.items.append(entry.item)
            ans.sources.append(entry.source)

    def report(self, report: Report, ans: Answer) -> Iterator[str]:
        """A brief or "who owes me what" report as the answer: its entries cited, its text."""
        entries = report.entries()
        ans.items = [dict(e.item) for e in entries]
        ans.sources = [e.source for e in entries]
        return iter([render_report(report)])

    def stream(self, llm: ChatModel, messages: list[dict[str, str]], ans: Answer,
               cite_fallback: int) -> Iterator[str]:
        """The model's text as it comes, counted in the answer's timings; when the model cited
        nothing, the ``cite_fallback`` sources are named at the end."""
        t0 = time.perf_counter()
        text = []
        for piece in llm.stream(messages, max_tokens=256, stop_event=self.stop_event):
            if not text:
                ans.timings["_first"] = (time.perf_counter() - t0) * 1000
            ans.timings["tokens"] = ans.timings.get("tokens", 0) + 1
            text.append(piece)
            yield piece
        if cite_fallback and "[" not in "".join(text):
            yield "\n\nSources: " + " ".join(f"[{i}]" for i in range(1, cite_fallback + 1))
