"""The status area under the chat: indexing progress, counts, and files that could not be read.

It only receives values (from ``Backend`` signals on the GUI thread) and never reads the store.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class StatusArea(QWidget):
    """Progress bar, a one-line state, and an expandable list of skipped files."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 2, 6, 4)
        outer.setSpacing(2)
        row = QHBoxLayout()
        self.label = QLabel("Starting…")
        self.label.setStyleSheet("color:#4b5563;")
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.bar.hide()
        self.errors_button = QPushButton("")
        self.errors_button.setFlat(True)
        self.errors_button.setStyleSheet("color:#b45309; text-align:right;")
        self.errors_button.clicked.connect(self.toggle_errors)
        self.errors_button.hide()
        self.note = QLabel("")
        self.note.setStyleSheet("color:#6b7280;")
        row.addWidget(self.label, 1)
        row.addWidget(self.bar)
        row.addWidget(self.note)
        row.addWidget(self.errors_button)
        outer.addLayout(row)
        self.errors = QListWidget()
        self.errors.setMaximumHeight(120)
        self.errors.hide()
        outer.addWidget(self.errors)
        self.done = 0
        self.total = 0
        self._skipped: dict[str, str] = {}

    def set_text(self, text: str) -> None:
        self.label.setText(text)

    def set_note(self, text: str) -> None:
        """The right-hand note: the quick-ask hotkey, a pretend clock."""
        self.note.setText(text)

    def progress(self, done: int, total: int, path: str) -> None:
        """One file is being indexed: ``done`` of ``total`` finished."""
        self.done, self.total = done, total
        self.bar.show()
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        queued = max(total - done, 0)
        self.label.setText(f"Indexing: {done} of {total} files done, {queued} queued — "
                           f"{os.path.basename(path)}")

    def busy(self, busy: bool) -> None:
        if busy:
            self.bar.show()
            if not self.total:
                self.bar.setRange(0, 0)  # busy indicator until the first file is counted
        else:
            self.bar.hide()
            self.total = 0

    def finished(self, summary: object) -> None:
        """An indexing run ended: show what it did and the files it skipped."""
        seen = getattr(summary, "files_seen", 0)
        changed = getattr(summary, "files_changed", 0)
        secs = getattr(summary, "seconds", 0.0)
        self.label.setText(f"Up to date: {seen} files checked, {changed} indexed "
                           f"({secs:.1f} s).")
        for sk in getattr(summary, "skipped", []) or []:
            self._skipped[sk.path] = sk.reason
        self._show_skipped()

    def set_paused(self, paused: bool) -> None:
        """Indexing was paused (changes are held) or resumed."""
        if paused:
            self.bar.hide()
            self.label.setText("Indexing paused: changes to your files wait until you resume.")
        else:
            self.label.setText("Indexing resumed: catching up…")

    def add_problem(self, path: str, reason: str) -> None:
        self._skipped[path] = reason
        self._show_skipped()

    def _show_skipped(self) -> None:
        self.errors.clear()
        for path, reason in sorted(self._skipped.items()):
            self.errors.addItem(f"{path} — {reason}")
        n = len(self._skipped)
        self.errors_button.setText(f"{n} file{'s' if n != 1 else ''} not indexed")
        self.errors_button.setVisible(n > 0)

    def toggle_errors(self) -> None:
        self.errors.setVisible(not self.errors.isVisible())
