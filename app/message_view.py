"""In-app views for cited mail and events.

``MessageView`` shows one message (headers, then the body with quoted replies greyed), read in the
background from its file by path and Message-ID (falling back to the indexed copy). A saved
``.eml`` can also be handed to the user's mail app. ``EventView`` shows an event's details: when,
where, status, attendees and description.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.answer_format import MUTED, day_label
from app.errors import describe_error

OpenFile = Callable[[str, int], None]


def _label(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


class MessageView(QDialog):
    """One email: headers and body. Fill it with ``show_message`` (or ``show_error``)."""

    def __init__(self, path: str, message_id: str, open_file: OpenFile,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.message_id = message_id
        self.open_file = open_file
        self.setWindowTitle("Message")
        self.resize(680, 560)
        layout = QVBoxLayout(self)
        self.subject = QLabel("Loading…")
        self.subject.setWordWrap(True)
        self.subject.setStyleSheet("font-size:15px; font-weight:600;")
        layout.addWidget(self.subject)
        self.form = form = QFormLayout()
        self.fields = {k: _label("") for k in ("From", "To", "Cc", "Date", "Attachments")}
        for k, w in self.fields.items():
            form.addRow(f"{k}:", w)
        layout.addLayout(form)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color:#92400e;")
        self.note.hide()
        layout.addWidget(self.note)
        self.body = QTextBrowser()
        self.body.setOpenExternalLinks(False)
        layout.addWidget(self.body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self.open_button = QPushButton("Open in mail app")
        self.open_button.clicked.connect(lambda: self.open_file(self.path, 0))
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        # After addButton: reparenting a widget resets its hidden state.
        self.open_button.setVisible(path.lower().endswith(".eml"))
        layout.addWidget(buttons)

    def show_message(self, msg: dict[str, Any]) -> None:
        """Fill the view from ``app.mail_lookup.message_for_view``'s dict."""
        self.subject.setText(msg.get("subject") or "(no subject)")
        self.setWindowTitle(msg.get("subject") or "Message")
        values = {"From": msg.get("from", ""), "To": msg.get("to", ""), "Cc": msg.get("cc", ""),
                  "Date": msg.get("date", ""),
                  "Attachments": ", ".join(a for a in msg.get("attachments", []) if a)}
        for key, widget in self.fields.items():
            widget.setText(values[key])
            widget.setVisible(bool(values[key]))
            label = self.form.labelForField(widget)
            if label is not None:
                label.setVisible(bool(values[key]))
        if msg.get("note"):
            self.note.setText(msg["note"])
            self.note.show()
        parts = []
        for text, quoted in msg.get("segments", []):
            body = html.escape(text).replace("\n", "<br>")
            style = f' style="color:{MUTED}; margin-left:12px"' if quoted else ""
            parts.append(f"<p{style}>{body}</p>")
        self.body.setHtml("".join(parts) or f'<p style="color:{MUTED}">(empty message)</p>')

    def show_error(self, exc: BaseException) -> None:
        self.subject.setText("This message cannot be shown")
        self.note.setText(describe_error(exc))
        self.note.show()


class EventView(QDialog):
    """One calendar event's details."""

    def __init__(self, item: dict[str, Any], path: str, open_file: OpenFile,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = dict(item)
        self.path = path
        self.open_file = open_file
        self.setWindowTitle(item.get("title") or "Event")
        self.resize(460, 320)
        layout = QVBoxLayout(self)
        self.heading = QLabel(item.get("title") or "(untitled event)")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size:15px; font-weight:600;")
        layout.addWidget(self.heading)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.description = QTextBrowser()
        self.description.hide()
        layout.addWidget(self.description)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        if path:
            show = QPushButton("Open calendar file" if path.endswith(".ics") else "Open source")
            show.clicked.connect(lambda: self.open_file(self.path, 0))
            buttons.addButton(show, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        self._fill()

    def add_details(self, stored: dict[str, Any] | None) -> None:
        """Add what only the store has (attendees, description) once it is read."""
        if not stored:
            return
        for key in ("location", "status"):
            if stored.get(key) and not self.item.get(key):
                self.item[key] = stored[key]
        self.item["attendees"] = stored.get("attendees") or []
        self.item["description"] = stored.get("description") or ""
        self._fill()

    def _fill(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        it = self.item
        self.form.addRow("When:", _label(event_when_text(it)))
        if it.get("location"):
            self.form.addRow("Where:", _label(it["location"]))
        if it.get("status"):
            self.form.addRow("Status:", _label(str(it["status"]).capitalize()))
        if it.get("attendees"):
            self.form.addRow("With:", _label(", ".join(it["attendees"])))
        self.form.addRow("From:", _label(os.path.basename(self.path)))
        if it.get("description"):
            self.description.setPlainText(it["description"])
            self.description.show()


def event_when_text(item: dict[str, Any]) -> str:
    """"Thu 26 Mar 2026, 14:30–15:15" (or "all day") from an answer item."""
    from datetime import date, datetime

    def parse(v: str | None) -> Any:
        if not v:
            return None
        try:
            return datetime.fromisoformat(v) if "T" in v else date.fromisoformat(v)
        except ValueError:
            return None

    start, end = parse(item.get("start")), parse(item.get("end"))
    if start is None:
        return "unknown time"
    if item.get("all_day") or not isinstance(start, datetime):
        d = start if not isinstance(start, datetime) else start.date()
        return f"{day_label(d)} (all day)"
    text = f"{day_label(start.date())}, {start:%H:%M}"
    if isinstance(end, datetime) and end > start:
        text += f"–{end:%H:%M}" if end.date() == start.date() else f" – {day_label(end.date())} {end:%H:%M}"
    return text
