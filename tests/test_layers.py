"""The layers hold: lodger -> app -> engine -> indexing, and the core never imports Qt.

``lint-imports`` reads the contracts in pyproject.toml; a second check imports the core in a fresh
interpreter and looks at what it loaded, so that a lazy import inside a function is caught too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_are_kept():
    """Every import-linter contract in pyproject.toml is kept."""
    exe = Path(sys.executable).with_name("lint-imports")
    cmd = [str(exe)] if exe.exists() else [shutil.which("lint-imports") or "lint-imports"]
    proc = subprocess.run(cmd + ["--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "broken" in proc.stdout and "0 broken" in proc.stdout


def test_core_and_cli_parser_load_without_qt():
    """Importing the engine, the indexer and the CLI's parser loads no Qt and no app module."""
    code = ("import sys; import engine.answer, engine.session, indexing.workspace, lodger.cli; "
            "lodger.cli.build_parser(); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'app', 'shiboken6')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
