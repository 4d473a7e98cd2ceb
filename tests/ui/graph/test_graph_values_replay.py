"""The Graph tab's live values follow the time-travel slider: a past epoch's values are those
of that snapshot's weights (checked against numpy), they differ from the live ones, weights
in the node panel are the snapshot's, and going live brings the live values back."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from tests.core.reference import ReferenceOptimizer, cost_and_grads
from tests.ui.shell.test_linked_views import FakeWorker, wait_drawn
from tests.ui.windows import step, wait_for_state
from xorlab.core.graphs import values as gv
from xorlab.core.graphs.params import param_parts
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer
from xorlab.ui.graph.tab import GraphTab
from xorlab.ui.graph.values_panel import GraphValuesPanel
from xorlab.ui.runtime.replay import ReplayController
from xorlab.ui.shell.main_window import MainWindow
from xorlab.ui.training.timeline_bar import TimelineBar

MOMENTUM = preset_spec("xor-bias").with_changes(
    training={"optimizer": "momentum", "momentum": 0.8, "learning_rate": 0.6}
)
WAIT_MS = 30_000
ROW = 1


@pytest.fixture(scope="module")
def run():
    """A trainer and three snapshots of its run; the live weights are the last one's."""
    trainer = Trainer(MOMENTUM)
    snapshots = []
    for steps in (30, 120, 400):
        trainer.run(steps)
        snapshots.append(trainer.snapshot())
    return trainer, snapshots


@pytest.fixture
def replaying(qtbot, run):
    trainer, snapshots = run
    worker = FakeWorker(trainer)
    replay = ReplayController()
    bar = TimelineBar(replay)
    tab = GraphTab(worker)
    panel = GraphValuesPanel(tab, worker, replay)
    for widget in (tab, bar):
        qtbot.addWidget(widget)
        widget.resize(1300, 800)
        widget.show()
    worker.run_reset.emit(trainer.dataset, None)
    replay.on_run_reset(trainer.dataset, None)
    for snapshot in snapshots:
        replay.on_snapshot(snapshot)
    tab.set_mode("side")
    wait_drawn(qtbot, tab)
    panel.set_row(ROW)
    panel.show_box.setChecked(True)
    qtbot.waitUntil(lambda: shown_values(panel) is not None, timeout=WAIT_MS)
    yield trainer, snapshots, replay, bar, tab, panel
    assert tab.shutdown(WAIT_MS)


def shown_values(panel: GraphValuesPanel):
    return panel._current_values(panel.tab.canvases["symbolic"].graph)


def slot(graph, label: str) -> str:
    return next(i for i in graph.outputs if graph.nodes[i].label.split("\n")[0] == label)


def expected_step(trainer: Trainer, snapshot, dataset=None):
    """numpy: the cost and new weights of one momentum step on ROW from ``snapshot``."""
    net, tr = trainer.spec.network, trainer.spec.training
    dataset = dataset or trainer.dataset
    X, y = dataset.X[ROW : ROW + 1], dataset.y[ROW : ROW + 1]
    weights = [np.array(w) for w in snapshot.weights]
    acts = [*net.activations, net.output_activation]
    cost, grads = cost_and_grads(weights, X, y, acts, net.bias, tr.cost, tr.l2)
    opt = ReferenceOptimizer("momentum", snapshot.learning_rate, weights, tr.momentum)
    opt.v = [np.array(v) for v in snapshot.optimizer_state]
    return cost, opt.step(weights, grads)


