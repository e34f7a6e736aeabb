"""Formats and conventions beyond the basics: Logseq graphs, Obsidian templates, Apple Mail
.emlx, junk folders and Gmail's Spam label, CalDAV one-event files, organizers, multi-line
locations, undated notes, and the index summary's "not read" counts."""

from __future__ import annotations

import io
import os
import plistlib
import shutil
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from indexing import sources
from indexing.calendar import parse_ics_file
from indexing.mail import parse_email_file, parse_mbox
from indexing.notes import parse_markdown
from indexing.workspace import Workspace
from lodger.cli import print_summary

TAHLIA = Path(__file__).resolve().parents[1] / "acceptance_data" / "tahlia"


def _tasks(path: Path) -> dict[str, object]:
    return {t.title: t for t in parse_markdown(str(path)).documents[0].items}


def test_logseq_journal_tasks_markers_priority_and_dates() -> None:
    tasks = _tasks(TAHLIA / "Logseq" / "journals" / "2026_11_30.md")
    email = tasks["Email Priya the LiDAR tile index"]
    assert not email.done and email.due == date(2026, 12, 2)  # SCHEDULED, no deadline
    assert tasks["Book physio follow-up"].done
    assert tasks["Book physio follow-up"].done_date == date(2026, 11, 30)  # the journal's day
    later = tasks["Read the ARR 2019 guideline chapter on losses"]
    assert not later.done and "later" in later.description
    rerun = next(t for name, t in tasks.items() if name.startswith("Rerun the 1% AEP"))
    assert rerun.priority == "A" and rerun.due == date(2026, 12, 4) and not rerun.done
    assert "[#A]" not in rerun.title and "in progress" in rerun.description
    # Prose blocks are not tasks.
    assert not any(name.startswith(("Standup", "Idea")) for name in tasks)


