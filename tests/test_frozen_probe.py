"""The installed (PyInstaller) app has no Python to run ``python -c``: its start-up check of the
vector index starts its own executable with a hidden flag instead, and still tells a sound index
from a damaged one."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import sys
from pathlib import Path
sys.frozen = True                     # as in a PyInstaller bundle
sys.executable = sys.argv[2]          # the "bundle": a wrapper that runs lodger.cli's main
from indexing.integrity import probe_vectors
print("RESULT", probe_vectors(Path(sys.argv[1])))
"""


def _frozen_probe(vectors: Path, tmp_path: Path) -> str:
    wrapper = tmp_path / "lodger-bundle"
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} -m lodger.cli \"$@\"\n")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(vectors), str(wrapper)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, env=env)
    return [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT")][-1]


def test_frozen_app_probes_through_its_own_executable(tmp_path, demo_dir):
    """A sound index passes the frozen probe; a garbage chroma.sqlite3 fails it with a reason."""
    from indexing.workspace import Workspace

    ws = Workspace.open(tmp_path / "data", embedder="hash", check=False)
    ws.indexer().index([str(demo_dir / "notes")])
    ws.close()
    vectors = tmp_path / "data" / "vectors"
    assert _frozen_probe(vectors, tmp_path) == "RESULT None"
    (vectors / "chroma.sqlite3").write_bytes(b"\0garbage" * 4096)
    result = _frozen_probe(vectors, tmp_path)
    assert result.startswith("RESULT ") and result != "RESULT None"
