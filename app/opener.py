"""Opening a file at a line in the user's own editor or default app.

Every "open" in the app goes through one function, ``open_file(path, line)``, which the main
window takes as a constructor argument so tests can pass a recorder instead. A graphical editor
named in ``$VISUAL``/``$EDITOR`` that understands a line argument is started with it; otherwise
(terminal editors need a terminal, so they are not "sensible" from a GUI) the file goes to the
desktop's default application through ``QDesktopServices``.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
from collections.abc import Callable

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

log = logging.getLogger("lodger.app")

OpenFile = Callable[[str, int], None]

# Graphical editors and how each takes a line: "+N file" or "file:N" with a flag.
_PLUS_LINE = {"gedit", "gnome-text-editor", "kate", "kwrite", "mousepad", "pluma", "xed",
              "geany", "gvim", "mvim", "emacsclient", "emacs", "mate"}
_COLON_LINE = {"code": "-g", "codium": "-g", "subl": "", "sublime_text": "", "zed": "",
               "pycharm": "--line", "idea": "--line"}


def editor_command(path: str, line: int, editor: str | None = None) -> list[str] | None:
    """The command to open ``path`` at ``line`` in the user's graphical editor, or None."""
    editor = editor if editor is not None else (os.environ.get("VISUAL")
                                                or os.environ.get("EDITOR") or "")
    if not editor.strip():
        return None
    parts = shlex.split(editor)
    name = os.path.basename(parts[0])
    if name in _PLUS_LINE:
        return [*parts, f"+{line}", path] if line > 0 else [*parts, path]
    if name in _COLON_LINE:
        flag = _COLON_LINE[name]
        if flag == "--line":
            return [*parts, "--line", str(line), path] if line > 0 else [*parts, path]
        target = f"{path}:{line}" if line > 0 else path
        return [*parts, *([flag] if flag else []), target]
    return None  # a terminal editor (vim, nano...) or one we do not know


def open_file(path: str, line: int = 0) -> None:
    """Open ``path`` (at ``line`` where the editor supports it) without blocking."""
    cmd = editor_command(path, line)
    if cmd is not None and shutil.which(cmd[0]):
        try:
            subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
            return
        except OSError as exc:
            log.warning("could not start %s (%s); using the default application", cmd[0], exc)
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
        raise OSError(f"no application is set up to open {path}")
