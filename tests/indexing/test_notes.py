"""Tests for reading Markdown and plain-text notes: sections, front matter and checkbox tasks."""

from __future__ import annotations

import glob
import json
import os
import sys
from datetime import date, datetime, time
from pathlib import Path

import pytest

from indexing.model import Item
from indexing.notes import MAX_SEGMENT_CHARS, parse_markdown, parse_plaintext
from indexing.reading import SkipFile
from tests.helpers.realdata import REALDATA

NOTES = str(REALDATA / "notes")
DEMO = os.path.join(NOTES, "obsidian-tasks-demo-vault")
DATAVIEW = os.path.join(NOTES, "dataview-test-vault")
needs_data = pytest.mark.skipif(not os.path.isdir(DEMO), reason="real notes data missing")


def _tasks(path: str) -> dict[int, Item]:
    return {i.line: i for i in parse_markdown(path).documents[0].items}


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# ----- real vaults ----------------------------------------------------------------------------


@needs_data
def test_every_vault_file_parses_or_is_skipped() -> None:
    """All 227 Markdown files parse (or raise SkipFile); meta is JSON and items have lines."""
    files = glob.glob(f"{DEMO}/**/*.md", recursive=True)
    files += glob.glob(f"{DATAVIEW}/**/*.md", recursive=True)
    assert len(files) >= 220
    tasks = 0
    for path in files:
        try:
            result = parse_markdown(path)
        except SkipFile:
            continue
        doc = result.documents[0]
        json.dumps(doc.meta)
        doc.content_hash()
        assert doc.doc_id == "note:" + os.path.abspath(path)
        for item in doc.items:
            assert item.line > 0 and item.locator == f"L{item.line}" and item.title
        tasks += len(doc.items)
    assert 950 <= tasks <= 1000  # checkbox lines outside code blocks and comments


@needs_data
def test_tasks_emoji_dates() -> None:
    """Obsidian Tasks emoji give due, scheduled-as-due and done dates; [-] is not a task."""
    t = _tasks(f"{DEMO}/Formats/Tasks Format.md")
    assert t[7].title == "Has a created date" and t[7].due is None
    assert t[7].description == "created 2023-04-13"
    assert t[8].due == date(2023, 4, 14)  # ⏳ scheduled stands in for a missing 📅
    assert t[9].due is None and t[9].description == "starts 2023-04-15"
    assert t[10].due == date(2023, 4, 16) and t[10].done is False
    assert (t[11].done, t[11].done_date) == (True, date(2023, 4, 17))
    assert 12 not in t  # "- [-] Has a cancelled date ❌ 2023-04-18": neither open nor done
    assert t[10].project == "Tasks Format"  # the note's name, not the heading above the task
    assert t[10].contexts == ["task"]
    assert t[10].origin == "checkbox" and t[10].locator == "L10"


@needs_data
def test_tasks_emoji_priorities() -> None:
    """🔺 and ⏫ are A, 🔼 B, 🔽 C, ⏬ D; no emoji is no priority."""
    t = _tasks(f"{DEMO}/Formats/Tasks Format.md")
    assert [(t[n].title, t[n].priority) for n in range(20, 26)] == [
        ("Lowest priority", "D"),
        ("Low priority", "C"),
        ("Normal priority", ""),
        ("Medium priority", "B"),
        ("High priority", "A"),
        ("Highest priority", "A"),
    ]
    assert t[31].description == "repeats every day when done"


@needs_data
def test_acme_task_lines() -> None:
    """Recurrence, created, due, done and priority emoji on real lines are read together."""
    t = _tasks(f"{DEMO}/ACME.md")
    assert t[5].title == "Take out the trash"
    assert t[5].due == date(2024, 3, 4)
    assert t[5].description == "repeats every week on Monday; created 2024-02-19"
    assert (t[6].done, t[6].done_date, t[6].due) == (True, date(2024, 2, 19), date(2024, 2, 19))
    assert t[8].title == "Profit"  # ==highlight== markers removed
    assert (t[9].priority, t[9].due) == ("A", date(2021, 11, 23))
    assert (t[11].title, t[11].priority, t[11].due) == ("Feed the baby", "C", date(2021, 11, 21))
    assert t[5].project == "ACME"


