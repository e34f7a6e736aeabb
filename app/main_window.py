"""The main window: conversations on the left, the chat in the middle, sources on the right.

Questions go to ``Backend.ask`` (the model lane); its yields arrive here as signals on the GUI
thread and are streamed into the chat view. Citations open through one injected ``open_file``
function (notes, to-dos), the in-app message view (mail) or the event view (events). Problems are
shown in a banner at the top, never as a traceback. Closing the window hides it when a tray icon
keeps the app alive.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.backend import ENV_NOW, Backend, Notice
from app.chat_view import ChatView
from app.conversations import Conversation, Turn, load_conversations, save_conversations
from app.errors import describe_error
from app.opener import OpenFile, open_file
from app.source_views import SourceViews
from app.sources_panel import SourcesPanel
from app.status_area import StatusArea
from app.welcome import WelcomePage
from app.workers import Job

log = logging.getLogger("lodger.app")


class MainWindow(QMainWindow):
    """Lodger's window. ``open_file(path, line)`` is how files are opened (tests pass a fake)."""

    answer_finished = Signal(int)  # turn index (for tests and the screenshot driver)
    closed = Signal()  # the window really closed (not just hidden to the tray)

    def __init__(self, backend: Backend, open_file: OpenFile = open_file,
                 keep_running_in_tray: bool = False) -> None:
        super().__init__()
        self.backend = backend
        self.open_file = open_file
        self.keep_running_in_tray = keep_running_in_tray
        self.quitting = False
        self.job: Job | None = None
        self.source_views = SourceViews(backend, open_file, self, self.show_problem)
        self.hotkey_note = ""  # why there is no global hotkey, if there is none
        self.hotkey = ""  # the global hotkey, when one is listening
        self.conversations = load_conversations(backend.data_dir) or [Conversation()]
        self.current = len(self.conversations) - 1
        self.setWindowTitle("Lodger")
        self.resize(1180, 740)
        self._build()
        self._wire()
        self._refresh_list()
        self.show_conversation(self.current)
        self._update_page()

    # ----- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(8, 8, 4, 8)
        self.new_button = QPushButton("New conversation")
        self.conv_list = QListWidget()
        self.conv_list.setWordWrap(True)
        self.settings_button = QPushButton("Settings…")
        lv.addWidget(self.new_button)
        lv.addWidget(self.conv_list, 1)
        lv.addWidget(self.settings_button)

        self.banner = QFrame()
        self.banner.setStyleSheet("QFrame{background:#fef3c7; border:1px solid #f59e0b;"
                                  " border-radius:4px;}")
        bl = QHBoxLayout(self.banner)
        bl.setContentsMargins(8, 4, 4, 4)
        self.banner_text = QLabel("")
        self.banner_text.setWordWrap(True)
        self.banner_text.setStyleSheet("border:none; color:#78350f;")
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.clicked.connect(self.banner.hide)
        bl.addWidget(self.banner_text, 1)
        bl.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.hide()

        self.chat = ChatView()
        self.input = QLineEdit()
        self.input.setPlaceholderText("Ask a question, e.g. What's on my schedule tomorrow?")
        self.input.setMinimumHeight(32)
        self.ask_button = QPushButton("Ask")
        self.stop_button = QPushButton("Stop")
        self.stop_button.hide()
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addWidget(self.ask_button)
        row.addWidget(self.stop_button)
        chat_page = QWidget()
        cv = QVBoxLayout(chat_page)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.addWidget(self.chat, 1)
        cv.addLayout(row)
        self.welcome = WelcomePage(default_model=not self.backend.settings.model_path)
        self.pages = QStackedWidget()
        self.pages.addWidget(chat_page)
        self.pages.addWidget(self.welcome)

        center = QWidget()
        cl = QVBoxLayout(center)
        cl.setContentsMargins(4, 8, 4, 8)
        cl.addWidget(self.banner)
        cl.addWidget(self.pages, 1)
        self.sources = SourcesPanel()
        self.sources.setContentsMargins(0, 4, 8, 8)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(center)
        split.addWidget(self.sources)
        split.setStretchFactor(1, 1)
        split.setSizes([210, 620, 350])
        self.status = StatusArea()
        root = QWidget()
        rl = QVBoxLayout(root)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.setSpacing(0)
        rl.addWidget(split, 1)
        rl.addWidget(self.status)
        self.setCentralWidget(root)

    def _wire(self) -> None:
        b = self.backend
        self.input.returnPressed.connect(self.ask_from_input)
        self.ask_button.clicked.connect(self.ask_from_input)
        self.stop_button.clicked.connect(self.stop)
        self.new_button.clicked.connect(self.new_conversation)
        self.conv_list.currentRowChanged.connect(self._on_row)
        self.settings_button.clicked.connect(self.open_settings)
        self.chat.citation_clicked.connect(self.open_citation)
        self.sources.source_clicked.connect(
            lambda n: self.open_citation(self._sources_turn, n))
        self.welcome.demo_requested.connect(self.use_demo)
        self.welcome.folder_requested.connect(self.choose_folder)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_conversation)
        QShortcut(QKeySequence("Esc"), self.input, self.stop)
        b.problem.connect(self.show_problem)
        b.workspace_ready.connect(self._on_ready)
        b.index_progress.connect(self.status.progress)
        b.index_busy.connect(self.status.busy)
        b.index_finished.connect(self.status.finished)
        b.settings_changed.connect(self._update_page)
        self._sources_turn = -1

    # ----- conversations -----------------------------------------------------------------------

    @property
    def conversation(self) -> Conversation:
        return self.conversations[self.current]

    def new_conversation(self) -> None:
        if self.conversation.turns:
            self.conversations.append(Conversation())
        self.current = len(self.conversations) - 1
        self._refresh_list()
        self.show_conversation(self.current)
        self.input.setFocus()

    def _refresh_list(self) -> None:
        self.conv_list.blockSignals(True)
        self.conv_list.clear()
        for conv in self.conversations:
            self.conv_list.addItem(conv.title)
        self.conv_list.setCurrentRow(self.current)
        self.conv_list.blockSignals(False)

    def _on_row(self, row: int) -> None:
        if 0 <= row < len(self.conversations) and row != self.current and self.job is None:
            self.show_conversation(row)
        elif self.job is not None:
            self._refresh_list()  # stay on the conversation that is streaming

    def show_conversation(self, index: int) -> None:
        self.current = index
        self.chat.set_conversation(self.conversation)
        last = len(self.conversation.turns) - 1
        self._show_sources(last)

    def _show_sources(self, turn: int, current: int = 0) -> None:
        turns = self.conversation.turns
        self._sources_turn = turn
        self.sources.show_sources(turns[turn].sources if 0 <= turn < len(turns) else [], current)

    # ----- asking ------------------------------------------------------------------------------

    def ask_from_input(self) -> None:
        text = self.input.text().strip()
        if text:
            self.input.clear()
            self.ask(text)

    def ask(self, text: str) -> Job | None:
        """Ask ``text`` in the current conversation and stream the answer in."""
        if self.job is not None:
            return None
        self._show_chat()
        conv = self.conversation
        previous = conv.previous_question()
        conv.turns.append(Turn(question=text, state="waiting"))
        if len(conv.turns) == 1:
            conv.title = text if len(text) <= 48 else text[:46] + "…"
            self._refresh_list()
        index = len(conv.turns) - 1
        self.chat.begin_turn(index)
        self._show_sources(-1)
        job = self.backend.ask(text, previous)
        self.job = job
        job.yielded.connect(lambda v: self._on_yield(conv, index, v))
        job.errored.connect(lambda exc: self._on_error(conv, index, exc))
        job.finished.connect(lambda: self._on_finished(conv, index, job))
        self.ask_button.hide()
        self.stop_button.show()
        return job

    def stop(self) -> None:
        """Stop the answer being streamed."""
        if self.job is not None:
            self.job.request_stop()

    def _on_yield(self, conv: Conversation, index: int, value: Any) -> None:
        turn = conv.turns[index]
        if isinstance(value, Notice):
            self.show_problem(value.text)
        elif isinstance(value, str):
            turn.state = "streaming"
            turn.text += value
            if conv is self.conversation:
                self.chat.append_text(value)
        else:  # an engine.answer.Answer: the plan, then the final one
            turn.answer = value
            if conv is self.conversation and index == len(conv.turns) - 1:
                self._show_sources(index)

    def _on_error(self, conv: Conversation, index: int, exc: BaseException) -> None:
        turn = conv.turns[index]
        turn.fail(describe_error(exc, "answering"))
        self.show_problem(turn.error)

    def _on_finished(self, conv: Conversation, index: int, job: Job) -> None:
        turn = conv.turns[index]
        turn.finish(job.stopped)
        self.job = None
        self.stop_button.hide()
        self.ask_button.show()
        if conv is self.conversation:
            self.chat.finish_turn(index)
            self._show_sources(index)
        try:
            save_conversations(self.backend.data_dir, self.conversations)
        except OSError as exc:
            log.warning("could not save conversations: %s", exc)
        self.answer_finished.emit(index)

    # ----- citations ---------------------------------------------------------------------------

    def open_citation(self, turn_index: int, n: int) -> None:
        """Open source ``n`` (1-based) of turn ``turn_index`` of the shown conversation."""
        turns = self.conversation.turns
        if not 0 <= turn_index < len(turns) or not 1 <= n <= len(turns[turn_index].sources):
            return
        turn = turns[turn_index]
        self._show_sources(turn_index, n)
        items = turn.items
        item = items[n - 1] if n - 1 < len(items) else None
        self.open_source(turn.sources[n - 1], item)

    def open_source(self, source: Any, item: dict[str, Any] | None = None) -> QWidget | None:
        """Show a cited source (see ``SourceViews.open``); the quick-ask popup uses this too."""
        return self.source_views.open(source, item)

    @property
    def views(self) -> list[QWidget]:
        """The message, event and settings windows open now."""
        return self.source_views.views

    def _keep(self, view: QWidget) -> None:
        self.source_views.keep(view)

    # ----- first run, settings, problems --------------------------------------------------------

    def _update_page(self) -> None:
        first_run = not self.backend.settings.folders and not any(
            c.turns for c in self.conversations)
        self.pages.setCurrentWidget(self.welcome if first_run else self.pages.widget(0))

    def _show_chat(self) -> None:
        self.pages.setCurrentIndex(0)

    def use_demo(self) -> None:
        from engine.demo import DEMO_DIR

        self._add_folder(str(DEMO_DIR))
        self.input.setText("What's on my schedule tomorrow?")

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder to index")
        if folder:
            self._add_folder(folder)

    def _add_folder(self, folder: str) -> None:
        import copy

        new = copy.deepcopy(self.backend.settings)
        if folder not in new.folders:
            new.folders.append(folder)
        self.backend.save_settings(new)
        self._show_chat()
        self.input.setFocus()

    def open_settings(self) -> None:
        from app.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.backend, self, hotkey_note=self.hotkey_note)
        self._keep(dialog)

    def _on_ready(self) -> None:
        self.status.set_text("Ready.")
        self._update_note()

    def set_hotkey_note(self, note: str, sequence: str) -> None:
        """Remember why there is no global hotkey (shown in Settings); name the one there is."""
        self.hotkey_note = note
        self.hotkey = sequence
        self._update_note()

    def _update_note(self) -> None:
        parts = []
        if self.hotkey:
            parts.append(f"Quick ask: {self.hotkey}")
        if os.environ.get(ENV_NOW):
            try:
                now = self.backend.now()
                parts.append(f"Clock set to {now:%a %d %b %Y, %H:%M}")
            except ValueError:
                parts.append(f"${ENV_NOW} is not a valid time")
        self.status.set_note("   ·   ".join(parts))

    def show_problem(self, text: str) -> None:
        """Show ``text`` in the banner (the latest problem wins)."""
        self.banner_text.setText(text)
        self.banner.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.keep_running_in_tray and not self.quitting:
            event.ignore()
            self.hide()
            return
        super().closeEvent(event)
        self.closed.emit()
