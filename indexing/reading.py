"""Reading the user's files safely: read-only, with binary and encoding problems turned into reasons.

Every parser reads through here so that a binary file named ``.md``, a non-UTF-8 note or an
unreadable file becomes a ``SkipFile`` with a plain-words reason instead of a crash or mojibake.
Files are only ever opened for reading.
"""

from __future__ import annotations

import os

MAX_TEXT_BYTES = 50 * 1024 * 1024  # a "note" larger than this is not a note


class SkipFile(Exception):
    """Raised by a parser when a file cannot be indexed; the message is the reason shown to the user."""


def read_bytes(path: str, limit: int = MAX_TEXT_BYTES) -> bytes:
    """Read a file's bytes, turning OS errors into ``SkipFile`` with a clear reason."""
    try:
        size = os.path.getsize(path)
        if size > limit:
            raise SkipFile(f"file is too large ({size // (1024 * 1024)} MB)")
        with open(path, "rb") as fh:
            return fh.read()
    except SkipFile:
        raise
    except FileNotFoundError as exc:
        raise SkipFile("file disappeared while indexing") from exc
    except PermissionError as exc:
        raise SkipFile("permission denied (file is not readable)") from exc
    except IsADirectoryError as exc:
        raise SkipFile("is a directory, not a file") from exc
    except OSError as exc:
        raise SkipFile(f"could not read file: {exc.strerror or exc}") from exc


def looks_binary(data: bytes) -> bool:
    """True when the bytes are not text: NUL bytes or many control characters early on."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        # UTF-16 text has NULs too; a BOM says it is text.
        return not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(head) > 0.1


def decode_text(data: bytes) -> str:
    """Decode text bytes: a BOM, then UTF-8, then Windows-1252 (which never fails on real text).

    Raises:
        SkipFile: when the bytes are binary.
    """
    if looks_binary(data):
        raise SkipFile("binary content, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_text(path: str, limit: int = MAX_TEXT_BYTES) -> str:
    """Read a text file as ``str`` (see ``decode_text``), normalising newlines to ``\\n``."""
    text = decode_text(read_bytes(path, limit))
    return text.replace("\r\n", "\n").replace("\r", "\n")
