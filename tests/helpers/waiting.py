"""Waiting for something a background thread does (the watcher, a running index)."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(pred: Callable[[], object], timeout: float = 20.0) -> bool:
    """Poll ``pred`` until it holds; the timeout only guards against a hang."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False
