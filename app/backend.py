"""The app's composition root: workspace, answerer, indexing, watcher and their threads.

Everything heavy runs on a lane (see ``app.workers``): the workspace is opened on the indexing
lane after the window is shown (chromadb and the embedder are imported there, not before first
paint), indexing and watcher batches run on that lane one after the other, questions run on the
model lane (the model is loaded on the first question), and small reads for dialogs on a reader
lane. The GUI thread only receives signals. ``shutdown`` stops everything in order: the watcher,
the lanes (waiting for them), the model, the workspace.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from app.errors import describe_error
from app.workers import Job, Lane, Stopped
from engine.llm import ChatModel, ModelError
from indexing.paths import ensure_data_dir, resolve_data_dir
from indexing.settings import Settings

log = logging.getLogger("lodger.app")

ANSWER_PAUSE_MAX_S = 60.0  # indexing never waits longer than this for one answer
ENV_NOW = "LODGER_NOW"  # hidden: answer as if it were this time (screenshots, demos)


class Backend(QObject):
    """Owns the core objects for one data dir and the lanes that use them."""

    workspace_ready = Signal()
    problem = Signal(str)  # a clear message for the window's banner
    index_progress = Signal(int, int, str)  # done, total, current path
    index_busy = Signal(bool)
    index_finished = Signal(object)  # IndexSummary
    settings_changed = Signal()
    _watch_batch = Signal(object)  # from the watcher's thread, delivered on the GUI thread

    def __init__(self, data_dir: str | Path | None, embedder: Any = None, use_llm: bool = True,
                 chat_model: ChatModel | None = None, watch: bool = True,
                 check_index: bool = True) -> None:
        super().__init__()
        self.check_index = check_index  # probe for a damaged index at open (tests skip it)
        self.data_dir = ensure_data_dir(resolve_data_dir(data_dir))
        self.settings = Settings.load(self.data_dir)  # small JSON: fine on the GUI thread
        self.embedder_choice = embedder
        self.use_llm = use_llm
        self.chat_model = chat_model
        self.watch = watch
        self.ws: Any = None  # indexing.workspace.Workspace once open
        self._opened: Any = None  # the same, set on the indexing lane as soon as it is open
        self.answerer: Any = None
        self.ready = threading.Event()
        self.answering = threading.Event()  # set while a question is being answered
        self.open_error: str | None = None
        self.paused = False
        self.watcher: Any = None
        self._held: set[str] = set()  # watcher batches held while paused
        self._index_jobs: list[Job] = []
        self.index_lane = Lane("lodger-index", nice=10)  # background: the window comes first
        self.llm_lane = Lane("lodger-llm")
        self.reader_lane = Lane("lodger-reader")
        self._watch_batch.connect(self._on_watch_batch, Qt.ConnectionType.QueuedConnection)
        self._shut = False

    @property
    def db_path(self) -> Path:
        return self.data_dir / "lodger.db"

    @property
    def indexing(self) -> bool:
        """Whether an indexing job is queued or running."""
        return bool(self._index_jobs)

    # ----- start-up ----------------------------------------------------------------------------

    def start(self) -> Job:
        """Open the workspace in the background; then index the folders and start watching."""
        job = Job(self._open_workspace, name="open workspace")
        job.returned.connect(self._on_open)
        job.errored.connect(self._on_open_failed)
        return self.index_lane.submit(job)

    def _open_workspace(self) -> Any:
        from indexing.workspace import Workspace

        ws = Workspace.open(self.data_dir, self.embedder_choice, check=self.check_index)
        self._opened = ws  # so that shutdown closes it even before _on_open has run
        return ws

    def _on_open(self, ws: Any) -> None:
        self.ws = ws
        # The app's settings win: folders added while the workspace was opening are kept (and
        # indexed just below); ws.settings was read from the file before they were saved.
        ws.settings = self.settings
        self.ready.set()
        self.workspace_ready.emit()
        for notice in getattr(ws, "notices", []):  # what start-up mended (a damaged index)
            self.problem.emit(notice)
        if self.settings.folders:
            self.index_folders(list(self.settings.folders), then_watch=True)

    def _on_open_failed(self, exc: BaseException) -> None:
        self.open_error = describe_error(exc, "opening the index")
        self.ready.set()
        self.problem.emit(self.open_error)

    # ----- questions -----------------------------------------------------------------------------

    def now(self, zone: Any = None) -> datetime:
        """The current time in the user's zone (``$LODGER_NOW`` overrides it)."""
        from engine.session import parse_now

        return parse_now(os.environ.get(ENV_NOW) or None, zone or self.zone())

    def zone(self) -> Any:
        """The zone from the settings, else the system's (GUI thread: may emit ``problem``)."""
        from engine.session import resolve_zone

        try:
            return resolve_zone(self.settings.timezone or None)
        except ValueError as exc:
            self.problem.emit(f"{exc}; using the system time zone.")
            return resolve_zone(None)

    def ask(self, text: str, previous: Any = None) -> Job:
        """Answer ``text`` on the model lane; the job yields what ``Answerer.ask`` yields, and
        ``str`` warnings wrapped as ``Notice``."""
        zone = self.zone()
        now = self.now(zone)
        job = Job(self._ask_job, text, now, previous, zone, name="ask")
        job.kwargs["job"] = job
        return self.llm_lane.submit(job)

    def _ask_job(self, text: str, now: datetime, previous: Any, zone: Any, job: Job) -> Any:
        while not self.ready.wait(0.05):
            job.check_stop()
        if self.ws is None:
            raise RuntimeError(self.open_error or "the index could not be opened")
        answerer = self._answerer(zone, job)
        # The model and the embedder both want every core, and llama.cpp slows down badly when
        # it shares them: indexing waits between files while an answer is being written.
        self.answering.set()
        try:
            yield from answerer.ask(text, now, previous, stop_event=job.stop_event)
        except ModelError as exc:
            answerer.llm = None
            job.report(Notice(describe_error(exc)))
            yield from answerer.ask(text, now, previous, use_llm=False, stop_event=job.stop_event)
        finally:
            self.answering.clear()

    def _answerer(self, zone: Any, job: Job) -> Any:
        """Built on the model lane on first use; the model itself loads when first needed."""
        if self.answerer is None:
            from engine.session import make_answerer

            use = self.use_llm and self.chat_model is None
            answerer, warning = make_answerer(self.ws, zone, use_llm=use,
                                              model_path=self.settings.model_path or None)
            if self.chat_model is not None:
                answerer.llm = self.chat_model
            if warning:
                job.report(Notice(warning))
            self.answerer = answerer
        return self.answerer

    def reset_model(self) -> Job:
        """After model or zone settings change: close the model; the next question rebuilds."""
        def reset() -> None:
            if self.answerer is not None and self.answerer.llm is not None \
                    and self.answerer.llm is not self.chat_model:
                self.answerer.llm.close()
            self.answerer = None
        return self.llm_lane.call(reset, name="reset model")

    # ----- indexing ----------------------------------------------------------------------------

    def index_folders(self, roots: list[str], then_watch: bool = False) -> Job | None:
        """Index ``roots`` (incremental) on the indexing lane."""
        if self.paused or self.ws is None:
            return None
        job = Job(self._index_job, roots, name="index")
        job.kwargs["job"] = job
        self._track(job, then_watch)
        return self.index_lane.submit(job)

    def _index_job(self, roots: list[str], job: Job) -> Any:
        def progress(done: int, total: int, path: str) -> None:
            job.check_stop()
            job.report((done, total, path))
            waited = 0.0
            while self.answering.is_set() and waited < ANSWER_PAUSE_MAX_S:
                job.check_stop()
                time.sleep(0.05)
                waited += 0.05
        bad = [r for r in roots if not os.path.isdir(r) or not os.access(r, os.R_OK | os.X_OK)]
        for r in bad:
            job.report(Notice(f"The folder {r} cannot be read (missing or no permission)."))
        summary = self.ws.indexer().index([r for r in roots if r not in bad], progress=progress)
        # Not a folder the user removed meanwhile (remember() adds unknown roots to settings).
        self.ws.remember([r for r in roots if r in self.settings.folders])
        return summary

    def _index_paths_job(self, paths: list[str], job: Job) -> Any:
        job.report((0, len(paths), paths[0] if paths else ""))
        return self.ws.indexer().index_paths(paths)

    def _track(self, job: Job, then_watch: bool = False) -> None:
        self._index_jobs.append(job)
        self.index_busy.emit(True)
        job.yielded.connect(self._on_index_yield)
        job.returned.connect(self.index_finished.emit)
        job.errored.connect(lambda exc: self.problem.emit(describe_error(exc, "indexing")))
        job.finished.connect(lambda: self._index_done(job, then_watch))

    def _on_index_yield(self, value: Any) -> None:
        if isinstance(value, Notice):
            self.problem.emit(value.text)
        else:
            self.index_progress.emit(*value)

    def _index_done(self, job: Job, then_watch: bool) -> None:
        if job in self._index_jobs:
            self._index_jobs.remove(job)
        if not self._index_jobs:
            self.index_busy.emit(False)
        if then_watch and not job.stopped and not self._shut:
            self.start_watching()

    def forget_folder(self, folder: str) -> Job | None:
        """Drop everything indexed under ``folder`` (on the indexing lane)."""
        if self.ws is None:
            return None
        def forget() -> None:
            prefix = folder.rstrip("/") + "/"
            indexer = self.ws.indexer()
            for path in self.ws.store.all_file_paths():
                if path == folder or path.startswith(prefix):
                    indexer.remove(path)
        return self.index_lane.call(forget, name="forget folder")

    def start_watching(self) -> None:
        """Watch the configured folders; batches go to the indexing lane."""
        if not self.watch or self.watcher is not None or not self.settings.folders:
            return
        from indexing.watcher import FolderWatcher

        folders = [f for f in self.settings.folders if os.path.isdir(f)]
        self.watcher = FolderWatcher(folders, on_batch=self._watch_batch.emit,
                                     rescan=lambda: self._watch_batch.emit(None))
        try:
            self.watcher.start()
        except Exception as exc:  # watching is a convenience; indexing still works
            self.watcher = None
            self.problem.emit(describe_error(exc, "watching your folders"))

    def _on_watch_batch(self, paths: set[str] | None) -> None:
        if self._shut or self.ws is None:
            return
        if self.paused:
            self._held |= paths or set()
            return
        if paths is None:
            self.index_folders(list(self.settings.folders))
            return
        job = Job(self._index_paths_job, sorted(paths), name="index changes")
        job.kwargs["job"] = job
        self._track(job)
        self.index_lane.submit(job)

    def set_paused(self, paused: bool) -> None:
        """Pause: stop the running indexing and hold changes; resume: catch up."""
        self.paused = paused
        if paused:
            for job in self._index_jobs:
                job.request_stop()
        else:
            self._held.clear()  # the full (incremental) run below sees those changes too
            # then_watch: a pause during the first run stopped it before watching began.
            self.index_folders(list(self.settings.folders), then_watch=True)

    # ----- settings and reads --------------------------------------------------------------------

    def save_settings(self, new: Settings) -> None:
        """Store ``new``; re-index added folders, forget removed ones, reload the model if needed."""
        old = self.settings
        added = [f for f in new.folders if f not in old.folders]
        removed = [f for f in old.folders if f not in new.folders]
        model_changed = (new.model_path, new.n_threads, new.n_ctx, new.n_gpu_layers,
                         new.timezone, new.user_addresses) != (
            old.model_path, old.n_threads, old.n_ctx, old.n_gpu_layers, old.timezone,
            old.user_addresses)
        try:
            new.save(self.data_dir)
        except OSError as exc:
            self.problem.emit(describe_error(exc, "saving the settings"))
            return
        self.settings = new
        if self.ws is not None:
            self.ws.settings = new
        for f in removed:
            self.forget_folder(f)
        if added:
            self.index_folders(added, then_watch=True)
        if added or removed:
            self._restart_watcher()
        if model_changed:
            self.reset_model()
        self.settings_changed.emit()

    def _restart_watcher(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        if self.ws is not None and not self._index_jobs:
            self.start_watching()

    def read(self, fn: Any, *args: Any) -> Job:
        """Run a small read (``fn(*args)``) on the reader lane."""
        return self.reader_lane.call(fn, *args, name=getattr(fn, "__name__", "read"))

    # ----- shutdown ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop the watcher, stop and wait for the lanes, close the model and the workspace."""
        if self._shut:
            return
        self._shut = True
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        for lane in (self.index_lane, self.llm_lane, self.reader_lane):
            if not lane.shutdown(15_000):
                log.warning("%s did not stop in time", lane.objectName())
        if self.answerer is not None and self.answerer.llm is not None:
            try:
                self.answerer.llm.close()
            except Exception:  # closing must not prevent the rest of the shutdown
                log.warning("closing the model failed", exc_info=True)
        ws = self.ws or self._opened
        self.ws = self._opened = None
        if ws is not None:
            ws.close()


class Notice:
    """A message for the user from inside a job (not part of the answer)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Notice({self.text!r})"


__all__ = ["Backend", "Notice", "Stopped", "ENV_NOW"]
