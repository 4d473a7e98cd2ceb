"""Time travel: the snapshots of a run kept on a log-spaced timeline, and which one the views
show — the latest (live) or one the learner picked from the past.

Views that show the network's state at one moment (decision map, truth table, network
diagram, weights) connect their ``on_snapshot`` to ``snapshot_shown`` instead of the worker's
``snapshot_ready``: while live it forwards every snapshot; while replaying it sends the stored
one and holds back the live ones, and going back to live sends the latest again. Views that
draw a history (the cost and outputs curves) stay on the worker's signal and mark the replayed
epoch from ``replay_changed``.

The newest and the replayed snapshot are the lab state's (``LabState.latest`` and
``replayed``; this controller is their one writer), so any view can read what is shown.

Snapshots are stored as they arrive (immutable copies; see TrainingSnapshot) without their
cost points, which the cost plot already holds, so a run's timeline costs at most
``capacity`` x (weights + outputs + 64 x 64 grid) ~ 8 MB. A new run clears it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from xorlab.app.lab_state import LabState
from xorlab.core.training.datasets import Dataset, PlaneGrid
from xorlab.core.training.timeline import DEFAULT_CAPACITY, Timeline
from xorlab.ui.runtime.worker import TrainingWorker

if TYPE_CHECKING:
    from xorlab.core.training.trainer import TrainingSnapshot

# A replay from the first stored snapshot to the last takes about this long, whatever the
# number stored; the frame rate stays within these bounds.
REPLAY_SECONDS = 8.0
MIN_FRAME_MS, MAX_FRAME_MS = 25, 250

_NO_STEPS = np.empty(0, dtype=np.int64)
_NO_COSTS = np.empty(0, dtype=np.float64)
_NO_STEPS.flags.writeable = False
_NO_COSTS.flags.writeable = False


def snapshot_bytes(snapshot: TrainingSnapshot) -> int:
    """Memory held by a snapshot's arrays."""
    arrays = [*snapshot.weights, *snapshot.optimizer_state, snapshot.outputs]
    arrays += [snapshot.history_steps, snapshot.history_costs]
    if snapshot.grid_outputs is not None:
        arrays.append(snapshot.grid_outputs)
    if snapshot.test_outputs is not None:
        arrays.append(snapshot.test_outputs)
    return sum(np.asarray(a).nbytes for a in arrays)


