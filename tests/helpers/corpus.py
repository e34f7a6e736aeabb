"""A varied, writable copy of real data for the hardening tests.

The copy holds Enron MH messages, a slice of the derived kaminski mbox (re-serialised copies of
some of the same messages, so deduplication across formats is exercised), a Markdown vault,
todo.txt files, calendars with recurrences and broken ones, and the bundled demo data. It is small
enough that a full index with the hash embedder takes a few seconds.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

from tests.helpers.realdata import find_realdata

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO = ROOT / "assets" / "demo"
REALDATA = find_realdata()

ICS_FILES = [
    "icalendar/calendars/america_new_york.ics",
    "icalendar/calendars/example.ics",
    "icalendar/calendars/big_bad_calendar.ics",  # broken: cut off
    "icalendar/calendars/bom_calendar.ics",
    "recurring-ical-events/Germany.ics",
    "recurring-ical-events/fablab_cottbus.ics",
    "recurring-ical-events/issue_4.ics",
    "recurring-ical-events/issue_18_cancel_status.ics",
    "recurring-ical-events/issue_62_moved_event.ics",
    "recurring-ical-events/each_week_but_two_deleted.ics",
    "recurring-ical-events/issue_201_mixed_datetime_and_date.ics",
    "recurring-ical-events/issue_97_simple_todo.ics",
    "recurring-ical-events/zero_size_event.ics",
    "recurring-ical-events/three_events_one_edited.ics",
]
TODO_FILES = ["TodoListTest.txt", "ListCommandTest.txt", "SorterTest1.txt", "utf-8.txt"]


def enron_names() -> list[str]:
    """The kaminski-v/inbox MH file names in numeric order; the i-th is the derived mbox's i-th."""
    inbox = REALDATA / "enron" / "maildir" / "kaminski-v" / "inbox"
    return sorted((p.name for p in inbox.iterdir() if p.name.isdigit()), key=int)


def copy_enron(dest_inbox: Path, indexes: range | list[int]) -> None:
    """Copy the MH messages at these positions (see ``enron_names``) into ``dest_inbox``."""
    inbox = REALDATA / "enron" / "maildir" / "kaminski-v" / "inbox"
    names = enron_names()
    dest_inbox.mkdir(parents=True, exist_ok=True)
    for i in indexes:
        shutil.copyfile(inbox / names[i], dest_inbox / names[i])
        os.chmod(dest_inbox / names[i], 0o644)


def mbox_messages(lo: int, hi: int) -> bytes:
    """Messages ``lo``..``hi - 1`` of the derived kaminski mbox, byte for byte."""
    data = (REALDATA / "enron" / "derived" / "kaminski-v_inbox.mbox").read_bytes()
    starts = [m.start() for m in re.finditer(rb"(?m)^From ", data)] + [len(data)]
    return data[starts[lo] : starts[min(hi, len(starts) - 1)]]


def build_corpus(dest: Path, mh: range = range(0, 150), mbox: tuple[int, int] = (100, 260),
                 ) -> Path:
    """Copy a slice of realdata plus the demo data into ``dest`` (created); returns ``dest``.

    Args:
        dest: target folder (must not exist yet).
        mh: positions of the Enron MH messages to copy (``enron/inbox/<name>``).
        mbox: which messages of the derived kaminski mbox to copy (start, end). Positions in
            both ``mh`` and ``mbox`` are the same message twice (deduplicated by Message-ID).
    """
    dest.mkdir(parents=True)
    copy_enron(dest / "enron" / "inbox", mh)
    (dest / "kaminski.mbox").write_bytes(mbox_messages(*mbox))
    shutil.copytree(REALDATA / "notes" / "dataview-test-vault", dest / "vault")
    (dest / "todo").mkdir()
    for name in TODO_FILES:
        shutil.copyfile(REALDATA / "notes" / "todotxt-topydo" / name, dest / "todo" / name)
    (dest / "calendars").mkdir()
    for rel in ICS_FILES:
        src = REALDATA / "ics" / rel
        if src.is_file():
            shutil.copyfile(src, dest / "calendars" / src.name)
    shutil.copytree(DEMO, dest / "demo")
    make_writable(dest)
    return dest


def make_writable(root: Path) -> None:
    """realdata is read-only; the copies must be deletable by pytest's tmp cleanup."""
    for dirpath, _dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)


def snapshot(root: Path) -> dict[str, tuple[int, int, int, str]]:
    """Every entry under ``root``: relative path -> (mode, size, mtime_ns, sha256 of content).

    Directories are included (size 0, hash "dir") so that a new empty folder is noticed too.
    """
    out: dict[str, tuple[int, int, int, str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            rel = os.path.relpath(p, root)
            if os.path.isdir(p) and not os.path.islink(p):
                out[rel] = (st.st_mode, 0, st.st_mtime_ns, "dir")
            else:
                with open(p, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()
                out[rel] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return out
