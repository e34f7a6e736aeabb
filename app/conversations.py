"""Conversations: the questions asked in one thread and their answers (plain data, no Qt).

A follow-up question ("and the day after?") is understood against the previous question of the
same conversation, so each conversation keeps its finished answers. Conversations are kept for
the session in memory and saved as a small JSON file (question, answer text, sources) in the data
dir, so the list survives a restart; follow-up context does not need to.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexing.paths import write_private

log = logging.getLogger("lodger.app")
FILE_NAME = "conversations.json"
MAX_SAVED = 50


@dataclass
class StoredSource:
    """A source of a reloaded answer (the fields citations need)."""

    path: str
    kind: str
    title: str
    locator: str
    snippet: str
    line: int = 0
    date: str | None = None
    doc_id: str = ""
    matched: list[str] = field(default_factory=list)


@dataclass
class Turn:
    """One question and its answer as it streams in."""

    question: str
    text: str = ""
    answer: Any = None  # engine.answer.Answer (the plan, then the final one)
    state: str = "waiting"  # waiting, streaming, done, stopped, error
    error: str = ""

    @property
    def sources(self) -> list[Any]:
        return list(getattr(self.answer, "sources", []) or [])

    @property
    def items(self) -> list[dict[str, Any]]:
        return list(getattr(self.answer, "items", []) or [])

    def fail(self, message: str) -> None:
        """The answer failed with ``message`` (already worded for the user)."""
        self.state, self.error = "error", message

    def finish(self, stopped: bool) -> None:
        """The answer ended: stopped, or done with the final answer's text (unless it failed)."""
        if self.state == "error":
            return
        self.state = "stopped" if stopped else "done"
        final_text = getattr(self.answer, "text", "")
        if self.state == "done" and final_text:
            self.text = final_text


@dataclass
class Conversation:
    title: str = "New conversation"
    turns: list[Turn] = field(default_factory=list)

    def previous_question(self) -> Any:
        """The last answered question (for follow-ups), or None."""
        for turn in reversed(self.turns):
            q = getattr(turn.answer, "question", None)
            if turn.state == "done" and q is not None and not isinstance(turn.answer, _Loaded):
                return q
        return None


class _Loaded:
    """A finished answer read back from disk: text, items and sources, no question object."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.text = data.get("text", "")
        self.items = data.get("items", [])
        self.sources = [StoredSource(**{k: v for k, v in s.items()
                                        if k in StoredSource.__dataclass_fields__})
                        for s in data.get("sources", [])]


def save_conversations(data_dir: Path, conversations: list[Conversation]) -> None:
    """Write the finished turns of the last ``MAX_SAVED`` conversations (owner-only file)."""
    out = []
    for conv in conversations[-MAX_SAVED:]:
        turns = []
        for t in conv.turns:
            if t.state not in ("done", "stopped"):
                continue
            srcs = [{"path": s.path, "kind": s.kind, "title": s.title, "locator": s.locator,
                     "snippet": s.snippet, "line": getattr(s, "line", 0),
                     "date": getattr(s, "date", None), "doc_id": getattr(s, "doc_id", ""),
                     "matched": list(getattr(s, "matched", []))} for s in t.sources]
            turns.append({"question": t.question, "text": t.text, "state": t.state,
                          "items": t.items, "sources": srcs})
        if turns:
            out.append({"title": conv.title, "turns": turns})
    write_private(data_dir / FILE_NAME, json.dumps(out, ensure_ascii=False, default=str))


def load_conversations(data_dir: Path) -> list[Conversation]:
    """The saved conversations; an unreadable file gives none (and is logged)."""
    path = data_dir / FILE_NAME
    if not path.exists():
        return []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        convs = []
        for c in raw:
            turns = [Turn(question=t["question"], text=t.get("text", ""), answer=_Loaded(t),
                          state=t.get("state", "done")) for t in c.get("turns", [])]
            convs.append(Conversation(title=c.get("title", "Conversation"), turns=turns))
        return convs
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("conversations file %s unreadable (%s); starting fresh", path, exc)
        return []
