"""Shared fixtures: offline switches, the demo and real data folders, throwaway workspaces."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.realdata import find_realdata

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "assets" / "demo"
REALDATA = find_realdata()


@pytest.fixture
def demo_dir() -> Path:
    return DEMO


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present")
    return REALDATA


@pytest.fixture
def workspace(tmp_path):
    """A fresh data dir with the fast deterministic embedder."""
    from indexing.workspace import Workspace

    ws = Workspace.open(tmp_path / "data", embedder="hash")
    yield ws
    ws.close()
