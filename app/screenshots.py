"""A driver for screenshots of the real app: ``lodger gui --ask Q [--ask Q2] --screenshot DIR``.

Hidden CLI options used by ``tests/app/test_screenshots.py`` (under Xvfb) and for the README. Once
the workspace is open and the folders are indexed, each question is asked in its own
conversation of the main window, which is saved as ``main-<n>.png``. Then the last answer's
source [1] is opened as a click would (``source.png``: the message or event view), the first
question is asked in the quick-ask popup (``quick-ask.png``) and the settings dialog is saved
(``settings.png``). ``answers.json`` records each question, its answer text and its sources.
Then the app quits (exit code 0; 3 on failure or time-out, with ``error.txt``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger("lodger.app")

SETTLE_MS = 400  # let the final rendering and the sources panel lay out
TIMEOUT_MS = 600_000


class ScreenshotDriver(QObject):
    """Asks ``questions`` in ``lodger`` and saves PNGs into ``out_dir``."""

    def __init__(self, lodger: Any, questions: list[str], out_dir: Path,
                 timeout_ms: int = TIMEOUT_MS) -> None:
        super().__init__()
        self.lodger = lodger
        self.questions = list(questions)
        self.out_dir = Path(out_dir)
        self.timeout_ms = timeout_ms
        self.exit_code = 3
        self.records: list[dict[str, Any]] = []
        self._next = 0
        self._poll = QTimer(self)
        self._poll.setInterval(200)
        self._poll.timeout.connect(self._wait_for_index)

    def start(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        QTimer.singleShot(self.timeout_ms, self._timed_out)
        self._poll.start()

    def _wait_for_index(self) -> None:
        b = self.lodger.backend
        if b.open_error:
            self._fail(f"the workspace did not open: {b.open_error}")
        elif b.ws is not None and not b.indexing and self.lodger.popup is not None:
            self._poll.stop()
            self.lodger.window.answer_finished.connect(self._on_main_answer)
            QTimer.singleShot(SETTLE_MS, self._ask_next)

    def _ask_next(self) -> None:
        w = self.lodger.window
        if self._next > 0:
            w.new_conversation()
        w.ask(self.questions[self._next])

    def _on_main_answer(self, index: int) -> None:
        QTimer.singleShot(SETTLE_MS, self._save_main)

    def _save_main(self) -> None:
        w = self.lodger.window
        n = self._next + 1
        self._save(w, f"main-{n}.png")
        turn = w.conversation.turns[-1]
        self.records.append(_record(turn, f"main-{n}.png"))
        self._next += 1
        if self._next < len(self.questions):
            self._ask_next()
            return
        # The last answer's first source, as a click on its [1] shows it.
        w.open_citation(len(w.conversation.turns) - 1, 1)
        QTimer.singleShot(1500, self._save_source)

    def _save_source(self) -> None:
        views = self.lodger.window.views
        if views:
            self._save(views[-1], "source.png")
            views[-1].close()
        popup = self.lodger.popup
        popup.answer_finished.connect(self._on_popup_answer)
        popup.popup()
        popup.input.setText(self.questions[0])
        popup.ask_from_input()

    def _on_popup_answer(self) -> None:
        QTimer.singleShot(SETTLE_MS, self._save_popup)

    def _save_popup(self) -> None:
        popup = self.lodger.popup
        self._save(popup, "quick-ask.png")
        self.records.append(_record(popup.conversation.turns[0], "quick-ask.png"))
        popup.hide()
        self.lodger.window.open_settings()
        QTimer.singleShot(1500, self._save_settings)  # folder counts arrive from the reader lane

    def _save_settings(self) -> None:
        dialog = self.lodger.window.views[-1]
        self._save(dialog, "settings.png")
        dialog.close()
        (self.out_dir / "answers.json").write_text(
            json.dumps(self.records, indent=2, ensure_ascii=False), encoding="utf-8")
        self.exit_code = 0
        self.lodger.quit()

    def _save(self, widget: QWidget, name: str) -> None:
        QApplication.processEvents()
        if not widget.grab().save(str(self.out_dir / name)):
            self._fail(f"could not save {name}")

    def _timed_out(self) -> None:
        if self.exit_code != 0:
            self._fail(f"no answer within {self.timeout_ms // 1000} s")

    def _fail(self, why: str) -> None:
        log.error("screenshot driver: %s", why)
        (self.out_dir / "error.txt").write_text(why, encoding="utf-8")
        self.exit_code = 3
        self.lodger.quit()


def _record(turn: Any, image: str) -> dict[str, Any]:
    return {"question": turn.question, "image": image, "state": turn.state, "text": turn.text,
            "error": turn.error,
            "sources": [{"path": s.path, "kind": s.kind, "title": s.title, "line": s.line,
                         "matched": list(getattr(s, "matched", []) or [])} for s in turn.sources]}
