"""The indexing pipeline: incremental runs, renames, deletions, dedupe, bad input, safety."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest

from indexing.workspace import Workspace


def _snapshot(root: Path) -> dict[str, tuple[str, float]]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[str(p)] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime)
    return out


@pytest.fixture
def demo_copy(tmp_path, demo_dir) -> Path:
    dst = tmp_path / "demo"
    shutil.copytree(demo_dir, dst)
    return dst


def _consistent(ws: Workspace) -> None:
    """SQLite and the vector index agree and nothing is duplicated."""
    chunk_ids = ws.store.all_chunk_ids()
    assert ws.vectors.all_ids() == chunk_ids
    fts = ws.store.query("SELECT count(*) FROM chunks_fts")[0][0]
    assert fts == len(chunk_ids)
    dup = ws.store.query("SELECT doc_id, ord, count(*) n FROM chunks GROUP BY doc_id, ord"
                         " HAVING n > 1")
    assert dup == []
    orphans = ws.store.query("SELECT count(*) FROM chunks WHERE doc_id NOT IN"
                             " (SELECT doc_id FROM documents)")[0][0]
    assert orphans == 0


def test_demo_indexes_every_kind_and_second_run_changes_nothing(workspace, demo_copy):
    """The demo data yields mail, notes, calendar and todo documents; a rerun does no work."""
    first = workspace.indexer().index([str(demo_copy)])
    counts = workspace.store.counts()
    for kind in ("email", "note", "calendar", "todo"):
        assert counts.get(f"documents_{kind}", 0) > 0, kind
    assert counts["events"] > 0 and counts["tasks"] > 0
    assert first.files_changed == first.files_seen
    second = workspace.indexer().index([str(demo_copy)])
    assert second.files_changed == 0 and second.documents == 0 and second.embedded == 0
    assert second.files_unchanged == first.files_seen
    assert workspace.store.counts() == counts
    _consistent(workspace)


def test_user_files_are_never_modified(workspace, demo_copy):
    """Indexing reads the user's folder without changing a byte or an mtime, or adding files."""
    before = _snapshot(demo_copy)
    workspace.indexer().index([str(demo_copy)])
    assert _snapshot(demo_copy) == before


def test_data_dir_is_private(tmp_path):
    """The data dir is created 0700 and the database file is owner-only."""
    ws = Workspace.open(tmp_path / "d", embedder="hash")
    try:
        assert stat.S_IMODE(os.stat(ws.data_dir).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(ws.data_dir / "lodger.db").st_mode) & 0o077 == 0
    finally:
        ws.close()


def test_changed_note_reindexes_only_that_file(workspace, tmp_path):
    """Editing one note re-reads only it and embeds only its new text."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# Alpha\n\nThe herb spiral goes by the south wall.\n")
    (notes / "b.md").write_text("# Beta\n\nBuy seeds for the wildflower strip.\n")
    workspace.indexer().index([str(notes)])
    (notes / "b.md").write_text("# Beta\n\nBuy seeds for the wildflower strip and a rake.\n")
    s = workspace.indexer().index([str(notes)])
    assert (s.files_changed, s.files_unchanged, s.documents, s.embedded) == (1, 1, 1, 1)
    rows = workspace.store.query("SELECT text FROM chunks_fts WHERE chunks_fts MATCH 'rake'")
    assert len(rows) == 1
    _consistent(workspace)


def test_touched_but_unchanged_file_is_not_reparsed(workspace, tmp_path):
    """A new mtime with the same bytes is recognised by its hash."""
    f = tmp_path / "n" / "a.md"
    f.parent.mkdir()
    f.write_text("# A\n\nsame text\n")
    workspace.indexer().index([str(f.parent)])
    os.utime(f, (1_900_000_000, 1_900_000_000))
    s = workspace.indexer().index([str(f.parent)])
    assert s.files_changed == 0 and s.files_unchanged == 1


def test_renamed_file_is_not_reembedded(workspace, tmp_path):
    """Moving a note keeps its chunks' vectors: nothing is embedded again."""
    d = tmp_path / "notes"
    d.mkdir()
    (d / "garden.md").write_text("# Garden\n\nA pond with native plants near the hedge.\n")
    workspace.indexer().index([str(d)])
    (d / "garden.md").rename(d / "garden-ideas.md")
    s = workspace.indexer().index([str(d)])
    assert s.embedded == 0 and s.files_removed == 1 and s.documents == 1
    paths = [r[0] for r in workspace.store.query("SELECT path FROM locations")]
    assert paths == [str(d / "garden-ideas.md")]
    _consistent(workspace)