@needs_data
def test_dataview_inline_fields() -> None:
    """[key:: value] fields give dates and priority and stay out of the title."""
    t = _tasks(f"{DEMO}/Formats/Dataview Format.md")
    assert (t[12].title, t[12].due) == ("Has a due date", date(2023, 4, 16))
    assert (t[13].done, t[13].done_date) == (True, date(2023, 4, 17))
    assert t[26].priority == "A" and t[25].priority == "B" and t[23].priority == "C"
    assert t[57].due == date(2023, 4, 27)
    assert t[57].description == "repeat: every day; scheduled 2023-04-26; starts 2023-04-24"
    assert (t[58].done, t[58].done_date, t[58].due) == (True, date(2023, 4, 26), date(2023, 4, 26))


@needs_data
def test_dataview_field_spellings() -> None:
    """Brackets, parens, odd spacing and 'due: date' are due dates; 'due date' alone is not."""
    t = _tasks(f"{DEMO}/Manual Testing/Testing File Formats/Dataview Format - Tasks to Parse.md")
    for line in (5, 6, 10, 11, 12, 13, 14, 15, 16, 17, 21, 22):
        assert t[line].due == date(2021, 8, 22), line
    assert t[23].due == date(2021, 8, 22)  # "due 2021-08-22": a written date, whatever the anchor
    assert t[11].title == (
        "B 2 Some task - with dataview parens - which remove rendering of field name"
    )
    assert t[38].due is None


@needs_data
def test_dataview_vault_checklist() -> None:
    """The Dataview test checklist: completion fields, emoji, tags and plain fields."""
    t = _tasks(f"{DATAVIEW}/tasks/checklist.md")
    assert (t[1].done, t[1].done_date) == (True, date(2021, 10, 23))
    assert t[2].title == "Task with a tag, adds to inherited page tags"
    assert t[2].contexts == ["tag"]
    assert (t[4].done_date, t[4].due) == (date(2021, 8, 6), date(2021, 8, 7))
    assert (t[5].done_date, t[5].due) == (date(2021, 8, 6), date(2021, 8, 7))
    assert t[6].done is False and t[6].done_date is None  # completion on an open box is ignored
    assert t[10].description == "p: 1"
    assert t[17].title == "additional task with a block id"  # ^block-id removed
    assert t[17].project == "Section"  # "checklist" names no project: the heading does


@needs_data
def test_statuses_and_invalid_dates() -> None:
    """Custom statuses: [/] open, [!] open, [X] done, [-] left out; 2022-02-29 is not a date."""
    s = _tasks(f"{DEMO}/Manual Testing/Custom Task Statuses.md")
    assert (s[16].done, s[16].description) == (False, "in progress")
    assert 17 not in s  # "- [-] #task I am Cancelled"
    assert s[21].done is True
    assert (s[22].done, s[22].description) == (False, "status [!]")
    bad = _tasks(f"{DEMO}/Manual Testing/Invalid Dates.md")
    assert bad[12].due == date(2022, 2, 28)
    assert bad[23].due is None
    assert bad[23].description == "due 2022-02-29 (not a valid date)"
    assert (bad[22].done, bad[22].done_date) == (True, None)


@needs_data
def test_list_markers_code_blocks_and_comments() -> None:
    """All list markers make tasks; code blocks and HTML/%% comments do not."""
    mixed = _tasks(f"{DEMO}/Test Data/mixed_list_markers.md")
    assert [mixed[n].title for n in sorted(mixed)] == [
        "hyphen", "asterisk", "plus", "numbered task with dot", "numbered task with parenthesis"
    ]
    assert _tasks(f"{DEMO}/Test Data/non_tasks.md") == {}
    assert sorted(_tasks(f"{DEMO}/Test Data/comments_html_style.md")) == [8, 9]


@needs_data
def test_daily_note_from_the_vault() -> None:
    """A daily note takes its date from its name (a floating day) and its title from its heading."""
    doc = parse_markdown(f"{DEMO}/Daily Notes/2025-06-19.md").documents[0]
    assert doc.date == datetime(2025, 6, 19)
    assert doc.title == "2025-06-19"
    t = {i.line: i for i in doc.items}
    assert (t[23].title, t[23].due, t[23].priority) == ("Overdue on 2025-06-19", date(2025, 6, 18), "A")
    assert t[25].done_date == date(2025, 6, 19)
    assert doc.meta["headings"] == ["2025-06-19", "Overdue", "Do today", "Done today", "Sample tasks"]
    assert [(s.line, s.heading) for s in doc.segments][:2] == [(1, "2025-06-19"), (3, "2025-06-19 > Overdue")]


