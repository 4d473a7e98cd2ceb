"""Live views: the worker's maps in every snapshot equal a numpy forward pass; hidden views
skip redraws and catch up when shown; the diagram paces its redraws by its paint time."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QTabWidget, QWidget

from tests.ui.network.test_network_diagram import EditSource, fake_snapshot
from xorlab.app.live_maps import DETAIL_RESOLUTION
from xorlab.core.training.datasets import plane_grid
from xorlab.core.training.map_images import colorize, value_range
from xorlab.core.training.neuron_maps import MAP_RESOLUTION
from xorlab.core.training.plane_maps import snapshot_with_maps
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import MAX_EPOCHS
from xorlab.core.training.trainer import Trainer, TrainingSnapshot
from xorlab.ui.network import style
from xorlab.ui.network.diagram import NetworkDiagram
from xorlab.ui.runtime.worker import TrainingWorker
from xorlab.ui.training.boundary import BoundaryView
from xorlab.ui.training.truth_table import TruthTable

from ...core.reference import forward, inscribed_disc

BIAS = preset_spec("xor-bias")
WAIT_MS = 30_000


def numpy_layers(spec, weights, points):
    acts = [*spec.network.activations, spec.network.output_activation]
    return [a for _, _, a in forward(list(weights), points, acts, spec.network.bias)[0]]


@contextmanager
def training_worker(qtbot, spec):
    """A worker training ``spec`` with neuron maps: (worker, its snapshots, states and
    engines as they came), shut down on leaving."""
    worker = TrainingWorker()
    snapshots: list[TrainingSnapshot] = []
    states: list[str] = []
    engines: list[str] = []
    worker.snapshot_ready.connect(snapshots.append)
    worker.state_changed.connect(states.append)
    worker.engine_chosen.connect(engines.append)
    worker.start()
    try:
        worker.set_spec(spec)
        qtbot.waitUntil(lambda: states[-1:] == ["ready"], timeout=WAIT_MS)
        worker.set_neuron_maps(style.map_palette())
        worker.train()
        yield worker, snapshots, states, engines
    finally:
        assert worker.shutdown(WAIT_MS)


def test_worker_snapshots_carry_maps_equal_to_a_numpy_forward_pass(qtbot):
    with training_worker(qtbot, BIAS) as (worker, snapshots, states, _engines):
        qtbot.waitUntil(lambda: states[-1:] == ["done"], timeout=WAIT_MS)
        with_maps = [s for s in snapshots if s.plane is not None and s.plane.neurons is not None]
        assert len(with_maps) >= 10
        res = MAP_RESOLUTION
        for snap in with_maps[:: max(1, len(with_maps) // 8)] + [snapshots[-1]]:
            plane = snap.plane
            assert plane.step == snap.step
            out = numpy_layers(BIAS, snap.weights, plane.grid.points)[-1][:, 0]
            np.testing.assert_allclose(plane.output.ravel(), out, rtol=0, atol=1e-12)
            np.testing.assert_array_equal(snap.grid_outputs, plane.output)
            layers = numpy_layers(BIAS, snap.weights, plane.neurons.grid.points)
            hidden = layers[0][:, 1].reshape(res, res)
            np.testing.assert_allclose(plane.neurons.layers[0][:, :, 1], hidden, atol=1e-12)
            want = colorize(hidden[::-1], *value_range("sigmoid", hidden), style.map_palette())
            want[..., 3] = np.where(inscribed_disc(res), want[..., 3], 0)  # round, as drawn
            assert np.abs(plane.neuron_images[1][1].astype(int) - want.astype(int)).max() <= 1
        # At rest (the end of the run): the detailed grid, over the same plane; while it
        # trained, the fine or the coarse one (checked against numpy above, as is the last).
        assert snapshots[-1].plane.grid.resolution == DETAIL_RESOLUTION
        assert {s.plane.grid.resolution for s in with_maps[:-1]} <= {32, 64}
        worker.set_neuron_maps(None)
        before = len(snapshots)
        worker.train()  # done: a fresh run
        qtbot.waitUntil(lambda: states[-1:] == ["done"] and len(snapshots) > before + 3)
        assert all(s.plane is None or s.plane.neurons is None for s in snapshots[before + 1 :])


@pytest.fixture(scope="module")
def circle():
    trainer = Trainer(preset_spec("circle").with_changes(training={"epochs": MAX_EPOCHS}))
    trainer.evaluate()
    grid = plane_grid(trainer.dataset, 32)
    first = snapshot_with_maps(trainer, grid)
    weights = [w * 1.7 for w in trainer.get_weights()]
    trainer.set_weights(weights)
    second = snapshot_with_maps(trainer, grid)
    return trainer.dataset, grid, first, second


def in_tabs(qtbot, view: QWidget) -> QTabWidget:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(view, "view")
    tabs.addTab(QWidget(), "other")
    tabs.resize(600, 500)
    tabs.show()
    qtbot.waitExposed(tabs)
    return tabs


def test_a_hidden_boundary_and_table_catch_up_when_shown(qtbot, circle):
    dataset, grid, first, second = circle
    boundary, table = BoundaryView(), TruthTable()
    boundary_tabs, table_tabs = in_tabs(qtbot, boundary), in_tabs(qtbot, table)
    boundary.reset(dataset, grid)
    table.reset(dataset)
    for view in (boundary, table):
        view.on_snapshot(first)
    np.testing.assert_array_equal(boundary.image.image, first.grid_outputs)
    np.testing.assert_array_equal(table.model.outputs, first.outputs)
    boundary_tabs.setCurrentIndex(1)
    table_tabs.setCurrentIndex(1)
    for view in (boundary, table):
        view.on_snapshot(second)
    # Out of sight: nothing redrawn...
    np.testing.assert_array_equal(boundary.image.image, first.grid_outputs)
    np.testing.assert_array_equal(table.model.outputs, first.outputs)
    # ...and shown again: the newest snapshot, with its contour.
    boundary_tabs.setCurrentIndex(0)
    table_tabs.setCurrentIndex(0)
    np.testing.assert_array_equal(boundary.image.image, second.grid_outputs)
    x, _y = boundary.contour.getData()
    np.testing.assert_array_equal(x, second.plane.contour[:, [0, 2]].ravel())
    np.testing.assert_array_equal(table.model.outputs, second.outputs)
    assert f"{int(table.model.correct.sum()):,} of" in table.accuracy_label.text()


def test_a_hidden_diagram_catches_up_and_tells_the_worker(qtbot, circle):
    dataset, _grid, first, second = circle
    source = EditSource()
    asked: list = []
    source.set_neuron_maps = asked.append
    diagram = NetworkDiagram(source)
    tabs = in_tabs(qtbot, diagram)
    assert asked and asked[-1] is not None  # shown with maps on: live maps wanted
    diagram.on_run_reset(dataset)
    diagram.on_snapshot(first)
    tabs.setCurrentIndex(1)
    assert asked[-1] is None  # out of sight: no neuron maps computed for nobody
    diagram.on_snapshot(second)
    assert diagram.scene.weight_at(0, 0, 0) == first.weights[0][0, 0]
    tabs.setCurrentIndex(0)
    assert diagram.scene.weight_at(0, 0, 0) == second.weights[0][0, 0]
    assert asked[-1] is not None


def test_the_diagram_redraws_as_often_as_its_paint_time_allows(qtbot, circle):
    dataset, _grid, first, _second = circle
    source = EditSource()
    source.state = "training"
    diagram = NetworkDiagram(source)
    qtbot.addWidget(diagram)
    diagram.resize(400, 400)
    diagram.show()
    now = [100.0]
    diagram.clock = lambda: now[0]
    diagram.view.fast_paint_seconds = 0.015  # a quarter of the time at most: every 60 ms
    assert diagram.redraw_interval() == pytest.approx(0.06)
    diagram.on_run_reset(dataset)
    weights = [np.array(w) for w in first.weights]
    diagram.on_snapshot(fake_snapshot(weights, 1))
    drawn = diagram.scene.weight_at(0, 0, 0)
    now[0] += 0.03
    diagram.on_snapshot(fake_snapshot([w * 2 for w in weights], 2))
    assert diagram.scene.weight_at(0, 0, 0) == drawn  # too soon: skipped
    now[0] += 0.04
    diagram.on_snapshot(fake_snapshot([w * 3 for w in weights], 3))
    assert diagram.scene.weight_at(0, 0, 0) == pytest.approx(3 * drawn)
    now[0] += 0.01
    diagram.on_snapshot(fake_snapshot([w * 4 for w in weights], 4))
    assert diagram.scene.weight_at(0, 0, 0) == pytest.approx(3 * drawn)
    source.state = "paused"
    source.state_changed.emit("paused")  # the run settles: the last one is drawn
    assert diagram.scene.weight_at(0, 0, 0) == pytest.approx(4 * drawn)
    assert diagram.view.renderHints() & diagram.view.renderHints().Antialiasing
    diagram.view.fast_paint_seconds = 0.001
    assert diagram.redraw_interval() == pytest.approx(1 / 30)
    # A repaint over the lag budget (a wide net) happens at most 1% of the time...
    diagram.view.fast_paint_seconds = 0.2
    assert diagram.redraw_interval() == pytest.approx(20.0)
    source.state = "training"
    source.state_changed.emit("training")
    now[0] += 1.0
    diagram.on_snapshot(fake_snapshot([w * 5 for w in weights], 5))
    assert diagram.scene.weight_at(0, 0, 0) == pytest.approx(4 * drawn)
    # ...and the status line says so, until training pauses.
    assert "redrawn every 20 s" in diagram.status.text()
    source.state = "paused"
    source.state_changed.emit("paused")
    assert diagram.scene.weight_at(0, 0, 0) == pytest.approx(5 * drawn)
    assert "redrawn every" not in diagram.status.text()
    # So slow that even settled it stays without antialiasing (it would triple the time).
    assert not diagram.view.renderHints() & QPainter.RenderHint.Antialiasing


def test_snapshots_finished_on_the_snapshot_thread_are_whole_in_order_and_exact(qtbot, monkeypatch):
    # Every evaluation counts as costly here, so the fused loop's live snapshots are all
    # finished on the snapshot thread (app/snapshot_pipeline.py): they must arrive in step
    # order, carry every cost point once, and hold their own step's outputs and maps.
    import threading

    from xorlab.app import pacing

    monkeypatch.setattr(pacing, "MIN_SECONDS_OFF_THREAD", 0.0)
    threads: set[str] = set()
    finish = Trainer.finish_snapshot

    def recording_finish(self, parts):
        threads.add(threading.current_thread().name)
        return finish(self, parts)

    monkeypatch.setattr(Trainer, "finish_snapshot", recording_finish)
    spec = BIAS.with_changes(training={"epochs": MAX_EPOCHS})
    with training_worker(qtbot, spec) as (worker, snapshots, states, engines):
        # Only beside a loop that releases the GIL (the fused one, after the quick tier).
        qtbot.waitUntil(lambda: engines[-1:] == ["fused"], timeout=WAIT_MS)
        fast_from = len(snapshots)
        qtbot.waitUntil(lambda: len(snapshots) > fast_from + 10, timeout=WAIT_MS)
        worker.pause()
        qtbot.waitUntil(lambda: states[-1:] == ["paused"], timeout=WAIT_MS)
    assert any(name.startswith("xorlab-snapshot") for name in threads)
    steps = [s.step for s in snapshots]
    assert steps == sorted(steps)
    epochs = np.concatenate([s.history_steps for s in snapshots])
    # Each cost point once and in order (a long run's history thins out, so not every epoch).
    assert epochs[0] == 0 and np.all(np.diff(epochs) > 0) and epochs[-1] < snapshots[-1].epoch
    trainer = Trainer(spec)
    for snap in snapshots:
        out = numpy_layers(spec, snap.weights, trainer.dataset.X)[-1]
        np.testing.assert_allclose(snap.outputs, out, rtol=0, atol=1e-12)
        if snap.plane is not None:
            assert snap.plane.step == snap.step
            grid_out = numpy_layers(spec, snap.weights, snap.plane.grid.points)[-1][:, 0]
            np.testing.assert_allclose(snap.plane.output.ravel(), grid_out, rtol=0, atol=1e-12)


def test_a_slow_diagram_asks_for_neuron_maps_only_before_its_redraws(qtbot, circle):
    # Redrawn every 2 s while training, the diagram has the worker compute neuron maps only
    # shortly before a redraw, and its redraw waits for a snapshot that carries them.
    from xorlab.core.training.neuron_maps import map_grid
    from xorlab.core.training.plane_maps import plane_maps
    from xorlab.ui.network.diagram import MAPS_LEAD

    dataset, grid, first, second = circle
    trainer = Trainer(preset_spec("circle").with_changes(training={"epochs": MAX_EPOCHS}))
    trainer.set_weights(list(second.weights))
    with_maps = plane_maps(trainer, grid, map_grid(dataset), style.map_palette())
    second = replace(second, plane=with_maps)  # the worker's live maps, neurons included
    source = EditSource()
    asked: list = []
    source.set_neuron_maps = asked.append
    source.state = "training"
    diagram = NetworkDiagram(source)
    qtbot.addWidget(diagram)
    diagram.resize(400, 400)
    diagram.show()
    now = [100.0]
    diagram.clock = lambda: now[0]
    diagram.view.fast_paint_seconds = 0.02  # over the lag budget: every 2 s
    interval = diagram.redraw_interval()
    assert interval == pytest.approx(2.0)
    diagram.on_run_reset(dataset)
    no_maps = replace(second, plane=None)
    diagram.on_snapshot(first)  # has the maps: drawn
    assert diagram.redraws == 1 and asked[-1] is None  # none until shortly before the next
    now[0] += 1.0
    diagram.on_snapshot(no_maps)
    assert diagram.redraws == 1 and asked[-1] is None
    now[0] += interval - 1.0 - MAPS_LEAD / 2  # within the lead: asked for
    diagram.on_snapshot(no_maps)
    assert asked[-1] is not None and diagram.redraws == 1
    now[0] += MAPS_LEAD  # due, but the snapshot has no maps yet: waits for one that has
    diagram.on_snapshot(no_maps)
    assert diagram.redraws == 1
    diagram.on_snapshot(second)
    assert diagram.redraws == 2 and asked[-1] is None
    assert diagram.scene.weight_at(0, 0, 0) == second.weights[0][0, 0]
    source.state = "paused"
    source.state_changed.emit("paused")  # settled: maps with every snapshot again
    assert asked[-1] is not None
