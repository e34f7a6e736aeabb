"""The sources panel: the snippets an answer was built from, matching words highlighted.

Each source shows its number (as cited in the answer), title, kind, date and file, and the
retrieved snippet with the question's words marked. Clicking a source opens it the same way a
citation does (``source_clicked(n)``).
"""

from __future__ import annotations

import html
import os

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from app.answer_format import ACCENT, MUTED, highlight

KIND_LABELS = {"email": "Email", "note": "Note", "calendar": "Event", "todo": "To-do"}


class SourcesPanel(QWidget):
    """A list of sources for one answer."""

    source_clicked = Signal(int)  # 1-based source number

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("Sources")
        self.title.setStyleSheet("font-weight:600; padding:4px 2px;")
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self._on_anchor)
        self.view.document().setDocumentMargin(8)
        layout.addWidget(self.title)
        layout.addWidget(self.view)
        self.sources: list = []
        self.show_sources([])

    def show_sources(self, sources: list, current: int = 0) -> None:
        """Show ``sources`` (``engine.retrieval.Source`` or alike); ``current`` is highlighted."""
        self.sources = list(sources)
        self.title.setText(f"Sources ({len(self.sources)})" if self.sources else "Sources")
        if not self.sources:
            self.view.setHtml(f'<p style="color:{MUTED}">The sources of an answer appear here.</p>')
            return
        self.view.setHtml("".join(self._card(i, s, i == current)
                                  for i, s in enumerate(self.sources, 1)))

    def _card(self, n: int, s: object, current: bool) -> str:
        kind = KIND_LABELS.get(getattr(s, "kind", ""), getattr(s, "kind", "").title())
        title = html.escape(getattr(s, "title", "") or "(untitled)")
        date = (getattr(s, "date", None) or "")[:10]
        where = source_place(s)
        meta = " · ".join(html.escape(x) for x in (kind, date, where) if x)
        snippet = highlight(getattr(s, "snippet", "") or "", list(getattr(s, "matched", []) or []))
        bg = "#fff4d6" if current else "#f5f7fb"
        return (f'<table width="100%" cellpadding="7" cellspacing="0" style="background-color:{bg};'
                f' margin-bottom:8px"><tr><td>'
                f'<a href="src:{n}" style="color:{ACCENT}; text-decoration:none"><b>[{n}] {title}</b></a>'
                f'<br><span style="color:{MUTED}; font-size:small">{meta}</span>'
                f"<br>{snippet}</td></tr></table>")

    def _on_anchor(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("src:"):
            try:
                self.source_clicked.emit(int(text[4:]))
            except ValueError:
                pass

    def html(self) -> str:
        return self.view.toHtml()


def source_place(source: object) -> str:
    """Where a source lives, briefly: "notes.md, line 12", "sam.mbox", "Sent (Maildir)"."""
    path = getattr(source, "path", "") or ""
    parent = os.path.basename(os.path.dirname(path))
    if getattr(source, "kind", "") == "email":
        if parent in ("cur", "new", "tmp"):  # a Maildir's file names mean nothing to people
            return os.path.basename(os.path.dirname(os.path.dirname(path))) + " (Maildir)"
        return os.path.basename(path)
    where = os.path.basename(path)
    line = getattr(source, "line", 0)
    return f"{where}, line {line}" if line else where
