"""The running app around the main window: tray, quick-ask popup, hotkey, single-instance socket.

``LodgerApp`` wires these to one ``Backend`` and one ``MainWindow`` and owns the order of start-up
(window first; everything else after its first paint) and of shutdown. Tests build it directly
with a fake ``open_file`` and a backend on the fast ``hash`` embedder.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from app.backend import Backend
from app.hotkey import GlobalHotkey, hotkey_setting, hotkey_support
from app.main_window import MainWindow
from app.opener import OpenFile, open_file
from app.single_instance import QUICK_ASK, SHOW, SingleInstance
from app.tray import Tray, app_icon, tray_available

log = logging.getLogger("lodger.app")


class _FirstPaint(QObject):
    """Calls ``callback`` once, right after ``widget`` is first painted."""

    def __init__(self, widget: QWidget, callback: Any) -> None:
        super().__init__(widget)
        self.widget = widget
        self.callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if obj is self.widget and event.type() == QEvent.Type.Paint:
            self.widget.removeEventFilter(self)
            QTimer.singleShot(0, self.callback)  # after this paint has reached the screen
        return False


class LodgerApp(QObject):
    """Everything the user sees, wired to ``backend``."""

    first_painted = Signal()
    hotkey_problem = Signal(str)

    def __init__(self, qapp: QApplication, backend: Backend, open_file: OpenFile = open_file,
                 instance: SingleInstance | None = None, use_tray: bool = True,
                 use_hotkey: bool = True) -> None:
        super().__init__()
        self.qapp = qapp
        self.backend = backend
        self.instance = instance
        self.use_hotkey = use_hotkey
        self.icon = app_icon()
        qapp.setWindowIcon(self.icon)
        self.has_tray = use_tray and tray_available()
        qapp.setQuitOnLastWindowClosed(False)  # quitting is explicit (see _on_window_closed)
        self.window = MainWindow(backend, open_file, keep_running_in_tray=self.has_tray)
        self.window.closed.connect(self._on_window_closed)
        self.tray: Tray | None = None
        self.popup: Any = None  # app.quick_ask.QuickAskPopup, built after first paint
        self.hotkey = GlobalHotkey(self)
        self.hotkey.activated.connect(self.toggle_quick_ask)
        self.hotkey_note = ""
        self.first_paint_at: float | None = None
        self.started = False
        self._show_popup_when_ready = False
        self._shut = False
        self.signal_timer: QTimer | None = None
        if instance is not None:
            instance.message_received.connect(self.on_message)
        backend.settings_changed.connect(self._apply_hotkey)
        qapp.aboutToQuit.connect(self.shutdown)

    # ----- start-up ------------------------------------------------------------------------------

    def start(self, show_window: bool = True, show_quick_ask: bool = False) -> None:
        """Show the window; start the rest once it is painted (or at once when it is hidden)."""
        self._show_popup_when_ready = show_quick_ask
        if show_window or not self.has_tray:
            _FirstPaint(self.window, self._after_first_paint)
            self.window.show()
        else:
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        if self.started:
            return
        self.started = True
        self.first_paint_at = time.time()
        self.first_painted.emit()
        self.backend.start()
        from app.quick_ask import QuickAskPopup

        self.popup = QuickAskPopup(self.backend, self.window.open_source)
        if self.has_tray:
            self.tray = Tray(self.icon, hotkey_setting(self.backend.settings))
            self.tray.ask_requested.connect(self.show_quick_ask)
            self.tray.open_requested.connect(self.show_window)
            self.tray.pause_toggled.connect(self.set_paused)
            self.tray.quit_requested.connect(self.quit)
            self.tray.show()
        self._apply_hotkey()
        if self._show_popup_when_ready:
            self.show_quick_ask()

    def _apply_hotkey(self) -> None:
        """(Re)start the global hotkey from the settings; say how to bind it where it cannot work."""
        if not self.started:
            return
        sequence = hotkey_setting(self.backend.settings)
        if self.tray is not None:
            self.tray.set_hotkey(sequence)
        platform = QApplication.platformName()
        if not self.use_hotkey:
            self.hotkey.stop()
            self.hotkey_note = hotkey_support(platform)[1] or "The global hotkey is off."
        else:
            self.hotkey_note = self.hotkey.start(sequence, platform)
        if self.hotkey_note:
            log.info("%s", self.hotkey_note)
            self.hotkey_problem.emit(self.hotkey_note)
        self.window.set_hotkey_note(self.hotkey_note, sequence if self.hotkey.running else "")

    # ----- actions -------------------------------------------------------------------------------

    def on_message(self, message: str) -> None:
        """A request from another ``lodger`` process."""
        if message == QUICK_ASK:
            self.toggle_quick_ask()
        elif message == SHOW:
            self.show_window()
        else:
            log.warning("unknown message from another Lodger process: %r", message)

    def show_window(self) -> None:
        w = self.window
        w.show()
        if w.isMinimized():
            w.showNormal()
        w.raise_()
        w.activateWindow()

    def show_quick_ask(self) -> None:
        if self.popup is None:
            self._show_popup_when_ready = True
            return
        self.popup.popup()

    def toggle_quick_ask(self) -> None:
        if self.popup is None:
            self._show_popup_when_ready = not self._show_popup_when_ready
            return
        self.popup.toggle()

    def set_paused(self, paused: bool) -> None:
        self.backend.set_paused(paused)
        if self.tray is not None:
            self.tray.set_paused(paused)
        self.window.status.set_paused(paused)

    def _on_window_closed(self) -> None:
        if not self.has_tray and not self._shut:
            self.quit()

    def quit(self) -> None:
        """Quit the app (tray menu, Ctrl+C, or closing the window without a tray)."""
        self.window.quitting = True
        self.qapp.quit()

    # ----- shutdown ------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop the hotkey, the socket, the watcher and the lanes (waiting), the model; once."""
        if self._shut:
            return
        self._shut = True
        self.window.quitting = True
        # Out of sight first: stopping the watcher and the lanes can take a second.
        if self.tray is not None:
            self.tray.hide()
        if self.popup is not None:
            self.popup.stop()
            self.popup.hide()
        for view in self.window.views:
            view.close()
        self.window.stop()
        self.window.hide()
        if self.signal_timer is not None:
            self.signal_timer.stop()
        self.hotkey.stop()
        if self.instance is not None:
            self.instance.close()
        self.backend.shutdown()
        self.window.close()
