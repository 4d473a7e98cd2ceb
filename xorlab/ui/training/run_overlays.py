"""Earlier runs on the cost plot: when a new run starts, the last one's curve stays behind,
faded and labelled by how its settings differ from the current ones ("lr 0.5", "seed 3"),
so changing one thing and training again shows what that change did. Sweep runs join them.

Wraps a CostPlot without changing it: the curves and a legend are added to its plot item.
At most ``max_runs`` earlier curves are kept, the oldest going first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QGraphicsItem

from xorlab.app.run_state import RunState
from xorlab.core.training.datasets import Dataset, PlaneGrid
from xorlab.core.training.history import CostHistory
from xorlab.core.training.spec import ExperimentSpec
from xorlab.core.training.spec_diff import SAME, describe_difference
from xorlab.ui.runtime.worker import TrainingWorker
from xorlab.ui.training.cost_plot import CostPlot, mark_short_curve
from xorlab.ui.widgets import plot_style

MAX_RUNS = 16  # a 12-run sweep stays whole
FADED_ALPHA = 130
CURRENT_LABEL = "this run"
# States in which the run on the plot has begun (trained, stepped or restored).
STARTED = (RunState.TRAINING, RunState.PAUSED, RunState.DONE, RunState.STOPPED, RunState.DIVERGED)


@dataclass(eq=False)
class EarlierRun:
    spec: ExperimentSpec
    epochs: np.ndarray
    costs: np.ndarray
    curve: pg.PlotDataItem
    name: str = ""  # a fixed label (sweep runs); empty: labelled by difference
    label: str = ""
    number: int = 0  # the how-manieth run this session, for runs that differ in nothing


def faded_pen(index: int) -> pg.QtGui.QPen:
    """The palette colour as it looks at FADED_ALPHA on the plot's white, but opaque: a
    translucent pen wider than 1 px must be stroked as one path (Qt's slowest way: ~4.5 ms
    a repaint for each earlier curve of ~600 drawn points, ~60 ms with a dozen earlier runs
    on the plot), an opaque one can be stroked as segments (plot_style.stroke_as_segments)."""
    # Palette colour 0 is the current run's; earlier runs cycle through the others.
    color = QColor(plot_style.PALETTE[1 + index % (len(plot_style.PALETTE) - 1)])
    background = QColor(plot_style.BACKGROUND)
    alpha = FADED_ALPHA / 255
    faded = QColor(
        *(
            round(alpha * c + (1 - alpha) * b)
            for c, b in zip(color.getRgb()[:3], background.getRgb()[:3], strict=True)
        )
    )
    pen = pg.mkPen(color=faded, width=1.6)
    pen.setCosmetic(True)
    return pen


class RunOverlays(QObject):
    """Keeps earlier runs' cost curves on ``cost_plot``; ``spec_source`` gives the current
    spec (the builder's) that labels are relative to."""

    runs_changed = Signal()

    def __init__(
        self,
        cost_plot: CostPlot,
        spec_source: Callable[[], ExperimentSpec],
        worker: TrainingWorker | None = None,
        max_runs: int = MAX_RUNS,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("run_overlays")
        self.cost_plot = cost_plot
        self.spec_source = spec_source
        self.max_runs = max_runs
        self.runs: list[EarlierRun] = []
        self._tracked: tuple[CostHistory, ExperimentSpec] | None = None
        self._added = 0  # runs ever added: picks each new curve's colour

        self.legend = cost_plot.legend  # under the plot: never over a curve
        self._numbers: dict[int, int] = {}  # id(run) -> its run number
        self._runs_started = 0  # numbers runs "run 2", "run 3" where nothing else differs
        self._current_number = 0

        self.clear_action = QAction("&Clear earlier runs", self)
        self.clear_action.setObjectName("action.clear_runs")
        tip = "Remove the faded cost curves of earlier runs and sweeps from the cost plot"
        self.clear_action.setStatusTip(tip)
        self.clear_action.setToolTip(tip)
        self.clear_action.setEnabled(False)
        self.clear_action.triggered.connect(self.clear)
        if worker is not None:
            worker.state_changed.connect(self.on_state_changed)
            worker.run_reset.connect(self.on_run_reset)

    # --- public ----------------------------------------------------------------------------

    def labels(self) -> list[str]:
        return [run.label for run in self.runs]

    def add_run(
        self,
        spec: ExperimentSpec,
        epochs: np.ndarray,
        costs: np.ndarray,
        name: str = "",
        number: int | None = None,
    ) -> EarlierRun | None:
        """Keep a finished (or abandoned) run's curve; None when it has too few points."""
        epochs, costs = np.asarray(epochs), np.asarray(costs, dtype=np.float64)
        if epochs.size < 1:
            return None
        if len(self.runs) >= self.max_runs:
            self._remove(self.runs[0])
        curve = pg.PlotDataItem(pen=faded_pen(self._added), antialias=True)
        curve.setZValue(-1)  # under the current run's curve
        plot_style.stroke_as_segments(curve)
        # An earlier run never changes: Qt keeps its picture and blits it at each repaint
        # of the live curve, until the axes move (the plot's range moves in steps).
        curve.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.cost_plot.plot_item.addItem(curve)  # takes on the plot's log mode
        # After addItem, which sets the plot's own (off) downsampling and clipping on the
        # curve: thinned before it, an earlier run drew all its ~8000 points at each repaint.
        plot_style.thin_to_pixels(curve)
        curve.setData(epochs, costs)
        mark_short_curve(curve, epochs.size)  # a run that diverged at once: its one point
        run = EarlierRun(spec, epochs.copy(), costs.copy(), curve, name)
        run.number = number if number is not None else self._next_number()
        self._added += 1
        self.runs.append(run)
        self.cost_plot.kept_in_view.append(curve)
        self.relabel()
        self.cost_plot.refit()
        return run

    @Slot()
    def clear(self) -> None:
        for run in list(self.runs):
            self._remove(run)
        self.relabel()
        self.cost_plot.refit()

    @Slot()
    def relabel(self) -> None:
        """Label every earlier run against the run on the plot (the current spec before one
        starts) and rebuild the legend."""
        current = self._tracked[1] if self._tracked is not None else self.spec_source()
        entries = []
        for run in self.runs:
            label = run.name or describe_difference(run.spec, current)
            if label == SAME:  # nothing differs but the run itself: say which run
                label = f"run {run.number}"
            run.label = label
            entries.append((label, run.curve.opts["pen"]))
        if self.runs:
            current_label = CURRENT_LABEL
            if any(run.label == f"run {run.number}" for run in self.runs):
                number = self._current_number or self._runs_started + 1
                current_label = f"{CURRENT_LABEL} (run {number})"
            entries.append((current_label, self.cost_plot.curve.opts["pen"]))
        self.legend.set_entries(entries if self.runs else [])
        self.clear_action.setEnabled(bool(self.runs))
        self.runs_changed.emit()

    # --- from the worker -------------------------------------------------------------------

    @Slot(str)
    def on_state_changed(self, state: str) -> None:
        if state in STARTED and self._tracked is None:
            # The plot's history object is replaced at each reset, so holding this one keeps
            # the run's points whatever order the reset slots run in.
            self._tracked = (self.cost_plot.history, self.spec_source())
            self._current_number = self._next_number()
            self.relabel()

    @Slot(object, object)
    def on_run_reset(self, dataset: Dataset | None = None, grid: PlaneGrid | None = None) -> None:
        tracked, self._tracked = self._tracked, None
        if tracked is not None:
            history, spec = tracked
            number, self._current_number = self._current_number, 0
            self.add_run(spec, *history.data(), number=number)

    def _next_number(self) -> int:
        self._runs_started += 1
        return self._runs_started

    def _remove(self, run: EarlierRun) -> None:
        self.cost_plot.plot_item.removeItem(run.curve)
        self.cost_plot.kept_in_view.remove(run.curve)
        self.runs.remove(run)
