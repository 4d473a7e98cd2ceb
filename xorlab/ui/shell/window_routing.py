"""Routes the builder's, the worker's and the training actions' signals to the window's views.

The builder's spec goes to the worker; the worker's state, run resets, snapshots and problems
go to the plots, the actions, the status bar and the message banner; the toolbar's actions
drive the worker. It keeps the newest snapshot (``MainWindow.last_snapshot``) for automation.
It is given exactly the parts it routes between (``RoutedParts``), not the window.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction

from xorlab.app.run_state import UNDER_WAY, RunState
from xorlab.core.training.datasets import Dataset, PlaneGrid
from xorlab.core.training.spec import COST_LABELS
from xorlab.core.training.trainer import TrainingSnapshot, batch_table
from xorlab.ui.builder.panel import BuilderPanel
from xorlab.ui.runtime.replay import ReplayController
from xorlab.ui.runtime.worker import TrainingWorker
from xorlab.ui.shell.actions import TrainingActions
from xorlab.ui.shell.banner import MessageBanner
from xorlab.ui.shell.status_bar import TrainingStatusBar
from xorlab.ui.training.boundary import BoundaryView
from xorlab.ui.training.cost_plot import CostPlot
from xorlab.ui.training.outputs_plot import OutputsPlot
from xorlab.ui.training.truth_table import TruthTable


@dataclass(frozen=True)
class RoutedParts:
    """What the router connects: the builder, the worker and its replay, the training views,
    and the window's status bar, banner, training actions and View > Log-scale cost."""

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
        self.last_snapshot: TrainingSnapshot | None = None
        self._connect()

    def _connect(self) -> None:
        parts, worker = self.parts, self.parts.worker
        parts.builder.spec_changed.connect(worker.set_spec)
        parts.builder.validity_changed.connect(self._on_validity_changed)
        parts.builder.learning_rate_changed.connect(worker.set_learning_rate)
        worker.state_changed.connect(self._on_state_changed)
        worker.run_reset.connect(self._on_run_reset)
        for view in (parts.cost_plot, parts.outputs_plot):
            worker.snapshot_ready.connect(view.on_snapshot)
        for view in (parts.boundary, parts.truth_table):
            parts.replay.snapshot_shown.connect(view.on_snapshot)
        worker.snapshot_ready.connect(self._on_snapshot_ready)
        worker.progress.connect(parts.status.set_progress)
        worker.compiled.connect(self._on_compiled)
        worker.diverged.connect(self._on_diverged)
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

    @Slot(bool)
    def _on_validity_changed(self, valid: bool) -> None:
        self.parts.actions.update(self.parts.worker.state, valid)
        if not valid:
            self.parts.status.showMessage("Fix the fields marked in red to train.", 5000)

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        parts = self.parts
        parts.status.set_state(state)
        parts.actions.update(state, parts.builder.is_valid())
        parts.builder.set_training_locked(state in UNDER_WAY)
        if state in (RunState.COMPILING, RunState.TRAINING) and parts.banner.kind != "info":
            parts.banner.clear()  # a new compile or run answers the last problem

    @Slot(object, object)
    def _on_run_reset(self, dataset: Dataset, grid: PlaneGrid | None) -> None:
        parts = self.parts
        training = parts.builder.spec().training
        parts.status.steps_per_epoch = batch_table(
            dataset.n_samples, training.schedule, training.batch_size
        ).shape[0]
        parts.cost_plot.reset(dataset, COST_LABELS.get(training.cost), training.epochs)
        parts.outputs_plot.reset(dataset, training.epochs)
        parts.boundary.reset(dataset, grid)
        parts.truth_table.reset(dataset)
        self.last_snapshot = None
        parts.status.set_cost(None)

    @Slot(object)
    def _on_snapshot_ready(self, snapshot: TrainingSnapshot) -> None:
        self.last_snapshot = snapshot
        self.parts.status.set_cost(snapshot.cost)
        self.parts.status.set_stop_reason(snapshot.stop_rule, snapshot.stop_reason)

    @Slot(float)
    def _on_compiled(self, seconds: float) -> None:
        self.parts.status.showMessage(f"Compiled in {seconds:.2f} s", 4000)

    @Slot(str)
    def _on_diverged(self, message: str) -> None:
        title, body = divergence_banner(message)
        self.parts.banner.show_message(title, body, "warning")

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
