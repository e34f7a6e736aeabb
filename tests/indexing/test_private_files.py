"""Owner-only files without the umask: every writer sets its modes itself, and nothing in
Lodger changes the process-wide umask (the GUI thread and the indexing thread write at once).

The tests run under a normal user's umask (022) with ``os.umask`` replaced by a recorder, so a
call anywhere in the code under test is seen even when its effect would not be.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import numpy as np
import pytest

from indexing import embedder_build
from indexing.paths import (
    ensure_data_dir,
    make_private,
    mended,
    mkdir_private,
    touch_private,
    write_private,
)
from tests.helpers.corpus import DEMO


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _loose(root: Path) -> list[str]:
    """Entries under ``root`` that are not owner-only (folders 0700, files 0600)."""
    bad = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name, want in [(d, 0o700) for d in dirnames] + [(f, 0o600) for f in filenames]:
            p = Path(dirpath) / name
            if not p.is_symlink() and _mode(p) != want:
                bad.append(f"{p.relative_to(root)} {_mode(p):o}")
    return bad


@pytest.fixture
def umask_calls(monkeypatch) -> list[int]:
    """A umask of 022 for the test; calls of ``os.umask`` are recorded, not made."""
    old = os.umask(0o022)
    calls: list[int] = []
    monkeypatch.setattr(os, "umask", lambda mask: calls.append(mask) or 0o022)
    yield calls
    monkeypatch.undo()
    os.umask(old)


def test_written_files_and_made_folders_are_owner_only(tmp_path, umask_calls):
    """write_private, touch_private, mkdir_private and ensure_data_dir give 0600 / 0700, also
    over files and folders that existed with looser modes, and leave no temp file behind."""
    new = tmp_path / "new.json"
    write_private(new, '{"a": 1}')
    assert _mode(new) == 0o600 and new.read_text(encoding="utf-8") == '{"a": 1}'
    old = tmp_path / "old.json"
    old.write_text("old", encoding="utf-8")
    os.chmod(old, 0o644)
    write_private(old, b"new bytes")
    assert _mode(old) == 0o600 and old.read_bytes() == b"new bytes"

    log = tmp_path / "a.log"
    touch_private(log)
    assert _mode(log) == 0o600 and log.read_bytes() == b""
    log.write_text("kept\n", encoding="utf-8")
    os.chmod(log, 0o644)
    touch_private(log)
    assert _mode(log) == 0o600 and log.read_text(encoding="utf-8") == "kept\n"

    folder = mkdir_private(tmp_path / "folder")
    assert _mode(folder) == 0o700
    os.chmod(folder, 0o755)
    assert _mode(mkdir_private(folder)) == 0o700
    data = ensure_data_dir(tmp_path / "deep" / "er" / "data")
    assert data.is_dir() and _mode(data) == 0o700
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.log", "deep", "folder", "new.json",
                                                          "old.json"]
    assert umask_calls == []


def test_concurrent_saves_of_one_file_never_share_a_temp_file(tmp_path, umask_calls):
    """Eight threads saving the same file at once all succeed; one whole version wins."""
    target = tmp_path / "settings.json"
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            for i in range(25):
                write_private(target, f"thread {n} save {i} " + "x" * 4096)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    text = target.read_text(encoding="utf-8")
    assert text.startswith("thread ") and text.endswith(" save 24 " + "x" * 4096)
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
    assert _mode(target) == 0o600


def test_mended_makes_library_files_private_even_when_the_block_fails(tmp_path, umask_calls):
    """Files a library creates with default modes inside ``mended(root)`` are 0600 after it,
    also when the block raised; ``mended(None)`` mends nothing."""
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(RuntimeError), mended(root):
        (root / "sub").mkdir()
        (root / "sub" / "seg.bin").write_bytes(b"x")
        raise RuntimeError("the library failed half-way")
    assert _mode(root) == 0o700 and _loose(root) == []
    with mended(None):
        (root / "loose.txt").write_text("x", encoding="utf-8")
    assert _mode(root / "loose.txt") == 0o644
    make_private(root)
    assert _loose(root) == []
    assert umask_calls == []


def test_settings_and_conversations_are_saved_owner_only(tmp_path, umask_calls):
    """Settings.save and the app's save_conversations write 0600 files, replacing looser ones."""
    from app.conversations import Conversation, Turn, load_conversations, save_conversations
    from indexing.settings import Settings

    data = ensure_data_dir(tmp_path / "data")
    (data / "settings.json").write_text("{}", encoding="utf-8")
    os.chmod(data / "settings.json", 0o644)
    Settings(folders=["/home/u/notes"]).save(data)
    assert Settings.load(data).folders == ["/home/u/notes"]
    save_conversations(data, [Conversation("Garden", [Turn("When is the dentist?", "Tuesday.",
                                                           state="done")])])
    assert [c.title for c in load_conversations(data)] == ["Garden"]
    assert sorted(p.name for p in data.iterdir()) == ["conversations.json", "settings.json"]
    assert _loose(data) == []
    assert umask_calls == []


