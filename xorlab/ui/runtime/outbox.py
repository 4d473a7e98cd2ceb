"""Carries the training worker's notifications to the GUI thread in order, merging snapshots.

A GUI that falls behind (a modal dialog, a window being dragged, a slow redraw) must not
receive a backlog of stale snapshots. The worker posts here from its own thread; while the
GUI has not yet drained the previous delivery, consecutive snapshots are merged into one that
carries every cost point since the last delivered snapshot (merge, don't queue). Everything
else is delivered exactly once and in the order it was posted, so a view never sees a
snapshot of one run after the reset that began the next.

``caught_up(n)`` tells the worker that the GUI has delivered and drawn everything up to the
n-th post: a worker
whose training loop holds the GIL waits for it after each snapshot, because computing on
while the GUI draws would starve the GUI's Python (slots, paint, timers). The number matters:
a caught_up queued before the worker's latest post must not release a wait for that post,
or the next snapshot could merge into it.

The views connected through ``stages`` (frame_stages.py) draw a delivery in several turns
of the event loop; the next batch waits until they are done. ``frame_seconds`` is the time
the GUI thread spends delivering and drawing a batch: the delivery and its stages' turns,
not the turns of other events between them. The worker spaces its snapshots by it. Wall
time, not the thread's CPU: on a machine busy with other work the GUI thread also waits for
a core, and pacing by its CPU alone kept it drawing all the time there (lag p50 3-5 ms
instead of 0.2) and took the core from the training loop (steps/s ratio 0.3 instead of 0.5,
load 3.6).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal, Slot

from xorlab.ui.runtime.frame_stages import FrameStages

if TYPE_CHECKING:
    from xorlab.core.training.trainer import TrainingSnapshot


FRAME_KINDS = ("snapshot", "progress")  # what a batch of training's own frames holds
MAX_FRAME_SECONDS = 0.25  # one slow frame (a modal dialog opening) must not throttle for long


def merge_snapshots(older: TrainingSnapshot, newer: TrainingSnapshot) -> TrainingSnapshot:
    """``newer`` carrying the cost points (training and test) and progress lines of both;
    the latest maps either had."""
    return replace(
        newer,
        history_steps=np.concatenate([older.history_steps, newer.history_steps]),
        history_costs=np.concatenate([older.history_costs, newer.history_costs]),
        grid_outputs=newer.grid_outputs if newer.grid_outputs is not None else older.grid_outputs,
        # Likewise the test points and the progress lines: each is sent once.
        test_steps=np.concatenate([older.test_steps, newer.test_steps]),
        test_costs=np.concatenate([older.test_costs, newer.test_costs]),
        test_accuracy=np.concatenate([older.test_accuracy, newer.test_accuracy]),
        log_lines=older.log_lines + newer.log_lines,
        plane=newer.plane if newer.plane is not None else older.plane,
    )


class Outbox(QObject):
    """Lives on the GUI thread; ``post`` may be called from any thread.

    Each posted item is ``(kind, args)``; ``deliver(kind, args)`` runs on the GUI thread.
    A "snapshot" item's args are ``(snapshot, progress)`` and merge with a snapshot item
    posted right before it; a "progress" item replaces a progress item right before it.
    """

    _posted = Signal()
    caught_up = Signal("qint64")  # the posts up to this number are delivered and drawn

    def __init__(self, deliver: Callable[[str, tuple[Any, ...]], None]):
        super().__init__()
        self._deliver = deliver
        self._lock = threading.Lock()
        self._items: list[tuple[str, tuple[Any, ...]]] = []
        self._undelivered = 0  # posted, and the GUI not idle since (merged items count once)
        self._delivered = 0  # delivered, waiting for the idle timer to count them off
        self._posts = 0  # post() calls so far
        self._taken = 0  # the posts the GUI has taken so far
        self._frame_busy: float | None = None  # this frame's time so far; NaN: not timed
        self._flushing = False
        self.frame_seconds = 0.0  # smoothed deliver-and-draw time; read from any thread
        self.stages = FrameStages(self)
        self.stages.drained.connect(self._on_stages_drained)
        self._posted.connect(self._on_posted, Qt.ConnectionType.QueuedConnection)
        # Qt runs timers only once the posted events (the repaints the views asked for)
        # are done: a zero timer fires when the GUI has drawn what it was given.
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(0)
        self._idle_timer.timeout.connect(self._on_idle)
        self._deferred_timer = QTimer(self)
        self._deferred_timer.setSingleShot(True)
        self._deferred_timer.setInterval(0)
        self._deferred_timer.timeout.connect(self._on_posted)

    def post(self, kind: str, *args: Any) -> int:
        """Queue an item for the GUI thread; returns its number, for ``caught_up``."""
        with self._lock:
            self._posts += 1
            number = self._posts
            was_empty = not self._items
            last_kind = self._items[-1][0] if self._items else None
            if kind == "snapshot" and last_kind == "snapshot":
                older, _ = self._items[-1][1]
                snapshot, progress = args
                self._items[-1] = (kind, (merge_snapshots(older, snapshot), progress))
            elif kind == "progress" and last_kind == "progress":
                self._items[-1] = (kind, args)
            else:
                self._items.append((kind, args))
                self._undelivered += 1
        if was_empty:
            self._posted.emit()
        return number

    def pending(self) -> int:
        """Items waiting for the GUI thread to take them."""
        with self._lock:
            return len(self._items)

    def undelivered(self) -> int:
        """Items posted that the GUI has not yet delivered and drawn."""
        with self._lock:
            return self._undelivered

    @Slot()
    def _on_posted(self) -> None:
        if self._flushing:
            # Posted while the views draw (see _flush): deliver on a later turn of the event
            # loop, so every delivery stays its own event, as without the flush.
            self._deferred_timer.start()
            return
        if self.stages.busy() or self.stages.running:
            return  # the last batch is still being drawn; _on_stages_drained comes back
        start = time.perf_counter()
        with self._lock:
            items, self._items = self._items, []
            self._taken = self._posts
        # Only training's own frames are timed: a batch with a new run or a state change
        # redoes layouts and would throttle the snapshots that follow for no reason.
        if any(kind not in FRAME_KINDS for kind, _ in items):
            self._frame_busy = math.nan
        elif self._frame_busy is None:
            self._frame_busy = 0.0
        self.stages.active = True
        delivered = 0
        try:
            for kind, args in items:
                delivered += 1
                self._deliver(kind, args)
                if self.stages.busy():
                    # What follows a staged frame (a state change, the next run) waits for
                    # its views to draw it: everyone sees the items in the order posted.
                    break
            if not self._flushing:
                self._flush()
        finally:
            self.stages.active = False
            rest = items[delivered:]
            if rest:
                with self._lock:
                    self._items[:0] = rest
            self._delivered += delivered
            if self._frame_busy is not None:
                self._frame_busy += time.perf_counter() - start
            if not self.stages.busy():
                self._idle_timer.start()

    @Slot()
    def _on_stages_drained(self) -> None:
        self._idle_timer.start()
        with self._lock:
            waiting = bool(self._items)
        if waiting:  # posted while the stages drew: the next batch, on a later turn
            self._deferred_timer.start()

    def _flush(self) -> None:
        """Let the views redraw now, inside this slot, so "caught up" follows the drawing.

        A plot's redraw is a chain of posted events (the scene's dirty items, then the
        window's update request, then pyqtgraph's second pass after re-ranging); a timer
        can fire between them, so the worker would resume while the GUI still paints and,
        with a loop holding the GIL, every painted item would wait for a chunk to end.
        """
        self._flushing = True
        try:
            QCoreApplication.sendPostedEvents()
        finally:
            self._flushing = False

    @Slot()
    def _on_idle(self) -> None:
        if self.stages.busy() or self.stages.running:
            return  # a later batch is being drawn: its drained signal starts this again
        stage_seconds, self.stages.busy_seconds = self.stages.busy_seconds, 0.0
        if self._frame_busy is not None:
            seconds = min(self._frame_busy + stage_seconds, MAX_FRAME_SECONDS)
            if seconds == seconds:  # not NaN: a frame of snapshots only
                old = self.frame_seconds
                self.frame_seconds = seconds if old == 0 else 0.7 * old + 0.3 * seconds
            self._frame_busy = None
        with self._lock:
            self._undelivered -= self._delivered
            caught_up = self._undelivered == 0
            taken = self._taken
        self._delivered = 0
        if caught_up:
            self.caught_up.emit(taken)
