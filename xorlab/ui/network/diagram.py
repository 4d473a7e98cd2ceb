"""The network diagram: neurons in layers with their bias units (the output layer's too), one
line per weight, orange for positive and blue for negative, as wide as the weight is large;
for 2-input data each neuron shows what it computes over the input plane.

It follows the training worker: a snapshot re-pens the lines (no items are rebuilt). While
the diagram is on screen the worker puts every neuron's map, as ready pictures, into the
snapshots (TrainingWorker.set_neuron_maps); a replayed epoch's maps, and those after a change
of state, come from a trainer job (neuron_maps, on the worker thread). Hidden, the diagram
keeps only the newest snapshot and draws it when shown. Hovering over a line shows its
weight; clicking it selects it and opens an editor (training pauses first) whose value is set
on the worker by another job, after which a snapshot shows it everywhere. The legend, maps
box and status line are made in network_header.py.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from xorlab.app.network_jobs import (
    NEURON_MAPS,
    WEIGHT_EDIT,
    DiagramData,
    WeightEdit,
    neuron_maps_job,
    weight_edit_job,
)
from xorlab.app.run_state import SETTLED, RunState
from xorlab.app.selection import NOTHING, SelectionRef
from xorlab.core.training.datasets import Dataset
from xorlab.ui.network import header, style
from xorlab.ui.network.edge_pictures import EdgePictures
from xorlab.ui.network.layout import Architecture, architecture_for
from xorlab.ui.network.map_popup import MapPopup
from xorlab.ui.network.paint import paint_maps, paint_selection
from xorlab.ui.network.scene import NetworkScene
from xorlab.ui.network.structure_controls import BUTTON, FROM_BOTTOM, StructureControls
from xorlab.ui.network.view import NetworkView
from xorlab.ui.network.weight_editor import WeightEditor
from xorlab.ui.runtime.background import BackgroundRunner
from xorlab.ui.runtime.frame_stages import connect_staged
from xorlab.ui.runtime.job_request import JobRequest
from xorlab.ui.runtime.selection import SelectionBus
from xorlab.ui.widgets.visibility import out_of_sight

if TYPE_CHECKING:
    from xorlab.core.training.trainer import TrainingSnapshot

DEFAULT_ASPECT = 1.2  # width / height laid out for before the view has a size
RELAYOUT_CHANGE = 1.35  # re-lay out when the view's shape changes by more than this factor
SETTLED_STATES = SETTLED
STRUCTURE_ROOM = BUTTON + FROM_BOTTOM + 2  # pixels under the network for the +/- buttons
# While training, the diagram redraws at most this often, and no more often than keeps its
# painting (measured) to PAINT_SHARE of the time: its ~600 lines for the spiral cost more
# than all the other views together, and every line is redrawn when any pen changes.
MIN_REDRAW_SECONDS = 1 / 30
PAINT_SHARE = 0.25
# A repaint longer than this makes the window stutter (a wide net: 2-64-64-64-1 has ~8,600
# lines, ~0.2-0.5 s to paint): such repaints may take at most SLOW_PAINT_SHARE of the time,
# so at most 1% of the window's moments are late because of them.
LAG_BUDGET = 0.016
SLOW_PAINT_SHARE = 0.01
MAX_SMOOTH_PAINT = 0.1  # seconds a jagged repaint may take for the settled one to be smooth
# A diagram redrawn this seldom while training (or less often) asks the worker for its neuron
# maps only MAPS_LEAD seconds before its next redraw, and waits for a snapshot carrying them
# (at most one more interval): in every snapshot they cost the snapshot's job ~2 ms for the
# 2-64-64-64-1 net (a fifth of it, app/snapshot_pipeline.py), for one redraw in ~60.
MAPS_ON_DEMAND_INTERVAL = 0.25
MAPS_LEAD = 0.1


class NetworkDiagram(QWidget):
    """``source`` is the TrainingWorker (or anything with its signals, ``state``, ``pause``
    and ``submit_job``); ``bus`` links the selection with other views."""

    weight_edited = Signal(object)  # WeightEdit, once the worker has applied it

    def __init__(
        self,
        source: QObject | None = None,
        bus: SelectionBus | None = None,
        parent: QWidget | None = None,
        replay: QObject | None = None,
        runner: BackgroundRunner | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("network_diagram")
        self.source = source
        # Time travel (replay.ReplayController): the diagram shows the snapshot it shows,
        # maps included, and weights are edited only while live.
        self.replay = replay
        self.bus = bus if bus is not None else SelectionBus(self)
        self.dataset: Dataset | None = None
        self.network = None  # NetworkSpec of the compiled net, once a maps job has answered
        self.maps_data: DiagramData | None = None
        self.selection: SelectionRef = NOTHING
        self.update_seconds: list[float] = []  # set_weights time per snapshot (last 200)
        self._built_aspect = DEFAULT_ASPECT
        self._held: TrainingSnapshot | None = None  # the newest snapshot, while hidden
        self._skipped: TrainingSnapshot | None = None  # not drawn yet: redrawn too recently
        self._last_drawn = -math.inf  # perf_counter of the last snapshot drawn
        self.redraws = 0  # snapshots drawn (benchmarks count them)
        self.clock = time.perf_counter  # tests pace the redraws on a fake clock
        self._slow_note = False  # the status line says the lines follow slowly
        self._live_maps: bool | None = None  # what the worker was last told

        self.scene = NetworkScene(self)
        # With a runner, the lines are painted on its thread and the GUI thread blits them.
        self.pictures = EdgePictures(runner, self) if runner is not None else None
        self.view = NetworkView(self.scene)
        self.editor = WeightEditor(self)
        self.map_popup = MapPopup(self)
        self.structure = StructureControls(self.view)
        self.view.extra_bottom = STRUCTURE_ROOM
        self.view.fitted.connect(self.structure.place)
        self.view.unit_hovered.connect(self._on_unit_hovered)
        self.legend = header.legend_label()
        self.maps_box = header.maps_box()
        self.status = header.status_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addLayout(header.header_layout(self.legend, self.maps_box))
        layout.addWidget(self.view, 1)
        layout.addLayout(self.structure.layer_row())
        layout.addWidget(self.status)
        self._set_status("Hover over a line to read its weight; click it to edit.")

        self.relayout_timer = QTimer(self)
        self.relayout_timer.setSingleShot(True)
        self.relayout_timer.setInterval(150)
        self.relayout_timer.timeout.connect(self._on_relayout_timeout)
        self.view.line_clicked.connect(self._on_line_clicked)
        self.view.unit_clicked.connect(self._on_unit_clicked)
        self.view.background_clicked.connect(self._on_background_clicked)
        self.editor.accepted.connect(self._on_edit_accepted)
        self.maps_box.toggled.connect(self._on_maps_toggled)
        self.bus.selection_changed.connect(self._on_selection_changed)
        if source is not None:
            source.run_reset.connect(self.on_run_reset)
            shown = replay.snapshot_shown if replay is not None else source.snapshot_ready
            connect_staged(source, shown, self.on_snapshot)
            source.state_changed.connect(self._on_state_changed)
            source.job_done.connect(self._on_job_done)
            source.job_failed.connect(self._on_job_failed)
            # One maps job out at a time; asks meanwhile merge into one more (job_request).
            self.maps_request = JobRequest(
                self._send_maps_job, ready=self.isVisible, parent=self
            ).answered_by(source, NEURON_MAPS)
            self.maps_request.finished.connect(self._on_maps_done)

    # --- public API ---------------------------------------------------------------------------

    @property
    def arch(self) -> Architecture | None:
        return self.scene.arch

    def on_run_reset(self, dataset: Dataset, _grid=None) -> None:
        """A new run (or network): the next snapshot rebuilds the picture if its shape differs."""
        self.dataset = dataset
        self.maps_data = None
        self.editor.cancel()
        self.maps_box.setVisible(dataset.n_inputs == 2)
        for key in self.scene.maps:
            self.scene.set_map(*key, None)

    @Slot(object)
    def on_snapshot(self, snapshot: TrainingSnapshot) -> None:
        if out_of_sight(self):
            self._held = snapshot  # drawn when shown: nobody sees the ones in between
            return
        self._held = None
        start = time.perf_counter()
        now = self.clock()
        interval = self.redraw_interval()
        self._tell_worker_about_maps()  # on demand: asked for shortly before a redraw
        if self._training() and (
            now - self._last_drawn < interval or self._waits_for_maps(snapshot, now, interval)
        ):
            self._skipped = snapshot  # a later one (or the settled one) is drawn instead
            if interval >= 1.0 and not self._slow_note:
                self._slow_note = True
                # With pictures the lines are blitted: what is slow is the rest (units).
                what = (
                    f"this diagram's {len(self.scene.units):,} units"
                    if self.pictures is not None
                    else f"these {len(self.scene.edges):,} lines"
                )
                self._set_status(
                    f"Drawing {what} takes {self.view.fast_paint_seconds * 1000:.0f} ms: "
                    f"while training they are redrawn every {interval:.0f} s, and as soon as "
                    "training pauses."
                )
            return
        self._skipped, self._last_drawn = None, now
        self.redraws += 1
        self._note_slow_pictures()
        shapes = [w.shape for w in snapshot.weights]
        if self.arch is None or self.arch.shapes() != shapes:
            self._build(shapes)
            self.relayout_timer.start()  # the panel may not have had its final size yet
        self.scene.set_weights(snapshot.weights)
        self.view.refresh_hover()  # the line under the mouse in its new colour at once
        target = self.editor.target
        if target is not None and not self.editor.field.isModified():
            # The editor opened before the pause took effect: show the value it paused at.
            self.editor.show_value(self.scene.weight_at(*target))
        plane = snapshot.plane
        if plane is not None and plane.neuron_images is not None and plane.neurons is not None:
            # The worker's live maps, of these very weights: no job needed.
            self.maps_data = DiagramData(
                self.network, plane.neurons, plane.step, plane.neuron_images
            )
            self._show_maps(self.maps_data)
        elif getattr(self.source, "state", "") != RunState.TRAINING or self._replaying():
            self.request_maps()  # a step, an edit, a replayed epoch: maps for these weights
        self.update_seconds = [*self.update_seconds[-199:], time.perf_counter() - start]
        self._tell_worker_about_maps()  # drawn: on demand, none until shortly before the next

    def _maps_on_demand(self, interval: float) -> bool:
        return self._training() and interval >= MAPS_ON_DEMAND_INTERVAL

    def _waits_for_maps(self, snapshot: TrainingSnapshot, now: float, interval: float) -> bool:
        """A redraw that is due waits for a snapshot with the neuron maps the worker was
        asked for, up to one more interval (they come with the snapshots that have maps)."""
        plane = snapshot.plane
        has_maps = plane is not None and plane.neuron_images is not None
        return (
            bool(self._live_maps)
            and self._maps_on_demand(interval)
            and not has_maps
            and now - self._last_drawn < 2 * interval
        )

    def _note_slow_pictures(self) -> None:
        """Say so when the lines' pictures, painted on their thread, follow the weights
        seconds apart (thousands of lines; the neurons' maps keep up)."""
        pictures = self.pictures
        if pictures is None or self._slow_note or not self._training():
            return
        interval = pictures.interval()
        if interval >= 1.0:
            self._slow_note = True
            self._set_status(
                f"Painting these {len(self.scene.edges):,} lines takes "
                f"{pictures.render_seconds * 1000:.0f} ms of CPU: while training they follow the "
                f"weights every {interval:.1f} s, and at once when training pauses."
            )

    def redraw_interval(self) -> float:
        """Seconds between redraws while training, from the time a repaint takes while
        training (without antialiasing)."""
        paint = self.view.fast_paint_seconds  # 0 until measured: redraw, and measure
        interval = max(MIN_REDRAW_SECONDS, paint / PAINT_SHARE)
        if paint > LAG_BUDGET:
            interval = max(interval, paint / SLOW_PAINT_SHARE)
        return interval

    def _training(self) -> bool:
        return getattr(self.source, "state", "") == RunState.TRAINING and not self._replaying()

    def request_maps(self) -> None:
        """Ask the worker for fresh neuron maps (and the network's activations)."""
        if self.source is None or not self.isVisible():
            return  # hidden: showEvent asks again
        self.maps_request.ask()

    def _send_maps_job(self) -> bool:
        self.source.submit_job(neuron_maps_job(self.scene.weights or None, style.map_palette()))
        return True

    def select(self, ref: SelectionRef | None) -> None:
        """Select in this diagram and every linked view."""
        self.bus.select(ref)

    def edit_weight(self, param: int, row: int, col: int, where: QPoint | None = None) -> None:
        """Open the editor for ``W{param+1}[row, col]`` (pausing training first)."""
        if getattr(self.replay, "is_replaying", False):
            self._set_status(
                "This is a past epoch: go back to live on the time-travel bar to edit weights.",
                error=True,
            )
            return
        if self.source is not None and getattr(self.source, "state", "") == RunState.TRAINING:
            self.source.pause()
            self._set_status(f"Training paused to edit W{param + 1}[{row},{col}].")
        if where is None:
            index = self.scene.line_of(param, row, col)
            view_point = self.view.viewport_point_of_line(index) if index is not None else None
            where = view_point or QPoint(self.width() // 2, self.height() // 2)
        at = self.view.viewport().mapTo(self, where)
        self.editor.open_at(param, row, col, self.scene.weight_at(param, row, col), at)

    # --- building -------------------------------------------------------------------------------

    def _build(self, shapes: list[tuple[int, int]]) -> None:
        arch = architecture_for(shapes, self.dataset, self.network)
        weights = self.scene.weights
        self._built_aspect = self._view_aspect()
        self.scene.build(arch, self._built_aspect)
        if self.pictures is not None:
            self.pictures.attach(self.scene.edges)
        if [w.shape for w in weights] == shapes:
            self.scene.set_weights(weights)
        self.view.fit()
        self._apply_selection(self.selection)
        if self.maps_data is not None:
            self._show_maps(self.maps_data)

    def _view_aspect(self) -> float:
        size = self.view.viewport().size()
        left, top, right, bottom = self.view.margins()
        width, height = size.width() - left - right, size.height() - top - bottom
        if width < 50 or height < 50:
            return DEFAULT_ASPECT
        return min(max(width / height, 0.4), 3.0)

    def _on_relayout_timeout(self) -> None:
        change = self._view_aspect() / self._built_aspect
        if self.arch is not None and max(change, 1 / change) > RELAYOUT_CHANGE:
            self._build(self.arch.shapes())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.relayout_timer.start()

    def _show_maps(self, data: DiagramData) -> None:
        if self.arch is not None:
            paint_maps(self.scene, data.maps, self.maps_box.isChecked(), data.images)

    def _replaying(self) -> bool:
        return bool(getattr(self.replay, "is_replaying", False))

    def _tell_worker_about_maps(self) -> None:
        """Live neuron maps in the snapshots only while someone can see them."""
        wanted = self.isVisible() and self.maps_box.isChecked()
        interval = self.redraw_interval()
        if wanted and self._maps_on_demand(interval):
            wanted = self.clock() - self._last_drawn >= interval - MAPS_LEAD
        setter = getattr(self.source, "set_neuron_maps", None)
        if setter is None or wanted == self._live_maps:
            return
        self._live_maps = wanted
        setter(style.map_palette() if wanted else None)

    # --- selection ------------------------------------------------------------------------------

    @Slot(object)
    def _on_selection_changed(self, ref: SelectionRef) -> None:
        self.selection = ref
        self._apply_selection(ref)

    def _apply_selection(self, ref: SelectionRef) -> None:
        paint_selection(self.scene, ref)

    # --- slots ----------------------------------------------------------------------------------

    @Slot(int, QPoint)
    def _on_line_clicked(self, index: int, where: QPoint) -> None:
        p, r, c = (int(v) for v in self.scene.index[index])
        self.select(SelectionRef.weight(p, r, c))
        self.edit_weight(p, r, c, where)

    @Slot(int, int, QPoint)
    def _on_unit_hovered(self, layer: int, unit: int, global_point: QPoint) -> None:
        maps = self.maps_data.maps if self.maps_data is not None else None
        if layer < 0 or self.arch is None or not self.maps_box.isChecked():
            self.map_popup.hide_map()
            return
        self.map_popup.show_unit(self.arch, maps, layer, unit, global_point)

    @Slot(int, int)
    def _on_unit_clicked(self, layer: int, unit: int) -> None:
        self.editor.cancel()
        self.select(SelectionRef.neuron(layer, unit))

    @Slot()
    def _on_background_clicked(self) -> None:
        self.editor.cancel()
        self.select(None)

    @Slot(int, int, int, float)
    def _on_edit_accepted(self, param: int, row: int, col: int, value: float) -> None:
        if self.source is None:
            return
        self._set_status(f"Setting W{param + 1}[{row},{col}] to {value:g}…")
        self.source.submit_job(weight_edit_job(param, row, col, value))

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        # Smooth once settled, unless even the jagged repaint is slow (a wide net's thousands
        # of lines): antialiasing triples it, and the window would freeze for a second.
        slow = self.view.fast_paint_seconds > MAX_SMOOTH_PAINT and self.pictures is None
        self.view.set_fast(state == RunState.TRAINING or slow)
        self._tell_worker_about_maps()  # settled: maps with every snapshot again
        if state != RunState.TRAINING and self._slow_note:
            self._slow_note = False
            self._set_status("Hover over a line to read its weight; click it to edit.")
        if state != RunState.TRAINING and self._skipped is not None:
            self.on_snapshot(self._skipped)  # the run's last snapshot came before the state
        if state != RunState.TRAINING and self.pictures is not None:
            self.pictures.hurry()  # the settled lines, smooth, without waiting
        if state in SETTLED_STATES:
            self.maps_request.forget()  # a new trainer answers afresh
            self.request_maps()

    @Slot(object)
    def _on_maps_done(self, result: object) -> None:
        if isinstance(result, DiagramData):
            known = self.network
            self.network, self.maps_data = result.network, result
            if known != result.network and self.scene.weights:
                self._build([w.shape for w in self.scene.weights])  # captions name activations
            else:
                self._show_maps(result)
            popup = self.map_popup
            if popup.unit is not None and self.arch is not None:  # the map under the mouse
                popup.show_unit(self.arch, result.maps, *popup.unit, popup.pointer)

    @Slot(str, object)
    def _on_job_done(self, kind: str, result: object) -> None:
        if kind == WEIGHT_EDIT and isinstance(result, WeightEdit):
            self._set_status(
                f"W{result.param + 1}[{result.row},{result.col}]: {result.old:.4g} → "
                f"{result.new:.4g}. Resume training to see what the net does with it."
            )
            self.weight_edited.emit(result)
            self.request_maps()

    @Slot(str, str)
    def _on_job_failed(self, kind: str, message: str) -> None:
        if kind == WEIGHT_EDIT:
            self._set_status(f"The weight was not changed: {message}", error=True)

    @Slot(bool)
    def _on_maps_toggled(self, _checked: bool) -> None:
        self._tell_worker_about_maps()
        if self.maps_data is not None:
            self._show_maps(self.maps_data)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._tell_worker_about_maps()
        if self._held is not None:
            self.on_snapshot(self._held)
        self.request_maps()  # what the held snapshot may lack (a settled run's maps)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.map_popup.hide_map()
        self._tell_worker_about_maps()

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(header.status_html(text, error))
