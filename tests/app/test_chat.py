"""Asking in the main window: streamed answers, Stop, long streams, and errors in the banner."""

from __future__ import annotations

import pytest

from app.chat_view import ChatView
from app.conversations import Conversation, Turn
from engine.llm import ModelError
from tests.app.conftest import FakeChat, ask_and_wait

pytestmark = pytest.mark.gui

SCHEDULE_Q = "What's on my schedule tomorrow?"


def test_schedule_answer_appears_in_the_chat(qtbot, make_window):
    """The real engine on the demo data answers tomorrow's schedule: Dentist at 14:30, cited."""
    window = make_window()
    turn = ask_and_wait(qtbot, window, SCHEDULE_Q)
    assert turn.state == "done"
    shown = window.chat.plain_answer()
    assert SCHEDULE_Q in shown
    assert "Thu 26 Mar 2026" in shown
    assert "14:30–15:15" in shown
    assert "Dentist appointment" in shown
    assert [s.title for s in turn.sources] == ["Dentist appointment"]
    assert window.sources.title.text() == "Sources (1)"
    assert "cite:0:1" in window.chat.toHtml()
    assert window.ask_button.isVisible() and not window.stop_button.isVisible()


def test_answer_streams_piece_by_piece_then_renders_links(qtbot, make_window):
    """Each streamed piece shows up as it arrives; the finished answer's [1] becomes a link."""
    pieces = ["Tom ", "wants ", "the ", "signed ", "contract ", "back ", "by ", "Thursday ", "[1]."]
    window = make_window(chat_model=FakeChat(pieces))
    seen: list[str] = []
    job = window.ask("What did Tom say about the contract?")
    job.yielded.connect(lambda v: seen.append(window.chat.plain_answer())
                        if isinstance(v, str) else None)
    qtbot.waitUntil(lambda: job.done, timeout=20_000)
    assert len(seen) == len(pieces)
    assert seen[0].endswith("Tom ")
    assert seen[3].endswith("Tom wants the signed ")
    turn = window.conversation.turns[-1]
    assert turn.state == "done"
    assert turn.text == "Tom wants the signed contract back by Thursday [1]."
    assert "Tom wants the signed contract back by Thursday [1]." in window.chat.plain_answer()
    assert 'href="cite:0:1"' in window.chat.toHtml()
    assert len(turn.sources) >= 1


def test_stop_ends_a_long_stream(qtbot, make_window):
    """Stop ends a 5,000-token answer early: marked "(stopped)", the model's stream is closed."""
    chat = FakeChat([f"word{i} " for i in range(5000)], delay=0.002)
    window = make_window(chat_model=chat)
    window.ask("Write a poem about the sea")
    qtbot.waitUntil(lambda: chat.sent >= 20, timeout=20_000)
    assert window.stop_button.isVisible()
    with qtbot.waitSignal(window.answer_finished, timeout=10_000):
        qtbot.mouseClick(window.stop_button, _left())
    turn = window.conversation.turns[-1]
    assert turn.state == "stopped"
    assert chat.sent < 5000
    assert chat.interrupted
    assert window.chat.plain_answer().rstrip().endswith("(stopped)")
    assert turn.text.startswith("word0 word1 ")
    assert window.ask_button.isVisible() and not window.stop_button.isVisible()


def test_chat_view_survives_20000_streamed_tokens(qtbot):
    """Regression (PySide6 6.12 aborted here): 20,000 appends into the chat view, then render."""
    view = ChatView()
    qtbot.addWidget(view)
    view.show()
    conv = Conversation()
    view.set_conversation(conv)
    conv.turns.append(Turn(question="Long one?"))
    view.begin_turn(0)
    text = []
    for i in range(20_000):
        piece = f"t{i}" + ("\n" if i % 50 == 49 else " ")
        text.append(piece)
        view.append_text(piece)
        if i % 1000 == 0:
            qtbot.wait(1)
    conv.turns[0].text = "".join(text)
    conv.turns[0].state = "done"
    view.finish_turn(0)
    shown = view.plain_answer()
    assert "t0 t1 t2" in shown
    assert "t19998 t19999" in shown


