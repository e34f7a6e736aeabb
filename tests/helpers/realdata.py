"""Where ``shared/realdata`` (real, public, messy data written by others) is.

It sits beside the project (``../shared/realdata``). A clone made elsewhere (``git clone . /tmp/x``,
as CI does) finds it through ``$LODGER_REALDATA`` or at the project machines' ``/work/shared``.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def find_realdata() -> Path:
    """The first of $LODGER_REALDATA, ../shared/realdata, /work/shared/realdata that exists (else
    ../shared/realdata, so that a missing folder is named in the skip message)."""
    beside = ROOT.parent / "shared" / "realdata"
    env = os.environ.get("LODGER_REALDATA")
    for candidate in ([Path(env)] if env else []) + [beside, Path("/work/shared/realdata")]:
        if candidate.is_dir():
            return candidate
    return beside


REALDATA = find_realdata()
