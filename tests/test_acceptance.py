"""A stranger's data, graded by hand-written ground truth: tests/acceptance_data/nora (another
person's Thunderbird and Maildir++ mail, Google and Outlook calendars, an Obsidian vault and
todo.txt, in New York across a DST change). Schedule and to-do answers must be the exact sets,
recall must cite the right document in the top five, unanswerable questions must say so.

The data and questions were written without looking at Lodger's demo data
(tests/acceptance_data/README.md); ``run_eval.py`` there runs the same set through the real CLI.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from engine.session import make_answerer, parse_now, resolve_zone
from indexing.workspace import Workspace

HERE = Path(__file__).resolve().parent / "acceptance_data"
sys.path.insert(0, str(HERE))
import run_eval  # noqa: E402

# Known gaps, each a product limitation rather than a flaky test:
#   T10 - a promise written in German ("Ich schicke dir die Folien bis Donnerstag"): promise
#         extraction reads English only.
KNOWN_GAPS = {"T10"}

pytestmark = [pytest.mark.slow, pytest.mark.embedder]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Workspace:
    ws = Workspace.open(tmp_path_factory.mktemp("nora") / "data", embedder="minilm")
    ws.indexer().index([str(HERE / "nora")])
    ws.remember([str(HERE / "nora")])
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def graded(indexed) -> dict[str, dict]:
    spec = json.loads((HERE / "nora.questions.json").read_text(encoding="utf-8"))
    zone = resolve_zone(spec["tz"])
    now = parse_now(spec["now"], zone)
    answerer, _ = make_answerer(indexed, zone, use_llm=False)
    out = {}
    for q in spec["questions"]:
        res = answerer.answer(q["q"], now, use_llm=False).to_json()
        out[q["id"]] = {"spec": q, "res": res, "grade": run_eval.grade(q, res)}
    return out


@pytest.mark.parametrize("category", ["schedule", "todo", "recall", "unanswerable"])
def test_every_question_of_the_category_passes(graded, category):
    """Every question passes except the documented gaps; each failure is shown with its diff."""
    failed = {qid: (g["spec"]["q"], {k: v for k, v in g["grade"].items() if v and k != "ok"})
              for qid, g in graded.items()
              if g["spec"]["category"] == category and not g["grade"]["ok"]}
    assert set(failed) <= KNOWN_GAPS, failed


def test_the_known_gaps_are_still_gaps(graded):
    """When a known gap starts passing, it must leave the list (no stale excuses)."""
    assert all(not graded[qid]["grade"]["ok"] for qid in KNOWN_GAPS)


def test_both_of_noras_addresses_were_learned_from_her_sent_folders(indexed):
    """The work (Thunderbird "Sent Items") and personal (Maildir++ ".Sent") addresses."""
    assert set(indexed.settings.user_addresses) == {"nora.whitfield@brightlane.io",
                                                    "nora.w@fastmail.com"}
