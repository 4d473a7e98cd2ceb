"""The Landscape tab: keeps the cost surface current with the weights the other views show.

Where the numbers come from: the shown snapshot (live, or the replayed epoch while time
travelling) is the centre; the snapshots stored for time travel up to that epoch are the
path. The grid is computed by the core on this tab's own background thread (a compile the
first time, then one batched call), never on the GUI thread. Requests merge: while one is
computing, newer ones replace each other and only the latest runs. While training, the tab
refreshes at most every REFRESH_MS, and only while it is visible.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from xorlab.core.landscape.contours import SurfaceDrawing, surface_drawing
from xorlab.core.landscape.directions import DirectionError, WeightPick
from xorlab.core.landscape.surface import RecordedPath
from xorlab.core.landscape.surface import compute_landscape as _compute
from xorlab.core.training.datasets import Dataset
from xorlab.core.training.spec import ExperimentSpec
from xorlab.ui.landscape.controls import LandscapeControls
from xorlab.ui.landscape.landscape_plot import LandscapePlot
from xorlab.ui.runtime.background import BackgroundRunner
from xorlab.ui.widgets import plot_style

if TYPE_CHECKING:
    from xorlab.core.landscape.surface import Landscape, LandscapeRequest
    from xorlab.core.training.trainer import TrainingSnapshot

JOB = "landscape"
# The 1-D mode marks plain gradient descent's step; these optimizers take other steps.
OWN_STEPS = {
    "momentum": "; momentum's steps also carry its velocity",
    "adam": "; Adam's steps are scaled weight by weight, so they land elsewhere",
}
REFRESH_MS = 400  # at most ~2.5 surfaces a second while training: each may take 0.5 s


def landscape_job(
    spec: ExperimentSpec,
    dataset: Dataset,
    centre: tuple[np.ndarray, ...],
    request: LandscapeRequest,
    path: RecordedPath,
    learning_rate: float | None,
    test: Dataset | None = None,
) -> Landscape:
    """Runs on the background thread: compile (cached) and evaluate, on the training
    samples ``dataset`` or, given ``test``, on those held-out samples (the directions and
    the 1-D mode's gradient still come from training). The principal directions need a path
    of a few snapshots; until training has made one, the tab shows random directions and
    says why, rather than an empty plot."""
    from xorlab.core.landscape.batched_cost import cost_functions

    functions = cost_functions(spec.network, spec.training, dataset.n_inputs, dataset.n_outputs)
    cost_on = None if test is None else (test.X, test.y)

    def compute(req: LandscapeRequest) -> Landscape:
        return _compute(functions, dataset.X, dataset.y, centre, req, path, learning_rate, cost_on)

    try:
        return compute(request)
    except DirectionError as exc:
        if request.kind != "pca":
            raise
        land = compute(replace(request, kind="random"))
        return replace(land, notes=(*land.notes, f"{exc}; random directions meanwhile"))


def samples_to_use(dataset: Dataset, asked: str) -> tuple[Dataset | None, str]:
    """The held-out samples to compute on (None: the training samples), and a note when the
    test set was asked for but this experiment holds none out."""
    if asked != "test":
        return None, ""
    if dataset.test is None:
        return None, "no test samples here (set a test split in the builder): training cost shown"
    return dataset.test, ""


def drawing_job(
    spec: ExperimentSpec,
    dataset: Dataset,
    centre: tuple[np.ndarray, ...],
    request: LandscapeRequest,
    path: RecordedPath,
    learning_rate: float | None,
    samples: str = "training",
) -> LandscapeResult:
    """The landscape on the ``samples`` asked for ("training" or "test") and, for a plane,
    its colour ranges and contour lines for both colour scales, so switching to log colours
    only redraws."""
    test, note = samples_to_use(dataset, samples)
    land = landscape_job(spec, dataset, centre, request, path, learning_rate, test)
    drawings = {}
    if land.betas is not None:
        drawings = {
            log: surface_drawing(land.costs, land.alphas, land.betas, log) for log in (False, True)
        }
    used = dataset if test is None else test
    samples_used = "training" if test is None else "test"
    return LandscapeResult(
        land, drawings, samples_used, used.n_samples, note, spec.training.optimizer
    )


@dataclass(frozen=True, eq=False)
class LandscapeResult:
    landscape: Landscape
    drawings: dict[bool, SurfaceDrawing]  # by log colour scale; empty in the 1-D mode
    samples: str = "training"  # whose cost: "training" (what training minimises) or "test"
    n_samples: int = 0
    note: str = ""  # why the samples differ from those asked for
    optimizer: str = "sgd"  # the run's: the 1-D mode's step is plain gradient descent's


class LandscapeTab(QWidget):
    """``replay``: the ReplayController (shown snapshot and stored timeline); ``worker``: for
    run_reset (the dataset); ``bus``: the SelectionBus of picked weights; ``spec_source``:
    returns the spec being trained."""

    def __init__(self, worker: QObject | None, replay, bus, spec_source, parent=None):
        super().__init__(parent)
        self.setObjectName("landscape_tab")
        self.replay = replay
        self.spec_source = spec_source
        self.dataset: Dataset | None = None
        self.landscape: Landscape | None = None
        self.result: LandscapeResult | None = None  # the landscape and what it was computed on
        self.computing_first = True  # the first job compiles: say so

        self.controls = LandscapeControls()
        self.plot = LandscapePlot()
        self.status = QLabel()
        self.status.setObjectName("landscape.status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.controls)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.status)

        self.runner = BackgroundRunner("xorlab-landscape", self)
        self.runner.job_finished.connect(self._on_job_finished)
        self.runner.job_failed.connect(self._on_job_failed)
        self.throttle = QTimer(self)
        self.throttle.setSingleShot(True)
        self.throttle.setInterval(REFRESH_MS)
        self.throttle.timeout.connect(self._on_throttle_timeout)
        self._dirty = False

        self.controls.changed.connect(self.refresh)
        self.controls.log_changed.connect(self._on_log_changed)
        if worker is not None:
            worker.run_reset.connect(self._on_run_reset)
        if replay is not None:
            replay.snapshot_shown.connect(self._on_snapshot_shown)
        if bus is not None:
            bus.selection_changed.connect(self._on_selection)
        self.set_status("Train, or step once, to see the cost around the weights.")

    def catch_up(self, dataset: Dataset | None, picks) -> None:
        """What a tab made after the window started missed: the current run's dataset and
        the weights picked since (SelectionRefs, oldest first)."""
        if dataset is not None:
            self._on_run_reset(dataset, None)
        for ref in picks:
            self._on_selection(ref)

    def busy(self) -> bool:
        """A landscape is computing or due (automation waits for this before a screenshot)."""
        return self.runner.is_busy() or (self._dirty and self.isVisible())

    # --- requests ---------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Ask for the landscape of the shown snapshot now; False when there is nothing to
        compute yet (no snapshot, or one from another network)."""
        from xorlab.core.training.weights import layer_shapes  # no PyTensor on this thread

        snapshot = self.replay.shown if self.replay is not None else None
        spec = self.spec_source()
        if snapshot is None or self.dataset is None or spec is None:
            return False
        shapes = layer_shapes(spec.network, self.dataset.n_inputs, self.dataset.n_outputs)
        if [w.shape for w in snapshot.weights] != shapes:
            return False  # a snapshot of the previous network; the new one's will come
        if self.computing_first:
            self.set_status("Compiling the batched cost function…")
        self.runner.submit(
            JOB,
            drawing_job,
            spec,
            self.dataset,
            snapshot.weights,
            self.controls.request(),
            self._path_until(snapshot),
            snapshot.learning_rate,
            self.controls.samples_choice(),
        )
        self._title = _title(snapshot, self.replay)
        return True

    def _path_until(self, snapshot: TrainingSnapshot) -> RecordedPath:
        """The stored snapshots up to the shown one (time travel cuts the path there)."""
        timeline = self.replay.timeline
        items = [timeline[i] for i in range(len(timeline))]
        items = [s for s in items if s.epoch < snapshot.epoch] + [snapshot]
        return RecordedPath(tuple(s.epoch for s in items), tuple(s.weights for s in items))

    # --- slots ----------------------------------------------------------------------------

    @Slot(object, object)
    def _on_run_reset(self, dataset: Dataset, _grid) -> None:
        self.dataset = dataset
        self.runner.cancel(JOB)

    @Slot(object)
    def _on_snapshot_shown(self, _snapshot: TrainingSnapshot) -> None:
        if not self.isVisible():
            self._dirty = True
            return
        if self.throttle.isActive():
            self._dirty = True  # the timer's end asks for the newest
            return
        self._dirty = False
        self.refresh()
        self.throttle.start()

    @Slot()
    def _on_throttle_timeout(self) -> None:
        if self._dirty and self.isVisible():
            self._dirty = False
            self.refresh()
            self.throttle.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty or self.landscape is None:
            self._dirty = False
            self.refresh()

    @Slot(object)
    def _on_selection(self, ref) -> None:
        if getattr(ref, "kind", "") != "weight":
            return
        changed = self.controls.pick(WeightPick(ref.param, ref.row, ref.col))
        if changed and self.controls.request().kind == "weights":
            self.refresh()

    @Slot(bool)
    def _on_log_changed(self, log: bool) -> None:
        message = self.plot.set_log(log)
        if self.landscape is not None:
            self._show_notes(self.landscape, message)

    @Slot(str, object)
    def _on_job_finished(self, kind: str, result: LandscapeResult) -> None:
        if kind != JOB:
            return
        self.computing_first = False
        self.landscape = result.landscape
        self.result = result
        title = f"{result.samples.capitalize()} cost {getattr(self, '_title', '')}"
        message = self.plot.show_landscape(result, title)
        self._show_notes(result.landscape, message)

    @Slot(str, object)
    def _on_job_failed(self, kind: str, error: object) -> None:
        if kind != JOB:
            return
        self.computing_first = False
        self.set_status(str(error), error=True)

    # --- text -------------------------------------------------------------------------------

    def _show_notes(self, land: Landscape, scale_message: str) -> None:
        result = self.result
        if result.samples == "test":
            whose = f"{result.n_samples} held-out samples; training minimises the training cost"
        else:
            whose = f"{result.n_samples} training samples: the cost training minimises"
        parts = [f"{result.samples} cost at the centre {land.centre_cost:.6g} ({whose})"]
        if land.betas is not None and len(land.path_epochs) > 1:
            parts.append(f"path from epoch {land.path_epochs[0]:,} (orange) to the red point")
        if land.gradient_norm is not None:
            parts.append(f"|gradient| {land.gradient_norm:.4g}")
        if land.step is not None and land.step_cost is not None:
            parts.append(
                f"one full-batch gradient descent step at the learning rate moves "
                f"{land.step:.4g} and lands at cost {land.step_cost:.6g} (orange)"
                + OWN_STEPS.get(result.optimizer, "")
            )
        if land.kind in ("random", "pca") and len(land.path_residuals) > 1:
            off = float(np.nanmax(land.path_residuals))
            parts.append(f"path shown projected (farthest snapshot {off:.3g} off the plane)")
        notes = [n for n in (result.note, *land.notes, scale_message) if n]
        text = html.escape(" · ".join(parts))
        if notes:
            warn = html.escape("; ".join(notes))
            text += f"<br><span style='color:{plot_style.BAD_COLOR}'>{warn}</span>"
        self.status.setText(text)

    def set_status(self, text: str, error: bool = False) -> None:
        text = html.escape(text)
        if error:
            text = f"<span style='color:{plot_style.BAD_COLOR}'>{text}</span>"
        self.status.setText(text)


def _title(snapshot: TrainingSnapshot, replay) -> str:
    replaying = replay is not None and replay.is_replaying
    # "60,000" as the status bar and the time-travel bar write it.
    when = f"around the weights at epoch {snapshot.epoch:,}"
    return when + (" (time travel)" if replaying else "")
