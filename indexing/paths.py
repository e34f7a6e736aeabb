"""Where Lodger keeps its own data: one place, overridable for tests and for the user.

The data dir holds the SQLite store, the vector index, the settings file and the logs. It defaults to
the platform's user data dir (platformdirs) and can be moved with ``--data-dir`` or the
``LODGER_DATA_DIR`` environment variable. It is created with mode 0700 because it holds a copy of
the user's private mail and notes; files written in it are 0600.

Modes are set explicitly, never through the process umask: the umask is process-wide, and the
app writes from its GUI thread and its indexing thread at once, so changing it for one write
changes it for every file any thread creates meanwhile. Files Lodger writes itself are created
owner-only (``write_private``, ``mkdir_private``, ``touch_private``); files that libraries
create (chromadb's segments, SQLite's database, the ONNX export) are mended after the library
call (``make_private``, ``mended``). Until they are mended they sit in the 0700 data dir, which
other users cannot enter.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

ENV_DATA_DIR = "LODGER_DATA_DIR"


def default_data_dir() -> Path:
    """The platform's per-user data dir for Lodger (e.g. ``~/.local/share/lodger``)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("lodger", appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Pick the data dir: the explicit argument, else ``$LODGER_DATA_DIR``, else the default."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def ensure_data_dir(path: Path) -> Path:
    """Create the data dir (and parents) and make it private (0700)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mkdir_private(path)
    return path


def mkdir_private(path: Path) -> Path:
    """Create the folder ``path`` (if missing) with mode 0700; an existing one is made 0700."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        if not path.is_dir():
            raise
    os.chmod(path, 0o700)  # the umask may have taken bits off, or it existed looser
    return path


def touch_private(path: Path) -> Path:
    """Create the file ``path`` empty with mode 0600 if missing; an existing one is made 0600.

    For files a library opens itself (a log handler, a SQLite database): created here first,
    they are never readable by others, whatever the umask.
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    os.chmod(path, 0o600)  # it may have existed looser (os.fchmod is not on Windows before 3.13)
    return path


def write_private(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write ``path`` atomically (a temp file next to it, then a rename) with mode 0600.

    The temp file is made by ``tempfile.mkstemp``, which creates it 0600 under a unique name,
    so two threads saving the same file never write into one temp file.
    """
    raw = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def make_private(root: Path) -> None:
    """Make ``root`` and every folder under it 0700 and every file 0600 (symlinks are left alone).

    Libraries that write in the data dir (chromadb's segment files, the ONNX export) create
    files with the process umask; this mends them, and data dirs made by older versions.
    """
    with contextlib.suppress(OSError):
        st = os.lstat(root)
        if stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) != 0o700:
            os.chmod(root, 0o700)  # a folder a library made (chromadb's "vectors")
    for dirpath, dirnames, filenames in os.walk(root):
        for name, mode in [(d, 0o700) for d in dirnames] + [(f, 0o600) for f in filenames]:
            p = os.path.join(dirpath, name)
            try:
                st = os.lstat(p)
                if not stat.S_ISLNK(st.st_mode) and stat.S_IMODE(st.st_mode) != mode:
                    os.chmod(p, mode)
            except OSError:
                continue  # vanished or not ours: nothing to mend


@contextlib.contextmanager
def mended(root: Path | None = None) -> Iterator[None]:
    """Run the block, then ``make_private(root)`` (even when the block raised).

    For library calls that create files under ``root`` with whatever mode they like.
    """
    try:
        yield
    finally:
        if root is not None and os.path.isdir(root):
            make_private(root)



def set_offline_mode() -> None:
    """Switch off every network path of the libraries we use; nothing may download or phone home.

    Must run before those libraries are imported: huggingface_hub and onnxruntime read these once.
    The telemetry switches are forced (Lodger never sends telemetry); the others are defaults that
    the model downloader may override for its one request.
    """
    # onnxruntime >= 1.29 sends 1DS telemetry on Linux and macOS too (it looks up
    # mobile.events.data.microsoft.com when a session is created); this is its full opt-out.
    for key, value in {"ORT_DISABLE_TELEMETRY": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
                       "ANONYMIZED_TELEMETRY": "False"}.items():
        os.environ[key] = value
    for key, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "TRANSFORMERS_VERBOSITY": "error",
        "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    }.items():
        os.environ.setdefault(key, value)
