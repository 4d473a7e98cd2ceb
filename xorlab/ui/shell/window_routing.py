"""Routes the lab state, the worker's and the training actions' signals to the window's views.

The spec in the lab state (the builder writes it) goes to the worker; the worker's state goes
into the lab state, and from there to the actions, the status bar and the builder's lock; run
resets, snapshots and problems go to the plots, the status bar and the message banner; the
toolbar's actions drive the worker. It is given exactly the parts it routes between
(``RoutedParts``), not the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction

from xorlab.app.lab_state import LabState
from xorlab.app.run_state import UNDER_WAY, RunState
from xorlab.core.training.datasets import Dataset, PlaneGrid
from xorlab.core.training.spec import COST_LABELS
from xorlab.ui.builder.panel import BuilderPanel
from xorlab.ui.runtime.frame_stages import connect_staged
from xorlab.ui.runtime.replay import ReplayController
from xorlab.ui.runtime.state_binding import bind
from xorlab.ui.runtime.worker import TrainingWorker
from xorlab.ui.shell.actions import TrainingActions
from xorlab.ui.shell.banner import MessageBanner
from xorlab.ui.shell.status_bar import TrainingStatusBar
from xorlab.ui.training.boundary import BoundaryView
from xorlab.ui.training.cost_plot import CostPlot
from xorlab.ui.training.outputs_plot import OutputsPlot
from xorlab.ui.training.truth_table import TruthTable

if TYPE_CHECKING:
    from xorlab.core.training.trainer import TrainingSnapshot


@dataclass(frozen=True)
class RoutedParts:
    """What the router connects: the lab state, the builder, the worker and its replay, the
    training views, and the window's status bar, banner, training actions and View >
    Log-scale cost."""

    state: LabState
    builder: BuilderPanel
    worker: TrainingWorker
    replay: ReplayController
    cost_plot: CostPlot
    outputs_plot: OutputsPlot
    boundary: BoundaryView
    truth_table: TruthTable
    status: TrainingStatusBar
    banner: MessageBanner
    actions: TrainingActions
    log_cost_action: QAction


class WindowRouter(QObject):
    """Connects the window's parts on creation; its slots keep them in step."""

    def __init__(self, parts: RoutedParts, parent: QObject | None = None):
        super().__init__(parent)
        self.parts = parts
        self._connect()

    def _connect(self) -> None:
        parts, worker, state = self.parts, self.parts.worker, self.parts.state
        bind(state, "spec", self, worker.set_spec)
        bind(state, "spec_valid", self, self._on_validity_changed)
        bind(state, "run_state", self, self._on_run_state)
        bind(state, "latest", self, self._on_latest)
        parts.builder.learning_rate_changed.connect(worker.set_learning_rate)
        worker.state_changed.connect(self._on_state_changed)
        worker.run_reset.connect(self._on_run_reset)
        # Each view draws a snapshot in a turn of the event loop of its own (frame_stages).
        for view in (parts.cost_plot, parts.outputs_plot):
            connect_staged(worker, worker.snapshot_ready, view.on_snapshot)
        for view in (parts.boundary, parts.truth_table):
            connect_staged(worker, parts.replay.snapshot_shown, view.on_snapshot)
        connect_staged(worker, worker.progress, parts.status.set_progress)
        worker.compiled.connect(self._on_compiled)
        worker.diverged.connect(self._on_diverged)
        worker.fast_loop_failed.connect(self._on_fast_loop_failed)
        worker.failed.connect(self._on_failed)
        actions = parts.actions
        actions.train.triggered.connect(self._on_train_triggered)
        actions.pause_resume.triggered.connect(self._on_pause_resume_triggered)
        actions.step.triggered.connect(worker.step)
        actions.stop.triggered.connect(worker.stop)
        actions.reset.triggered.connect(worker.reset)
        parts.log_cost_action.toggled.connect(parts.cost_plot.set_log_y)
        parts.cost_plot.log_y_box.toggled.connect(parts.log_cost_action.setChecked)

    # --- slots ---------------------------------------------------------------------------------

    @Slot()
    def _on_train_triggered(self) -> None:
        worker = self.parts.worker
        if worker.state == RunState.PAUSED:
            worker.resume()
        else:
            worker.train()

    @Slot()
    def _on_pause_resume_triggered(self) -> None:
        if self.parts.actions.resumes:
            self.parts.worker.resume()
        else:
            self.parts.worker.pause()

    def _on_validity_changed(self, valid: bool) -> None:
        self.parts.actions.update(self.parts.state.run_state, valid)
        if not valid:
            self.parts.status.showMessage("Fix the fields marked in red to train.", 5000)

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        self.parts.state.run_state = RunState(state)
        # Every report (not only a change) is news here: a new compile or run answers the
        # last problem.
        if state in (RunState.COMPILING, RunState.TRAINING) and self.parts.banner.kind != "info":
            self.parts.banner.clear()

    def _on_run_state(self, state: RunState) -> None:
        parts = self.parts
        parts.status.set_state(state)
        parts.actions.update(state, parts.state.spec_valid)
        parts.builder.set_training_locked(state in UNDER_WAY)

    @Slot(object, object)
    def _on_run_reset(self, dataset: Dataset, grid: PlaneGrid | None) -> None:
        from xorlab.core.training.shuffle import batch_table  # no PyTensor on this thread

        parts = self.parts
        training = parts.state.spec.training
        parts.status.steps_per_epoch = batch_table(
            dataset.n_samples, training.schedule, training.batch_size
        ).shape[0]
        parts.cost_plot.reset(dataset, COST_LABELS.get(training.cost), training.epochs)
        parts.outputs_plot.reset(dataset, training.epochs)
        parts.boundary.reset(dataset, grid)
        parts.truth_table.reset(dataset)

    def _on_latest(self, snapshot: TrainingSnapshot | None) -> None:
        """The run's newest snapshot (None: a new run has none yet)."""
        status = self.parts.status
        status.set_cost(None if snapshot is None else snapshot.cost)
        if snapshot is not None:
            status.set_stop_reason(snapshot.stop_rule, snapshot.stop_reason)

    @Slot(float)
    def _on_compiled(self, seconds: float) -> None:
        self.parts.status.showMessage(f"Compiled in {seconds:.2f} s", 4000)

    @Slot(str)
    def _on_diverged(self, message: str) -> None:
        title, body = divergence_banner(message)
        self.parts.banner.show_message(title, body, "warning")

    @Slot(str)
    def _on_fast_loop_failed(self, reason: str) -> None:
        self.parts.banner.show_message(
            "Training goes on, slowly.",
            f"The fast training loop could not compile ({reason}), so this run stays on the "
            "quick tier.",
            "warning",
        )

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.parts.banner.show_message("Something went wrong.", message, "error")


def divergence_banner(message: str) -> tuple[str, str]:
    """(title, text) for the banner: "Training diverged at step 2." and the reason, rather
    than the title and the trainer's message both saying that training diverged."""
    head, sep, rest = message.partition(": ")
    if sep and head.lower().startswith("training diverged"):
        return head[0].upper() + head[1:] + ".", rest[:1].upper() + rest[1:]
    return "Training diverged.", message
