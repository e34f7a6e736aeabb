"""The global quick-ask hotkey (default Ctrl+Alt+Space), through pynput where the desktop allows.

pynput works on Windows, macOS (with the Accessibility permission) and X11, not on Wayland, and it
raises at import when there is no display, so it is imported only after ``hotkey_support`` says
yes. Its callback runs on pynput's own thread: it only emits a Qt signal, which Qt delivers on the
GUI thread. On Wayland the way is a desktop shortcut that runs ``lodger quick-ask``.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger("lodger.app")

DEFAULT_HOTKEY = "Ctrl+Alt+Space"
SETTING = "quick_ask_hotkey"  # kept in Settings.extras
WAYLAND_HINT = ("Global hotkeys are not available on Wayland. Add a keyboard shortcut in your "
                "desktop's settings that runs:  lodger quick-ask")

_NAMED = {
    "ctrl": "<ctrl>", "control": "<ctrl>", "alt": "<alt>", "option": "<alt>", "shift": "<shift>",
    "meta": "<cmd>", "super": "<cmd>", "win": "<cmd>", "cmd": "<cmd>", "command": "<cmd>",
    "space": "<space>", "enter": "<enter>", "return": "<enter>", "tab": "<tab>", "esc": "<esc>",
    "escape": "<esc>", "backspace": "<backspace>", "delete": "<delete>", "del": "<delete>",
    "insert": "<insert>", "ins": "<insert>", "home": "<home>", "end": "<end>",
    "pgup": "<page_up>", "pageup": "<page_up>", "pgdown": "<page_down>",
    "pagedown": "<page_down>", "up": "<up>", "down": "<down>", "left": "<left>",
    "right": "<right>",
}
_MODIFIERS = {"<ctrl>", "<alt>", "<shift>", "<cmd>"}


def hotkey_setting(settings: Any) -> str:
    """The configured hotkey ("" = switched off)."""
    value = getattr(settings, "extras", {}).get(SETTING, DEFAULT_HOTKEY)
    return value.strip() if isinstance(value, str) else DEFAULT_HOTKEY


def to_pynput(sequence: str) -> str:
    """``"Ctrl+Alt+Space"`` -> ``"<ctrl>+<alt>+<space>"`` (pynput's notation).

    Raises:
        ValueError: for an empty sequence, an unknown key or one without a modifier.
    """
    parts = [p.strip() for p in sequence.replace(" ", "").split("+")]
    if not sequence.strip() or any(not p for p in parts):
        raise ValueError(f"{sequence!r} is not a key combination (write it like Ctrl+Alt+Space)")
    out = []
    for part in parts:
        low = part.lower()
        if low in _NAMED:
            out.append(_NAMED[low])
        elif len(part) == 1 and part.isprintable():
            out.append(low)
        elif low[:1] == "f" and low[1:].isdigit() and 1 <= int(low[1:]) <= 20:
            out.append(f"<{low}>")
        else:
            raise ValueError(f"unknown key {part!r} in {sequence!r}")
    if not any(p in _MODIFIERS for p in out) and not any(p.startswith("<f") for p in out):
        raise ValueError(f"{sequence!r} needs a modifier such as Ctrl or Alt")
    return "+".join(out)


def hotkey_support(platform_name: str = "") -> tuple[bool, str]:
    """Whether a global hotkey can work here, and if not, what to do instead."""
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        wayland = (os.environ.get("XDG_SESSION_TYPE", "").lower() == "wayland"
                   or bool(os.environ.get("WAYLAND_DISPLAY")) or platform_name == "wayland")
        if wayland:
            return False, WAYLAND_HINT
        if not os.environ.get("DISPLAY"):
            return False, "There is no X11 display, so there is no global hotkey."
    if platform_name in ("offscreen", "minimal", "vnc"):
        return False, f"No global hotkey on the {platform_name!r} Qt platform."
    return True, ""


class GlobalHotkey(QObject):
    """Listens for one key combination anywhere on the desktop; emits ``activated``."""

    activated = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._listener: Any = None
        self.sequence = ""

    @property
    def running(self) -> bool:
        return self._listener is not None

    def start(self, sequence: str, platform_name: str = "") -> str:
        """Listen for ``sequence`` (replacing any previous one). Returns "" or why it cannot."""
        self.stop()
        if not sequence:
            return ""
        ok, why = hotkey_support(platform_name)
        if not ok:
            return why
        try:
            combo = to_pynput(sequence)
        except ValueError as exc:
            return f"Quick-ask hotkey: {exc}."
        try:
            from pynput import keyboard  # lazy: raises at import without a display

            listener = keyboard.GlobalHotKeys({combo: self._on_hotkey})
            listener.daemon = True
            listener.start()
        except Exception as exc:  # no permission (macOS), no X RECORD extension, ...
            log.warning("global hotkey %s unavailable: %s", sequence, exc)
            return (f"The quick-ask hotkey {sequence} could not be set up ({exc}). Bind "
                    "`lodger quick-ask` to a shortcut in your desktop's settings instead.")
        self._listener = listener
        self.sequence = sequence
        return ""

    def _on_hotkey(self) -> None:  # pynput's thread: only emit
        self.activated.emit()

    def stop(self) -> None:
        """Stop listening. pynput's X11 thread may only notice at its next event; it is a
        daemon thread, so it is not waited for long."""
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.stop()
                listener.join(0.2)
            except Exception:  # stopping must never block quitting
                log.warning("stopping the hotkey listener failed", exc_info=True)
