"""Finding the user's files and deciding how to read each one.

``discover`` walks the folders the user chose (read-only, never following directory symlinks, so a
symlink loop cannot trap it) and yields each file with the kind of parser it needs. Formats are
recognised by extension first and by content where extensions lie or are missing: MH-style mail
folders (Enron's ``inbox/1``, ``inbox/2``...) and ``msg_01.txt`` files are mail because their first
bytes are mail headers; a ``.txt`` full of ``(A) ... due:`` lines is a todo.txt.

Hidden folders are tools' own data (``.git``, ``.obsidian``, ``.trash``...) and are not entered,
with one exception: a hidden folder that is itself a Maildir (it has ``cur/`` or ``new/``) is a
Maildir++ subfolder (Dovecot, Courier: ``.Sent``, ``.INBOX.Work``) and holds the user's mail.
Its name gives the message's folder (".INBOX.Sent" is "INBOX/Sent"), which is how sent mail, and so
the user's own addresses, are recognised. Messages flagged as trashed (``:2,ST``) are not indexed.
Thunderbird keeps each folder as an extension-less mbox beside a ``.msf`` summary file (skipped
without being read) and subfolders in ``<name>.sbd/`` directories.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from indexing.model import Skipped

# Parser kinds: how a file is read (one file may hold many documents).
MBOX, EMAIL, CALENDAR, MARKDOWN, TEXT, TODO = "mbox", "email", "calendar", "markdown", "text", "todo"

# Folders never entered, compared in lower case. Hidden ones not listed here are skipped too
# unless they are Maildir++ folders; ".trash" also covers ".Trash-1000" (trash on USB drives).
SKIP_DIRS = {
    ".git", ".hg", ".svn", ".obsidian", ".trash", ".cache", ".stversions", ".stfolder",
    ".ds_store", ".spotlight-v100", ".fseventsd", ".temporaryitems", ".venv", ".idea", ".vscode",
    "node_modules", "__pycache__", "tmp",
}
MARKDOWN_EXT = {".md", ".markdown", ".mdown"}
EMAIL_EXT = {".eml", ".msg"}
MBOX_EXT = {".mbox", ".mbx"}
CAL_EXT = {".ics", ".ical", ".ifb"}
IGNORED_EXT = {
    ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".zip", ".gz", ".tar", ".json", ".js", ".css", ".html",
    ".htm", ".canvas", ".py", ".pyc", ".db", ".sqlite", ".exe", ".dll", ".so", ".rst", ".toml",
    ".yaml", ".yml", ".xml", ".csv", ".docx", ".xlsx", ".pptx", ".svg", ".mp3", ".mp4", ".webp",
    ".msf",  # Thunderbird's folder summaries (Mork), beside each extension-less mbox
}
_MAILDIR_FLAGS = re.compile(r"[:!;]2,([A-Za-z]*)$")  # "1761.M3P2.host,S=12:2,RS" (";" on Windows)


@dataclass(frozen=True)
class SourceFile:
    """A file to index: absolute path, parser kind and, for mail, the folder name (e.g. Sent)."""

    path: str
    kind: str
    folder: str = ""


def _head(path: str, n: int = 4096) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def _is_maildir(path: str) -> bool:
    return os.path.isdir(os.path.join(path, "cur")) or os.path.isdir(os.path.join(path, "new"))


def _skip_dir(parent: str, name: str) -> bool:
    """True for tool folders and hidden folders that are not Maildir++ mail folders."""
    low = name.lower()
    if low in SKIP_DIRS or low.startswith(".trash"):
        return True
    return name.startswith(".") and not _is_maildir(os.path.join(parent, name))


def maildir_folder_name(dirname: str) -> str:
    """The mail folder a Maildir directory stands for.

    Maildir++ subfolders are hidden, use "." between levels and IMAP's modified UTF-7 for
    non-ASCII names: ".Sent" is "Sent", ".INBOX.Work" is "INBOX/Work", ".[Gmail].Sent Mail" is
    "[Gmail]/Sent Mail", ".Entw&APw-rfe" is "Entwürfe". Other names are kept as they are.
    """
    if not dirname.startswith(".") or dirname in (".", ".."):
        return dirname
    return "/".join(_imap_utf7(p) for p in dirname[1:].split(".") if p)


def _imap_utf7(text: str) -> str:
    """Decode IMAP modified UTF-7 ("&APw-" is "ü", "&-" is "&"); bad runs are kept as written."""
    def run(m: re.Match[str]) -> str:
        body = m[1]
        if not body:
            return "&"
        try:
            raw = base64.b64decode(body.replace(",", "/") + "=" * (-len(body) % 4))
            return raw.decode("utf-16-be")
        except (ValueError, UnicodeDecodeError):
            return m[0]

    return re.sub(r"&([A-Za-z0-9+,]*)-", run, text)


def _maildir_root_is_inbox(maildir: Path) -> bool:
    """A Maildir++ root (it holds hidden Maildir subfolders) is the account's INBOX."""
    if (maildir / "maildirfolder").exists():
        return False
    try:
        names = os.listdir(maildir)
    except OSError:
        return False
    return any(n.startswith(".") and not _skip_dir(str(maildir), n) for n in names)