def test_deleted_file_loses_chunks_and_items(workspace, tmp_path):
    """Deleting a todo file removes its document, tasks and vectors."""
    d = tmp_path / "t"
    d.mkdir()
    (d / "todo.txt").write_text("(A) Call Maria due:2026-03-27\nBuy compost +Garden\n")
    (d / "note.md").write_text("# Keep\n\nstays\n")
    workspace.indexer().index([str(d)])
    assert workspace.store.counts()["tasks"] == 2
    (d / "todo.txt").unlink()
    s = workspace.indexer().index([str(d)])
    assert s.files_removed == 1
    assert workspace.store.counts()["tasks"] == 0
    assert workspace.store.counts()["documents"] == 1
    _consistent(workspace)


MSG = """From: Tom Becker <tom@example.com>
To: Sam <sam@example.org>
Subject: {subject}
Date: Mon, 16 Mar 2026 10:00:00 +0100
Message-ID: <{mid}@example.com>

{body}
"""


def _mbox_entry(mid: str, subject: str, body: str) -> str:
    return "From tom@example.com Mon Mar 16 09:00:00 2026\n" + MSG.format(
        mid=mid, subject=subject, body=body) + "\n"


def test_grown_mbox_indexes_only_new_messages(workspace, tmp_path):
    """Appending to an mbox parses and writes only the appended message."""
    box = tmp_path / "mail" / "inbox.mbox"
    box.parent.mkdir()
    box.write_text(_mbox_entry("m1", "Contract", "Payment terms are 30 days.")
                   + _mbox_entry("m2", "Lunch", "Friday at noon?"))
    workspace.indexer().index([str(box.parent)])
    assert workspace.store.counts()["documents_email"] == 2
    with open(box, "a") as fh:
        fh.write(_mbox_entry("m3", "Invoice", "The invoice is attached."))
    s = workspace.indexer().index([str(box.parent)])
    assert s.documents == 1 and s.messages == 1
    assert workspace.store.counts()["documents_email"] == 3
    _consistent(workspace)


def test_same_message_in_two_places_is_one_document(workspace, tmp_path):
    """A Message-ID found in an mbox and an .eml is one document; removing one copy keeps it."""
    d = tmp_path / "mail"
    d.mkdir()
    (d / "inbox.mbox").write_text(_mbox_entry("dup", "Pond", "About the pond liner."))
    (d / "saved.eml").write_text(MSG.format(mid="dup", subject="Pond",
                                            body="About the pond liner."))
    workspace.indexer().index([str(d)])
    assert workspace.store.counts()["documents_email"] == 1
    assert len(workspace.store.query("SELECT * FROM locations")) == 2
    (d / "saved.eml").unlink()
    workspace.indexer().index([str(d)])
    assert workspace.store.counts()["documents_email"] == 1
    (d / "inbox.mbox").unlink()
    workspace.indexer().index([str(d)])
    assert workspace.store.counts()["documents"] == 0
    _consistent(workspace)