def test_vector_index_files_are_owner_only_after_every_write(tmp_path, umask_calls):
    """chromadb's files (its SQLite and the HNSW segment it persists past 1,000 vectors) are
    mended after the writes and queries that make them."""
    from indexing.vectors import VectorIndex

    path = tmp_path / "vectors"
    index = VectorIndex(path, 8)
    assert _mode(path) == 0o700 and _loose(path) == []
    rng = np.random.default_rng(7)
    ids = [f"c{i}" for i in range(1200)]
    index.upsert(ids, rng.standard_normal((1200, 8)).astype(np.float32), ["note"] * 1200)
    segments = [p for p in path.iterdir() if p.is_dir()]
    assert segments and (segments[0] / "data_level0.bin").is_file()
    assert _loose(path) == []
    index.delete(ids[:10])
    assert len(index.query(rng.standard_normal(8).astype(np.float32), 3)) == 3
    assert index.count() == 1190
    assert _loose(path) == []
    assert umask_calls == []


def test_indexing_and_search_never_touch_the_umask(tmp_path, umask_calls):
    """Opening a data dir, indexing, searching and saving settings make no umask call, and a
    data dir opened again is owner-only throughout."""
    from indexing.workspace import Workspace

    ws = Workspace.open(tmp_path / "data", embedder="hash")
    try:
        ws.indexer().index([str(DEMO / "notes")])
        ws.remember([str(DEMO / "notes")])
        assert ws.vectors.query(ws.embedder.embed_query("lent to Ana Lopez"), 1)
    finally:
        ws.close()
    Workspace.open(tmp_path / "data", embedder="hash").close()
    assert _loose(tmp_path / "data") == []
    assert umask_calls == []


class _CachingEmbedder:
    """A fake embedder that writes its cache on first use, as the ONNX one does."""

    name, dim = "fake-cache", 8

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.cache_dir.mkdir(exist_ok=True)
        (self.cache_dir / "model.onnx").write_bytes(b"weights")
        return np.ones((len(texts), self.dim), dtype=np.float32) / np.sqrt(self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return np.ones(self.dim, dtype=np.float32) / np.sqrt(self.dim)


def test_embedder_cache_written_during_indexing_is_made_private(tmp_path, umask_calls):
    """The cache an embedder writes into the data dir on its first call is 0700 / 0600."""
    from indexing.workspace import Workspace

    data = tmp_path / "data"
    ws = Workspace.open(data, embedder=_CachingEmbedder(data / "embedder"), check=False)
    try:
        ws.indexer().index([str(DEMO / "notes")])
    finally:
        ws.close()
    assert (data / "embedder" / "model.onnx").read_bytes() == b"weights"
    assert _loose(data / "embedder") == []
    assert umask_calls == []


def test_embedder_build_child_keeps_its_cache_private(tmp_path, monkeypatch, umask_calls):
    """The build child makes the cache dir 0700 before building and mends what it wrote."""
    seen: dict[str, int] = {}

    def fake_build(cache: Path, variant: str, model_path: str | None) -> Path:
        seen["cache_mode"] = _mode(cache)
        (cache / f"minilm-{variant}.onnx").write_bytes(b"onnx")
        (cache / ".build-x").mkdir()
        return cache / f"minilm-{variant}.onnx"

    monkeypatch.setattr(embedder_build, "build_model", fake_build)
    monkeypatch.setattr(embedder_build.emb, "set_offline_mode", lambda: None)
    cache = tmp_path / "data" / "embedder"
    assert embedder_build.main([str(cache), "int8"]) == 0
    assert seen == {"cache_mode": 0o700}
    assert (cache / "minilm-int8.onnx").read_bytes() == b"onnx"
    assert _loose(cache) == []
    assert umask_calls == []


def test_files_other_threads_create_keep_the_users_umask(tmp_path):
    """While one thread saves settings and writes vectors, files another thread creates get
    the user's own umask every time: Lodger never changes it under them."""
    from indexing.settings import Settings
    from indexing.vectors import VectorIndex

    old = os.umask(0o022)
    try:
        data = ensure_data_dir(tmp_path / "data")
        index = VectorIndex(data / "vectors", 4)
        go, done = threading.Event(), threading.Event()

        def lodger_thread() -> None:
            go.wait()
            for i in range(150):
                Settings(folders=[f"/f{i}"]).save(data)
                index.upsert([f"c{i}"], np.ones((1, 4), dtype=np.float32), ["note"])
            done.set()

        t = threading.Thread(target=lodger_thread)
        t.start()
        go.set()
        modes = []
        n = 0
        while not done.is_set() or n < 300:
            p = tmp_path / f"user{n}.txt"
            p.write_text("x", encoding="utf-8")
            modes.append(_mode(p))
            n += 1
        t.join()
    finally:
        os.umask(old)
    assert set(modes) == {0o644}
    assert Settings.load(data).folders == ["/f149"]
