"""Fixtures for the desktop app's tests: an indexed copy of the demo data, a deterministic chat
model, the app wired to a recording ``open_file``, and a helper that clicks a link in a view.

The demo data is indexed once per session with the fast ``hash`` embedder; each test gets its own
copy of that data dir. Every test here runs offscreen (``QT_QPA_PLATFORM`` in tests/conftest.py).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEMO

NOW = "2026-03-25T09:00:00+01:00"  # the demo data's reference time (assets/demo_FACTS.md)


class FakeChat:
    """A chat model that streams a fixed reply (or one computed from the prompt), token by token.

    ``n_params`` is large, so recall answers are phrased by it rather than quoted.
    """

    name = "fake-chat"
    n_ctx = 4096

    def __init__(self, reply: list[str] | Callable[[list[dict[str, str]]], list[str]],
                 delay: float = 0.0, fail: BaseException | None = None,
                 n_params: int = 7_000_000_000) -> None:
        self.reply = reply
        self.delay = delay
        self.fail = fail
        self.n_params = n_params
        self.sent = 0
        self.calls: list[list[dict[str, str]]] = []
        self.closed = False
        self.interrupted = False

    def stream(self, messages: list[dict[str, str]], max_tokens: int = 256,
               stop_event: threading.Event | None = None) -> Iterator[str]:
        self.calls.append(messages)
        tokens = self.reply(messages) if callable(self.reply) else self.reply
        finished = False
        try:
            for i, token in enumerate(tokens):
                if self.fail is not None and i == 2:
                    raise self.fail
                if self.delay:
                    time.sleep(self.delay)
                self.sent += 1
                yield token
            finished = True
        finally:
            self.interrupted = not finished

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)

    def close(self) -> None:
        self.closed = True


class OpenRecorder:
    """Stands in for ``app.opener.open_file``: records (path, line)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(self, path: str, line: int = 0) -> None:
        self.calls.append((path, line))


@pytest.fixture(scope="session")
def indexed_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the demo data indexed (hash embedder), zone Europe/Berlin."""
    from indexing.workspace import Workspace

    root = tmp_path_factory.mktemp("indexed-demo") / "data"
    ws = Workspace.open(root, embedder="hash")
    ws.indexer().index([str(DEMO)])
    ws.remember([str(DEMO)])
    ws.settings.timezone = "Europe/Berlin"
    ws.settings.save(root)
    ws.close()
    return root


@pytest.fixture
def data_dir(indexed_demo: Path, tmp_path: Path) -> Path:
    """This test's own copy of the indexed demo data dir."""
    target = tmp_path / "data"
    shutil.copytree(indexed_demo, target, symlinks=True)
    return target


@pytest.fixture
def demo_now(monkeypatch: pytest.MonkeyPatch) -> str:
    from app.backend import ENV_NOW

    monkeypatch.setenv(ENV_NOW, NOW)
    return NOW


@pytest.fixture
def opened() -> OpenRecorder:
    return OpenRecorder()


@pytest.fixture
def make_window(qtbot: Any, data_dir: Path, opened: OpenRecorder, demo_now: str):
    """``make_window(chat_model=None, **backend_kw)`` -> a shown MainWindow on a started backend
    whose workspace is open and up to date. Everything is shut down after the test."""
    from app.backend import Backend
    from app.main_window import MainWindow

    made: list[Any] = []

    def make(chat_model: Any = None, wait_ready: bool = True, **kw: Any) -> Any:
        kw.setdefault("embedder", "hash")
        kw.setdefault("watch", False)
        kw.setdefault("check_index", False)  # 2 s each; the screenshot test runs it
        backend = Backend(kw.pop("data_dir", data_dir), chat_model=chat_model, **kw)
        window = MainWindow(backend, open_file=opened)
        made.append(window)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        backend.start()
        if wait_ready:
            qtbot.waitUntil(lambda: backend.ws is not None and not backend.indexing,
                            timeout=30_000)
        return window

    yield make
    for window in made:
        window.backend.shutdown()


def ask_and_wait(qtbot: Any, window: Any, question: str, timeout: int = 30_000) -> Any:
    """Ask ``question`` in ``window`` and wait for the answer to finish; returns the turn."""
    with qtbot.waitSignal(window.answer_finished, timeout=timeout):
        window.ask(question)
    return window.conversation.turns[-1]


def anchor_point(browser: Any, href: str) -> Any:
    """The viewport point in the middle of the link ``href`` in a QTextBrowser (None if absent)."""
    from PySide6.QtGui import QTextCursor

    doc = browser.document()
    cursor = QTextCursor(doc)
    positions = []
    for pos in range(1, doc.characterCount()):
        cursor.setPosition(pos)
        if cursor.charFormat().anchorHref() == href:
            positions.append(pos)
    if not positions:
        return None
    browser.ensureCursorVisible()
    cursor.setPosition(positions[len(positions) // 2])
    browser.setTextCursor(cursor)
    browser.ensureCursorVisible()
    return browser.cursorRect(cursor).center()


def click_link(qtbot: Any, browser: Any, href: str) -> None:
    """Click the link ``href`` in ``browser`` with the mouse, as a user would."""
    from PySide6.QtCore import Qt

    point = anchor_point(browser, href)
    assert point is not None, f"no link {href!r} in: {browser.toPlainText()!r}"
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