@needs_data
def test_front_matter_from_the_vault() -> None:
    """Front matter project, YAML tag lists and typed values (dates as ISO text) are kept."""
    proj = parse_markdown(f"{DEMO}/Manual Testing/Frontmatter/Project 1.md").documents[0]
    assert proj.items[0].project == "proj1"
    assert proj.meta["front_matter"] == {"project": "proj1"}
    typed = parse_markdown(f"{DEMO}/Test Data/yaml_all_property_types_populated.md").documents[0]
    fm = typed.meta["front_matter"]
    assert fm["sample_date_property"] == "2024-07-21"
    assert fm["sample_number_property"] == 246
    assert fm["sample_checkbox_property"] is True
    assert typed.meta["tags"] == ["sample/tag/value", "task"]
    # "creation date: 2024-05-25T15:17:00" is the note's date, floating (no zone was written)
    assert typed.date == datetime(2024, 5, 25, 15, 17)
    two = parse_markdown(f"{DEMO}/Test Data/yaml_tags_with_two_values_on_two_lines.md")
    assert two.documents[0].meta["tags"][:2] == [
        "value-1-of-2-on-two-lines", "value-2-of-2-on-two-lines"
    ]


# ----- synthetic files ------------------------------------------------------------------------


def test_binary_file_named_md_is_skipped(tmp_path: Path) -> None:
    """A binary file with a .md name raises SkipFile instead of producing garbage."""
    path = tmp_path / "photo.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)
    with pytest.raises(SkipFile, match="binary"):
        parse_markdown(str(path))


def test_empty_markdown_file(tmp_path: Path) -> None:
    """An empty note is a document with its file name as title and nothing else."""
    doc = parse_markdown(_write(tmp_path, "Empty note.md", "")).documents[0]
    assert (doc.title, doc.segments, doc.items, doc.date) == ("Empty note", [], [], None)
    assert doc.meta == {"front_matter": {}, "tags": [], "headings": []}


def test_cp1252_note_decodes(tmp_path: Path) -> None:
    """A Windows-1252 note decodes (no mojibake) and its task keeps the accented text."""
    path = tmp_path / "Café.md"
    path.write_bytes("# Réunion\n\n- [ ] Appeler René – 5 €\n".encode("cp1252"))
    doc = parse_markdown(str(path)).documents[0]
    assert doc.title == "Réunion"
    assert doc.items[0].title == "Appeler René – 5 €"


def test_relative_phrase_resolves_against_the_daily_note_date(tmp_path: Path) -> None:
    """'call Maria by Friday' in the note of Tuesday 2025-06-17 is due Friday 2025-06-20."""
    text = "# Tuesday\n\n- [ ] call Maria by Friday\n- [ ] send invoice tomorrow 📅 2025-07-01\n"
    doc = parse_markdown(_write(tmp_path, "2025-06-17.md", text)).documents[0]
    assert doc.items[0].due == date(2025, 6, 20)
    assert doc.items[0].title == "call Maria by Friday"
    assert doc.items[1].due == date(2025, 7, 1)  # an explicit date wins over the phrase


def test_relative_phrase_in_an_undated_note_reads_against_the_file_time(tmp_path: Path) -> None:
    """A note with no date resolves 'by Friday' against its modification time, never today."""
    path = _write(tmp_path, "Ideas.md", "- [ ] call Maria by Friday\n")
    when = datetime(2025, 6, 3, 12, 0).timestamp()  # Tuesday 3 June 2025, machine zone
    os.utime(path, (when, when))
    doc = parse_markdown(path).documents[0]
    assert doc.date is None and doc.items[0].due == date(2025, 6, 6)


def test_title_and_date_sources(tmp_path: Path) -> None:
    """Title: front matter, else first '# ' heading, else stem; date: front matter first."""
    fm = "---\ntitle: Plan\ndate: 2024-05-01\ntags: [a, '#b']\n---\n# Heading\n"
    doc = parse_markdown(_write(tmp_path, "2023-01-01.md", fm)).documents[0]
    assert doc.title == "Plan"
    assert doc.date == datetime.combine(date(2024, 5, 1), time(0))
    assert doc.meta["tags"] == ["a", "b"]
    aware = "---\ncreated: 2021-10-01T02:00:00+02:00\n---\ntext\n"
    doc = parse_markdown(_write(tmp_path, "x.md", aware)).documents[0]
    assert doc.date is not None and doc.date.isoformat() == "2021-10-01T02:00:00+02:00"
    doc = parse_markdown(_write(tmp_path, "No heading.md", "## Sub\ntext\n")).documents[0]
    assert doc.title == "No heading"


