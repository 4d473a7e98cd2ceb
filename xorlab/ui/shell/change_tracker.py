"""Whether the experiment on screen differs from the one last saved, opened or started.

"Modified" is a comparison, not a sticky flag: the spec in force against the saved spec, and
the latest snapshot's step and weights against the saved ones. Editing a field and editing it
back, or resetting an untrained run, is therefore not a change worth a prompt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from xorlab.core.training.spec import ExperimentSpec
from xorlab.core.training.trainer import TrainingSnapshot


@dataclass(frozen=True, eq=False)
class Baseline:
    """What was saved: a spec, a step, and the weights at that step (None: the initial draw,
    which the spec's seed determines)."""

    spec: ExperimentSpec
    step: int = 0
    weights: tuple[np.ndarray, ...] | None = None


class ChangeTracker(QObject):
    modified_changed = Signal(bool)

    def __init__(self, baseline: Baseline, parent: QObject | None = None):
        super().__init__(parent)
        self.baseline = baseline
        self._spec = baseline.spec
        self._snapshot: TrainingSnapshot | None = None
        self._modified = False
        # After a new baseline, snapshots of the run it replaced may still be on their way;
        # they are ignored until the worker announces the new run.
        self._waiting_for_new_run = False

    @property
    def modified(self) -> bool:
        return self._modified

    def set_baseline(self, baseline: Baseline, *, new_run: bool = False) -> None:
        self.baseline = baseline
        self._spec = baseline.spec
        if new_run:
            self._snapshot = None
            self._waiting_for_new_run = True
        self._update()

    def on_spec(self, spec: ExperimentSpec) -> None:
        self._spec = spec
        self._update()

    def on_run_reset(self, *_args: object) -> None:
        self._waiting_for_new_run = False
        self._snapshot = None
        self._update()

    def on_snapshot(self, snapshot: TrainingSnapshot) -> None:
        if self._waiting_for_new_run:
            return
        self._snapshot = snapshot
        self._update()

    def _differs(self) -> bool:
        base = self.baseline
        if self._spec != base.spec:
            return True
        snapshot = self._snapshot
        if snapshot is None:
            return False
        if snapshot.step != base.step:
            return True
        if base.weights is None:
            return False
        return len(base.weights) != len(snapshot.weights) or not all(
            np.array_equal(a, b) for a, b in zip(base.weights, snapshot.weights, strict=False)
        )

    def _update(self) -> None:
        modified = self._differs()
        if modified != self._modified:
            self._modified = modified
            self.modified_changed.emit(modified)