class ReplayController(QObject):
    """Stores a run's snapshots and decides which one the state views show."""

    snapshot_shown = Signal(object)  # TrainingSnapshot the state views should show now
    replay_changed = Signal(object)  # the replayed TrainingSnapshot, or None: back to live
    timeline_changed = Signal()  # snapshots were stored, or the timeline was cleared
    playing_changed = Signal(bool)

    def __init__(
        self,
        worker: TrainingWorker | None = None,
        capacity: int = DEFAULT_CAPACITY,
        parent: QObject | None = None,
        state: LabState | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("replay")
        # Holds the newest (stored or not) and the replayed snapshot; a state of its own
        # when used alone.
        self.state = state if state is not None else LabState()
        self.timeline = Timeline(capacity)
        self._needs_grid = False  # 2-input runs: store only snapshots carrying the map
        self._play_timer = QTimer(self)
        self._play_timer.timeout.connect(self._on_play_tick)
        if worker is not None:
            worker.run_reset.connect(self.on_run_reset)
            worker.snapshot_ready.connect(self.on_snapshot)

    # --- state ---------------------------------------------------------------------------

    @property
    def latest(self) -> TrainingSnapshot | None:
        """The newest snapshot of the run, stored or not."""
        return self.state.latest

    @property
    def replayed(self) -> TrainingSnapshot | None:
        """The stored snapshot shown instead of the newest; None while live."""
        return self.state.replayed

    @property
    def is_replaying(self) -> bool:
        return self.replayed is not None

    @property
    def is_playing(self) -> bool:
        return self._play_timer.isActive()

    @property
    def shown(self) -> TrainingSnapshot | None:
        """The snapshot the state views show now."""
        return self.state.shown

    def shown_index(self) -> int:
        """The timeline position of the shown snapshot (the last one while live); -1 when
        nothing is stored. A replayed snapshot the timeline has since thinned out maps to
        the stored one nearest its epoch."""
        n = len(self.timeline)
        if n == 0:
            return -1
        if self.replayed is None:
            return n - 1
        for i in range(n):
            if self.timeline[i] is self.replayed:
                return i
        nearest = self.timeline.nearest(self.replayed.epoch)
        return next(i for i in range(n) if self.timeline[i] is nearest)

    def stored_bytes(self) -> int:
        return sum(snapshot_bytes(self.timeline[i]) for i in range(len(self.timeline)))

    # --- from the worker ---------------------------------------------------------------------

    @Slot(object, object)
    def on_run_reset(self, dataset: Dataset, grid: PlaneGrid | None) -> None:
        """A new run (new network, Reset, Train again): forget the old one and go live."""
        self.stop_playing()
        self._needs_grid = grid is not None
        self.timeline.clear()
        was_replaying = self.replayed is not None
        self.state.new_run()
        if was_replaying:
            self.replay_changed.emit(None)
        self.timeline_changed.emit()

    @Slot(object)
    def on_snapshot(self, snapshot: TrainingSnapshot) -> None:
        self.state.add_snapshot(snapshot)
        if snapshot.grid_outputs is not None or not self._needs_grid:
            # Stored without the neuron maps (~350 KB a spiral snapshot): a replayed epoch's
            # come from the diagram's job, for that epoch's weights.
            plane = snapshot.plane
            if plane is not None and plane.neurons is not None:
                plane = replace(plane, neurons=None, neuron_images=None)
            stored = replace(
                snapshot, history_steps=_NO_STEPS, history_costs=_NO_COSTS, plane=plane
            )
            self.timeline.add(stored)
            self.timeline_changed.emit()
        if self.replayed is None:
            self.snapshot_shown.emit(snapshot)

    # --- commands -------------------------------------------------------------------------

    def show_index(self, index: int) -> None:
        """Replay the stored snapshot at ``index``; the last position means live."""
        n = len(self.timeline)
        if n == 0:
            return
        if index >= n - 1:
            self.go_live()
            return
        snapshot = self.timeline[max(0, index)]
        if snapshot is self.replayed:
            return
        self.state.replayed = snapshot
        self.snapshot_shown.emit(snapshot)
        self.replay_changed.emit(snapshot)

    def show_epoch(self, epoch: int) -> TrainingSnapshot | None:
        """Replay the stored snapshot nearest ``epoch``; returns it (None when none)."""
        if len(self.timeline) == 0:
            return None
        target = self.timeline.nearest(epoch)
        index = next(i for i in range(len(self.timeline)) if self.timeline[i] is target)
        if index == len(self.timeline) - 1 and target is not self.latest:
            # The newest stored one is not the live one (2-input runs store only snapshots
            # with a map): replay it rather than jump to live.
            self.state.replayed = target
            self.snapshot_shown.emit(target)
            self.replay_changed.emit(target)
            return target
        self.show_index(index)
        return target

    def go_live(self) -> None:
        """Show the latest snapshot again and follow training."""
        self.stop_playing()
        if self.replayed is None:
            return
        self.state.replayed = None
        if len(self.timeline) and self.timeline[-1] is not self.latest:
            # The latest may carry no decision map: show the newest one that does first.
            self.snapshot_shown.emit(self.timeline[-1])
        if self.latest is not None:
            self.snapshot_shown.emit(self.latest)
        self.replay_changed.emit(None)

    def play(self) -> None:
        """Replay the run from the shown snapshot (from the start when live) to the end."""
        n = len(self.timeline)
        if n < 2:
            return
        if self.replayed is None:
            self.show_index(0)
        frame_ms = int(REPLAY_SECONDS * 1000 / n)
        self._play_timer.start(min(max(frame_ms, MIN_FRAME_MS), MAX_FRAME_MS))
        self.playing_changed.emit(True)

    def stop_playing(self) -> None:
        if self._play_timer.isActive():
            self._play_timer.stop()
            self.playing_changed.emit(False)

    def toggle_playing(self) -> None:
        if self.is_playing:
            self.stop_playing()
        else:
            self.play()

    @Slot()
    def _on_play_tick(self) -> None:
        if self.replayed is None:  # went live meanwhile
            self.stop_playing()
            return
        self.show_index(self.shown_index() + 1)
        if self.replayed is None:  # reached the end: live again
            self.stop_playing()
