"""Screenshots of the real app under Xvfb: the main window, the quick-ask popup, the settings.

Starts ``lodger gui`` as a subprocess (real embedder, default model) on a temporary data dir with
a copy of the demo data, at the demo's reference time in Europe/Berlin; its hidden screenshot
driver (``app/screenshots.py``) asks the questions and saves PNGs. They are kept in the pytest
tmp dir and copied to ``build/screenshots/`` for people to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.conftest import NOW
from tests.conftest import DEMO, ROOT

pytestmark = [pytest.mark.gui, pytest.mark.slow]

SCHEDULE_Q = "What's on my schedule tomorrow?"
RECALL_Q = "What did Tom say about the contract?"
KEEP = ROOT / "build" / "screenshots"


def image_stats(path: Path) -> tuple[int, int, int]:
    """Width, height and the number of distinct colours on a sampling grid."""
    from PySide6.QtGui import QImage

    img = QImage(str(path))
    assert not img.isNull(), path
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    return img.width(), img.height(), len(colours)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        pytest.skip("xvfb-run is missing (Debian/Ubuntu: apt-get install xvfb; `make system-deps`)")
    tmp = tmp_path_factory.mktemp("screenshots")
    demo = tmp / "demo"
    shutil.copytree(DEMO, demo)
    data = tmp / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"version": 1, "folders": [str(demo)]}),
                                        encoding="utf-8")
    out = tmp / "png"
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env.update(LODGER_NOW=NOW, TZ="Europe/Berlin", LC_ALL="C.UTF-8", HF_HUB_OFFLINE="1")
    cmd = [xvfb, "-a", "-s", "-screen 0 1400x900x24", sys.executable, "-m", "lodger.cli", "gui",
           "--data-dir", str(data), "--ask", SCHEDULE_Q, "--ask", RECALL_Q,
           "--screenshot", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    error = (out / "error.txt").read_text() if (out / "error.txt").exists() else ""
    assert proc.returncode == 0, f"rc={proc.returncode} {error}\n{proc.stderr[-3000:]}"
    KEEP.mkdir(parents=True, exist_ok=True)
    for png in out.glob("*.png"):
        shutil.copy2(png, KEEP / png.name)
    shutil.copy2(out / "answers.json", KEEP / "answers.json")
    return out, json.loads((out / "answers.json").read_text(encoding="utf-8"))


def test_main_window_with_a_cited_schedule_answer(shots):
    """main-1.png: tomorrow's schedule, Dentist appointment 14:30, with its source."""
    out, answers = shots
    width, height, colours = image_stats(out / "main-1.png")
    assert (width, height) == (1180, 740)
    assert colours > 20
    first = answers[0]
    assert first["question"] == SCHEDULE_Q and first["state"] == "done"
    assert "Dentist appointment" in first["text"] and "14:30" in first["text"]
    assert [s["title"] for s in first["sources"]] == ["Dentist appointment"]


def test_main_window_with_a_recall_answer_and_highlighted_sources(shots):
    """main-2.png: what Tom said about the contract, his mail among the highlighted sources."""
    out, answers = shots
    assert image_stats(out / "main-2.png")[2] > 20
    second = answers[1]
    assert second["question"] == RECALL_Q and second["state"] == "done"
    titles = [s["title"] for s in second["sources"]]
    assert "Contract for the Keller garden works" in titles
    assert any("contract" in [w.lower() for w in s["matched"]] for s in second["sources"])
    assert "[1]" in second["text"]


def test_quick_ask_popup_with_an_answer(shots):
    """quick-ask.png: the popup with the schedule answer."""
    out, answers = shots
    width, height, colours = image_stats(out / "quick-ask.png")
    assert width == 680 and 120 < height < 600
    assert colours > 10
    assert answers[2]["image"] == "quick-ask.png"
    assert "Dentist appointment" in answers[2]["text"]


def test_cited_message_screenshot(shots):
    """source.png: Tom's message, opened from the recall answer's [1]."""
    out, answers = shots
    assert answers[1]["sources"][0]["kind"] == "email"
    width, height, colours = image_stats(out / "source.png")
    assert (width, height) == (680, 560) and colours > 10


def test_settings_dialog_screenshot(shots):
    """settings.png: the settings dialog with the demo folder."""
    out, _ = shots
    assert image_stats(out / "settings.png")[2] > 10