def test_20000_tokens_through_the_backend(qtbot, make_window):
    """20,000 tokens from the model lane reach the chat view in order and the app stays up."""
    tokens = [f"t{i}" + ("\n" if i % 50 == 49 else " ") for i in range(20_000)]
    window = make_window(chat_model=FakeChat(tokens))
    turn = ask_and_wait(qtbot, window, "Write a poem about the sea", timeout=80_000)
    assert turn.state == "done"
    assert turn.text == "".join(tokens).strip()
    shown = window.chat.plain_answer()
    assert "t19998 t19999" in shown
    assert shown.index("t100 ") < shown.index("t10000 ")


def test_model_error_mid_answer_shows_in_banner_and_falls_back(qtbot, make_window):
    """A model that fails while streaming: the banner says so; the answer quotes the sources."""
    chat = FakeChat(["a ", "b ", "c "], fail=ModelError("fake.gguf: out of memory"))
    window = make_window(chat_model=chat)
    turn = ask_and_wait(qtbot, window, "What did Tom say about the contract?")
    assert window.banner.isVisible()
    assert window.banner_text.text().startswith("The language model could not be used: "
                                                "fake.gguf: out of memory.")
    assert turn.state == "done"
    assert turn.text.startswith("Here is what I found in your data:")
    assert "[1]" in turn.text


def test_crashing_model_is_a_message_not_a_crash(qtbot, make_window):
    """An unexpected exception in the model lane ends the turn with a message in the banner."""
    window = make_window(chat_model=FakeChat(["a ", "b ", "c "], fail=RuntimeError("boom")))
    turn = ask_and_wait(qtbot, window, "Write a poem about the sea")
    assert turn.state == "error"
    assert turn.error == "While answering: boom"
    assert window.banner.isVisible() and window.banner_text.text() == "While answering: boom"
    assert "While answering: boom" in window.chat.plain_answer()
    # The app carries on: the next question is answered.
    window.backend.answerer.llm = FakeChat(["fine"])
    assert ask_and_wait(qtbot, window, "Write a poem about the sea").text == "fine"


def test_workspace_that_cannot_open_is_explained(qtbot, make_window):
    """A workspace that fails to open shows why in the banner; a question then says so too."""
    window = make_window(embedder="no-such-embedder", wait_ready=False)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10_000)
    assert window.banner_text.text().startswith(
        "While opening the index: unknown embedder 'no-such-embedder'")
    turn = ask_and_wait(qtbot, window, SCHEDULE_Q)
    assert turn.state == "error"
    assert "unknown embedder 'no-such-embedder'" in turn.error


@pytest.mark.model
def test_real_default_model_streams_an_answer(qtbot, make_window):
    """The bundled SmolLM2 model loads on the model lane and streams a general answer."""
    from engine.llm import DEFAULT_MODEL_FILE

    window = make_window()
    window.backend.ws.settings.extras["llm_min_params"] = 0  # let the 135M model answer this
    pieces: list[str] = []
    job = window.ask("Write a haiku about the sea")
    job.yielded.connect(lambda v: pieces.append(v) if isinstance(v, str) else None)
    qtbot.waitUntil(lambda: job.done, timeout=90_000)
    turn = window.conversation.turns[-1]
    assert turn.state == "done", turn.error
    assert window.backend.answerer.llm.name == DEFAULT_MODEL_FILE
    assert len(pieces) > 3
    assert turn.text.strip() and turn.text.strip() in window.chat.plain_answer()


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_what_start_up_mended_is_shown_in_the_banner(qtbot, tmp_path):
    """A damaged lodger.db is set aside at start-up and the window says so in words."""
    from app.backend import Backend
    from app.main_window import MainWindow

    data = tmp_path / "data"
    data.mkdir()
    (data / "lodger.db").write_bytes(b"this is not a database" * 200)
    backend = Backend(data, embedder="hash", watch=False, check_index=True)
    window = MainWindow(backend)
    qtbot.addWidget(window)
    try:
        backend.start()
        qtbot.waitUntil(lambda: backend.ws is not None, timeout=30_000)
        qtbot.waitUntil(lambda: window.banner.isVisibleTo(window), timeout=5_000)
        assert "database was damaged" in window.banner_text.text()
        assert "Traceback" not in window.banner_text.text()
    finally:
        backend.shutdown()