def test_front_matter_without_pyyaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PyYAML the fallback reads key: value, inline lists and dash lists."""
    monkeypatch.setitem(sys.modules, "yaml", None)  # makes `import yaml` raise ImportError
    text = (
        '---\ntitle: "Garden"\nproject: Home\ntags:\n  - green\n  - "plants"\n'
        "alias: [a, b]\n---\n- [ ] dig\n"
    )
    doc = parse_markdown(_write(tmp_path, "g.md", text)).documents[0]
    assert doc.meta["front_matter"] == {
        "title": "Garden", "project": "Home", "tags": ["green", "plants"], "alias": ["a", "b"]
    }
    assert doc.title == "Garden" and doc.items[0].project == "Home"


def test_sections_heading_paths_code_and_setext(tmp_path: Path) -> None:
    """Segments follow headings with paths; '# ' inside code is not a heading; setext works."""
    text = (
        "# Garden\n\nIntro line.\n\n## Ideas\n\nPlant #tomatoes.\nMore about it.\n\n"
        "```bash\n# not a heading\n- [ ] not a task\n```\n\nAfter code.\n\n"
        "Shed\n----\n\nPaint it.\n\n# Kitchen\nTiles [[Shop|the shop]] #home/diy\n"
    )
    doc = parse_markdown(_write(tmp_path, "g.md", text)).documents[0]
    assert [(s.line, s.heading) for s in doc.segments] == [
        (1, "Garden"), (5, "Garden > Ideas"), (17, "Garden > Shed"), (22, "Kitchen")
    ]
    assert "# not a heading" in doc.segments[1].text
    assert doc.items == []
    assert doc.meta["headings"] == ["Garden", "Ideas", "Shed", "Kitchen"]
    assert doc.meta["tags"] == ["tomatoes", "home/diy"]


def test_long_sections_split_at_paragraphs(tmp_path: Path) -> None:
    """A long section becomes several segments cut at blank lines, each with its start line."""
    para = ("word " * 60).strip()  # 299 chars
    text = "# Log\n\n" + "\n\n".join(para for _ in range(12)) + "\n"
    doc = parse_markdown(_write(tmp_path, "log.md", text)).documents[0]
    assert len(doc.segments) == 3
    assert all(len(s.text) <= MAX_SEGMENT_CHARS for s in doc.segments)
    assert [s.line for s in doc.segments] == [1, 11, 19]
    assert all(s.heading == "Log" for s in doc.segments)
    assert doc.text.count(para) == 12


def test_task_line_formats(tmp_path: Path) -> None:
    """due:, due::, @due(), @done(), (A), 🔼 and #tags on task lines are read."""
    text = (
        "---\nproject: House\n---\n"
        "- [ ] (A) Fix roof due: 2026-03-13 #home\n"
        "* [ ] Paint door due:: 2026-03-14 @due(2026-03-20)\n"
        "1. [ ] Clean gutters @due(2026-03-16)\n"
        "- [ ] Pay bill 🔼 [due:: 2026-03-17] #money #urgent\n"
        "- [ ] Call plumber @done(2026-03-10)\n"
        "- [>] Deferred thing\n"
    )
    t = _tasks(_write(tmp_path, "house.md", text))
    assert (t[4].title, t[4].priority, t[4].due, t[4].contexts) == (
        "Fix roof", "A", date(2026, 3, 13), ["home"]
    )
    assert t[5].due == date(2026, 3, 14)
    assert t[6].due == date(2026, 3, 16)
    assert (t[7].title, t[7].priority, t[7].due) == ("Pay bill", "B", date(2026, 3, 17))
    assert t[7].contexts == ["money", "urgent"]
    assert (t[8].done, t[8].done_date) == (True, date(2026, 3, 10))
    assert (t[9].done, t[9].description) == (False, "status [>]")
    assert {i.project for i in t.values()} == {"House"}


def test_plaintext_note(tmp_path: Path) -> None:
    """Plain text: paragraph segments with lines, checkbox tasks, date from the file name."""
    text = "Shopping\nmilk\n\n\n- [ ] buy bread tomorrow\n\nlast para\n"
    doc = parse_plaintext(_write(tmp_path, "2025-06-17 notes.txt", text)).documents[0]
    assert doc.kind == "note" and doc.title == "2025-06-17 notes"
    assert [(s.line, s.heading) for s in doc.segments] == [(1, "")]  # small: one segment
    assert doc.segments[0].text == "Shopping\nmilk\n\n- [ ] buy bread tomorrow\n\nlast para"
    assert doc.items[0].line == 5 and doc.items[0].due == date(2025, 6, 18)


