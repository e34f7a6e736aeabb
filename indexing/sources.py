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
without being read) and subfolders in ``<name>.sbd/`` directories. Apple Mail's own store keeps
one message per ``.emlx`` file under ``<Folder>.mbox/.../Messages/``; its folder is the ``.mbox``
directory above (``Sent Messages.mbox/…/Messages/1.emlx`` is "Sent Messages").

Junk is not the user's mail: mail folders named Junk, Spam, Bulk Mail (and a few translations),
whether Maildir (``.Junk``), Apple ``.mbox`` directories, Thunderbird files
(``[Gmail].sbd/Spam``), mbox files (``Junk.mbox``) or MH folders, are not read, and are named in
the index summary (``PassedOver.mail_folders``). Trash and Deleted Items folders are read: they
hold mail the user did receive and may still ask about (Outlook keeps Deleted Items for good, and
Enron's ``deleted_items`` folders are full of real correspondence); only messages flagged for
expunging (Maildir ``T``, Thunderbird's expunged bit, Apple's deleted flag) are left out.
Files of types Lodger does not read are counted by extension for the summary, except the
bookkeeping files of the tools above (``.msf``, Apple's ``table_of_contents`` and ``Info.plist``,
vdirsyncer's ``displayname`` and ``color``), which are no one's documents. A Logseq graph's own
``logseq/`` folder (``config.edn``, ``custom.css``, and ``bak/`` and ``.recycle/`` with old
copies of pages that would count twice) is not entered.
"""

from __future__ import annotations

import base64
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexing.model import Skipped

# Parser kinds: how a file is read (one file may hold many documents).
MBOX, EMAIL, CALENDAR, MARKDOWN, TEXT, TODO = "mbox", "email", "calendar", "markdown", "text", "todo"
VCARD = "vcard"  # contact cards (.vcf): people for the directory

# Folders never entered, compared in lower case. Hidden ones not listed here are skipped too
# unless they are Maildir++ folders; ".trash" also covers ".Trash-1000" (trash on USB drives).
SKIP_DIRS = {
    ".git", ".hg", ".svn", ".obsidian", ".trash", ".cache", ".stversions", ".stfolder",
    ".ds_store", ".spotlight-v100", ".fseventsd", ".temporaryitems", ".venv", ".idea", ".vscode",
    "node_modules", "__pycache__", "tmp",
}
MARKDOWN_EXT = {".md", ".markdown", ".mdown"}
EMAIL_EXT = {".eml", ".msg", ".emlx"}  # .emlx (and .partial.emlx): Apple Mail, one message each
MBOX_EXT = {".mbox", ".mbx"}
CAL_EXT = {".ics", ".ical", ".ifb"}
VCARD_EXT = {".vcf", ".vcard"}
IGNORED_EXT = {
    ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".zip", ".gz", ".tar", ".json", ".js", ".css", ".html",
    ".htm", ".canvas", ".py", ".pyc", ".db", ".sqlite", ".exe", ".dll", ".so", ".rst", ".toml",
    ".yaml", ".yml", ".xml", ".csv", ".docx", ".xlsx", ".pptx", ".svg", ".mp3", ".mp4", ".webp",
    ".msf",  # Thunderbird's folder summaries (Mork), beside each extension-less mbox
}
_MAILDIR_FLAGS = re.compile(r"[:!;]2,([A-Za-z]*)$")  # "1761.M3P2.host,S=12:2,RS" (";" on Windows)
# Mail folders (and Gmail labels) of mail the user never wanted, compared in lower case with
# "_" read as a space. Trash is not among them: see the module's docstring.
JUNK_FOLDERS = {
    "junk", "junk e-mail", "junk email", "junk mail", "spam", "bulk mail", "junk-e-mail",
    "spam-verdacht", "courrier indésirable", "indésirables", "correo no deseado",
    "posta indesiderata", "ongewenste e-mail",
}
# Tools' bookkeeping files: neither read nor counted as files of other types.
_TOOL_FILES = {"table_of_contents", "info.plist", "displayname", "color", "desktop.ini",
               "thumbs.db"}
_TOOL_EXT = {".msf"}
NO_EXTENSION = "(no extension)"


@dataclass
class PassedOver:
    """What was left out on purpose, for the index summary (none of it is an error).

    Attributes:
        types: files of types Lodger does not read, by lower-case extension (``".png"``;
            ``NO_EXTENSION`` for none).
        mail_folders: junk mail folders (or mbox files) that were not read.
        messages: messages left out by reason: "deleted" (flagged deleted or trashed in the
            mail client), "spam" (Gmail's label); the mail parsers add to it.
    """

    types: Counter[str] = field(default_factory=Counter)
    mail_folders: list[str] = field(default_factory=list)
    messages: Counter[str] = field(default_factory=Counter)

    def folder(self, path: str) -> None:
        if path not in self.mail_folders:
            self.mail_folders.append(path)


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
    if low.startswith(".trash"):  # a desktop's trash (".Trash-1000"), unless Maildir++ Trash
        return not _is_maildir(os.path.join(parent, name))
    if low in SKIP_DIRS:
        return True
    if low == "logseq" and os.path.isfile(os.path.join(parent, name, "config.edn")):
        return True  # a Logseq graph's own folder: settings and backups of pages
    return name.startswith(".") and not _is_maildir(os.path.join(parent, name))


def junk_reason(name: str) -> str | None:
    """"spam" for a mail folder (or Gmail label) name that means junk ("Junk", "[Gmail]/Spam",
    "INBOX.Junk E-mail"), else None; the last level decides."""
    last = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    key = " ".join(last.replace("_", " ").split()).lower()
    return "spam" if key in JUNK_FOLDERS else None


def is_junk_folder(name: str) -> bool:
    """True for a mail folder name that means junk (see ``junk_reason``)."""
    return junk_reason(name) is not None


def _junk_mail_dir(parent: str, name: str) -> bool:
    """True for a directory that is a junk mail folder: a Maildir (``.Junk``, ``Spam/cur``), an
    Apple ``Junk.mbox`` or a Thunderbird ``Spam.sbd``."""
    low = name.lower()
    if low.endswith((".mbox", ".sbd")):
        return is_junk_folder(name[: -len(".mbox")] if low.endswith(".mbox") else name[:-4])
    return _is_maildir(os.path.join(parent, name)) and is_junk_folder(maildir_folder_name(name))


def apple_mail_folder(path: str) -> str:
    """The folder of an Apple Mail ``.emlx`` file: the ``.mbox`` directories above it
    ("[Gmail].mbox/Sent Mail.mbox/<id>/Data/Messages/1.emlx" is "[Gmail]/Sent Mail"); "" when
    there is none."""
    parts: list[str] = []
    for parent in Path(path).parents:
        if parent.suffix.lower() == ".mbox":
            parts.insert(0, parent.name[: -len(".mbox")])
        elif parts:
            break
    return "/".join(parts)


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
    if ext in VCARD_EXT:
        return VCARD
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
    roots: Iterable[str], exclude: Iterable[str] = (), passed: PassedOver | None = None,
) -> Iterator[SourceFile | Skipped]:
    """Yield every indexable file under ``roots`` (files or folders), or a ``Skipped`` with why.

    Hidden folders and tool folders (``.git``, ``.obsidian``...) are not entered, except hidden
    Maildir++ mail folders (``.Sent/cur``); junk mail folders are not entered either;
    directory symlinks are not followed; ``exclude`` (e.g. Lodger's own data dir) is never
    entered. What is passed over on purpose is added to ``passed`` when given.
    """
    passed = passed if passed is not None else PassedOver()
    excluded = {os.path.realpath(e) for e in exclude}
    for root in roots:
        root = os.path.abspath(os.path.expanduser(root))
        if not os.path.exists(root):
            yield Skipped(root, "folder or file does not exist")
            continue
        if os.path.isfile(root):
            yield from _one(root, passed)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
            keep = []
            for d in sorted(dirnames):
                if os.path.realpath(os.path.join(dirpath, d)) in excluded:
                    continue
                if _junk_mail_dir(dirpath, d):
                    passed.folder(os.path.join(dirpath, d))
                elif not _skip_dir(dirpath, d):
                    keep.append(d)
            dirnames[:] = keep
            for name in sorted(filenames):
                if name.startswith(".") or name.endswith("~"):
                    continue
                yield from _one(os.path.join(dirpath, name), passed)


def _one(path: str, passed: PassedOver) -> Iterator[SourceFile | Skipped]:
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
        name = os.path.basename(path).lower()
        ext = os.path.splitext(name)[1]
        if name not in _TOOL_FILES and ext not in _TOOL_EXT:
            passed.types[ext or NO_EXTENSION] += 1
        return
    in_maildir, folder = _mail_folder(Path(path))
    if kind == EMAIL and in_maildir and trashed_in_maildir(path):
        passed.messages["deleted"] += 1  # deleted in the mail client: not an error
        return
    if kind == EMAIL and path.lower().endswith(".emlx"):
        folder = apple_mail_folder(path) or folder
    if kind == MBOX:
        from indexing.mail import mbox_folder

        folder = mbox_folder(path)
    if kind in (EMAIL, MBOX) and not in_maildir and is_junk_folder(folder):
        passed.folder(path if kind == MBOX else os.path.dirname(path))
        return
    yield SourceFile(path, kind, folder if kind in (EMAIL, MBOX) else "")
