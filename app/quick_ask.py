"""The quick-ask popup: a small frameless box on top of everything, shown by the global hotkey.

Type a question, press Enter: the answer streams in below, rendered by the same ``ChatView`` as the
main window, so citations are links; a click opens the source through the same code as the main
window (``MainWindow.open_source``, passed in). Esc hides the box (an answer still streaming
carries on and is there when the box comes back). The box is built once at start-up, so showing
it is only a move and a show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.backend import Backend, Notice
from app.chat_view import ChatView
from app.conversations import Conversation, Turn
from app.errors import describe_error
from app.workers import Job

OpenSource = Callable[[Any, "dict[str, Any] | None"], Any]

WIDTH = 680
ANSWER_HEIGHT = 380
MIN_ANSWER_HEIGHT = 90
HINT = "Enter to ask  ·  Esc to close  ·  click [1] to open a source"


class QuickAskPopup(QFrame):
    """The popup. ``open_source(source, item)`` opens a cited source (the main window's)."""

    answer_finished = Signal()

    def __init__(self, backend: Backend, open_source: OpenSource,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        self.backend = backend
        self.open_source = open_source
        self.job: Job | None = None
        self._pending: str | None = None
        self.conversation = Conversation(title="Quick ask")
        self.setObjectName("quickAsk")
        self.setWindowTitle("Lodger — quick ask")
        self.setStyleSheet(
            "#quickAsk{background:#ffffff; border:1px solid #9aa4b5; border-radius:6px;}"
            "#quickAsk QLineEdit{font-size:17px; padding:8px 10px; border:1px solid #c7cdd8;"
            " border-radius:5px; background:#fbfcfe;}"
            "#quickAsk QTextBrowser{border:none; border-top:1px solid #e3e7ee;}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(6)
        self.input = QLineEdit()
        self.input.setPlaceholderText("Ask Lodger — e.g. What's on my schedule tomorrow?")
        self.input.returnPressed.connect(self.ask_from_input)
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color:#92400e;")
        self.notice.hide()
        self.chat = ChatView(show_questions=False)
        self.chat.setPlaceholderText("")
        self.chat.citation_clicked.connect(self.open_citation)
        self.chat.hide()
        self.hint = QLabel(HINT)
        self.hint.setStyleSheet("color:#6b7280; font-size:11px;")
        layout.addWidget(self.input)
        layout.addWidget(self.notice)
        layout.addWidget(self.chat, 1)
        layout.addWidget(self.hint)
        self.setFixedWidth(WIDTH)
        self._fit()

    # ----- showing -------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:  # the input and the answer view pass Esc up
            self.hide()
            event.accept()
            return
        super().keyPressEvent(event)

    def toggle(self) -> None:
        """Hide when shown and active; otherwise show (centred, focus in the input)."""
        if self.isVisible() and self.isActiveWindow():
            self.hide()
        else:
            self.popup()

    def popup(self) -> None:
        """Show centred on the screen with the mouse cursor, input focused and selected."""
        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
        if screen is not None:
            geo = screen.availableGeometry()
            full = self._height(ANSWER_HEIGHT)
            x = geo.x() + (geo.width() - WIDTH) // 2
            y = geo.y() + max((geo.height() - full) // 2, 0)
            self.move(x, y)
        self.show()
        self.raise_()
        self.activateWindow()
        self.input.setFocus(Qt.FocusReason.PopupFocusReason)
        self.input.selectAll()

    def _height(self, answer: int) -> int:
        base = self.input.sizeHint().height() + self.hint.sizeHint().height() + 30
        if not self.notice.isHidden():
            base += self.notice.sizeHint().height() + 6
        return base + answer

    def _fit(self, shrink: bool = False) -> None:
        """Room for the answer: the full height while it streams, then just what it needs."""
        if self.chat.isHidden():
            answer = 0
        elif shrink:
            doc = self.chat.document()
            doc.setTextWidth(self.chat.viewport().width())
            answer = min(max(int(doc.size().height()) + 8, MIN_ANSWER_HEIGHT), ANSWER_HEIGHT)
        else:
            answer = ANSWER_HEIGHT
        self.setFixedHeight(self._height(answer))

    # ----- asking --------------------------------------------------------------------------------

    def ask_from_input(self) -> None:
        text = self.input.text().strip()
        if text:
            self.ask(text)

    def ask(self, text: str) -> Job | None:
        """Ask ``text``; a question still streaming is stopped first."""
        if self.job is not None:
            self._pending = text
            self.job.request_stop()
            return None
        self.notice.hide()
        conv = self.conversation = Conversation(title="Quick ask")
        self.chat.set_conversation(conv)
        conv.turns.append(Turn(question=text, state="waiting"))
        self.chat.begin_turn(0)
        self.chat.show()
        self._fit()
        job = self.backend.ask(text)
        self.job = job
        job.yielded.connect(lambda v: self._on_yield(conv, v))
        job.errored.connect(lambda exc: self._on_error(conv, exc))
        job.finished.connect(lambda: self._on_finished(conv, job))
        return job

    def _on_yield(self, conv: Conversation, value: Any) -> None:
        turn = conv.turns[0]
        if isinstance(value, Notice):
            self.notice.setText(value.text)
            self.notice.show()
            self._fit()
        elif isinstance(value, str):
            turn.state = "streaming"
            turn.text += value
            if conv is self.conversation:
                self.chat.append_text(value)
        else:
            turn.answer = value

    def _on_error(self, conv: Conversation, exc: BaseException) -> None:
        turn = conv.turns[0]
        turn.fail(describe_error(exc, "answering"))

    def _on_finished(self, conv: Conversation, job: Job) -> None:
        turn = conv.turns[0]
        turn.finish(job.stopped)
        self.job = None
        if conv is self.conversation:
            self.chat.finish_turn(0)
            self._fit(shrink=True)
        self.answer_finished.emit()
        pending, self._pending = self._pending, None
        if pending:
            self.ask(pending)

    def open_citation(self, turn_index: int, n: int) -> None:
        """Open source ``n`` of the shown answer, then get out of the way."""
        turns = self.conversation.turns
        if not 0 <= turn_index < len(turns) or not 1 <= n <= len(turns[turn_index].sources):
            return
        turn = turns[turn_index]
        item = turn.items[n - 1] if n - 1 < len(turn.items) else None
        self.hide()
        self.open_source(turn.sources[n - 1], item)

    def stop(self) -> None:
        if self.job is not None:
            self.job.request_stop()