def test_plaintext_binary_is_skipped(tmp_path: Path) -> None:
    """A binary .txt raises SkipFile."""
    path = tmp_path / "a.txt"
    path.write_bytes(b"\x00" * 50 + b"data")
    with pytest.raises(SkipFile):
        parse_plaintext(str(path))


def test_front_matter_edge_cases(tmp_path: Path) -> None:
    """An impossible YAML date does not break the note; prose between two rules stays body."""
    bad = "---\ndate: 2022-02-29\ntitle: Leap\n---\ntext\n"
    doc = parse_markdown(_write(tmp_path, "leap.md", bad)).documents[0]
    assert doc.meta["front_matter"] == {"date": "2022-02-29", "title": "Leap"}
    assert (doc.title, doc.date) == ("Leap", None)
    rules = "---\nJust a thought between rules.\n---\n- [ ] task\n"
    doc = parse_markdown(_write(tmp_path, "rules.md", rules)).documents[0]
    assert doc.meta["front_matter"] == {}
    assert doc.segments[0].line == 1 and "Just a thought" in doc.text
    assert doc.items[0].line == 4


def test_cancelled_task_is_neither_open_nor_done(tmp_path: Path) -> None:
    """'- [-]' (cancelled) gives no task: it is not a to-do and it was not finished."""
    text = "## Tasks\n- [ ] Open one\n- [-] Prototype the AR menu ❌ 2026-10-20\n- [x] Done ✅ 2026-10-21\n"
    t = _tasks(_write(tmp_path, "Harbor Foods.md", text))
    assert [(n, i.title, i.done) for n, i in sorted(t.items())] == [
        (2, "Open one", False), (4, "Done", True)
    ]
    plain = parse_plaintext(_write(tmp_path, "list.txt", "- [-] dropped\n- [ ] kept\n"))
    assert [i.title for i in plain.documents[0].items] == ["kept"]


def test_task_project_is_the_note_not_the_heading(tmp_path: Path) -> None:
    """A task's project: its +tag, else front-matter project, else the note's title; a daily
    note or a generic name ("todo") has no title project, so a non-generic heading is used."""
    note = "# Kitchen renovation\n\n## Tasks\n- [ ] Email Luis\n- [ ] Pay +harbor invoice\n"
    t = _tasks(_write(tmp_path, "Kitchen renovation.md", note))
    assert (t[4].project, t[5].project) == ("Kitchen renovation", "harbor")
    assert t[5].title == "Pay harbor invoice"
    t = _tasks(_write(tmp_path, "k.md", "---\ntitle: Garden plan\n---\n## Tasks\n- [ ] Dig\n"))
    assert t[5].project == "Garden plan"
    daily = "# Monday, Oct 26\n## Tasks\n- [ ] Refill prescription\n## Work\n- [ ] Ship it +acme\n"
    t = _tasks(_write(tmp_path, "2026-10-26.md", daily))
    assert (t[3].project, t[5].project) == ("", "acme")
    t = _tasks(_write(tmp_path, "todo.md", "## Tasks\n- [ ] a\n## Home\n- [ ] b\n"))
    assert (t[2].project, t[4].project) == ("", "Home")
    t = _tasks(_write(tmp_path, "x.md", "- [ ] C++ review for +1 vote\n"))
    assert (t[1].project, t[1].title) == ("x", "C++ review for +1 vote")


def test_daily_note_date_is_the_same_day_in_every_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2026-10-26.md is Monday the 26th wherever the user asks, whatever the machine's zone."""
    from zoneinfo import ZoneInfo

    import tzlocal

    from indexing.timeutil import within

    monkeypatch.setattr(tzlocal, "get_localzone", lambda: ZoneInfo("Asia/Tokyo"))
    text = "- [ ] Call Ann tomorrow\n- [ ] Standup 📅 2026-10-27 [due:: 2026-10-27 15:00]\n"
    doc = parse_markdown(_write(tmp_path, "2026-10-26.md", text)).documents[0]
    assert doc.date == datetime(2026, 10, 26) and doc.date.tzinfo is None
    assert doc.items[0].due == date(2026, 10, 27)
    for zone in ("America/New_York", "Asia/Tokyo", "UTC"):
        z = ZoneInfo(zone)
        monday = datetime(2026, 10, 26, tzinfo=z)
        assert within(doc.date, monday, datetime(2026, 10, 27, tzinfo=z)), zone
        assert not within(doc.date, datetime(2026, 10, 25, tzinfo=z), monday), zone
    fm = parse_markdown(_write(tmp_path, "n.md", "---\ndate: 2026-10-26 15:00\n---\nx\n")).documents[0]
    assert fm.date == datetime(2026, 10, 26, 15, 0)
