"""The app around the window: quick-ask popup, tray menu, closing, single instance, shutdown."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.backend import Backend
from app.message_view import EventView
from app.shell import LodgerApp
from app.single_instance import QUICK_ASK, SHOW, SingleInstance, send_to_running, server_name
from tests.app.conftest import FakeChat, click_link
from tests.conftest import ROOT

pytestmark = pytest.mark.gui


class QuitRecorder:
    """Stands in for QApplication in LodgerApp.quit (a real quit would end pytest-qt's loops)."""

    def __init__(self) -> None:
        self.quits = 0

    def quit(self) -> None:
        self.quits += 1


@pytest.fixture
def make_lodger(qtbot, data_dir, opened, demo_now, monkeypatch):
    """``make_lodger(tray=False, instance=None, chat_model=None)`` -> a started LodgerApp."""
    made = []

    def make(tray: bool = False, instance: SingleInstance | None = None,
             chat_model: object = None, show_window: bool = True,
             show_quick_ask: bool = False) -> LodgerApp:
        monkeypatch.setattr("app.shell.tray_available", lambda: tray)
        backend = Backend(data_dir, embedder="hash", watch=False, chat_model=chat_model,
                          check_index=False)
        lodger = LodgerApp(QApplication.instance(), backend, open_file=opened,
                           instance=instance, use_tray=tray, use_hotkey=False)
        made.append(lodger)
        qtbot.addWidget(lodger.window)
        lodger.start(show_window=show_window, show_quick_ask=show_quick_ask)
        qtbot.waitUntil(lambda: lodger.started and backend.ws is not None
                        and not backend.indexing, timeout=30_000)
        lodger.qapp = QuitRecorder()
        return lodger

    yield make
    for lodger in made:
        lodger.shutdown()
        if lodger.popup is not None:
            lodger.popup.deleteLater()


def test_workspace_opens_only_after_first_paint(qtbot, data_dir, opened, demo_now):
    """start() shows the window; the backend starts (and the popup is built) after its paint."""
    backend = Backend(data_dir, embedder="hash", watch=False, check_index=False)
    lodger = LodgerApp(QApplication.instance(), backend, open_file=opened, use_tray=False,
                       use_hotkey=False)
    qtbot.addWidget(lodger.window)
    try:
        lodger.start()
        assert lodger.window.isVisible()
        assert not backend.index_lane.isRunning() and lodger.popup is None
        with qtbot.waitSignal(lodger.first_painted, timeout=10_000):
            pass
        assert lodger.first_paint_at is not None and lodger.popup is not None
        qtbot.waitUntil(lambda: backend.ws is not None, timeout=20_000)
    finally:
        lodger.shutdown()


@pytest.mark.parametrize("tray", [True, False])
def test_quick_ask_command_starts_the_app_with_the_popup(qtbot, make_lodger, tray):
    """`lodger quick-ask` with no app running: the popup opens; the window only without a tray."""
    lodger = make_lodger(tray=tray, show_window=False, show_quick_ask=True)
    qtbot.waitUntil(lambda: lodger.popup.isVisible(), timeout=5_000)
    assert lodger.window.isVisible() is (not tray)


def test_quick_ask_popup_shows_focused_and_hides_on_escape(qtbot, make_lodger):
    """The popup appears centred on the screen with focus in its input; Esc hides it."""
    lodger = make_lodger()
    popup = lodger.popup
    assert not popup.isVisible()
    lodger.toggle_quick_ask()
    qtbot.waitExposed(popup)
    assert popup.isVisible()
    assert popup.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert popup.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    qtbot.waitUntil(lambda: popup.input.hasFocus(), timeout=5_000)
    screen = QGuiApplication.primaryScreen().availableGeometry()
    assert abs(popup.geometry().center().x() - screen.center().x()) <= 1
    qtbot.keyClick(popup.input, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    lodger.toggle_quick_ask()
    assert popup.isVisible()


def test_quick_ask_streams_an_answer_and_opens_citations_like_the_window(qtbot, make_lodger):
    """Enter asks; the answer renders with links; [1] opens the event view via the window."""
    lodger = make_lodger()
    popup = lodger.popup
    lodger.show_quick_ask()
    qtbot.keyClicks(popup.input, "What's on my schedule tomorrow?")
    with qtbot.waitSignal(popup.answer_finished, timeout=20_000):
        qtbot.keyClick(popup.input, Qt.Key.Key_Return)
    shown = popup.chat.plain_answer()
    assert "14:30–15:15" in shown and "Dentist appointment" in shown
    assert popup.chat.isVisible()
    click_link(qtbot, popup.chat, "cite:0:1")
    assert not popup.isVisible()  # out of the way of the source it opened
    view = lodger.window.views[-1]
    assert isinstance(view, EventView)
    assert view.heading.text() == "Dentist appointment"


def test_quick_ask_new_question_stops_the_one_streaming(qtbot, make_lodger):
    """Asking again while an answer streams stops it and answers the new question."""
    chat = FakeChat([f"w{i} " for i in range(3000)], delay=0.002)
    lodger = make_lodger(chat_model=chat)
    popup = lodger.popup
    lodger.show_quick_ask()
    popup.ask("Write a poem about the sea")
    qtbot.waitUntil(lambda: chat.sent > 5, timeout=10_000)
    popup.ask("What's on my schedule tomorrow?")
    qtbot.waitUntil(lambda: popup.job is None and popup.conversation.turns[0].state == "done",
                    timeout=20_000)
    assert popup.conversation.turns[0].question == "What's on my schedule tomorrow?"
    assert "Dentist appointment" in popup.chat.plain_answer()
    assert chat.sent < 3000


def test_tray_menu_pauses_indexing_and_quits(qtbot, make_lodger):
    """With a tray: the menu has Ask/Open/Pause/Quit; Pause pauses; closing only hides."""
    lodger = make_lodger(tray=True)
    tray = lodger.tray
    assert tray is not None
    assert [a.text().split("\t")[0] for a in tray.menu.actions() if a.text()] == \
        ["Ask…", "Open Lodger", "Pause indexing", "Quit"]
    tray.pause_action.trigger()
    assert lodger.backend.paused is True
    assert lodger.window.status.label.text().startswith("Indexing paused")
    tray.pause_action.trigger()
    assert lodger.backend.paused is False
    lodger.window.close()
    assert not lodger.window.isVisible() and lodger.qapp.quits == 0  # still in the tray
    tray.open_action.trigger()
    assert lodger.window.isVisible()
    tray.ask_action.trigger()
    assert lodger.popup.isVisible()
    tray.quit_action.trigger()
    assert lodger.qapp.quits == 1 and lodger.window.quitting


def test_without_a_tray_closing_the_window_quits(qtbot, make_lodger):
    """No system tray: closing the window quits the app."""
    lodger = make_lodger(tray=False)
    assert lodger.tray is None
    lodger.window.close()
    assert lodger.qapp.quits == 1


def test_shutdown_stops_everything(qtbot, make_lodger):
    """Shutdown closes the model, stops the lanes, closes the workspace and the socket."""
    name = f"lodger-test-{os.getpid()}-shutdown"
    instance = SingleInstance(name)
    assert instance.listen()
    chat = FakeChat(["ok"])
    lodger = make_lodger(instance=instance, chat_model=chat)
    with qtbot.waitSignal(lodger.window.answer_finished, timeout=20_000):
        lodger.window.ask("Write a poem about the sea")
    lanes = (lodger.backend.index_lane, lodger.backend.llm_lane, lodger.backend.reader_lane)
    lodger.shutdown()
    assert chat.closed
    assert lodger.backend.ws is None
    assert not any(lane.isRunning() for lane in lanes)
    assert not instance.server.isListening()
    assert not send_to_running(name, SHOW, timeout_ms=200)


def test_second_instance_message_reaches_the_first(qtbot):
    """A message sent over the local socket arrives as message_received, in order."""
    name = f"lodger-test-{os.getpid()}-msg"
    instance = SingleInstance(name)
    assert instance.listen()
    try:
        got: list[str] = []
        instance.message_received.connect(got.append)
        assert send_to_running(name, QUICK_ASK)
        assert send_to_running(name, SHOW)
        qtbot.waitUntil(lambda: len(got) == 2, timeout=5_000)
        assert got == [QUICK_ASK, SHOW]
        assert SingleInstance(name).listen() is False  # the name is taken by a live app
        if sys.platform != "win32":  # other users cannot connect
            assert os.stat(instance.server.fullServerName()).st_mode & 0o077 == 0
    finally:
        instance.close()


def test_stale_socket_from_a_crash_is_replaced(qtbot):
    """A socket file left by a crashed app does not stop the next one from listening."""
    name = f"lodger-test-{os.getpid()}-stale"
    path = os.path.join(QDir.tempPath(), name)
    crashed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    crashed.bind(path)
    crashed.close()  # the file stays, nobody listens
    assert os.path.exists(path)
    instance = SingleInstance(name)
    try:
        assert instance.listen()
        got: list[str] = []
        instance.message_received.connect(got.append)
        assert send_to_running(name, SHOW)
        qtbot.waitUntil(lambda: got == [SHOW], timeout=5_000)
    finally:
        instance.close()


def _lodger(*args: str) -> subprocess.Popen:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen([sys.executable, "-m", "lodger.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_lodger_quick_ask_and_gui_commands_reach_the_running_app(qtbot, make_lodger, data_dir):
    """`lodger quick-ask` toggles the running app's popup; `lodger gui` raises its window."""
    instance = SingleInstance(server_name(data_dir))
    assert instance.listen()
    lodger = make_lodger(instance=instance)
    lodger.window.hide()
    proc = _lodger("quick-ask", "--data-dir", str(data_dir))
    qtbot.waitUntil(lambda: lodger.popup.isVisible(), timeout=20_000)
    assert proc.wait(20) == 0, proc.stderr.read()
    assert not lodger.window.isVisible()
    proc = _lodger("gui", "--data-dir", str(data_dir))
    qtbot.waitUntil(lambda: lodger.window.isVisible(), timeout=20_000)
    assert proc.wait(20) == 0, proc.stderr.read()


def test_no_display_is_a_clear_message(monkeypatch, capsys, tmp_path):
    """Without any display, `lodger gui` says so and exits with 3 (make run falls back)."""
    from app.main import NO_DISPLAY_EXIT, run_app

    if not sys.platform.startswith("linux"):
        pytest.skip("displays are always there on macOS and Windows")
    for key in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(key, raising=False)
    args = argparse.Namespace(command="gui", data_dir=str(tmp_path / "d"), embedder="hash")
    assert run_app(args) == NO_DISPLAY_EXIT == 3
    err = capsys.readouterr().err
    assert err.startswith("No display found: Lodger's window needs a graphical desktop")
    assert "lodger ask" in err
    assert not (tmp_path / "d").exists()  # nothing was started


def test_gui_start_path_imports_nothing_heavy():
    """Importing the app's modules pulls in no chromadb, torch, llama_cpp or the embedder."""
    code = ("import sys, app.main, app.shell, app.main_window, app.quick_ask, app.tray, "
            "app.hotkey, app.settings_dialog\n"
            "heavy = [m for m in ('chromadb', 'torch', 'llama_cpp', 'sentence_transformers', "
            "'onnxruntime', 'pynput') if m in sys.modules]\n"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_icon_is_bundled():
    """The tray and window icon exists in the sizes trays ask for."""
    from app.tray import ICON_DIR, app_icon

    assert (ICON_DIR / "lodger.svg").is_file()
    assert {p.name for p in Path(ICON_DIR).glob("lodger-*.png")} >= {
        "lodger-16.png", "lodger-32.png", "lodger-64.png", "lodger-256.png"}
    assert not app_icon().isNull()
