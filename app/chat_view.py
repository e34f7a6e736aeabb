"""The chat view: questions and answers of one conversation, streamed token by token.

While an answer streams, each piece is appended as plain text at the end of the document (cheap,
no re-layout of earlier turns). When it is finished, the streamed text is replaced by its
rendering: Markdown with clickable citations, or a dated list for schedule and to-do answers.
Citation links are ``cite:<turn>:<n>``; a click emits ``citation_clicked(turn, n)``.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QColor, QFont, QPalette, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.answer_format import ACCENT, MUTED, items_html, markdown_with_links, parse_cite
from app.conversations import Conversation, Turn

QUESTION_BG = "#eef2fb"


class ChatView(QTextBrowser):
    """Shows one ``Conversation``; the owner calls ``begin_turn``/``append_text``/``finish_turn``."""

    citation_clicked = Signal(int, int)  # turn index, source number (1-based)

    def __init__(self, parent: QWidget | None = None, show_questions: bool = True) -> None:
        super().__init__(parent)
        self.show_questions = show_questions  # the quick-ask box shows its question in its input
        font = self.document().defaultFont()
        font.setPointSizeF(font.pointSizeF() + 1)  # answers are read, not skimmed
        self.document().setDefaultFont(font)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Link, QColor(ACCENT))
        self.setPalette(palette)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self.setPlaceholderText("Ask about your mail, notes, calendar and tasks…")
        self.document().setDocumentMargin(14)
        self.conversation: Conversation | None = None
        self._answer_start = 0
        self._placeholder = False

    # ----- whole conversation -----------------------------------------------------------------

    def set_conversation(self, conversation: Conversation | None) -> None:
        """Show ``conversation`` from scratch (switching conversations)."""
        self.conversation = conversation
        self.clear()
        if conversation is None:
            return
        cursor = self._end_cursor()
        for i, turn in enumerate(conversation.turns):
            self._insert_question(cursor, turn.question, first=(i == 0))
            self._answer_start = cursor.position()
            self._insert_answer(cursor, i, turn)
        self._scroll_to_end()

    # ----- streaming ---------------------------------------------------------------------------

    def begin_turn(self, index: int) -> None:
        """Show the question of turn ``index`` and a placeholder for its answer."""
        assert self.conversation is not None
        turn = self.conversation.turns[index]
        cursor = self._end_cursor()
        self._insert_question(cursor, turn.question, first=(index == 0))
        self._answer_start = cursor.position()
        cursor.insertText("…", _muted())
        self._placeholder = True
        self._scroll_to_end()

    def append_text(self, piece: str) -> None:
        """Append one streamed piece to the answer being written."""
        at_end = self._at_end()
        cursor = self._end_cursor()
        if self._placeholder:
            self._clear_answer(cursor)
            self._placeholder = False
        cursor.insertText(piece, QTextCharFormat())
        if at_end:
            self._scroll_to_end()

    def finish_turn(self, index: int) -> None:
        """Replace the streamed text of turn ``index`` (the last one) by its rendering."""
        assert self.conversation is not None
        cursor = self._end_cursor()
        self._clear_answer(cursor)
        self._placeholder = False
        self._insert_answer(cursor, index, self.conversation.turns[index])
        self._scroll_to_end()

    # ----- rendering -----------------------------------------------------------------------------

    def _insert_question(self, cursor: QTextCursor, text: str, first: bool) -> None:
        if not self.show_questions:
            return
        block = QTextBlockFormat()
        block.setBackground(QColor(QUESTION_BG))
        block.setTopMargin(0 if first else 16)
        block.setBottomMargin(6)
        block.setLeftMargin(0)
        fmt = QTextCharFormat()
        fmt.setFontWeight(QFont.Weight.DemiBold)
        if first and cursor.position() == 0:
            cursor.setBlockFormat(block)
        else:
            cursor.insertBlock(block, fmt)
        cursor.insertText(text, fmt)
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())

    def _insert_answer(self, cursor: QTextCursor, index: int, turn: Turn) -> None:
        cursor.setBlockFormat(QTextBlockFormat())
        cursor.setCharFormat(QTextCharFormat())
        n_sources = len(turn.sources)
        if turn.state == "error":
            fmt = QTextCharFormat()
            fmt.setForeground(QColor("#b91c1c"))
            cursor.insertText(turn.error or "Something went wrong.", fmt)
            return
        if turn.state in ("waiting", "streaming"):
            cursor.insertText(turn.text or "…", QTextCharFormat())
            return
        listing = items_html(turn.answer, index) if turn.items else ""
        if listing and turn.state == "done":
            cursor.insertHtml(listing)
        elif turn.text:
            start = cursor.position()
            cursor.insertMarkdown(markdown_with_links(turn.text, index, n_sources))
            self._color_links(start, cursor.position())
        if turn.state == "stopped":
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            cursor.insertText("(stopped)", _muted())

    def _color_links(self, start: int, end: int) -> None:
        """Give Markdown's links (plain blue from the importer) the app's accent colour."""
        doc = self.document()
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(ACCENT))
        block = doc.findBlock(start)
        while block.isValid() and block.position() <= end:
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                if frag.isValid() and frag.charFormat().isAnchor():
                    c = QTextCursor(doc)
                    c.setPosition(frag.position())
                    c.setPosition(frag.position() + frag.length(), QTextCursor.MoveMode.KeepAnchor)
                    c.mergeCharFormat(fmt)
                it += 1
            block = block.next()

    def _clear_answer(self, cursor: QTextCursor) -> None:
        cursor.setPosition(self._answer_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()

    def _end_cursor(self) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        return cursor

    def _at_end(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def _scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _on_anchor(self, url: QUrl) -> None:
        cite = parse_cite(url.toString())
        if cite is not None:
            self.citation_clicked.emit(*cite)

    def plain_answer(self) -> str:
        """The whole document as plain text (for tests and copying)."""
        return self.toPlainText()


def _muted() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(MUTED))
    return fmt