def _mail_folder(path: Path) -> tuple[bool, str]:
    """Is this file inside a Maildir (cur/ or new/ beside tmp/)? Return (yes, folder name)."""
    parent = path.parent
    # A copied or git-checked-out Maildir often lacks its empty new/ and tmp/: cur/ or new/ is
    # enough, together with a Maildir-style file name or the file's own mail headers (checked
    # by the caller).
    if parent.name in ("cur", "new") and (":2," in path.name or "." in path.name):
        maildir = parent.parent
        if _maildir_root_is_inbox(maildir):
            return True, "INBOX"
        return True, maildir_folder_name(maildir.name)
    return False, parent.name


def trashed_in_maildir(path: str) -> bool:
    """True for a Maildir message flagged T (trashed: deleted, waiting to be expunged)."""
    m = _MAILDIR_FLAGS.search(os.path.basename(path))
    return bool(m) and "T" in m[1]


def classify(path: str) -> str | None:
    """The parser kind for one file, or None when Lodger does not read that kind of file.

    Raises:
        OSError: when the file cannot be opened to sniff it (the caller reports it).
    """
    from indexing.mail import is_mbox, looks_like_email
    from indexing.todotxt import looks_like_todotxt

    p = Path(path)
    ext = p.suffix.lower()
    if ext in IGNORED_EXT:
        return None
    in_maildir, _ = _mail_folder(p)
    if in_maildir and looks_like_email(_head(path)):
        return EMAIL
    if ext in CAL_EXT:
        return CALENDAR
    if ext in MBOX_EXT:
        return MBOX
    if ext in EMAIL_EXT:
        return EMAIL
    if ext in MARKDOWN_EXT:
        return MARKDOWN
    head = _head(path)
    if is_mbox(head):
        return MBOX
    if looks_like_email(head):
        return EMAIL
    if ext == ".txt":
        text = head.decode("utf-8", errors="replace")
        return TODO if looks_like_todotxt(p.name, text) else TEXT
    return None


def discover(
    roots: Iterable[str], exclude: Iterable[str] = ()
) -> Iterator[SourceFile | Skipped]:
    """Yield every indexable file under ``roots`` (files or folders), or a ``Skipped`` with why.

    Hidden folders and tool folders (``.git``, ``.obsidian``...) are not entered, except hidden
    Maildir++ mail folders (``.Sent/cur``); directory symlinks are not followed; ``exclude``
    (e.g. Lodger's own data dir) is never entered.
    """
    excluded = {os.path.realpath(e) for e in exclude}
    for root in roots:
        root = os.path.abspath(os.path.expanduser(root))
        if not os.path.exists(root):
            yield Skipped(root, "folder or file does not exist")
            continue
        if os.path.isfile(root):
            yield from _one(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
            dirnames[:] = sorted(
                d for d in dirnames
                if not _skip_dir(dirpath, d)
                and os.path.realpath(os.path.join(dirpath, d)) not in excluded
            )
            for name in sorted(filenames):
                if name.startswith(".") or name.endswith("~"):
                    continue
                yield from _one(os.path.join(dirpath, name))


def _one(path: str) -> Iterator[SourceFile | Skipped]:
    if os.path.islink(path):
        try:
            os.stat(path)
        except OSError as exc:
            reason = "symbolic link loop" if exc.errno == 40 else "broken symbolic link"
            yield Skipped(path, reason)
            return
    try:
        if not os.path.isfile(path):
            return
        kind = classify(path)
    except PermissionError:
        yield Skipped(path, "permission denied (file is not readable)")
        return
    except FileNotFoundError:
        yield Skipped(path, "file disappeared while indexing")
        return
    except OSError as exc:
        yield Skipped(path, f"could not read file: {exc.strerror or exc}")
        return
    if kind is None:
        return
    in_maildir, folder = _mail_folder(Path(path))
    if kind == EMAIL and in_maildir and trashed_in_maildir(path):
        return  # deleted in the mail client; not an error, so not reported
    if kind == MBOX:
        from indexing.mail import mbox_folder

        folder = mbox_folder(path)
    yield SourceFile(path, kind, folder if kind in (EMAIL, MBOX) else "")
