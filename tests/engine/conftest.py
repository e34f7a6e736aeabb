"""Fixtures shared by the engine tests: the demo data indexed once with the real embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexing.workspace import Workspace


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory) -> Workspace:
    """The demo data indexed once with the real embedder (a copy, so nothing touches assets/)."""
    root = tmp_path_factory.mktemp("demo")
    data = Path(root) / "demo"
    shutil.copytree(Path(__file__).resolve().parents[2] / "assets" / "demo", data)
    ws = Workspace.open(Path(root) / "lodger-data", embedder="minilm")
    ws.indexer().index([str(data)])
    ws.remember([str(data)])
    yield ws
    ws.close()
