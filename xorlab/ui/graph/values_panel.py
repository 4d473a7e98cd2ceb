"""Live values on the Graph tab: pick a training row, and every node of the symbolic graph
shows its value for that row, in the node panel and (with "Show values") as a label beside
it on the picture.

Values come from a trainer job (graph_values, compiled on the worker thread once per graph)
about twice a second while training, only while the tab is visible, and once whenever the
graph, the row or the run's state changes.

Time travel: while the timeline bar shows a past epoch (``replay``), the values are computed
from that snapshot's weights, optimizer state and learning rate (the trainer's own are not
touched), weights included in the node panel, and the note names the epoch; going live
brings the live values back. Values that do not belong to the state on screen are never
shown: until the new ones arrive the labels are cleared.

Only the symbolic graph gets values. The optimized graph's ops are fused and in-place
rewrites living inside one compiled function; evaluating them one by one would need a second
function per graph whose in-place ops overwrite their inputs, and the numbers are the
symbolic graph's anyway, so the note says so and points to the symbolic view.

The bar's widgets are in graph_values_bar.py, which values belong to the state on screen is
decided in graph_values_match.py, and the note's wording is in graph_values_text.py.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QObject, QTimer, Slot

from xorlab.app.network_jobs import GRAPH_VALUES, graph_values_job
from xorlab.app.run_state import SETTLED, RunState
from xorlab.core.first_imports import import_pytensor
from xorlab.core.training.datasets import Dataset
from xorlab.ui.graph.overlay import CanvasOverlay
from xorlab.ui.graph.tab import GraphTab
from xorlab.ui.graph.values_bar import ALL_ROWS, GraphValuesBar
from xorlab.ui.graph.values_match import replayed_shared, values_shown
from xorlab.ui.graph.values_text import (
    OPTIMIZED_NODE,
    OPTIMIZED_WHY,
    moment_text,
    note_html,
    note_tooltip,
    optimized_note,
    rows_text,
)
from xorlab.ui.runtime.job_request import JobRequest

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphView, NodeInfo
    from xorlab.core.graphs.values import GraphValues
    from xorlab.core.training.trainer import TrainingSnapshot

REFRESH_MS = 500  # ~2 Hz while training
SETTLED_STATES = SETTLED


class GraphValuesPanel(QObject):
    """Adds a row chooser and a "Show values" box to ``tab`` and keeps the values fresh.
    ``replay`` (a ReplayController): the values follow the epoch it shows."""

    def __init__(self, tab: GraphTab, source: QObject | None, replay: QObject | None = None):
        super().__init__(tab)
        self.tab = tab
        self.source = source
        self.replay = replay
        self.initial_row: int | None = 0  # chosen when the first run's rows arrive
        self.values: GraphValues | None = None
        self.dataset: Dataset | None = None
        self.overlay = CanvasOverlay(tab.canvases["symbolic"])
        tab.canvases["symbolic"].view.zoom_changed.connect(lambda _z: self.overlay.arrange())
        # One values job out at a time; asks meanwhile merge into one more (job_request).
        self.job = JobRequest(self._send, parent=self)
        self.job.finished.connect(self._on_values)
        self.job.failed.connect(self._on_values_failed)

        self.bar = GraphValuesBar()
        self.row_box, self.show_box = self.bar.row_box, self.bar.show_box
        self.note, self.title = self.bar.note, self.bar.title
        self.note.linkActivated.connect(lambda _link: self.tab.set_mode("symbolic"))
        tab_layout = tab.layout()
        tab_layout.insertWidget(tab_layout.indexOf(tab.summary) + 1, self.bar)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._on_timer)
        tab.details.value_source = self.value_for
        tab.graph_applied.connect(self._on_graph_applied)
        tab.installEventFilter(self)
        tab.drawn.connect(self._on_drawn)
        self.row_box.currentIndexChanged.connect(lambda _i: self._on_rows_changed())
        self.show_box.toggled.connect(self._on_show_toggled)
        if source is not None:
            source.run_reset.connect(self.on_run_reset)
            source.state_changed.connect(self._on_state_changed)
            self.job.answered_by(source, GRAPH_VALUES)
        if replay is not None:
            replay.replay_changed.connect(self._on_replay_changed)
        tab.mode_changed.connect(lambda _mode: self._update_note())

    # --- public API ---------------------------------------------------------------------------

    @property
    def rows(self) -> tuple[int, ...] | None:
        """The chosen training rows (None: all of them)."""
        row = self.row_box.currentData()
        return None if row is None or row == ALL_ROWS else (int(row),)

    def set_row(self, row: int | None) -> None:
        """Choose a training row by index (None: all rows)."""
        index = self.row_box.findData(ALL_ROWS if row is None else int(row))
        if index >= 0:
            self.row_box.setCurrentIndex(index)

    def on_run_reset(self, dataset: Dataset, _grid=None) -> None:
        self.dataset = dataset
        self.values = None
        self.bar.fill_rows(dataset, self.initial_row)
        self.overlay.clear()
        self._update_note()

    def request(self) -> None:
        """Ask the worker for the values of the symbolic graph on screen."""
        self.job.ask()

    def _send(self) -> bool:
        bundle = self.tab.bundle
        if self.source is None or bundle is None or not self.tab.isVisible():
            return False
        request = bundle.request
        self.source.submit_job(
            graph_values_job(
                request.target, request.param, self.rows, bundle.symbolic, self.replayed
            )
        )
        return True

    @property
    def replayed(self) -> TrainingSnapshot | None:
        """The past snapshot the time-travel bar shows (None: live)."""
        return getattr(self.replay, "replayed", None)

    def value_for(self, graph: GraphView, info: NodeInfo) -> tuple[np.ndarray | None, str] | None:
        """The node panel's value for ``info``: a symbolic node's for the chosen rows; while
        replaying also a weight's (any stage), at the replayed epoch."""
        import_pytensor()  # this thread too: see core.first_imports
        from xorlab.core.graphs.values import summarize

        replayed = self.replayed
        if info.category == "shared":
            # Live, the node's own (current) value is the right one.
            if replayed is None:
                return None
            bundle = self.tab.bundle
            values = self._current_values(bundle.symbolic) if bundle is not None else None
            return replayed_shared(info, replayed, bundle, values)
        if graph.stage == "optimized" and info.value is None and self.values is not None:
            return None, OPTIMIZED_NODE
        values = self._current_values(graph)
        if values is None:
            return None
        value = values.node_value(info)
        if value is None:
            return None
        summary = html.escape(summarize(value))
        return value, f"for {rows_text(values)}, {moment_text(values)}: {summary}"

    def busy(self) -> bool:
        return self.job.pending

    # --- slots --------------------------------------------------------------------------------

    @Slot(object)
    def _on_replay_changed(self, _snapshot: TrainingSnapshot | None) -> None:
        # The values on screen belong to the previous state: clear them and ask again (a
        # job still out is followed by one for this state; the newest per kind wins).
        self._draw_labels()
        self._update_note()
        self.tab.details.refresh(self.tab.details.graph)
        self.request()

    @Slot()
    def _on_timer(self) -> None:
        if self.replayed is None:  # a replayed epoch's values do not change
            self.request()

    @Slot(object)
    def _on_graph_applied(self, bundle) -> None:
        if self._current_values(bundle.symbolic) is None:
            self.request()  # another graph (the timer refreshes the same one)
        else:
            self._draw_labels()  # the same graph may have been redrawn

    def _on_rows_changed(self) -> None:
        self.values = None
        self._update_note()
        self.request()

    @Slot(bool)
    def _on_show_toggled(self, checked: bool) -> None:
        if checked and self.tab.mode == "optimized":
            self.tab.set_mode("symbolic")  # the values belong to the symbolic graph's nodes
        self._draw_labels()
        self.request()

    @Slot(str)
    def _on_drawn(self, stage: str) -> None:
        if stage == "symbolic":
            self._draw_labels()

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        if state == RunState.TRAINING and self.tab.isVisible():
            self.timer.start()
        else:
            self.timer.stop()
        if state in SETTLED_STATES:
            self.job.forget()  # a new network answers afresh
            self.request()

    @Slot(object)
    def _on_values(self, result: object) -> None:
        import_pytensor()  # this thread too: see core.first_imports
        from xorlab.core.graphs.values import GraphValues

        if not isinstance(result, GraphValues):
            return
        self.values = result
        self.tab.details.refresh(self.tab.details.graph)
        self._draw_labels()
        self._update_note()

    @Slot(str)
    def _on_values_failed(self, message: str) -> None:
        self.values = None
        self._draw_labels()
        self.note.setText(f"No values: {html.escape(message)}")

    # --- internals ----------------------------------------------------------------------------

    def _current_values(self, graph: GraphView | None) -> GraphValues | None:
        return values_shown(self.values, self.tab.bundle, graph, self._rows_tuple(), self.replayed)

    def _rows_tuple(self) -> tuple[int, ...]:
        rows = self.rows
        if rows is not None:
            return rows
        return tuple(range(self.dataset.n_samples)) if self.dataset is not None else ()

    def _draw_labels(self) -> None:
        import_pytensor()  # this thread too: see core.first_imports
        from xorlab.core.graphs.values import summarize

        self.overlay.clear()
        graph = self.tab.canvases["symbolic"].graph
        values = self._current_values(graph)
        if not self.show_box.isChecked() or values is None or graph is None:
            return
        for node_id, info in graph.nodes.items():
            if info.drawn_as != "node" or info.category == "constant":
                continue
            value = values.node_value(info)
            if value is not None:
                self.overlay.add_label(node_id, summarize(value, compact=True), summarize(value))
        self.overlay.arrange()

    def _update_note(self) -> None:
        replayed = self.replayed
        self.title.setText("Live values for" if replayed is None else "Past values for")
        self.note.setToolTip("")
        if self.tab.mode == "optimized":
            self.note.setText(optimized_note(replayed.epoch if replayed else None))
            self.note.setToolTip(OPTIMIZED_WHY)
            return
        values = self._current_values(self.tab.canvases["symbolic"].graph)
        if values is not None:
            self.note.setText(note_html(values, self.tab.mode == "side"))
            self.note.setToolTip(note_tooltip(values))
        elif self.values is not None:
            waiting = f"epoch {replayed.epoch:,} (time travel)" if replayed else "live values"
            self.note.setText(f"Computing the {waiting}…")
        else:
            self.note.setText("")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Refresh only while the tab is on screen (it is hidden behind other tabs)."""
        if watched is self.tab and event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            training = getattr(self.source, "state", "") == RunState.TRAINING
            if event.type() == QEvent.Type.Show and training:
                self.timer.start()
            elif event.type() == QEvent.Type.Hide:
                self.timer.stop()
        return False
