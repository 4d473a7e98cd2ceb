"""A small background job runner: one QThread that runs plain Python callables for the views
(expression compiles, DOT -> SVG renders) so the GUI thread only draws.

Merge, don't queue (glue's pattern): jobs have a ``kind``; a new job replaces a pending job of
the same kind, and the result of a job that a newer one of its kind has superseded is
dropped, so typing ten characters fast costs one compile, not ten. Results and errors arrive
by signal on the GUI thread. ``shutdown`` (from a closeEvent) stops the thread and waits for
the job in progress, which cannot be interrupted.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from xorlab.core.first_imports import import_pytensor
from xorlab.ui.runtime.thread_handle import ThreadHandle

log = logging.getLogger(__name__)

# Every runner thread started, so tests can fail when one is left running.
_started_threads: list[QThread] = []


def running_background_threads() -> list[QThread]:
    """Runner threads that are still running (finished ones are forgotten)."""
    _started_threads[:] = [t for t in _started_threads if t.isRunning()]
    return list(_started_threads)


def leaked_background_threads(grace_ms: int = 30_000) -> list[QThread]:
    """Runner threads nobody asked to stop. Threads that were asked and are finishing their
    last job are waited for (up to ``grace_ms``) rather than counted: for the test guard."""
    leaked = []
    for thread in running_background_threads():
        if isinstance(thread, _JobThread) and thread.stopping:
            thread.wait(grace_ms)
        if thread.isRunning():
            leaked.append(thread)
    return leaked


class _Job:
    __slots__ = ("kind", "ticket", "fn", "args")

    def __init__(self, kind: str, ticket: int, fn: Callable[..., Any], args: tuple[Any, ...]):
        self.kind, self.ticket, self.fn, self.args = kind, ticket, fn, args


class _JobThread(QThread):
    """Runs pending jobs one at a time, oldest kind first, until asked to stop."""

    job_done = Signal(str, int, bool, object)  # kind, ticket, succeeded, result or exception

    def __init__(self, name: str, imports_pytensor: bool):
        super().__init__()
        self.setObjectName(name)
        self._imports_pytensor = imports_pytensor
        self._condition = threading.Condition()
        self._pending: dict[str, _Job] = {}  # insertion order = order of first request
        self._running_kind: str | None = None
        self._stopping = False

    def put(self, job: _Job) -> None:
        with self._condition:
            self._pending.pop(job.kind, None)  # a replaced job loses its place in line
            self._pending[job.kind] = job
            self._condition.notify()

    def discard(self, kind: str) -> None:
        with self._condition:
            self._pending.pop(kind, None)

    def busy(self, kind: str | None) -> bool:
        with self._condition:
            if kind is None:
                return bool(self._pending) or self._running_kind is not None
            return kind in self._pending or self._running_kind == kind

    @property
    def stopping(self) -> bool:
        with self._condition:
            return self._stopping

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._pending.clear()
            self._condition.notify()

    def run(self) -> None:
        while True:
            with self._condition:
                while not self._pending and not self._stopping:
                    self._condition.wait()
                if self._stopping:
                    return
                kind = next(iter(self._pending))
                job = self._pending.pop(kind)
                self._running_kind = kind
            try:
                if self._imports_pytensor:
                    import_pytensor()  # before the job's own imports: see core.first_imports
                result, ok = job.fn(*job.args), True
            except Exception as exc:  # reported to the view, which shows it in words
                result, ok = exc, False
            with self._condition:
                self._running_kind = None
            self.job_done.emit(job.kind, job.ticket, ok, result)


class BackgroundRunner(QObject, ThreadHandle):
    """Runs jobs on a private thread; ``job_finished``/``job_failed`` arrive on the GUI thread.

    ``submit(kind, fn, *args)`` calls ``fn(*args)`` on the thread. ``fn`` must not touch
    widgets; it may raise, and the exception is delivered by ``job_failed``.
    """

    job_finished = Signal(str, object)  # kind, result
    job_failed = Signal(str, object)  # kind, exception
    finished = Signal()  # the thread has stopped after a shutdown

    def __init__(
        self,
        name: str = "xorlab-background",
        parent: QObject | None = None,
        imports_pytensor: bool = True,
    ):
        """``imports_pytensor=False`` for a runner whose jobs never need PyTensor."""
        super().__init__(parent)
        self._name = name
        self._latest: dict[str, int] = {}
        self._tickets = 0
        self._closed = False
        # No parent: a QThread deleted with its owner while running aborts the process.
        self._thread = _JobThread(name, imports_pytensor)
        self._thread.job_done.connect(self._on_job_done, Qt.ConnectionType.QueuedConnection)
        self._thread.finished.connect(self.finished)

    def submit(self, kind: str, fn: Callable[..., Any], *args: Any) -> int:
        """Queue ``fn(*args)``, replacing a pending job of ``kind``; returns the job's ticket
        (0 after shutdown, when nothing runs any more)."""
        if self._closed:
            return 0
        self._tickets += 1
        self._latest[kind] = self._tickets
        self._thread.put(_Job(kind, self._tickets, fn, args))
        if not self._thread.isRunning():
            _started_threads.append(self._thread)
            self._thread.start()
        return self._tickets

    def cancel(self, kind: str) -> None:
        """Forget the pending job of ``kind``; a running one finishes but is not reported."""
        self._thread.discard(kind)
        self._latest.pop(kind, None)

    def is_busy(self, kind: str | None = None) -> bool:
        """A job (of ``kind``) is pending or running, or its result is yet to be delivered."""
        if kind is None:
            return bool(self._latest)
        return kind in self._latest

    def request_shutdown(self) -> None:
        """Drop pending jobs and let the thread end after the job in progress; returns at
        once. Later submits are ignored."""
        self._closed = True
        self._latest.clear()
        self._thread.stop()

    @Slot(str, int, bool, object)
    def _on_job_done(self, kind: str, ticket: int, ok: bool, result: object) -> None:
        if self._latest.get(kind) != ticket:
            return  # superseded by a newer job of the same kind, or cancelled
        del self._latest[kind]
        if ok:
            self.job_finished.emit(kind, result)
        else:
            if not isinstance(result, ValueError | RuntimeError):
                log.warning("background job %r failed", kind, exc_info=result)
            self.job_failed.emit(kind, result)
