"""Turning exceptions from the core into one clear sentence for the window.

The user sees what went wrong and what to do about it, never a traceback (that goes to
``lodger.log`` in the data dir).
"""

from __future__ import annotations

import errno
import sqlite3

from engine.llm import ModelError


def describe_error(exc: BaseException, doing: str = "") -> str:
    """A plain-words message for ``exc``; ``doing`` says what Lodger was doing ("indexing")."""
    lead = f"While {doing}: " if doing else ""
    if isinstance(exc, ModelError):
        return (f"The language model could not be used: {exc}. Answers quote your sources "
                "instead; choose another model file in Settings.")
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return (f"{lead}the disk is full ({exc.filename or 'data dir'}). Free some space; "
                "Lodger will carry on where it stopped.")
    if isinstance(exc, PermissionError):
        return f"{lead}permission denied for {exc.filename or 'a file'}."
    if isinstance(exc, FileNotFoundError):
        return f"{lead}{exc.filename or 'a file'} does not exist."
    if isinstance(exc, sqlite3.DatabaseError):
        if "full" in str(exc).lower():
            return f"{lead}the disk is full. Free some space; Lodger will carry on where it stopped."
        return (f"{lead}the index is damaged ({exc}). Quit Lodger, delete the data folder's "
                "lodger.db and vectors, and index again.")
    if type(exc).__module__.startswith("chromadb") or "hnsw" in str(exc).lower():
        return (f"{lead}the vector index is damaged ({exc}). Quit Lodger and delete the "
                "'vectors' folder in the data dir; it is rebuilt from the store.")
    if isinstance(exc, OSError):
        return f"{lead}{exc.strerror or exc} ({exc.filename or ''})".replace(" ()", "")
    text = str(exc) or type(exc).__name__
    return f"{lead}{text}"
