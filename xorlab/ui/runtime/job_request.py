"""One job a view keeps asking the training worker for, with its own completion signals.

A view that shows something computed on the worker thread (a trace, live node values, neuron
maps, graphs) asks again whenever its inputs change, often faster than the answers come.
``JobRequest`` keeps that pump in one place, in the manner of Orange's tasks: the view calls
``ask()``; one request is out at a time, and asking while it runs merges (merge-don't-queue:
the newest inputs are read when the answer arrives and the next request goes, so a burst of
asks costs one more job, not a queue). An optional minimum interval between sends keeps a
view that follows training at a few refreshes a second; the clock is injectable so tests need
no wall-clock waits. The view hears ``finished(result)`` or ``failed(message)``, never the
worker's broadcast of every job.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot


class JobRequest(QObject):
    """Sends with ``send()`` (which returns False when there is nothing to send now: the ask
    is dropped) once ``ready()`` holds (until then the ask is kept for the next ``pump()``).
    The answer comes to ``answer()`` or ``fail()``: from the worker's trainer jobs of one
    kind with ``answered_by(worker, kind)``, or from whatever else the send asked."""

    finished = Signal(object)  # the job's result
    failed = Signal(str)  # why the job could not run

    def __init__(
        self,
        send: Callable[[], bool],
        *,
        ready: Callable[[], bool] = lambda: True,
        min_interval_s: float = 0.0,
        clock: Callable[[], float] = time.perf_counter,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._send = send
        self._ready = ready
        self.min_interval_s = min_interval_s
        self.clock = clock
        self.pending = False  # a request is out and not yet answered
        self.wanted = False  # asked for since the last send
        self._last_sent = -math.inf
        self.timer = QTimer(self)  # waits out the minimum interval
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.pump)

    def ask(self) -> None:
        """The inputs changed: send a request now, or as soon as the one out is answered."""
        self.wanted = True
        self.pump()

    def ask_now(self) -> None:
        """Like ``ask``, skipping the minimum interval (a click is answered at once)."""
        self._last_sent = -math.inf
        self.ask()

    def forget(self) -> None:
        """Stop waiting for the request out (the trainer it went to is gone: a new one
        answers afresh)."""
        self.pending = False

    def busy(self) -> bool:
        """A request is out, or asked for and sendable."""
        return self.pending or (self.wanted and self._ready())

    @Slot()
    def pump(self) -> None:
        """Send if asked for, none is out, the view is ready and the interval has passed."""
        if not self.wanted or self.pending or not self._ready():
            return
        wait = self._last_sent + self.min_interval_s - self.clock()
        if wait > 0:
            if not self.timer.isActive():
                self.timer.start(int(wait * 1000) + 1)
            return
        self.wanted = False
        if self._send():
            self.pending = True
            self._last_sent = self.clock()

    kind = ""  # the worker's job kind this request answers to (see answered_by)

    def answered_by(self, worker: QObject, kind: str) -> JobRequest:
        """Take the answers from ``worker``'s trainer jobs of ``kind`` (its job_done and
        job_failed); returns self."""
        self.kind = kind
        # Bound slots, not lambdas: Qt drops the connections when the request dies.
        worker.job_done.connect(self.on_job_done)
        worker.job_failed.connect(self.on_job_failed)
        return self

    @Slot(str, object)
    def on_job_done(self, kind: str, result: object) -> None:
        if kind == self.kind:
            self.answer(result)

    @Slot(str, str)
    def on_job_failed(self, kind: str, message: str) -> None:
        if kind == self.kind:
            self.fail(message)

    def answer(self, result: object) -> None:
        self.pending = False
        self.finished.emit(result)
        self.pump()

    def fail(self, message: str) -> None:
        self.pending = False
        self.failed.emit(message)
        self.pump()
