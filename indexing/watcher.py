"""Watching the user's folders and handing debounced batches of changed paths to the indexer.

watchdog callbacks run on watchdog's thread and only queue paths. A debouncer thread waits until
the folders have been quiet for ``quiet_seconds`` and then calls ``on_batch`` with the set of paths
(created, modified, deleted, and both ends of a move, which is how editors' atomic saves look:
write ``.note.md.tmp``, rename it over ``note.md``). The caller decides which thread indexes; the
CLI indexes on the debouncer thread, the app hands batches to its indexing worker. If the OS
refuses more watches (inotify's limit, OSError 28) the watcher falls back to periodic rescans.
No Qt here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

log = logging.getLogger("lodger.watcher")

Batch = Callable[[set[str]], None]


class FolderWatcher:
    """Debounced watching of folders; ``start()``/``stop()`` are explicit."""

    def __init__(self, roots: Iterable[str], on_batch: Batch, quiet_seconds: float = 1.0,
                 rescan: Callable[[], None] | None = None, rescan_seconds: float = 300.0) -> None:
        self.roots = [str(r) for r in roots]
        self.on_batch = on_batch
        self.quiet_seconds = quiet_seconds
        self.rescan = rescan
        self.rescan_seconds = rescan_seconds
        self._paths: set[str] = set()
        self._last_event = 0.0
        self._cond = threading.Condition()
        self._stopping = False
        self._observer = None
        self._thread: threading.Thread | None = None
        self.polling_fallback = False

    def queue(self, *paths: str) -> None:
        """Record changed paths (called from watchdog's thread)."""
        with self._cond:
            for p in paths:
                if p and not _is_noise(p):
                    self._paths.add(p)
            self._last_event = time.monotonic()
            self._cond.notify()

    def start(self) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.is_directory and event.event_type not in ("moved", "deleted"):
                    return
                if event.event_type in ("opened", "closed_no_write"):
                    return
                dest = getattr(event, "dest_path", "")
                watcher.queue(_s(event.src_path), _s(dest))

        observer = Observer()
        try:
            for root in self.roots:
                observer.schedule(_Handler(), root, recursive=True)
            observer.start()
            self._observer = observer
        except OSError as exc:
            log.warning("cannot watch folders (%s); rescanning every %.0f s instead",
                        exc, self.rescan_seconds)
            self.polling_fallback = True
        self._thread = threading.Thread(target=self._run, name="lodger-debouncer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout)
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        last_rescan = time.monotonic()
        while True:
            with self._cond:
                while not self._stopping:
                    now = time.monotonic()
                    if self._paths and now - self._last_event >= self.quiet_seconds:
                        break
                    if self.polling_fallback and self.rescan and (
                            now - last_rescan >= self.rescan_seconds):
                        break
                    wait = self.quiet_seconds if self._paths else 1.0
                    self._cond.wait(wait)
                if self._stopping:
                    return
                batch, self._paths = self._paths, set()
            try:
                if batch:
                    self.on_batch(batch)
                elif self.rescan is not None:
                    last_rescan = time.monotonic()
                    self.rescan()
            except Exception:  # the watcher must outlive one bad batch
                log.exception("indexing a batch of changes failed")


def _s(p: str | bytes) -> str:
    return p.decode() if isinstance(p, bytes) else p


def _is_noise(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return (name.startswith(".#") or name.endswith(("~", ".swp", ".swx", ".tmp", ".part"))
            or "/.git/" in path or "/.obsidian/" in path)
