"""The settings dialog: folders, the user's addresses, the model, the time zone.

Folder counts, last indexing time and errors are read on the reader lane and filled in when they
arrive. Saving hands a new ``Settings`` to ``Backend.save_settings``, which stores it
(``Settings.save``) and re-indexes, forgets folders or reloads the model as needed.
"""

from __future__ import annotations

import copy
import os

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.backend import Backend
from app.hotkey import SETTING as HOTKEY_SETTING
from app.hotkey import hotkey_setting, to_pynput
from app.store_reader import FolderStats, folder_stats
from indexing.settings import Settings

MODEL_HELP = ("Empty = the bundled SmolLM2-135M (fast, but too small to phrase answers: recall "
              "answers then quote your sources). For better answers choose a larger GGUF chat "
              "model, e.g. a 1–3 B Instruct model in Q4_K_M; `lodger models` lists those found "
              "on this computer.")


class SettingsDialog(QDialog):
    """Edits a copy of the backend's settings; OK saves them."""

    def __init__(self, backend: Backend, parent: QWidget | None = None,
                 hotkey_note: str = "") -> None:
        super().__init__(parent)
        self.backend = backend
        self.hotkey_note = hotkey_note
        self.settings: Settings = copy.deepcopy(backend.settings)
        self.setWindowTitle("Lodger settings")
        self.setMinimumWidth(760)
        layout = QVBoxLayout(self)
        layout.addWidget(self._folders_box())
        layout.addWidget(self._addresses_box())
        layout.addWidget(self._model_box())
        layout.addWidget(self._hotkey_box())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill_folders()
        self.refresh_stats()
        self.resize(760, self.sizeHint().height())

    # ----- folders -------------------------------------------------------------------------------

    def _folders_box(self) -> QGroupBox:
        box = QGroupBox("Folders to index")
        v = QVBoxLayout(box)
        self.folders = QTableWidget(0, 4)
        self.folders.setHorizontalHeaderLabels(["Folder", "Files", "Last indexed (UTC)", "Errors"])
        header = self.folders.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.folders.setWordWrap(False)
        self.folders.setMinimumHeight(110)
        self.folders.setMaximumHeight(170)
        self.folders.verticalHeader().hide()
        self.folders.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.folders.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.folders.itemSelectionChanged.connect(self._show_errors)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add folder…")
        self.remove_button = QPushButton("Remove")
        self.add_button.clicked.connect(self.choose_folder)
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        self.errors = QListWidget()
        self.errors.setMaximumHeight(90)
        self.errors.hide()
        v.addWidget(self.folders)
        v.addLayout(row)
        v.addWidget(self.errors)
        self.stats: dict[str, FolderStats] = {}
        return box

    def _fill_folders(self) -> None:
        self.folders.setRowCount(len(self.settings.folders))
        for r, folder in enumerate(self.settings.folders):
            st = self.stats.get(folder)
            missing = not os.path.isdir(folder)
            cells = [folder + ("  (missing)" if missing else ""),
                     str(st.files) if st else "…",
                     (st.last_indexed[:19].replace("T", " ") or "never") if st else "…",
                     str(st.errors) if st else "…"]
            for c, text in enumerate(cells):
                self.folders.setItem(r, c, QTableWidgetItem(text))

    def refresh_stats(self) -> None:
        job = self.backend.read(folder_stats, self.backend.db_path, list(self.settings.folders))
        job.returned.connect(self._on_stats)

    def _on_stats(self, stats: list[FolderStats]) -> None:
        self.stats.update({s.folder: s for s in stats})
        self._fill_folders()
        self._show_errors()

    def _show_errors(self) -> None:
        rows = {i.row() for i in self.folders.selectedIndexes()}
        folders = [self.settings.folders[r] for r in rows] or self.settings.folders
        errs = [(p, why) for f in folders if f in self.stats for p, why in self.stats[f].error_list]
        self.errors.clear()
        for path, why in errs:
            self.errors.addItem(f"{path} — {why}")
        self.errors.setVisible(bool(errs))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder to index")
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str) -> None:
        folder = os.path.abspath(os.path.expanduser(folder))
        if folder not in self.settings.folders:
            self.settings.folders.append(folder)
            self._fill_folders()
            self.refresh_stats()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.folders.selectedIndexes()}, reverse=True)
        for r in rows:
            del self.settings.folders[r]
        self._fill_folders()

    # ----- addresses, model, zone ------------------------------------------------------------------

    def _addresses_box(self) -> QGroupBox:
        box = QGroupBox("Your email addresses (one per line)")
        v = QVBoxLayout(box)
        self.addresses = QPlainTextEdit("\n".join(self.settings.user_addresses))
        self.addresses.setMaximumHeight(64)
        v.addWidget(self.addresses)
        if self.settings.addresses_guessed:
            note = QLabel("Guessed from your sent mail; correct them if needed.")
            note.setStyleSheet("color:#6b7280;")
            v.addWidget(note)
        return box

    def _model_box(self) -> QGroupBox:
        box = QGroupBox("Model and time")
        form = QFormLayout(box)
        self.model_path = QLineEdit(self.settings.model_path)
        self.model_path.setPlaceholderText("bundled SmolLM2-135M")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self.choose_model)
        row = QHBoxLayout()
        row.addWidget(self.model_path, 1)
        row.addWidget(browse)
        form.addRow("Model file (GGUF):", row)
        help_label = QLabel(MODEL_HELP)
        help_label.setWordWrap(True)
        help_label.setStyleSheet("color:#6b7280;")
        form.addRow("", help_label)
        self.threads = _spin(0, 256, self.settings.n_threads, "all cores")
        self.n_ctx = _spin(512, 131072, self.settings.n_ctx)
        self.n_ctx.setSingleStep(512)
        self.gpu_layers = _spin(-1, 999, self.settings.n_gpu_layers, "all that fit")
        form.addRow("Threads:", self.threads)
        form.addRow("Context size (tokens):", self.n_ctx)
        form.addRow("GPU layers:", self.gpu_layers)
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        self.timezone.addItem("")
        self.timezone.addItems(_zones())
        self.timezone.setCurrentText(self.settings.timezone)
        self.timezone.lineEdit().setPlaceholderText("system time zone")
        form.addRow("Time zone:", self.timezone)
        return box

    def _hotkey_box(self) -> QGroupBox:
        box = QGroupBox("Quick ask")
        form = QFormLayout(box)
        self.hotkey = QKeySequenceEdit(QKeySequence(hotkey_setting(self.settings)))
        self.hotkey.setMaximumSequenceLength(1)
        self.hotkey.setClearButtonEnabled(True)
        form.addRow("Global hotkey:", self.hotkey)
        self.hotkey_help = QLabel(self.hotkey_note or "Press the keys to use anywhere on the "
                                  "desktop; clear it to switch the hotkey off. A desktop "
                                  "shortcut that runs `lodger quick-ask` works too.")
        self.hotkey_help.setWordWrap(True)
        self.hotkey_help.setStyleSheet("color:#92400e;" if self.hotkey_note else "color:#6b7280;")
        form.addRow("", self.hotkey_help)
        return box

    def hotkey_text(self) -> str:
        """The hotkey as typed, in Qt's portable notation ("" = off)."""
        return self.hotkey.keySequence().toString(QKeySequence.SequenceFormat.PortableText)

    def choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a GGUF model", "",
                                              "GGUF models (*.gguf);;All files (*)")
        if path:
            self.model_path.setText(path)

    def result_settings(self) -> Settings:
        """The settings as edited (not yet saved)."""
        s = copy.deepcopy(self.settings)
        s.user_addresses = [a.strip() for a in self.addresses.toPlainText().splitlines()
                            if a.strip()]
        if s.user_addresses != self.backend.settings.user_addresses:
            s.addresses_guessed = False
        s.model_path = self.model_path.text().strip()
        s.n_threads = self.threads.value()
        s.n_ctx = self.n_ctx.value()
        s.n_gpu_layers = self.gpu_layers.value()
        s.timezone = self.timezone.currentText().strip()
        s.extras[HOTKEY_SETTING] = self.hotkey_text()
        return s

    def accept(self) -> None:
        new = self.result_settings()
        problem = self.check(new)
        if problem:
            self.hotkey_help.setText(problem)
            self.hotkey_help.setStyleSheet("color:#b91c1c;")
            return
        self.backend.save_settings(new)
        super().accept()

    @staticmethod
    def check(new: Settings) -> str:
        """Why ``new`` cannot be saved ("" when it can)."""
        hotkey = new.extras.get(HOTKEY_SETTING, "")
        if hotkey:
            try:
                to_pynput(hotkey)
            except ValueError as exc:
                return f"Global hotkey: {exc}."
        return ""


def _spin(lo: int, hi: int, value: int, special: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    if special:
        box.setSpecialValueText(special)
    return box


def _zones() -> list[str]:
    from zoneinfo import available_timezones

    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
