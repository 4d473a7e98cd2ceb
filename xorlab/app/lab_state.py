"""The lab's state, in one Qt-free object the views bind to (glue's viewer state, napari's
``ViewerModel``): the experiment spec, the run's state, the newest and the replayed snapshot,
the selection, and the saved baseline with whether the experiment differs from it.

Each piece has one writer and any number of readers:

- ``spec`` / ``spec_valid``: the builder (it validates; the spec is always the last valid one);
- ``run_state``: the window's router, from the worker's reports;
- ``run``, ``latest``: the replay controller, from the worker's run resets and snapshots
  (``new_run()``, ``add_snapshot()``);
- ``replayed``: the replay controller (time travel; None while live);
- ``selection``: whichever linked view the learner clicked (diagram, Graph tab);
- ``baseline``: the file actions (``set_baseline()`` on new, open, save); ``modified``
  follows from it.

Views read a field, and ``add_callback(field, fn)`` to redraw when it changes (see
``xorlab.app.evented``). Settings are declared once elsewhere (``xorlab.app.settings``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from xorlab.app.evented import Evented, StateField
from xorlab.app.run_state import RunState
from xorlab.app.selection import NOTHING, SelectionRef
from xorlab.core.training.presets import PRESETS
from xorlab.core.training.spec import ExperimentSpec

if TYPE_CHECKING:  # the state only holds snapshots: no need to import PyTensor for it
    from xorlab.core.training.trainer import TrainingSnapshot


@dataclass(frozen=True, eq=False)
class Baseline:
    """What was saved (or opened, or started from): a spec, a step, and the weights at that
    step (None: the initial draw, which the spec's seed determines)."""

    spec: ExperimentSpec
    step: int = 0
    weights: tuple[np.ndarray, ...] | None = None


class LabState(Evented):
    """The state of one lab window; fields call back on change (``add_callback``)."""

    spec: StateField[ExperimentSpec] = StateField(
        PRESETS["xor-minimal"].spec, doc="The last valid spec: the one the worker trains."
    )
    spec_valid: StateField[bool] = StateField(True, doc="False while a field is marked red.")
    run_state: StateField[RunState] = StateField(RunState.IDLE)
    run: StateField[int] = StateField(0, doc="Counts runs; a new one clears the snapshots.")
    latest: StateField[TrainingSnapshot | None] = StateField(
        None, identity=True, doc="The newest snapshot of the current run."
    )
    replayed: StateField[TrainingSnapshot | None] = StateField(
        None, identity=True, doc="The snapshot time travel shows; None while live."
    )
    selection: StateField[SelectionRef] = StateField(NOTHING)
    baseline: StateField[Baseline | None] = StateField(None, identity=True)
    modified: StateField[bool] = StateField(
        False, doc="The spec or the weights differ from the baseline's."
    )

    def __init__(self, spec: ExperimentSpec | None = None):
        super().__init__()
        if spec is not None:
            self.spec = spec
        self.baseline = Baseline(self.spec)
        # The snapshot "modified" compares: after a new baseline that starts a new run, the
        # replaced run's snapshots may still be on their way, and are not compared.
        self._compared: TrainingSnapshot | None = None
        self._waiting_for_new_run = False
        self.add_callback("spec", self._update_modified)

    # --- derived ---------------------------------------------------------------------------

    @property
    def shown(self) -> TrainingSnapshot | None:
        """The snapshot the state views show: the replayed one, else the newest."""
        return self.replayed if self.replayed is not None else self.latest

    @property
    def is_replaying(self) -> bool:
        return self.replayed is not None

    # --- the run's snapshots -----------------------------------------------------------------

    def new_run(self) -> None:
        """A new run (new network, Reset, Train again): no snapshot yet, and live."""
        self._waiting_for_new_run = False
        self._compared = None
        self.replayed = None
        self.latest = None
        self.run += 1
        self._update_modified()

    def add_snapshot(self, snapshot: TrainingSnapshot) -> None:
        """The worker's newest snapshot of the current run."""
        self.latest = snapshot
        if not self._waiting_for_new_run:
            self._compared = snapshot
            self._update_modified()

    # --- saved or not --------------------------------------------------------------------------

    def set_baseline(self, baseline: Baseline, *, new_run: bool = False) -> None:
        """Measure "modified" against ``baseline`` from now on; ``new_run``: it starts a run
        of its own (a file opened, a new experiment), so the old run's snapshots no longer
        count, including those still on their way."""
        if new_run:
            self._compared = None
            self._waiting_for_new_run = True
        self.baseline = baseline
        self._update_modified()

    def _differs(self) -> bool:
        base = self.baseline
        if base is None:
            return False
        if self.spec != base.spec:
            return True
        snapshot = self._compared
        if snapshot is None:
            return False
        if snapshot.step != base.step:
            return True
        if base.weights is None:
            return False
        return len(base.weights) != len(snapshot.weights) or not all(
            np.array_equal(a, b) for a, b in zip(base.weights, snapshot.weights, strict=False)
        )

    def _update_modified(self, *_changed: object) -> None:
        self.modified = self._differs()
