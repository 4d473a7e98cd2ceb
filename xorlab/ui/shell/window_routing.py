"""Routes the builder's, the worker's and the training actions' signals to the window's views.

The builder's spec goes to the worker; the worker's state, run resets, snapshots and problems
go to the plots, the actions, the status bar and the message banner; the toolbar's actions
drive the worker. It keeps the newest snapshot (``MainWindow.last_snapshot``) for automation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from xorlab.core.training.datasets import Dataset, PlaneGrid
from xorlab.core.training.spec import COST_LABELS
from xorlab.core.training.trainer import TrainingSnapshot, batch_table

if TYPE_CHECKING:
    from xorlab.ui.shell.main_window import MainWindow


class WindowRouter(QObject):
    """Connects the window's parts on creation; its slots keep them in step."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.last_snapshot: TrainingSnapshot | None = None
        self._connect()

    def _connect(self) -> None:
        window, worker = self.window, self.window.worker
        window.builder.spec_changed.connect(worker.set_spec)
        window.builder.validity_changed.connect(self._on_validity_changed)
        window.builder.learning_rate_changed.connect(worker.set_learning_rate)
        worker.state_changed.connect(self._on_state_changed)
        worker.run_reset.connect(self._on_run_reset)
        for view in (window.cost_plot, window.outputs_plot):
            worker.snapshot_ready.connect(view.on_snapshot)
        for view in (window.boundary, window.truth_table):
            window.replay.snapshot_shown.connect(view.on_snapshot)
        worker.snapshot_ready.connect(self._on_snapshot_ready)
        worker.progress.connect(window.status.set_progress)
        worker.compiled.connect(self._on_compiled)
        worker.diverged.connect(self._on_diverged)
        worker.failed.connect(self._on_failed)
        actions = window.actions
        actions.train.triggered.connect(self._on_train_triggered)
        actions.pause_resume.triggered.connect(self._on_pause_resume_triggered)
        actions.step.triggered.connect(worker.step)
        actions.stop.triggered.connect(worker.stop)
        actions.reset.triggered.connect(worker.reset)
        window.log_cost_action.toggled.connect(window.cost_plot.set_log_y)
        window.cost_plot.log_y_box.toggled.connect(window.log_cost_action.setChecked)

    # --- slots ---------------------------------------------------------------------------------

    @Slot()
    def _on_train_triggered(self) -> None:
        worker = self.window.worker
        if worker.state == "paused":
            worker.resume()
        else:
            worker.train()

    @Slot()
    def _on_pause_resume_triggered(self) -> None:
        if self.window.actions.resumes:
            self.window.worker.resume()
        else:
            self.window.worker.pause()

    @Slot(bool)
    def _on_validity_changed(self, valid: bool) -> None:
        self.window.actions.update(self.window.worker.state, valid)
        if not valid:
            self.window.statusBar().showMessage("Fix the fields marked in red to train.", 5000)

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        window = self.window
        window.status.set_state(state)
        window.actions.update(state, window.builder.is_valid())
        window.builder.set_training_locked(state in ("training", "paused"))
        if state in ("compiling", "training") and window.banner.kind != "info":
            window.banner.clear()  # a new compile or run answers the last problem

    @Slot(object, object)
    def _on_run_reset(self, dataset: Dataset, grid: PlaneGrid | None) -> None:
        window = self.window
        training = window.spec.training
        window.status.steps_per_epoch = batch_table(
            dataset.n_samples, training.schedule, training.batch_size
        ).shape[0]
        window.cost_plot.reset(dataset, COST_LABELS.get(training.cost), training.epochs)
        window.outputs_plot.reset(dataset, training.epochs)
        window.boundary.reset(dataset, grid)
        window.truth_table.reset(dataset)
        self.last_snapshot = None
        window.status.set_cost(None)

    @Slot(object)
    def _on_snapshot_ready(self, snapshot: TrainingSnapshot) -> None:
        self.last_snapshot = snapshot
        self.window.status.set_cost(snapshot.cost)
        self.window.status.set_stop_reason(snapshot.stop_rule, snapshot.stop_reason)

    @Slot(float)
    def _on_compiled(self, seconds: float) -> None:
        self.window.statusBar().showMessage(f"Compiled in {seconds:.2f} s", 4000)

    @Slot(str)
    def _on_diverged(self, message: str) -> None:
        title, body = divergence_banner(message)
        self.window.banner.show_message(title, body, "warning")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.window.banner.show_message("Something went wrong.", message, "error")


def divergence_banner(message: str) -> tuple[str, str]:
    """(title, text) for the banner: "Training diverged at step 2." and the reason, rather
    than the title and the trainer's message both saying that training diverged."""
    head, sep, rest = message.partition(": ")
    if sep and head.lower().startswith("training diverged"):
        return head[0].upper() + head[1:] + ".", rest[:1].upper() + rest[1:]
    return "Training diverged.", message