def test_values_follow_the_slider_and_come_back_live(qtbot, replaying):
    trainer, snapshots, replay, bar, tab, panel = replaying
    graph = tab.canvases["symbolic"].graph
    cost_id, update_id = slot(graph, "cost"), slot(graph, "update of W1")
    live = shown_values(panel)
    assert not live.replayed and live.epoch == trainer.epoch
    live_cost, live_new = expected_step(trainer, snapshots[-1])
    assert float(live.values[cost_id]) == pytest.approx(live_cost, abs=1e-12)
    np.testing.assert_allclose(live.values[update_id], live_new[0], atol=1e-12)
    assert f"Live values, epoch {trainer.epoch:,}" in panel.note.text()
    live_labels = sorted(item.childItems()[0].text() for item in panel.overlay.items)
    fn = gv._PROGRAMS[trainer][("train", 0)].fn
    before = [v.get_value() for v in (*trainer.params, *trainer.state)]

    for index in (0, 1):
        past = snapshots[index]
        bar.slider.setValue(index)
        assert (replay.replayed.step, replay.replayed.epoch) == (past.step, past.epoch)
        # Until the past values arrive, none of the live ones stay on screen.
        assert shown_values(panel) is None and not panel.overlay.items
        qtbot.waitUntil(lambda p=past: shown_values(panel) is not None, timeout=WAIT_MS)
        values = shown_values(panel)
        assert values.replayed and (values.step, values.epoch) == (past.step, past.epoch)
        cost, new = expected_step(trainer, past)
        assert float(values.values[cost_id]) == pytest.approx(cost, abs=1e-12)
        np.testing.assert_allclose(values.values[update_id], new[0], atol=1e-12)
        assert abs(float(values.values[cost_id]) - live_cost) > 1e-6
        assert np.abs(values.values[update_id] - live_new[0]).max() > 1e-6
        assert f"Epoch {past.epoch:,} (time travel)" in panel.note.text()
        assert f"Values at epoch {past.epoch:,} (time travel)" in panel.note.toolTip()
        labels = sorted(item.childItems()[0].text() for item in panel.overlay.items)
        assert labels and labels != live_labels
        # The weights in the node panel are the snapshot's, in either graph.
        for stage in ("symbolic", "optimized"):
            w1 = param_parts(tab.canvases[stage].graph, "W1").weight
            tab.select_node(w1, stage)
            table = tab.details.value_table
            assert "time travel" in tab.details.value_label.text()
            assert float(table.item(1, 2).text()) == pytest.approx(past.weights[0][1, 2], rel=1e-5)

    # One compiled function for every epoch; the trainer was only read.
    assert gv._PROGRAMS[trainer][("train", 0)].fn is fn
    for old, new in zip(before, (*trainer.params, *trainer.state), strict=True):
        np.testing.assert_array_equal(old, new.get_value())

    bar.live_button.click()
    assert replay.replayed is None
    qtbot.waitUntil(lambda: shown_values(panel) is not None, timeout=WAIT_MS)
    back = shown_values(panel)
    assert not back.replayed and back.epoch == trainer.epoch
    np.testing.assert_array_equal(back.values[update_id], live.values[update_id])
    assert sorted(item.childItems()[0].text() for item in panel.overlay.items) == live_labels
    assert f"Live values, epoch {trainer.epoch:,}" in panel.note.text()
    w1 = param_parts(graph, "W1").weight
    tab.select_node(w1, "symbolic")
    assert "current value" in tab.details.value_label.text()
    table = tab.details.value_table
    assert float(table.item(1, 2).text()) == pytest.approx(trainer.get_weights()[0][1, 2], rel=1e-5)


def test_the_optimized_view_says_why_it_has_no_values(qtbot, replaying):
    trainer, snapshots, replay, bar, tab, panel = replaying
    panel.show_box.setChecked(False)
    tab.set_mode("optimized")
    assert "symbolic graph</a> only" in panel.note.text()
    assert "fused" in panel.note.toolTip() and "compiled function" in panel.note.toolTip()
    # The node panel says it too, for a node with no value of its own.
    graph = tab.canvases["optimized"].graph
    tab.select_node(slot(graph, "cost"), "optimized")
    assert "compiled function" in tab.details.value_label.text()
    assert tab.details.value_label.isVisible() and not tab.details.value_table.isVisible()
    panel.note.linkActivated.emit("symbolic")  # the note's link shows the symbolic graph
    assert tab.mode == "symbolic"
    assert "Live values" in panel.note.text()
    assert panel.title.text() == "Live values for"
    bar.slider.setValue(0)
    assert panel.title.text() == "Past values for"
    tab.set_mode("optimized")  # the weights in the node panel are still the past ones: say so
    assert f"Epoch {snapshots[0].epoch:,} (time travel)" in panel.note.text()


def test_in_the_window_the_slider_on_the_training_tab_sets_the_graph_tabs_values(qtbot, tmp_path):
    """The real worker and wiring: the slider is moved while the Graph tab is hidden; shown,
    the tab computes that epoch's values; Back to live brings the live ones."""
    settings = QSettings(str(tmp_path / "xorlab.ini"), QSettings.Format.IniFormat)
    window = MainWindow(MOMENTUM, settings=settings)
    qtbot.addWidget(window)
    window.show()
    try:
        wait_for_state(qtbot, window, "ready")
        step(qtbot, window, times=4)
        replay, panel, tab = window.replay, window.graph_page.values_panel, window.graph_tab
        qtbot.waitUntil(lambda: len(replay.timeline) >= 3, timeout=WAIT_MS)
        window.show_tab("training")
        window.timeline_bar.slider.setValue(0)
        past = replay.replayed
        assert past is not None and past.epoch < window.last_snapshot.epoch
        window.show_tab("graph")
        panel.set_row(ROW)
        qtbot.waitUntil(lambda: tab.bundle is not None and not tab.busy(), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: shown_values(panel) is not None, timeout=WAIT_MS)
        values = shown_values(panel)
        assert values.replayed and values.epoch == past.epoch
        graph = tab.canvases["symbolic"].graph
        cost, new = expected_step(window, past, window.graph_page.values_panel.dataset)
        assert float(values.values[slot(graph, "cost")]) == pytest.approx(cost, abs=1e-12)
        np.testing.assert_allclose(values.values[slot(graph, "update of W1")], new[0], atol=1e-12)

        window.timeline_bar.live_button.click()
        qtbot.waitUntil(lambda: shown_values(panel) is not None, timeout=WAIT_MS)
        live = shown_values(panel)
        latest = window.last_snapshot
        assert not live.replayed and live.epoch == latest.epoch
        cost, new = expected_step(window, latest, panel.dataset)
        assert float(live.values[slot(graph, "cost")]) == pytest.approx(cost, abs=1e-12)
        np.testing.assert_allclose(live.values[slot(graph, "update of W1")], new[0], atol=1e-12)
    finally:
        window.experiment_files.prompts_enabled = False
        window.close()
        assert window.worker.wait(WAIT_MS)
