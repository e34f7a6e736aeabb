"""Opening a cited source, the same way from the main window and from the quick-ask popup.

Mail opens in the in-app message view (read on the reader lane), events in the event view, and
everything else (notes, to-do files) goes to the one injected ``open_file(path, line)``, the
user's editor at the cited line. Open views are kept referenced until they are closed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.backend import Backend
from app.errors import describe_error
from app.message_view import EventView, MessageView
from app.opener import OpenFile
from app.store_reader import event_details


class SourceViews:
    """Opens sources for ``parent``'s window; problems go to ``show_problem``."""

    def __init__(self, backend: Backend, open_file: OpenFile, parent: QWidget,
                 show_problem: Callable[[str], None]) -> None:
        self.backend = backend
        self.open_file = open_file
        self.parent = parent
        self.show_problem = show_problem
        self.views: list[QWidget] = []

    def open(self, source: Any, item: dict[str, Any] | None = None) -> QWidget | None:
        """Show a cited source: mail in the message view, an event's details, a file at its line.

        Returns the view opened in the app, or None when the file went to ``open_file``.
        """
        try:
            if item is not None and item.get("kind") == "event":
                return self._open_event(source, item)
            if source.kind == "email" and source.locator:
                return self._open_message(source.path, source.locator)
            if source.kind == "calendar":
                return self._open_event(source, {"title": source.title, "kind": "event"})
            self.open_file(source.path, source_line(source))
        except OSError as exc:
            self.show_problem(describe_error(exc, "opening the source"))
        return None

    def _open_message(self, path: str, message_id: str) -> MessageView:
        from app.mail_lookup import message_for_view  # the mail parser, only when needed

        view = MessageView(path, message_id, self.open_file, self.parent)
        self.keep(view)
        job = self.backend.read(message_for_view, path, message_id, self.backend.db_path)
        job.returned.connect(view.show_message)
        job.errored.connect(view.show_error)
        return view

    def _open_event(self, source: Any, item: dict[str, Any]) -> EventView:
        view = EventView(item, source.path, self.open_file, self.parent)
        self.keep(view)
        doc_id = getattr(source, "doc_id", "")
        if doc_id:
            job = self.backend.read(event_details, self.backend.db_path, doc_id, source.locator)
            job.returned.connect(view.add_details)
        return view

    def keep(self, view: QWidget) -> None:
        """Show ``view`` and keep it referenced (closed ones are let go)."""
        self.views[:] = [v for v in self.views if v.isVisible()] + [view]
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        view.show()
        view.raise_()
        view.activateWindow()


def source_line(source: Any) -> int:
    """The 1-based line of a source in its file (0 when unknown)."""
    line = int(getattr(source, "line", 0) or 0)
    if line:
        return line
    m = re.fullmatch(r"L(\d+)", getattr(source, "locator", "") or "")
    return int(m.group(1)) if m else 0