def test_logseq_cancelled_waiting_and_plain_notes(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    (graph / "logseq").mkdir(parents=True)
    (graph / "logseq" / "config.edn").write_text("{}\n")
    (graph / "pages").mkdir()
    page = graph / "pages" / "Work.md"
    page.write_text("- WAITING Reply from council\n- CANCELED Old plan\n"
                    "- TODO Send invoice\n  DEADLINE: <2026-12-05 Sat 10:00 .+1w>\n")
    tasks = _tasks(page)
    assert set(tasks) == {"Reply from council", "Send invoice"}
    assert "waiting" in tasks["Reply from council"].description
    assert tasks["Send invoice"].due == datetime(2026, 12, 5, 10, 0)
    assert "repeats every week" in tasks["Send invoice"].description
    # Outside a graph only TODO/DOING/DONE are markers: "NOW that..." is prose.
    plain = tmp_path / "plain.md"
    plain.write_text("- NOW that the data is in, we can start\n- TODO Call the plumber\n")
    assert set(_tasks(plain)) == {"Call the plumber"}


def test_logseq_backups_are_not_read() -> None:
    found = [f.path for f in sources.discover([str(TAHLIA / "Logseq")])
             if isinstance(f, sources.SourceFile)]
    assert found and not any(f"{os.sep}logseq{os.sep}" in p for p in found)


def test_obsidian_template_checkboxes_are_not_tasks(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / ".obsidian" / "templates.json").write_text('{"folder": "Meta/Tpl"}')
    (vault / "Meta" / "Tpl").mkdir(parents=True)
    tpl = vault / "Meta" / "Tpl" / "Daily.md"
    tpl.write_text("# {{date}}\n- [ ] Water the plants\n")
    note = vault / "2026-11-30.md"
    note.write_text("- [ ] Water the plants\n")
    tpl_doc = parse_markdown(str(tpl)).documents[0]
    assert tpl_doc.items == [] and "Water the plants" in tpl_doc.segments[0].text
    assert [t.title for t in parse_markdown(str(note)).documents[0].items] == ["Water the plants"]


def test_due_phrases_in_an_undated_note(tmp_path: Path) -> None:
    """"due 3 Dec" and "14/12" in a note without a date read against its modification time;
    an unambiguous "14/12" makes the note day-first, so its "3/12" is 3 December."""
    note = tmp_path / "Home reno.md"
    note.write_text("- [ ] Pay the tiler due 3 Dec\n- [ ] Order tapware due 14/12\n"
                    "- [ ] Book skip bin due 3/12\n")
    when = datetime(2026, 11, 20, 9, 0).timestamp()
    os.utime(note, (when, when))
    tasks = _tasks(note)
    assert tasks["Pay the tiler due 3 Dec"].due == date(2026, 12, 3)
    assert tasks["Order tapware due 14/12"].due == date(2026, 12, 14)
    assert tasks["Book skip bin due 3/12"].due == date(2026, 12, 3)


def _emlx(message: bytes, flags: int) -> bytes:
    trailer = plistlib.dumps({"flags": flags, "date-received": 1796000000})
    return b"%d\n" % len(message) + message + trailer


MESSAGE = (b"From: Sam <sam@example.com>\nTo: me@example.com\nSubject: Gauge readings\n"
           b"Message-ID: <g1@example.com>\nDate: Mon, 30 Nov 2026 15:02:00 +1100\n\n"
           b"The Wolli Creek gauge is back online.\n")


def test_apple_mail_emlx(tmp_path: Path) -> None:
    real = next((TAHLIA / "Library").rglob("48213.emlx"))
    doc = parse_email_file(str(real)).documents[0]
    assert doc.title == "Wolli Creek gauge" and doc.date is not None
    assert "plist" not in doc.segments[-1].text.lower()
    folder = tmp_path / "Work.mbox" / "X" / "Data" / "Messages"
    folder.mkdir(parents=True)
    kept, deleted = folder / "1.emlx", folder / "2.emlx"
    kept.write_bytes(_emlx(MESSAGE, 0))
    deleted.write_bytes(_emlx(MESSAGE.replace(b"g1@", b"g2@"), 1 << 1))
    found = {f.path: f for f in sources.discover([str(tmp_path)])
             if isinstance(f, sources.SourceFile)}
    assert found[str(kept)].folder == "Work"
    left: Counter[str] = Counter()
    assert parse_email_file(str(deleted), left_out=left).documents == []
    assert left["deleted"] == 1
    assert "Wolli Creek gauge" in parse_email_file(str(kept)).documents[0].segments[0].text


def test_gmail_spam_label_left_out_and_trash_kept(tmp_path: Path) -> None:
    mbox = tmp_path / "All mail Including Spam and Trash.mbox"
    parts = []
    for i, labels in enumerate(("Inbox,Opened", "Spam", "Trash,Opened")):
        parts.append(b"From 1%d@xxx Mon Nov 30 04:02:00 +0000 2026\n" % i
                     + b"X-Gmail-Labels: " + labels.encode() + b"\n"
                     + MESSAGE.replace(b"g1@", b"m%d@" % i) + b"\n")
    mbox.write_bytes(b"".join(parts))
    left: Counter[str] = Counter()
    result, _ = parse_mbox(str(mbox), left_out=left)
    ids = sorted(d.doc_id for d in result.documents)
    assert ids == ["email:m0@example.com", "email:m2@example.com"] and left == {"spam": 1}


def test_junk_folders_are_not_entered_trash_is(tmp_path: Path) -> None:
    mail = tmp_path / "Mail"
    for name in (".Junk", ".Trash", "cur-holder"):
        (mail / name / "cur").mkdir(parents=True)
    (mail / ".Junk" / "cur" / "1:2,S").write_bytes(MESSAGE)
    (mail / ".Trash" / "cur" / "2:2,S").write_bytes(MESSAGE.replace(b"g1@", b"g2@"))
    (mail / "spam").mkdir()
    (mail / "spam" / "1").write_bytes(MESSAGE.replace(b"g1@", b"g3@"))
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n")
    passed = sources.PassedOver()
    found = [f.path for f in sources.discover([str(tmp_path)], passed=passed)
             if isinstance(f, sources.SourceFile)]
    assert found == [str(mail / ".Trash" / "cur" / "2:2,S")]
    assert sorted(os.path.basename(p) for p in passed.mail_folders) == [".Junk", "spam"]
    assert passed.types == {".png": 1}


def test_index_summary_names_what_was_not_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = tmp_path / "files"
    (folder / "Junk" / "cur").mkdir(parents=True)
    (folder / "Junk" / "cur" / "1:2,S").write_bytes(MESSAGE)
    for i in range(3):
        (folder / f"p{i}.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "note.md").write_text("- [ ] Buy milk\n")
    ws = Workspace.open(data, embedder="hash", check=False)
    try:
        summary = ws.indexer().index([str(folder)])
    finally:
        ws.close()
    out = io.StringIO()
    print_summary(summary, out=out)
    text = out.getvalue()
    assert "Not read: 3 files of other types (.jpg 3)" in text
    assert "Not read: 1 junk mail folder (Junk)" in text


def test_caldav_one_event_file_organizer_and_location(tmp_path: Path) -> None:
    src = TAHLIA / "vdirsyncer" / "calendars" / "riverbend-work"
    one = next(src.glob("4c1a*.ics"))
    doc = parse_ics_file(str(one)).documents[0]
    assert doc.title == "Riverbend Christmas party"
    assert doc.meta["calendar_name"] == "Riverbend (work)"
    ics = tmp_path / "x.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
        "DTSTAMP:20261101T000000Z\r\nDTSTART:20261203T070000Z\r\nDTEND:20261203T080000Z\r\n"
        "SUMMARY:Swim squad\r\nLOCATION:Aquatic Centre\\nEnmore Park\r\n"
        "ORGANIZER;CN=Coach:MAILTO:Coach@Example.COM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    event = parse_ics_file(str(ics)).documents[0].items[0]
    assert event.location == "Aquatic Centre, Enmore Park"
    assert event.organizer == "coach@example.com"


def test_organizer_is_stored_and_old_databases_are_migrated(tmp_path: Path) -> None:
    import sqlite3

    src = tmp_path / "cal"
    src.mkdir()
    shutil.copy(next((TAHLIA / "vdirsyncer" / "calendars" / "riverbend-work").glob("*.ics")),
                src / "e.ics")
    ws = Workspace.open(tmp_path / "d", embedder="hash", check=False)
    try:
        ws.indexer().index([str(src)])
        rows = ws.store.query("SELECT title, organizer FROM events")
    finally:
        ws.close()
    assert rows and all(r["organizer"] is not None for r in rows)
    # A database from before the column existed gets it on open, keeping its rows.
    db = sqlite3.connect(tmp_path / "d" / "lodger.db")
    db.execute("ALTER TABLE events DROP COLUMN organizer")
    db.commit()
    db.close()
    ws = Workspace.open(tmp_path / "d", embedder="hash", check=False)
    try:
        again = ws.store.query("SELECT title FROM events")
        cols = {r["name"] for r in ws.store.query("PRAGMA table_info(events)")}
    finally:
        ws.close()
    assert len(again) == len(rows) and "organizer" in cols
