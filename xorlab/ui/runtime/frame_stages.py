"""Draws one delivery of the worker's snapshot in several turns of the event loop.

A snapshot reaches a dozen views (the curves, the decision map, the truth table, the status
bar, the diagram). Drawn in one event, the frame (12-18 ms of GUI-thread CPU for the spiral)
is one stall of the event loop: a timer, a key press or a paint of the window waits for all
of it, so the window's lag p99 was about one frame. Here each view's slot runs as a stage of
its own, and the repaint it asked for is painted right after it (Qt paints only the dirty
region, that view's), so other events get their turn between views.

The outbox delivers the next batch only once every stage of this one has run
(``busy``/``drained``): the views see the snapshots, run resets and state changes in the
order the worker posted them, and the merging of snapshots the GUI has not taken yet stays
the outbox's one job. Stages run in turns of at most ``TURN_BUDGET`` seconds: small stages
share a turn, a large one has a turn of its own.

Only while the outbox delivers (``active``) are calls staged; a signal emitted at any other
time (a replay step, a test calling a view) reaches the view at once, as a plain
connection would, after the rest of a frame still pending (so an older snapshot cannot land
after it). Between a frame's first view and its last (~15-25 ms) the views show two
consecutive snapshots: the newer one reaches each view a turn or a few later.

``busy_seconds`` is the time the stages' turns took (not the turns of other events between
them), which paces the worker's snapshots (outbox.py, app/pacing.py).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, SignalInstance

TURN_BUDGET = 0.002  # seconds of stages in one turn of the event loop: small ones share it


class _Relay(QObject):
    """Receives a staged connection's signal; a child of the receiving view, so Qt cuts the
    connection when the view is deleted, and a call still queued for it is dropped."""

    def __init__(self, stages: FrameStages, slot: Callable[..., Any], parent: QObject | None):
        super().__init__(parent)
        self._stages = stages
        self._slot = slot

    def relay(self, *args: Any) -> None:
        self._stages.call(self, self._slot, args)


class FrameStages(QObject):
    """The queue of view updates of the frame being drawn; lives on the GUI thread."""

    drained = Signal()  # every staged call has run

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.active = False  # the outbox is delivering: calls are staged
        self.turn_budget = TURN_BUDGET
        self.busy_seconds = 0.0  # time the stages' turns took since the outbox last read it
        self._queue: deque[tuple[QObject, Callable[..., Any], tuple[Any, ...]]] = deque()
        self._running = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run_turn)

    def connect(self, signal: SignalInstance, slot: Callable[..., Any]) -> None:
        """Connect ``signal`` to ``slot`` (a bound method of a QObject), staged while the
        outbox delivers."""
        owner = getattr(slot, "__self__", None)
        relay = _Relay(self, slot, owner if isinstance(owner, QObject) else self)
        signal.connect(relay.relay)

    def busy(self) -> bool:
        """Staged calls are waiting for their turn."""
        return bool(self._queue)

    def call(self, relay: QObject, slot: Callable[..., Any], args: tuple[Any, ...]) -> None:
        if self.active or self._running:
            self._queue.append((relay, slot, args))
            if not self._running:
                self._timer.start()
            return
        if self._queue:
            # A call from elsewhere (the learner replays a moment) while a frame is still
            # being drawn: finish the frame first, so the older snapshot cannot land after it.
            self._run(None)
        slot(*args)

    @property
    def running(self) -> bool:
        """A turn of stages is under way (the outbox must not deliver inside it)."""
        return self._running

    def _run_turn(self) -> None:
        self._run(self.turn_budget)

    def _run(self, budget: float | None) -> None:
        """Run staged calls for ``budget`` seconds (None: all of them)."""
        start = time.perf_counter()
        self._running = True
        try:
            while self._queue:
                relay, slot, args = self._queue.popleft()
                if shiboken6.isValid(relay):
                    slot(*args)
                    # Paint what this view changed now, in its own turn (posted scene
                    # updates, then the window's update request).
                    QCoreApplication.sendPostedEvents()
                if budget is not None and time.perf_counter() - start >= budget:
                    break
        finally:
            # Even when a view raised: the rest of the frame, and the outbox, go on.
            self._running = False
            self.busy_seconds += time.perf_counter() - start
            if self._queue:
                self._timer.start()
            else:
                self.drained.emit()


def connect_staged(source: QObject, signal: SignalInstance, slot: Callable[..., Any]) -> None:
    """Connect ``signal`` to ``slot`` through ``source``'s stages (a TrainingWorker's), or
    plainly when ``source`` has none (a stand-in worker in a test)."""
    stages = getattr(source, "stages", None)
    if isinstance(stages, FrameStages):
        stages.connect(signal, slot)
    else:
        signal.connect(slot)
