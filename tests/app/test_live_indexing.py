"""Live indexing in the app: the watcher's batches reach the indexing lane; Pause holds them."""

from __future__ import annotations

import pytest

from indexing.settings import Settings

pytestmark = pytest.mark.gui


def test_new_file_is_indexed_while_the_app_runs_and_pause_holds_changes(qtbot, tmp_path,
                                                                        opened, demo_now):
    """A note saved into a watched folder is indexed; while paused it waits until resume."""
    from app.backend import Backend
    from app.main_window import MainWindow

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "first.md").write_text("# First\n\nThe bike lock code is 4711.\n", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    Settings(folders=[str(notes)], timezone="Europe/Berlin").save(data)
    backend = Backend(data, embedder="hash", watch=True, check_index=False)
    window = MainWindow(backend, open_file=opened)
    qtbot.addWidget(window)

    def indexed() -> set[str]:
        return set(backend.ws.store.all_file_paths())

    try:
        window.show()
        backend.start()
        qtbot.waitUntil(lambda: backend.watcher is not None, timeout=30_000)
        assert indexed() == {str(notes / "first.md")}

        (notes / "second.md").write_text("# Second\n\nThe boat is at pier 4.\n", encoding="utf-8")
        qtbot.waitUntil(lambda: str(notes / "second.md") in indexed(), timeout=20_000)
        qtbot.waitUntil(lambda: not backend.indexing, timeout=10_000)

        backend.set_paused(True)
        (notes / "third.md").write_text("# Third\n\nThe ladder is in the shed.\n",
                                        encoding="utf-8")
        qtbot.wait(3_000)  # the watcher's quiet second has passed; the batch is held
        assert str(notes / "third.md") not in indexed()
        backend.set_paused(False)
        qtbot.waitUntil(lambda: str(notes / "third.md") in indexed(), timeout=20_000)

        (notes / "first.md").unlink()
        qtbot.waitUntil(lambda: str(notes / "first.md") not in indexed(), timeout=20_000)
    finally:
        backend.shutdown()
    assert backend.watcher is None


def test_indexing_waits_between_files_while_an_answer_is_written(qtbot, tmp_path):
    """With an answer in progress the indexing lane holds after the current file, then goes on."""
    from app.backend import Backend

    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(4):
        (notes / f"n{i}.md").write_text(f"# Note {i}\n\nText {i}.\n", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    backend = Backend(data, embedder="hash", watch=False, check_index=False)
    seen: list[int] = []
    backend.index_progress.connect(lambda done, total, path: seen.append(done))
    try:
        backend.start()
        qtbot.waitUntil(lambda: backend.ws is not None, timeout=30_000)
        backend.answering.set()
        backend.index_folders([str(notes)])
        qtbot.waitUntil(lambda: len(seen) >= 1, timeout=10_000)
        qtbot.wait(600)
        held = list(seen)
        assert len(held) == 1  # one file done, then waiting for the answer
        backend.answering.clear()
        qtbot.waitUntil(lambda: len(set(backend.ws.store.all_file_paths())) == 4, timeout=10_000)
    finally:
        backend.answering.clear()
        backend.shutdown()
