"""The Formulas tab: one forward and one backward pass of a chosen sample, written out with
the network's real numbers, refreshed while it trains.

The numbers come from a FormulaTracer run on the worker thread (see formula_job.py); the panel
asks for a new trace after a snapshot at most a few times a second, only while it is visible,
one request at a time, and once more when training pauses or ends. While the timeline replays
an earlier epoch, the trace uses that epoch's weights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from xorlab.app.formula_job import KIND, FormulaResult, trace_job
from xorlab.app.run_state import SETTLED, RunState
from xorlab.app.sample_names import sample_label
from xorlab.core.first_imports import import_pytensor
from xorlab.core.training.datasets import Dataset, PlaneGrid
from xorlab.ui.formulas.html import render_html
from xorlab.ui.runtime.job_request import JobRequest
from xorlab.ui.runtime.replay import ReplayController
from xorlab.ui.runtime.worker import TrainingWorker

if TYPE_CHECKING:
    from xorlab.core.training.trainer import TrainingSnapshot

REFRESH_INTERVAL_S = 0.33  # ~3 traces a second while training: readable, and cheap
MAX_LISTED_SAMPLES = 1000  # a combo box of 100 000 rows would take seconds to fill
WAITING_TEXT = "The formulas appear once the network is compiled."


def sample_text(dataset: Dataset, i: int) -> str:
    """'sample 2: 0,1 → 1', every output's target for several outputs."""
    inputs = ",".join(f"{v:g}" for v in dataset.X[i])
    targets = ",".join(f"{v:g}" for v in dataset.y[i])
    return f"sample {i + 1}: {inputs} → {targets}"


class FormulaPanel(QWidget):
    def __init__(
        self,
        worker: TrainingWorker,
        replay: ReplayController | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("formulas")
        self.worker = worker
        self.replay = replay
        self.dataset: Dataset | None = None
        self.result: FormulaResult | None = None
        self._ticket = 0  # the run whose answers are wanted
        # One trace out at a time, a few a second at most, only while shown (job_request).
        self.job = JobRequest(
            self._send,
            ready=lambda: self.dataset is not None and self.isVisible(),
            min_interval_s=REFRESH_INTERVAL_S,
            parent=self,
        ).answered_by(worker, KIND)
        self.job.finished.connect(self._on_traced)
        self.job.failed.connect(self._on_trace_failed)

        self.sample_box = QComboBox()
        self.sample_box.setObjectName("formulas.sample")
        self.sample_box.setToolTip("The training sample to push through the network")
        self.sample_box.setMinimumContentsLength(18)
        self.sample_box.currentIndexChanged.connect(self._on_sample_changed)
        self.plain_box = QCheckBox("plain text")
        self.plain_box.setObjectName("formulas.plain")
        self.plain_box.setToolTip("Show the same numbers as lines of formulas, easy to copy")
        self.plain_box.toggled.connect(self._on_plain_toggled)
        self.status = QLabel(WAITING_TEXT)
        self.status.setObjectName("formulas.status")
        self.status.setWordWrap(True)
        self.view = QTextBrowser()
        self.view.setObjectName("formulas.view")
        self.view.setOpenLinks(False)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Sample:"))
        bar.addWidget(self.sample_box)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.plain_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        worker.run_reset.connect(self.on_run_reset)
        worker.state_changed.connect(self._on_state_changed)
        if replay is not None:
            replay.snapshot_shown.connect(self.on_snapshot)
        else:
            worker.snapshot_ready.connect(self.on_snapshot)

    # --- public ----------------------------------------------------------------------------

    def sample(self) -> int:
        return max(0, self.sample_box.currentIndex())

    def set_sample(self, index: int) -> None:
        self.sample_box.setCurrentIndex(index)

    def busy(self) -> bool:
        """A trace is on its way or due (screenshots wait for it)."""
        return self.job.pending or (self.job.wanted and self.dataset is not None)

    # --- inputs ----------------------------------------------------------------------------

    @Slot(object, object)
    def on_run_reset(self, dataset: Dataset, grid: PlaneGrid | None = None) -> None:
        """A new run: list its samples, keep the chosen one when it still exists."""
        keep = self.sample_box.currentIndex()
        same_data = self.dataset is not None and _same_samples(self.dataset, dataset)
        self.dataset = dataset
        self._ticket += 1  # answers about the old run are dropped
        self.job.forget()
        self.result = None
        self.sample_box.blockSignals(True)
        self.sample_box.clear()
        shown = min(dataset.n_samples, MAX_LISTED_SAMPLES)
        self.sample_box.addItems([sample_text(dataset, i) for i in range(shown)])
        self.sample_box.setCurrentIndex(keep if same_data and 0 <= keep < shown else 0)
        self.sample_box.blockSignals(False)
        if dataset.n_samples > shown:
            self.sample_box.setToolTip(f"The first {shown:,} of {dataset.n_samples:,} samples")
        self.view.clear()
        self.status.setText("Tracing…")
        self.job.ask()

    @Slot(object)
    def on_snapshot(self, snapshot: TrainingSnapshot) -> None:
        self.job.ask()

    # --- requests --------------------------------------------------------------------------

    def _send(self) -> bool:
        replayed = self.replay.replayed if self.replay is not None else None
        if replayed is None:
            job = trace_job(self._ticket, self.sample())
        else:
            job = trace_job(self._ticket, self.sample(), replayed.weights, replayed.epoch)
        self.worker.submit_job(job)
        return True

    # --- answers ---------------------------------------------------------------------------

    @Slot(object)
    def _on_traced(self, result: object) -> None:
        if isinstance(result, FormulaResult) and result.ticket == self._ticket:
            if result.trace.sample == self.sample():
                self.result = result
                self._show()

    @Slot(str)
    def _on_trace_failed(self, message: str) -> None:
        self.status.setText(f"Cannot trace this sample: {message}")

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        if state in SETTLED:
            self.job.ask()  # the final weights of this stretch, within one interval
        elif state in (RunState.COMPILING, RunState.ERROR):
            self.status.setText(WAITING_TEXT)

    @Slot(int)
    def _on_sample_changed(self, index: int) -> None:
        if index >= 0:
            self.job.ask_now()  # answer a click at once

    @Slot(bool)
    def _on_plain_toggled(self, plain: bool) -> None:
        self._show()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.job.pump()  # hidden panels skip refreshes; catch up when shown

    def _show(self) -> None:
        import_pytensor()  # this thread too: see core.first_imports
        from xorlab.core.training.formulas import explain

        result, dataset = self.result, self.dataset
        if result is None or dataset is None:
            return
        where = "replayed" if result.replayed else "live"
        self.status.setText(f"Weights of epoch {result.epoch:,} ({where}).")
        scroll = self.view.verticalScrollBar().value()
        label = sample_label(dataset, result.trace.sample, 0)
        if dataset.n_outputs > 1:
            label = sample_text(dataset, result.trace.sample).split(": ", 1)[1]
        if self.plain_box.isChecked():
            tr = result.spec.training
            lines = explain(result.trace, result.spec.network.bias, tr.cost, tr.l2, tr.l1)
            # explain() counts samples from 0; the table and the combo box count from 1.
            first = f"Sample {result.trace.sample}:"
            lines[0] = lines[0].replace(first, f"Sample {result.trace.sample + 1}:", 1)
            self.view.setPlainText("\n".join(lines))
        else:
            self.view.setHtml(render_html(result, label))
        self.view.verticalScrollBar().setValue(scroll)  # a refresh keeps the reader's place


def _same_samples(a: Dataset, b: Dataset) -> bool:
    return a.X.shape == b.X.shape and bool((a.X == b.X).all())
