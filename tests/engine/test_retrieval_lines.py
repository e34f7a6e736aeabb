"""A note's citation points at the line of the words it quotes, not the top of its chunk."""

from __future__ import annotations

from engine.retrieval import snippet_line


def test_snippet_line_finds_the_quoted_sentence(tmp_path):
    """The first quoted sentence is found at or after the chunk's first line."""
    note = tmp_path / "n.md"
    note.write_text("# Garden\n\nIntro line.\n\n## Pond\n\nThe pond should be 1.2 m deep, "
                    "with a gravel edge.\nMore text.\n")
    assert snippet_line(str(note), 1, "The pond should be 1.2 m deep … More text.") == 7
    assert snippet_line(str(note), 7, "Intro line.") == 7  # never before the chunk: kept


def test_snippet_line_falls_back_to_the_chunk_line(tmp_path):
    """A missing file or words no longer in it keep the chunk's own line."""
    assert snippet_line(str(tmp_path / "gone.md"), 4, "Anything at all") == 4
    note = tmp_path / "n.md"
    note.write_text("one\ntwo\n")
    assert snippet_line(str(note), 2, "words that are not there") == 2
