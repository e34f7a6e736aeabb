"""Tests for reading todo.txt files into one document with a task per line."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from indexing.reading import SkipFile
from indexing.todotxt import looks_like_todotxt, parse_todo_line, parse_todotxt
from tests.helpers.realdata import REALDATA

TOPYDO = str(REALDATA / "notes" / "todotxt-topydo")
needs_data = pytest.mark.skipif(not os.path.isdir(TOPYDO), reason="real todo.txt data missing")


def _items(name: str) -> dict[int, object]:
    doc = parse_todotxt(os.path.join(TOPYDO, name)).documents[0]
    return {i.line: i for i in doc.items}


def test_full_line_parses_every_part() -> None:
    """A complete line gives priority, created date, project, contexts, due and extra tags."""
    item = parse_todo_line(
        "(A) 2026-03-01 Call Mum +Family @phone @home due:2026-03-12 t:2026-03-10 id:7", 4
    )
    assert item.title == "Call Mum"  # the trailing tags live in project and contexts
    assert item.priority == "A"
    assert item.project == "Family"
    assert item.contexts == ["phone", "home"]
    assert item.due == date(2026, 3, 12)
    assert item.done is False and item.done_date is None
    assert item.description == "created 2026-03-01; t:2026-03-10; id:7"
    assert (item.line, item.locator, item.origin, item.kind) == (4, "L4", "todo.txt", "task")


def test_done_line_with_completion_and_creation_dates() -> None:
    """'x DONE CREATED text' is done, with both dates read in that order."""
    item = parse_todo_line("x 2026-03-10 2026-03-01 Pay rent +Home pri:B", 1)
    assert item.done is True
    assert item.done_date == date(2026, 3, 10)
    assert item.priority == "B"
    assert item.title == "Pay rent"
    assert item.description == "created 2026-03-01"


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Ask +Tom about bricks for the +Garden @phone", "Ask Tom about bricks for the Garden"),
        ("Call @Maria", "Call Maria"),
        ("Lunch with +Team @office", "Lunch with Team"),
        ("+Garden @home", "Garden home"),
        ("Drink beer @ home", "Drink beer @ home"),
        ("Fix +Not+Project not@ctx", "Fix Not+Project not@ctx"),
    ],
)
def test_tag_words_in_titles(line: str, title: str) -> None:
    """Tags inside the sentence keep their words; a trailing tag run is dropped if not needed."""
    assert parse_todo_line(line, 1).title == title


@pytest.mark.parametrize(
    "line",
    ["x", "(A)", "due:", "due:2026-13-45 thing", "+ @ : ::", "2026-99-99 odd", "x 2026-02-30 y"],
)
def test_malformed_lines_become_plain_tasks(line: str) -> None:
    """Odd lines never raise and keep their text; invalid dates are kept as text, not parsed."""
    item = parse_todo_line(line, 3)
    assert item.title
    assert item.due is None
    assert item.line == 3


def test_invalid_due_kept_in_description() -> None:
    """An impossible due date is not a due date but stays visible in the description."""
    item = parse_todo_line("Do thing due:2026-13-45", 1)
    assert item.due is None
    assert "due:2026-13-45" in item.description


def test_times_and_urls_are_not_key_values() -> None:
    """'10:30' and 'https://x' stay in the title; only word:value pairs are tags."""
    item = parse_todo_line("Meet at 10:30 see https://example.com/a rec:1w", 1)
    assert item.title == "Meet at 10:30 see https://example.com/a"
    assert item.description == "rec:1w"


@needs_data
def test_every_topydo_file_parses() -> None:
    """Every real todo.txt file parses into one document with one item per non-empty line."""
    for name in sorted(os.listdir(TOPYDO)):
        if not name.endswith(".txt"):
            continue
        path = os.path.join(TOPYDO, name)
        result = parse_todotxt(path)
        doc = result.documents[0]
        lines = Path(path).read_text(encoding="utf-8").split("\n")
        assert len(doc.items) == sum(1 for ln in lines if ln.strip()), name
        assert [s.line for s in doc.segments] == [i.line for i in doc.items]
        assert doc.kind == "todo" and doc.doc_id == "todo:" + os.path.abspath(path)
        doc.content_hash()  # JSON-serialisable


@needs_data
def test_topydo_exact_values() -> None:
    """Specific real lines give the expected due dates, done flags, dates and priorities."""
    sorter4 = _items("SorterTest4.txt")  # "(A) 2014-04-28 Foo due:2014-06-20" on line 2
    assert sorter4[2].title == "Foo"
    assert sorter4[2].priority == "A"
    assert sorter4[2].due == date(2014, 6, 20)
    assert sorter4[2].description == "created 2014-04-28"

    archive = _items("ArchiveCommandTest.txt")  # "x 2014-10-20 Another one complete"
    assert archive[2].done is True and archive[2].done_date == date(2014, 10, 20)
    assert archive[3].done is False and archive[3].priority == "C"

    ical = _items("ListCommandIcalTest.txt")  # "x 2015-06-06 A completed item due:2015-05-05"
    assert (ical[7].done, ical[7].done_date, ical[7].due) == (
        True, date(2015, 6, 6), date(2015, 5, 5)
    )
    assert ical[5].priority == "G" and ical[5].title == "13 + 29 = 42"

    dot = _items("ListCommandDotTest.txt")  # line 5 is empty: numbering keeps file lines
    assert sorted(dot) == [1, 2, 3, 4, 6, 7, 8]
    assert dot[1].title == "Foo Context2 Not@Context Project1 Not+Project"
    assert (dot[1].project, dot[1].contexts) == ("Project1", ["Context2"])
    assert dot[1].due == date(2016, 11, 18)
    assert dot[1].description == "created 2015-11-05; t:2016-11-17"
    assert dot[4].title == "Drink beer @ home" and dot[4].contexts == []
    assert dot[6].locator == "L6"

    unicode = _items("ListCommandUnicodeTest.txt")
    assert unicode[1].title == "And some spécial" and unicode[1].description == "tag:◄"


@needs_data
def test_empty_file_is_a_document_without_items() -> None:
    """The 0-byte todo file gives a document with no items, not an error."""
    result = parse_todotxt(os.path.join(TOPYDO, "TodoFileTest1.txt"))
    assert len(result.documents) == 1
    assert result.documents[0].items == [] and result.documents[0].segments == []
    assert result.skipped == []


def test_binary_file_is_skipped(tmp_path: Path) -> None:
    """A binary file named todo.txt raises SkipFile with a reason."""
    path = tmp_path / "todo.txt"
    path.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    with pytest.raises(SkipFile, match="binary"):
        parse_todotxt(str(path))


def test_crlf_and_cp1252_lines(tmp_path: Path) -> None:
    """Windows line ends and cp1252 bytes decode and keep line numbers."""
    path = tmp_path / "todo.txt"
    path.write_bytes("(B) Café bill due:2026-01-02\r\n\r\nx 2026-01-03 Done\r\n".encode("cp1252"))
    items = parse_todotxt(str(path)).documents[0].items
    assert [(i.line, i.title, i.done) for i in items] == [(1, "Café bill", False), (3, "Done", True)]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("todo.txt", "anything at all", True),
        ("Done.TXT", "", True),
        ("my-todo-list.txt", "", True),
        ("todo.md", "just prose\nmore prose", False),
        ("list.txt", "(A) Call Mum\nx 2026-01-01 Pay\n2026-01-02 Shop +home\nplain", True),
        ("list.txt", "Buy milk @shop\nFix bike +garage\nRead due:2026-02-01", True),
        ("notes.txt", "Dear diary,\ntoday was fine.\nI ate lunch.", False),
        ("notes.txt", "(A) Call Mum\nline two\nline three\nline four", False),
        ("notes.txt", "", False),
    ],
)
def test_looks_like_todotxt(name: str, text: str, expected: bool) -> None:
    """The name or at least 60% todo-like lines decide whether a .txt file is a todo list."""
    assert looks_like_todotxt(name, text) is expected


@needs_data
def test_looks_like_todotxt_on_real_files() -> None:
    """Real topydo lists are recognised by content; the GPL licence text is not."""
    def check(name: str) -> bool:
        return looks_like_todotxt(name, Path(TOPYDO, name).read_text(encoding="utf-8"))

    assert check("SorterTest4.txt") is True
    assert check("ListFormat.txt") is True
    assert check("LICENSE.txt") is False
