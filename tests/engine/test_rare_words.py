"""In a big index, the one document holding a rare word of the question is found even when
hundreds of others match its common words by both meaning and keywords."""

from __future__ import annotations

from engine.retrieval import Retriever
from indexing.workspace import Workspace


def test_the_one_mail_naming_a_rare_person_beats_many_about_phone_numbers(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(600):
        (notes / f"n{i:03}.md").write_text(
            f"# Office {i}\n\nMy phone number at the office is 713-555-{i:04}. Call the phone "
            f"number on the desk if the number {i} line is busy.\n", encoding="utf-8")
    (notes / "referral.md").write_text(
        "# Referral\n\nContact details from Ken: Tom Limperis, 517-423-5617.\n", encoding="utf-8")
    ws = Workspace.open(tmp_path / "data", embedder="hash", check=False)
    try:
        ws.indexer().index([str(notes)])
        retriever = Retriever(ws.store, ws.vectors, ws.embedder)
        found = retriever.search("What's the phone number for Tom Limperis?",
                                 ["phone", "number", "tom", "limperis"], k=5)
    finally:
        ws.close()
    assert found and found[0].path.endswith("referral.md"), [s.path for s in found]
