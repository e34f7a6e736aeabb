"""The first-run page: no folders yet, so offer the demo data or a folder picker."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

MODEL_NOTE = (
    "Lodger answers schedule and to-do questions exactly from your files. It uses the small "
    "bundled model (SmolLM2-135M) until you choose a better one: in Settings, pick a larger "
    "GGUF chat model (for example a 1–3 B “Instruct” model in Q4_K_M), or list the ones on "
    "this computer with <code>lodger models</code>."
)


class WelcomePage(QWidget):
    """Two buttons: index the bundled demo data, or choose a folder of one's own."""

    demo_requested = Signal()
    folder_requested = Signal()

    def __init__(self, default_model: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("Welcome to Lodger")
        title.setStyleSheet("font-size:22px; font-weight:600;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            "Lodger answers questions about your own mail, notes, calendars and to-do lists, "
            "entirely on this computer. Nothing is sent anywhere.<br><br>Choose a folder to "
            "index (mail folders, .mbox/.eml files, Markdown notes, .ics calendars, todo.txt), "
            "or look around with the demo data first.")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setFixedWidth(560)  # a fixed width lets wrapped rich text get its full height
        buttons = QHBoxLayout()
        self.demo_button = QPushButton("Try the demo data")
        self.folder_button = QPushButton("Choose a folder…")
        self.demo_button.setDefault(True)
        for b in (self.demo_button, self.folder_button):
            b.setMinimumHeight(34)
            b.setMinimumWidth(170)
        self.demo_button.clicked.connect(self.demo_requested.emit)
        self.folder_button.clicked.connect(self.folder_requested.emit)
        buttons.addStretch(1)
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        self.model_note = QLabel(MODEL_NOTE)
        self.model_note.setWordWrap(True)
        self.model_note.setFixedWidth(560)
        self.model_note.setStyleSheet("color:#6b7280;")
        self.model_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.model_note.setVisible(default_model)
        for w in (title, text):
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addSpacing(16)
        layout.addWidget(self.model_note, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
