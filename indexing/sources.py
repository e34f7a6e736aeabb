"""Finding the user's files and deciding how to read each one.

``discover`` walks the folders the user chose (read-only, never following directory symlinks, so a
symlink loop cannot trap it) and yields each file with the kind of parser it needs. Formats are
recognised by extension first and by content where extensions lie or are missing: MH-style mail
folders (Enron's ``inbox/1``, ``inbox/2``...) and ``msg_01.txt`` files are mail because their first
bytes are mail headers; a ``.txt`` full of ``(A) ... due:`` lines is a todo.txt.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from indexing.model import Skipped

# Parser kinds: how a file is read (one file may hold many documents).
MBOX, EMAIL, CALENDAR, MARKDOWN, TEXT, TODO = "mbox", "email", "calendar", "markdown", "text", "todo"

SKIP_DIRS = {".git", ".hg", ".svn", ".obsidian", ".trash", "node_modules", "__pycache__", "tmp"}
MARKDOWN_EXT = {".md", ".markdown", ".mdown"}
EMAIL_EXT = {".eml", ".msg"}
MBOX_EXT = {".mbox", ".mbx"}
CAL_EXT = {".ics", ".ical", ".ifb"}
IGNORED_EXT = {
    ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".zip", ".gz", ".tar", ".json", ".js", ".css", ".html",
    ".htm", ".canvas", ".py", ".pyc", ".db", ".sqlite", ".exe", ".dll", ".so", ".rst", ".toml",
    ".yaml", ".yml", ".xml", ".csv", ".docx", ".xlsx", ".pptx", ".svg", ".mp3", ".mp4", ".webp",
}


@dataclass(frozen=True)
class SourceFile:
    """A file to index: absolute path, parser kind and, for mail, the folder name (e.g. Sent)."""

    path: str
    kind: str
    folder: str = ""


def _head(path: str, n: int = 4096) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def _mail_folder(path: Path) -> tuple[bool, str]:
    """Is this file inside a Maildir (cur/ or new/ beside tmp/)? Return (yes, folder name)."""
    parent = path.parent
    # A copied or git-checked-out Maildir often lacks its empty new/ and tmp/: cur/ or new/ is
    # enough, together with a Maildir-style file name or the file's own mail headers (checked
    # by the caller).
    if parent.name in ("cur", "new") and (":2," in path.name or "." in path.name):
        return True, parent.parent.name
    return False, parent.name


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

    Hidden folders and tool folders (``.git``, ``.obsidian``...) are not entered; directory
    symlinks are not followed; ``exclude`` (e.g. Lodger's own data dir) is never entered.
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
                if not d.startswith(".") and d not in SKIP_DIRS
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
    if kind is not None:
        _, folder = _mail_folder(Path(path))
        if kind == MBOX:
            folder = Path(path).stem
        yield SourceFile(path, kind, folder if kind in (EMAIL, MBOX) else "")
