"""Starting the desktop app: ``run_app(args)`` behind ``lodger gui`` and ``lodger quick-ask``.

Order matters for a fast start: the window is shown and painted before anything heavy happens;
only after its first paint does the backend open the workspace on the indexing lane (chromadb and
the embedder load there), the quick-ask popup get built, the tray icon appear and the hotkey
start. The model loads on the first question that needs it.

One app runs per data dir (``app.single_instance``): a second ``lodger gui`` raises the running
window and exits, ``lodger quick-ask`` toggles the running app's popup (or starts the app with the
popup shown). Quit (tray menu, or closing the window where there is no tray) and
``aboutToQuit`` both end in ``LodgerApp.shutdown``: the hotkey, the socket, the watcher, the lanes
(waited for), the model and the workspace, in that order.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger("lodger.app")

NO_DISPLAY_EXIT = 3  # `make run` falls back to the command line on this code


def display_problem() -> str:
    """Why no window can be shown here ("" when it can); checked before Qt would abort."""
    if not sys.platform.startswith("linux") and "bsd" not in sys.platform:
        return ""
    if os.environ.get("QT_QPA_PLATFORM") or os.environ.get("WAYLAND_DISPLAY"):
        return ""
    display = os.environ.get("DISPLAY", "")
    if not display:
        return ("No display found: Lodger's window needs a graphical desktop (neither DISPLAY "
                "nor WAYLAND_DISPLAY is set). On this machine use the command line, e.g. "
                "`lodger ask \"What's on my schedule tomorrow?\"`.")
    if display.startswith(":"):  # a local X server has a socket; a stale DISPLAY has none
        number = display[1:].split(".")[0]
        if number.isdigit() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return (f"No X server is running on DISPLAY={display}. Start Lodger from your "
                    "desktop session, or use `lodger ask` on the command line.")
    return ""


def run_app(args: argparse.Namespace) -> int:
    """Run the app (or hand over to the running one). Returns the exit code."""
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return NO_DISPLAY_EXIT
    from PySide6.QtWidgets import QApplication

    from app.single_instance import QUICK_ASK, SHOW, SingleInstance, send_to_running, server_name
    from indexing.paths import ensure_data_dir, resolve_data_dir

    data_dir = ensure_data_dir(resolve_data_dir(getattr(args, "data_dir", None)))
    qapp = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "lodger"])
    qapp.setApplicationName("Lodger")
    qapp.setApplicationDisplayName("Lodger")
    qapp.setDesktopFileName("lodger")
    quick = getattr(args, "command", "gui") == "quick-ask"
    name = server_name(data_dir)
    if send_to_running(name, QUICK_ASK if quick else SHOW):
        return 0  # the running app shows its window or popup
    instance = SingleInstance(name)
    if not instance.listen() and send_to_running(name, QUICK_ASK if quick else SHOW):
        return 0  # another one started at the same moment and won
    if getattr(args, "demo", False):
        _add_demo_folder(data_dir)

    from app.backend import Backend
    from app.shell import LodgerApp

    backend = Backend(data_dir, embedder=getattr(args, "embedder", None),
                      use_llm=not getattr(args, "no_llm", False))
    lodger = LodgerApp(qapp, backend, instance=instance)
    timing = getattr(args, "timing", None)
    if timing:
        lodger.first_painted.connect(lambda: _write_timing(timing, lodger))
    driver = None
    if getattr(args, "screenshot", None):
        from app.screenshots import ScreenshotDriver

        driver = ScreenshotDriver(lodger, list(getattr(args, "ask", None) or [])
                                  or ["What's on my schedule tomorrow?"],
                                  Path(args.screenshot))
    _quit_on_signals(lodger)
    lodger.start(show_window=not (getattr(args, "tray", False) or quick) or driver is not None,
                 show_quick_ask=quick)
    if driver is not None:
        driver.start()
    code = qapp.exec()
    lodger.shutdown()
    return driver.exit_code if driver is not None else code


def _add_demo_folder(data_dir: Path) -> None:
    """``--demo``: make the bundled demo data one of the indexed folders."""
    from engine.demo import DEMO_DIR
    from indexing.settings import Settings

    settings = Settings.load(data_dir)
    if str(DEMO_DIR) not in settings.folders:
        settings.folders.append(str(DEMO_DIR))
        settings.save(data_dir)


def _write_timing(path: str, lodger: Any) -> None:
    data = {"first_paint": lodger.first_paint_at, "pid": os.getpid()}
    Path(path).write_text(json.dumps(data), encoding="utf-8")


def _quit_on_signals(lodger: Any) -> None:
    """Ctrl+C and SIGTERM quit cleanly; a timer lets Python run its handlers inside Qt's loop."""
    from PySide6.QtCore import QTimer

    def handler(signum: int, frame: object) -> None:
        lodger.quit()

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(sig, handler)
        except (ValueError, OSError):  # not the main thread, or not supported here
            pass
    lodger.signal_timer = QTimer()
    lodger.signal_timer.timeout.connect(lambda: None)
    lodger.signal_timer.start(250)


__all__ = ["run_app", "display_problem", "NO_DISPLAY_EXIT"]
