"""The tutorials' printed progress in the window: the same "epoch N  cost C" lines the CLI
prints every ``log_every`` epochs, and why the last line's cost is not the run's cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from xorlab.core.training.datasets import Dataset, PlaneGrid
from xorlab.core.training.progress_log import format_line
from xorlab.ui.runtime.frame_stages import connect_staged
from xorlab.ui.widgets.visibility import out_of_sight

if TYPE_CHECKING:
    from xorlab.core.training.trainer import TrainingSnapshot

# Lines kept on screen; a longer run keeps its latest (the CLI prints them all).
MAX_LINES = 20_000

EXPLAIN = (
    "Each line is what the tutorials print every 'Log every' epochs: the cost of the epoch's "
    "last step, computed before that step's update. With a full batch that step sees every "
    "sample; per sample (the beginner tutorial) it is the cost of one sample only. The cost "
    "in the status bar is another number: the final weights on the whole training set. So "
    "the beginner tutorial's last line prints 0.00115 (one sample, one step before the end) "
    "while its trained network's full-set cost is 0.00393 (all four samples summed)."
)


class LogView(QWidget):
    """Progress lines of the current run, fed by the worker's snapshots."""

    def __init__(self, worker=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("log_view")
        self.explain = QLabel(EXPLAIN)
        self.explain.setObjectName("log_view.explain")
        self.explain.setWordWrap(True)
        self.compare = QLabel("No lines yet: start training.")
        self.compare.setObjectName("log_view.compare")
        self.compare.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("log_view.text")
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(MAX_LINES)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.explain)
        layout.addWidget(self.compare)
        layout.addWidget(self.text, 1)
        self._last_line: tuple[int, float] | None = None
        # Out of sight (another tab): the lines and the newest snapshot wait for showEvent;
        # appending and re-wrapping the comparison took 0.6-0.8 ms a snapshot for nobody.
        self._held: TrainingSnapshot | None = None
        self._held_lines: list[tuple[int, float]] = []
        if worker is not None:
            worker.run_reset.connect(self.on_run_reset)
            connect_staged(worker, worker.snapshot_ready, self.on_snapshot)

    def lines(self) -> list[str]:
        text = self.text.toPlainText()
        return text.splitlines() if text else []

    @Slot(object, object)
    def on_run_reset(self, _dataset: Dataset | None = None, _grid: PlaneGrid | None = None):
        self.text.clear()
        self._last_line = None
        self._held, self._held_lines = None, []
        self.compare.setText("No lines yet: start training.")

    @Slot(object)
    def on_snapshot(self, snapshot: TrainingSnapshot) -> None:
        if out_of_sight(self):
            self._held_lines.extend(snapshot.log_lines)
            if len(self._held_lines) > 2 * MAX_LINES:  # the view keeps no more either
                del self._held_lines[:-MAX_LINES]
            self._held = snapshot
            return
        self._draw(snapshot, snapshot.log_lines)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        held, lines = self._held, self._held_lines
        self._held, self._held_lines = None, []
        if held is not None:
            self._draw(held, lines)

    def _draw(self, snapshot: TrainingSnapshot, lines) -> None:
        if lines:
            self.text.appendPlainText("\n".join(format_line(epoch, cost) for epoch, cost in lines))
            self._last_line = lines[-1]
        if self._last_line is not None:
            epoch, cost = self._last_line
            self.compare.setText(
                f"Last line: {cost:.6g} (epoch {epoch:,}, its last step, before the update). "
                f"The whole training set now, after {snapshot.epoch:,} epochs: "
                f"{snapshot.cost:.6g}."
            )