def test_bad_input_is_skipped_with_reasons_and_good_files_indexed(workspace, tmp_path,
                                                                   monkeypatch):
    """Binary .md, non-UTF-8 text, symlink loop, invalid calendar, broken MIME, unreadable and
    vanishing files are each named with a reason; the good files are indexed."""
    d = tmp_path / "mixed"
    d.mkdir()
    (d / "good.md").write_text("# Good\n\n- [ ] water the tomatoes\n")
    (d / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (d / "empty.md").write_bytes(b"")
    (d / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me: r\xe9union lundi".encode("cp1252"))
    (d / "broken.ics").write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:notadate\n")
    (d / "broken.eml").write_bytes(
        b"From: x@example.com\nTo: y@example.com\nSubject: broken\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=\"zzz\"\n\n--zzz\nContent-Type: text/plain;"
        b" charset=unknown-8bit-xx\n\nbody text here\n--zzz")
    os.symlink("loop", d / "loop")
    (d / "secret.md").write_text("# Secret\n")
    (d / "vanish.md").write_text("# Vanish\n")
    real_open = open

    def fake_open(path, *a, **kw):  # noqa: ANN001, ANN202 - root can read 0000 files
        if str(path).endswith("secret.md"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **kw)

    monkeypatch.setattr("builtins.open", fake_open)

    def progress(done: int, total: int, path: str) -> None:
        if path.endswith("vanish.md"):
            os.unlink(path)

    s = workspace.indexer().index([str(d)], progress=progress)
    reasons = {Path(sk.path).name: sk.reason for sk in s.skipped}
    assert "binary" in reasons["binary.md"]
    assert "loop" in reasons["loop"]
    assert "invalid calendar" in reasons["broken.ics"]
    assert "permission denied" in reasons["secret.md"]
    assert "disappeared" in reasons["vanish.md"]
    titles = {r[0] for r in workspace.store.query("SELECT title FROM documents")}
    assert {"Good", "broken"} <= titles
    texts = " ".join(r[0] for r in workspace.store.query("SELECT text FROM chunks"))
    assert "Café crème" in texts and "body text here" in texts
    _consistent(workspace)


def test_interrupted_write_leaves_no_half_document(workspace, tmp_path, monkeypatch):
    """A crash while writing documents leaves whole documents only; the rerun completes the set."""
    d = tmp_path / "n"
    d.mkdir()
    for i in range(6):
        (d / f"note{i}.md").write_text(f"# Note {i}\n\npara one {i}\n\n- [ ] task {i}\n")
    from indexing.store import Store

    real = Store.write_document
    calls = {"n": 0}

    def crashing(self, doc, chunks, vecs):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # as if killed mid-run
        return real(self, doc, chunks, vecs)

    monkeypatch.setattr(Store, "write_document", crashing)
    with pytest.raises(KeyboardInterrupt):
        workspace.indexer().index([str(d)])
    assert workspace.store.counts()["documents"] == 3
    assert workspace.store.counts()["tasks"] == 3
    monkeypatch.setattr(Store, "write_document", real)
    workspace.indexer().index([str(d)])
    c = workspace.store.counts()
    assert (c["documents"], c["tasks"]) == (6, 6)
    _consistent(workspace)


def test_vector_index_is_rebuilt_from_sqlite(workspace, demo_copy):
    """If the vector index loses entries, start-up restores them without reading files."""
    workspace.indexer().index([str(demo_copy)])
    n = workspace.vectors.count()
    workspace.vectors.reset()
    assert workspace.vectors.count() == 0
    fixed = workspace.indexer().reconcile_vectors()
    assert fixed == n and workspace.vectors.count() == n
    _consistent(workspace)


def test_maildir_plus_plus_sent_folder_gives_the_users_address_and_promises(workspace, tmp_path):
    """Mail in a Dovecot ".Sent" folder is indexed as sent mail: the user's address is guessed
    from it and its promises are stored; a Thunderbird message marked deleted is not."""
    def mail(mid: str, sender: str, to: str, body: str) -> bytes:
        return (f"From: {sender}\nTo: {to}\nSubject: s {mid}\nMessage-ID: <{mid}>\n"
                f"Date: Thu, 22 Oct 2026 10:00:00 -0400\n\n{body}\n").encode()

    root = tmp_path / "mail"
    files = {
        "fastmail/cur/1.M1P1.h,S=9:2,S": mail("in1", "sam@x.example", "me@fm.example", "Hi"),
        "fastmail/.Sent/cur/2.M2P2.h,S=9:2,S": mail(
            "out1", "me@fm.example", "Sam <sam@x.example>", "I'll return your ladder on Sunday."),
        "fastmail/.Sent/maildirfolder": b"",
        "tb/Sent": b"From - Mon Oct 19 22:10:05 2026\nX-Mozilla-Status: 0009\n" + mail(
            "gone", "me@fm.example", "Pri <p@x.example>", "I'll send you the SOW tonight."),
        "tb/Sent.msf": b"// <!-- <mdb:mork:z v=\"1.4\"/> -->\n",
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    summary = workspace.indexer().index([str(root)])
    workspace.remember([str(root)])
    assert summary.skipped == []
    assert workspace.settings.user_addresses == ["me@fm.example"]
    rows = workspace.store.query("SELECT title, due, from_addr FROM tasks")
    assert [tuple(r) for r in rows] == [("Return your ladder", "2026-10-25", "me@fm.example")]
    docs = workspace.store.query("SELECT doc_id FROM documents ORDER BY doc_id")
    assert [r[0] for r in docs] == ["email:in1", "email:out1"]
