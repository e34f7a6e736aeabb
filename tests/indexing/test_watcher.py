"""The folder watcher: debounced batches, editors' atomic saves, deletions, live indexing."""

from __future__ import annotations

import os
import threading

from indexing.watcher import FolderWatcher
from tests.helpers.waiting import wait_until


def test_atomic_save_and_delete_arrive_as_debounced_batches(tmp_path):
    """A temp-file-then-rename save reports the real file; a burst of writes is one batch."""
    batches: list[set[str]] = []
    lock = threading.Lock()

    def on_batch(paths: set[str]) -> None:
        with lock:
            batches.append(paths)

    w = FolderWatcher([str(tmp_path)], on_batch, quiet_seconds=0.3)
    w.start()
    try:
        target = tmp_path / "sub" / "note.md"
        target.parent.mkdir()
        tmp = tmp_path / "sub" / ".note.md.tmp"
        tmp.write_text("# Note\n")
        os.replace(tmp, target)
        for i in range(5):
            (tmp_path / f"burst{i}.md").write_text(str(i))
        assert wait_until(lambda: any(str(target) in b for b in batches))
        with lock:
            allpaths = set().union(*batches)
            n_batches = len(batches)
        assert {str(tmp_path / f"burst{i}.md") for i in range(5)} <= allpaths
        assert not any(p.endswith(".tmp") for p in allpaths)
        assert n_batches <= 2
        target.unlink()
        assert wait_until(lambda: sum(str(target) in b for b in batches) >= 2)
    finally:
        w.stop()


def test_saved_note_becomes_searchable_then_deleted_note_disappears(tmp_path, workspace):
    """The watcher feeding the indexer makes a new note findable and forgets a deleted one."""
    notes = tmp_path / "notes"
    notes.mkdir()
    indexer = workspace.indexer()
    indexer.index([str(notes)])
    w = FolderWatcher([str(notes)], lambda paths: indexer.index_paths(sorted(paths)),
                      quiet_seconds=0.2)
    w.start()

    def hits() -> int:
        return len(workspace.store.query(
            "SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH 'rhubarb'"))

    try:
        (notes / "garden.md").write_text("# Garden\n\nPlant rhubarb by the fence.\n")
        assert wait_until(lambda: hits() == 1)
        (notes / "garden.md").unlink()
        assert wait_until(lambda: hits() == 0)
    finally:
        w.stop()
