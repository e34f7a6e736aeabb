"""The tray icon and its menu: Ask…, Open Lodger, Pause indexing, Quit.

The tray keeps Lodger running when its window is closed (where the desktop has a tray: GNOME
needs the AppIndicator extension). The menu only emits signals; ``app.main`` wires them to the
window, the quick-ask popup and ``Backend.set_paused``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

ICON_DIR = Path(__file__).resolve().parent.parent / "assets" / "icons"


def app_icon() -> QIcon:
    """Lodger's icon, in every size that is bundled (an empty icon if the files are missing)."""
    icon = QIcon()
    for png in sorted(ICON_DIR.glob("lodger-*.png")):
        icon.addFile(str(png))
    if icon.isNull() and (ICON_DIR / "lodger.svg").exists():
        icon.addFile(str(ICON_DIR / "lodger.svg"))
    return icon


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


class Tray(QObject):
    """A ``QSystemTrayIcon`` with Lodger's menu; clicking the icon opens the window."""

    ask_requested = Signal()
    open_requested = Signal()
    pause_toggled = Signal(bool)
    quit_requested = Signal()

    def __init__(self, icon: QIcon, hotkey: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.menu = QMenu()
        self.ask_action = QAction("Ask…", self.menu)
        self.open_action = QAction("Open Lodger", self.menu)
        self.pause_action = QAction("Pause indexing", self.menu)
        self.pause_action.setCheckable(True)
        self.quit_action = QAction("Quit", self.menu)
        self.ask_action.triggered.connect(self.ask_requested.emit)
        self.open_action.triggered.connect(self.open_requested.emit)
        self.pause_action.toggled.connect(self.pause_toggled.emit)
        self.quit_action.triggered.connect(self.quit_requested.emit)
        self.menu.addAction(self.ask_action)
        self.menu.addAction(self.open_action)
        self.menu.addSeparator()
        self.menu.addAction(self.pause_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.icon = QSystemTrayIcon(icon, self)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.set_hotkey(hotkey)

    def set_hotkey(self, hotkey: str) -> None:
        """Show the hotkey next to "Ask…" and in the tooltip."""
        self.ask_action.setText(f"Ask…\t{hotkey}" if hotkey else "Ask…")
        self.icon.setToolTip(f"Lodger — {hotkey} to ask" if hotkey else "Lodger")

    def set_paused(self, paused: bool) -> None:
        """Reflect a pause made elsewhere, without emitting ``pause_toggled`` again."""
        self.pause_action.blockSignals(True)
        self.pause_action.setChecked(paused)
        self.pause_action.blockSignals(False)

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()
        elif reason == QSystemTrayIcon.ActivationReason.MiddleClick:
            self.ask_requested.emit()
