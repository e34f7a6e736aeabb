"""Clicking citations: notes open in the user's editor at their line, mail and events in-app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.message_view import EventView, MessageView
from tests.app.conftest import FakeChat, ask_and_wait, click_link
from tests.conftest import DEMO

pytestmark = pytest.mark.gui

TOM_Q = "What did Tom say about the contract?"


def cite_first(kind: str):
    """A fake model's reply that cites the first source of ``kind`` in its prompt."""
    def reply(messages: list[dict[str, str]]) -> list[str]:
        m = re.search(rf"^\[(\d+)\] {kind}:", messages[-1]["content"], re.MULTILINE)
        assert m, messages[-1]["content"]
        return ["It ", "is ", "in ", "your ", f"{kind} ", f"[{m.group(1)}]."]
    return reply


def test_note_citation_opens_the_file_at_its_line(qtbot, make_window, opened):
    """A click on a note's [n] calls open_file with the note's path and line."""
    window = make_window(chat_model=FakeChat(cite_first("note")))
    turn = ask_and_wait(qtbot, window, TOM_Q)
    n = int(re.search(r"\[(\d+)\]", turn.text).group(1))
    source = turn.sources[n - 1]
    assert source.kind == "note"
    click_link(qtbot, window.chat, f"cite:0:{n}")
    # The note opens at the quoted words ("contract for 2027 needs more thought"), not at the
    # heading where its chunk starts.
    assert opened.calls == [(str(DEMO / "notes" / "Daily" / "2026-03-23.md"), 11)]
    assert source.line == 11 and source.locator == "L11"
    lines = Path(opened.calls[0][0]).read_text(encoding="utf-8").splitlines()
    assert source.snippet.split(" … ")[0] in lines[10]
    assert "#fff4d6" in window.sources.html()  # the clicked source is highlighted


def test_mail_citation_opens_the_message_view(qtbot, make_window, opened):
    """A click on an email's [1] shows that message: subject, sender, recipients, body."""
    window = make_window()
    turn = ask_and_wait(qtbot, window, TOM_Q)  # no model: the best sentences, cited
    assert turn.sources[0].kind == "email"
    assert turn.sources[0].title == "Contract for the Keller garden works"
    click_link(qtbot, window.chat, "cite:0:1")
    assert opened.calls == []
    view = window.views[-1]
    assert isinstance(view, MessageView)
    qtbot.waitUntil(lambda: view.subject.text() != "Loading…", timeout=10_000)
    assert view.subject.text() == "Contract for the Keller garden works"
    assert view.fields["From"].text() == "Tom Becker <tom@beckerbau.example>"
    assert view.fields["To"].text() == "Sam Rivera <sam.rivera@example.org>"
    assert view.fields["Date"].text() == "Fri 13 Mar 2026, 16:05 (+01:00)"
    assert not view.fields["Cc"].isVisible()
    body = view.body.toPlainText()
    assert "I need the signed contract back by Thursday, 26 March at the latest" in body
    assert view.isVisible()
    assert not view.open_button.isVisible()  # an mbox is not handed to a mail app


def test_event_citation_opens_the_event_view(qtbot, make_window, opened):
    """A click on a schedule answer's [1] shows the event: when, where, from which file."""
    window = make_window()
    ask_and_wait(qtbot, window, "What's on my schedule tomorrow?")
    click_link(qtbot, window.chat, "cite:0:1")
    view = window.views[-1]
    assert isinstance(view, EventView)
    assert view.heading.text() == "Dentist appointment"
    texts = [view.form.itemAt(i).widget().text() for i in range(view.form.count())
             if view.form.itemAt(i).widget() is not None]
    assert "Thu 26 Mar 2026, 14:30–15:15" in texts
    assert "Praxis Dr. Weber, Kastanienallee 12" in texts
    assert "sam.ics" in texts
    assert opened.calls == []


def test_sources_panel_click_opens_like_a_citation(qtbot, make_window, opened):
    """Clicking a source's title in the sources panel opens it the same way as its [n]."""
    window = make_window(chat_model=FakeChat(cite_first("note")))
    turn = ask_and_wait(qtbot, window, TOM_Q)
    n = next(i for i, s in enumerate(turn.sources, 1) if s.kind == "note")
    click_link(qtbot, window.sources.view, f"src:{n}")
    assert opened.calls == [(turn.sources[n - 1].path, turn.sources[n - 1].line)]
