"""The global quick-ask hotkey: pynput's thread only signals; the popup opens on the GUI thread."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.gui

# Run under Xvfb: listen for Ctrl+Alt+Space with pynput, type it with pynput's XTest controller.
X11_SCRIPT = """
import sys, threading
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.hotkey import GlobalHotkey
app = QApplication([])
hotkey = GlobalHotkey()
seen = []
hotkey.activated.connect(lambda: (seen.append(threading.current_thread() is threading.main_thread()),
                                  app.quit()))
why = hotkey.start("Ctrl+Alt+Space", QApplication.platformName())
def press():
    from pynput.keyboard import Controller, Key
    keys = Controller()
    with keys.pressed(Key.ctrl), keys.pressed(Key.alt):
        keys.press(Key.space)
        keys.release(Key.space)
QTimer.singleShot(500, press)
QTimer.singleShot(10000, app.quit)
app.exec()
hotkey.stop()
print(repr(why), QApplication.platformName(), seen)
"""


def test_hotkey_signal_from_another_thread_toggles_the_popup(qtbot, data_dir, opened, demo_now):
    """An activation emitted on a foreign thread (as pynput does) toggles the popup safely."""
    from PySide6.QtWidgets import QApplication

    from app.backend import Backend
    from app.shell import LodgerApp

    backend = Backend(data_dir, embedder="hash", watch=False, check_index=False)
    lodger = LodgerApp(QApplication.instance(), backend, open_file=opened, use_tray=False,
                       use_hotkey=False)
    qtbot.addWidget(lodger.window)
    try:
        lodger.start()
        qtbot.waitUntil(lambda: lodger.popup is not None, timeout=10_000)
        thread = threading.Thread(target=lodger.hotkey._on_hotkey)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: lodger.popup.isVisible(), timeout=5_000)
        assert not lodger.hotkey.running
    finally:
        lodger.shutdown()


@pytest.mark.slow
def test_pynput_hotkey_fires_on_x11():
    """Under Xvfb, typing Ctrl+Alt+Space makes GlobalHotkey emit, delivered on the GUI thread."""
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        pytest.skip("xvfb-run is missing (Debian/Ubuntu: apt-get install xvfb)")
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE")}
    out = subprocess.run([xvfb, "-a", sys.executable, "-c", X11_SCRIPT], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "'' xcb [True]"
