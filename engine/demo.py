"""Where the bundled demo data lives (a mail folder, calendars, notes and a todo.txt).

The CLI's ``--demo``, the app's welcome screen and the benchmarks all index this one folder.
"""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent.parent / "assets" / "demo"

__all__ = ["DEMO_DIR"]
