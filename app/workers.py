"""Running core work off the GUI thread: jobs on lanes, yields turned into signals.

A ``Job`` wraps a function. When the function returns a generator, every value it yields becomes a
``yielded`` signal and a stop request is checked between yields (superqt's ``GeneratorWorker``
pattern); a plain function's return value becomes ``returned``. Long callbacks that cannot yield
(the indexer's progress callback) call ``job.report(value)`` instead, and ``job.check_stop()`` to
abort with ``Stopped``.

A ``Lane`` is one thread that runs jobs one after the other, in the order they were submitted:
one lane for indexing, one for the language model (llama.cpp contexts are not thread-safe), one
for small reads. The Job object lives on the GUI thread; the lane thread emits a private signal
that is delivered with a queued connection, so every public signal fires on the GUI thread and
receivers may touch widgets, whatever they are (methods, lambdas).
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal

log = logging.getLogger("lodger.app")


class Stopped(Exception):
    """Raised inside a job (by ``check_stop``) when a stop was requested."""


class Job(QObject):
    """One piece of background work. Create on the GUI thread, submit to a ``Lane``."""

    yielded = Signal(object)  # each value the generator yields, or each ``report``
    returned = Signal(object)  # the function's return value (None for generators)
    errored = Signal(object)  # the exception
    finished = Signal()  # always last, after returned/errored, also after a stop
    _raw = Signal(str, object)  # emitted on the lane thread, delivered on the GUI thread

    def __init__(self, fn: Callable[..., Any], *args: Any, name: str = "", **kwargs: Any) -> None:
        super().__init__()
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.name = name or getattr(fn, "__name__", "job")
        self.stop_event = threading.Event()
        self.done = False
        self.stopped = False
        self._raw.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    # ----- called from any thread ----------------------------------------------------------------

    def request_stop(self) -> None:
        """Ask the job to stop at its next yield (or ``check_stop``)."""
        self.stop_event.set()

    def check_stop(self) -> None:
        """Raise ``Stopped`` if a stop was requested (for callbacks inside long calls)."""
        if self.stop_event.is_set():
            raise Stopped()

    def report(self, value: Any) -> None:
        """Emit ``yielded`` from inside a running job (progress from a callback)."""
        self._raw.emit("yielded", value)

    # ----- called on the lane thread ----------------------------------------------------------

    def run(self) -> None:
        """Run the function to its end, or until stopped. Never raises."""
        try:
            if self.stop_event.is_set():
                raise Stopped()
            result = self.fn(*self.args, **self.kwargs)
            if isinstance(result, types.GeneratorType):
                try:
                    for value in result:
                        if self.stop_event.is_set():
                            raise Stopped()
                        self._raw.emit("yielded", value)
                finally:
                    result.close()  # a stopped generator closes what it streams from
                result = None
            self._raw.emit("returned", result)
        except Stopped:
            self._raw.emit("stopped", None)
        except Exception as exc:  # the job's owner decides what to tell the user
            log.warning("background job %s failed: %s", self.name, exc, exc_info=True)
            self._raw.emit("errored", exc)
        finally:
            self._raw.emit("finished", None)

    # ----- GUI thread ----------------------------------------------------------------------------

    def _deliver(self, kind: str, value: Any) -> None:
        if kind == "yielded":
            self.yielded.emit(value)
        elif kind == "returned":
            self.returned.emit(value)
        elif kind == "errored":
            self.errored.emit(value)
        elif kind == "stopped":
            self.stopped = True
        elif kind == "finished":
            self.done = True
            self.finished.emit()


class Lane(QThread):
    """One worker thread that runs submitted jobs in order."""

    def __init__(self, name: str, nice: int = 0) -> None:
        super().__init__()
        self.setObjectName(name)
        self.nice = nice  # >0: background work yields the CPU to the GUI thread (Linux)
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._current: Job | None = None
        self._jobs: list[Job] = []  # keeps Python references until each job finishes
        self._closed = False

    def submit(self, job: Job) -> Job:
        """Queue ``job``; starts the thread on first use. Returns the job."""
        if self._closed:
            job.stop_event.set()
        self._jobs.append(job)
        job.finished.connect(lambda j=job: self._forget(j))
        if not self.isRunning() and not self._closed:
            self.start()
        self._queue.put(job)
        return job

    def call(self, fn: Callable[..., Any], *args: Any, name: str = "", **kwargs: Any) -> Job:
        """Shortcut: wrap ``fn(*args, **kwargs)`` in a job and submit it."""
        return self.submit(Job(fn, *args, name=name, **kwargs))

    @property
    def busy(self) -> bool:
        return self._current is not None or not self._queue.empty()

    def pending(self) -> int:
        return self._queue.qsize()

    def _forget(self, job: Job) -> None:
        if job in self._jobs:
            self._jobs.remove(job)

    def run(self) -> None:  # the lane thread
        if self.nice and sys.platform.startswith("linux"):
            try:  # Linux: per-thread nice; threads started from here (ONNX's pool) inherit it
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.nice)
            except OSError as exc:
                log.debug("could not lower the priority of %s: %s", self.objectName(), exc)
        while True:
            job = self._queue.get()
            if job is None:
                return
            self._current = job
            try:
                job.run()
            finally:
                self._current = None

    def stop_all(self) -> None:
        """Ask the running job and every queued job to stop (queued ones end at once)."""
        for job in list(self._jobs):
            job.request_stop()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop all jobs, end the thread and wait for it. Returns False if it did not end."""
        self._closed = True
        self.stop_all()
        if not self.isRunning():
            return True
        self._queue.put(None)
        return self.wait(timeout_ms)
