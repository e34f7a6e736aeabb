"""Where Lodger keeps its own data: one place, overridable for tests and for the user.

The data dir holds the SQLite store, the vector index, the settings file and the logs. It defaults to
the platform's user data dir (platformdirs) and can be moved with ``--data-dir`` or the
``LODGER_DATA_DIR`` environment variable. It is created with mode 0700 because it holds a copy of
the user's private mail and notes; files written in it are 0600 (see ``private_umask``).
"""

from __future__ import annotations

import contextlib
import os
import stat
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
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def make_private(root: Path) -> None:
    """Make every folder under ``root`` 0700 and every file 0600 (symlinks are left alone).

    Libraries that write in the data dir (chromadb's segment files, the ONNX export) create
    files with the process umask; this mends them, and data dirs made by older versions.
    """
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
def private_umask() -> Iterator[None]:
    """Files created inside this block are readable by the owner only (0600 / 0700)."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


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
