"""The user's settings: one typed, versioned JSON file in the data dir.

Unknown keys from a newer version are kept as they were; a missing or unreadable file gives the
defaults (and the reason is logged), never a crash.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from indexing.paths import write_private

log = logging.getLogger("lodger.settings")

SETTINGS_VERSION = 1
FILE_NAME = "settings.json"


@dataclass
class Settings:
    """Everything the user can choose. Paths are absolute strings."""

    version: int = SETTINGS_VERSION
    folders: list[str] = field(default_factory=list)
    user_addresses: list[str] = field(default_factory=list)
    addresses_guessed: bool = False
    model_path: str = ""  # "" = the bundled default model
    n_threads: int = 0  # 0 = all cores
    n_ctx: int = 4096
    n_gpu_layers: int = -1  # -1 = all that fit (Metal/CUDA builds); ignored on CPU builds
    timezone: str = ""  # "" = the system zone
    embedder: str = "minilm"
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, data_dir: Path) -> Settings:
        path = data_dir / FILE_NAME
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            log.warning("settings file %s unreadable (%s); using defaults", path, exc)
            return cls()
        known = {f.name for f in fields(cls)}
        s = cls(**{k: v for k, v in raw.items() if k in known and k != "extras"})
        s.extras = {k: v for k, v in raw.items() if k not in known}
        s.version = SETTINGS_VERSION
        return s

    def save(self, data_dir: Path) -> None:
        """Write atomically (temp file + rename) with owner-only permissions."""
        data = asdict(self)
        extras = data.pop("extras")
        data.update(extras)
        write_private(data_dir / FILE_NAME, json.dumps(data, indent=2, ensure_ascii=False))
