"""What a note means depends on folders around it (an Obsidian vault's ``.obsidian/`` and its
template settings, a Logseq graph's ``logseq/config.edn``); a running Lodger notices when they
appear, change or go, in the same process, without a restart.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from indexing import logseq
from indexing.notes import in_template_folder, parse_markdown
from indexing.watcher import FolderWatcher
from tests.helpers.waiting import wait_until

TEMPLATE = "# Daily template\n\n- [ ] Water the plants\n"


def _tasks(path: Path) -> list[str]:
    return [i.title for d in parse_markdown(str(path)).documents for i in d.items
            if i.kind == "task"]


def _settings(vault: Path, folder: str, stamp: float) -> None:
    """Write .obsidian/templates.json naming ``folder``, with the mtime ``stamp``."""
    path = vault / ".obsidian" / "templates.json"
    path.write_text(json.dumps({"folder": folder}), encoding="utf-8")
    os.utime(path, (stamp, stamp))


def test_a_new_obsidian_folder_makes_the_templates_folder_count(tmp_path):
    """A folder becomes a vault when .obsidian/ appears in it (or above), and stops being one
    when it goes: a "Templates" note's checkbox is a task only outside a vault."""
    note = tmp_path / "vault" / "Templates" / "Daily.md"
    note.parent.mkdir(parents=True)
    note.write_text(TEMPLATE, encoding="utf-8")
    assert in_template_folder(str(note)) is False
    assert _tasks(note) == ["Water the plants"]
    (tmp_path / "vault" / ".obsidian").mkdir()
    assert in_template_folder(str(note)) is True
    assert _tasks(note) == []
    (tmp_path / "vault" / ".obsidian").rmdir()
    assert _tasks(note) == ["Water the plants"]


def test_a_changed_template_setting_is_read_again(tmp_path):
    """Renaming the template folder in .obsidian/templates.json takes effect at the next note,
    also when the new file has the same size (the mtime tells them apart)."""
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    for folder in ("Tpl1", "Tpl2"):
        (vault / folder).mkdir()
        (vault / folder / "Weekly.md").write_text(TEMPLATE, encoding="utf-8")
    now = time.time()
    _settings(vault, "Tpl1", now - 10)
    assert [in_template_folder(str(vault / f / "Weekly.md")) for f in ("Tpl1", "Tpl2")] == [
        True, False]
    _settings(vault, "Tpl2", now - 5)  # same size as before
    assert [in_template_folder(str(vault / f / "Weekly.md")) for f in ("Tpl1", "Tpl2")] == [
        False, True]
    (vault / ".obsidian" / "templates.json").unlink()
    assert [in_template_folder(str(vault / f / "Weekly.md")) for f in ("Tpl1", "Tpl2")] == [
        False, False]


def test_a_new_logseq_config_makes_the_folder_a_graph(tmp_path):
    """A folder becomes a Logseq graph when logseq/config.edn appears: LATER blocks are then
    tasks; when it goes they are plain text again."""
    page = tmp_path / "graph" / "pages" / "Car.md"
    page.parent.mkdir(parents=True)
    page.write_text("- LATER Renew car rego\n", encoding="utf-8")
    assert logseq.graph_root(str(page)) is None and _tasks(page) == []
    (tmp_path / "graph" / "logseq").mkdir()
    (tmp_path / "graph" / "logseq" / "config.edn").write_text("{}\n", encoding="utf-8")
    assert logseq.graph_root(str(page)) == str(tmp_path / "graph")
    assert _tasks(page) == ["Renew car rego"]
    shutil.rmtree(tmp_path / "graph" / "logseq")
    assert logseq.graph_root(str(page)) is None and _tasks(page) == []




def test_watcher_sees_an_obsidian_folder_added_to_a_running_index(tmp_path, workspace):
    """In a running watch, a template note saved after .obsidian/ was added (and after a note
    in the same folder was indexed outside a vault) gives no task, as after a restart."""
    notes = tmp_path / "notes"
    (notes / "Templates").mkdir(parents=True)
    (notes / "Templates" / "Daily.md").write_text(TEMPLATE, encoding="utf-8")
    indexer = workspace.indexer()
    indexer.index([str(notes)])

    def tasks_of(name: str) -> list[str] | None:
        """The task titles of the note ``name``; None while it is not indexed."""
        doc_id = workspace.store.query(
            "SELECT doc_id FROM locations WHERE path = ?", (str(notes / "Templates" / name),))
        if not doc_id:
            return None
        return [r[0] for r in workspace.store.query(
            "SELECT title FROM tasks WHERE doc_id = ? ORDER BY line", (doc_id[0][0],))]

    assert tasks_of("Daily.md") == ["Water the plants"]  # not a vault yet: a task
    w = FolderWatcher([str(notes)], lambda paths: indexer.index_paths(sorted(paths)),
                      quiet_seconds=0.2)
    w.start()
    try:
        (notes / ".obsidian").mkdir()
        (notes / "Templates" / "Weekly.md").write_text(TEMPLATE.replace("Daily", "Weekly"),
                                                       encoding="utf-8")
        assert wait_until(lambda: tasks_of("Weekly.md") is not None)
        assert tasks_of("Weekly.md") == []  # now a vault's template: its checkbox is no task
        (notes / "Inbox.md").write_text("# Inbox\n\n- [ ] Buy stamps\n", encoding="utf-8")
        assert wait_until(lambda: workspace.store.query(
            "SELECT 1 FROM tasks WHERE title = 'Buy stamps'") != [])
    finally:
        w.stop()
