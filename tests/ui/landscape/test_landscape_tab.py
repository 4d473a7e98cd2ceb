"""The Landscape tab in the real window: live numbers against the Training tab and the core,
each direction kind, picked weights, time travel, merging, and extreme values."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from tests.ui.windows import wait_for_state
from xorlab.app.selection import SelectionRef
from xorlab.core.landscape.colour_scale import colour_scale, displayed
from xorlab.core.landscape.surface import Landscape, LandscapeRequest, RecordedPath
from xorlab.core.training.datasets import load_dataset
from xorlab.core.training.model import init_weights
from xorlab.core.training.presets import preset_spec
from xorlab.ui.landscape import landscape_tab as tab_module
from xorlab.ui.landscape.landscape_plot import READOUT_HINT, LandscapePlot
from xorlab.ui.widgets import plot_style

SHORT = preset_spec("xor-minimal").with_changes(training={"epochs": 3000, "learning_rate": 0.5})
WAIT = 60_000


def _trained_window(make_window, qtbot):
    window = make_window(SHORT)
    assert window.show_tab("Landscape")
    window.actions.train.trigger()
    qtbot.waitUntil(lambda: window.worker.state == "done", timeout=WAIT)
    return window


def _wait_for(qtbot, tab, predicate):
    qtbot.waitUntil(lambda: not tab.busy() and tab.landscape is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: predicate(tab.landscape), timeout=WAIT)
    return tab.landscape


def test_the_live_landscape_is_the_training_tabs_cost_and_follows_time_travel(make_window, qtbot):
    window = _trained_window(make_window, qtbot)
    tab = window.landscape_tab
    last = window.last_snapshot
    land = _wait_for(qtbot, tab, lambda land: land.path_epochs[-1] == last.epoch)
    assert land.kind == "pca"  # the default: the path lies in the plane
    assert land.centre_cost == pytest.approx(last.cost, rel=1e-12)
    for got, want in zip(land.centre, last.weights, strict=True):
        np.testing.assert_array_equal(got, want)
    # What is drawn is the landscape's data: the image, the path, the current point.
    plot = tab.plot
    np.testing.assert_array_equal(plot.image.image, displayed(land.costs, plot.scale))
    xs, ys = plot.path.getData()
    np.testing.assert_allclose(xs, land.path_coords[:, 0])
    np.testing.assert_allclose(ys, land.path_coords[:, 1])
    assert len(xs) == len(window.replay.timeline)  # every stored snapshot is on the path
    assert plot.point.getData()[0].tolist() == [0.0]
    assert f"cost at the centre {land.centre_cost:.6g}" in tab.status.text()
    # Hovering reads the computed cost of the grid point under the mouse; off the map, the
    # line says what it is for (it was a blank line under the plot).
    assert plot.readout.text() == READOUT_HINT
    a, b = land.alphas[3], land.betas[30]
    plot._on_mouse_moved(plot.plane.vb.mapViewToScene(QPointF(a + 1e-9, b)))
    assert plot.readout.text().endswith(f"cost {land.costs[3, 30]:.6g}")
    assert plot.readout_at(10 * land.span, 0.0) == ""
    plot._on_mouse_moved(plot.plane.vb.mapViewToScene(QPointF(10 * land.span, 0.0)))
    assert plot.readout.text() == READOUT_HINT
    # The same numbers as the core, computed independently of the tab.
    ds = load_dataset(SHORT.dataset)
    again = tab_module.landscape_job(
        SHORT, ds, last.weights, LandscapeRequest("pca"), tab._path_until(last), None
    )
    np.testing.assert_allclose(land.costs, again.costs, rtol=1e-12)

    # Time travel moves the point and the path to the replayed epoch.
    replay = window.replay
    index = len(replay.timeline) // 2
    replay.show_index(index)
    shown = replay.shown
    land = _wait_for(qtbot, tab, lambda land: land.path_epochs[-1] == shown.epoch)
    assert shown.epoch < last.epoch
    for got, want in zip(land.centre, shown.weights, strict=True):
        np.testing.assert_array_equal(got, want)
    assert land.centre_cost == pytest.approx(shown.cost, rel=1e-12)
    assert len(land.path_epochs) == index + 1  # the path stops at the replayed epoch
    assert "time travel" in tab.plot.plane.titleLabel.text
    replay.go_live()
    _wait_for(qtbot, tab, lambda land: land.path_epochs[-1] == last.epoch)


def test_each_direction_kind_picked_weights_and_extremes(make_window, qtbot):
    """One trained window walks through the kinds (training is the slow part of these tests)."""
    window = _trained_window(make_window, qtbot)
    tab = window.landscape_tab
    for kind in ("random", "gradient"):
        tab.controls.set_kind(kind)
        land = _wait_for(qtbot, tab, lambda land, kind=kind: land.kind == kind)
        if kind == "gradient":
            assert land.betas is None and tab.plot.stack.currentWidget() is tab.plot.line_widget
            lr = window.last_snapshot.learning_rate
            assert land.step == pytest.approx(lr * land.gradient_norm)
            assert f"|gradient| {land.gradient_norm:.4g}" in tab.status.text()
            assert plot_style.BAD_COLOR not in tab.status.text()  # facts, not warnings
            assert "gradient descent step" in tab.status.text() and "Adam" not in (
                tab.status.text()
            )
            # Log colours on a line within one decade: a linear axis, and the tab says so.
            tab.controls.log.setChecked(True)
            assert not tab.plot.line_log and "linear axis" in tab.status.text()
            tab.controls.log.setChecked(False)
            _, ys = tab.plot.curve.getData()
            np.testing.assert_allclose(ys, land.costs)
        else:
            assert land.costs.shape == (41, 41)
            assert tab.plot.stack.currentWidget() is tab.plot.plane_widget

    # Two weights picked in the diagram are the axes.
    tab.controls.set_kind("weights")
    bus = window.network_views.bus
    bus.select(SelectionRef.weight(0, 1, 2))
    bus.select(SelectionRef.weight(1, 0, 0))
    land = _wait_for(qtbot, tab, lambda land: land.axis_names[0].startswith("W1[1,2]"))
    assert land.axis_names[1].startswith("W2[0,0]")
    assert tab.controls.picks_label.text() == "W1[1,2] × W2[0,0]"
    # The path's coordinates are exactly those two weights' offsets from the centre.
    first = window.replay.timeline[0].weights
    centre = window.last_snapshot.weights
    np.testing.assert_allclose(
        land.path_coords[0],
        [first[0][1, 2] - centre[0][1, 2], first[1][0, 0] - centre[1][0, 0]],
        atol=1e-12,
    )

    # A huge span, then log colours: a drawn surface, never a blank one.
    tab.controls.set_kind("random")
    tab.controls.auto_span.setChecked(False)
    tab.controls.span.setValue(1e6)
    land = _wait_for(qtbot, tab, lambda land: land.span == 1e6 and land.kind == "random")
    tab.controls.log.setChecked(True)
    image = tab.plot.image.image
    assert np.isfinite(image).all() and np.ptp(image) > 0
    assert tab.plot.scale.log
    np.testing.assert_array_equal(image, displayed(land.costs, colour_scale(land.costs, True)))


def test_requests_merge_and_wait_for_the_tab(make_window, qtbot, monkeypatch):
    window = make_window(SHORT)
    tab = window.landscape_tab
    calls = []
    real = tab_module.landscape_job
    monkeypatch.setattr(tab_module, "landscape_job", lambda *args: calls.append(1) or real(*args))
    tab.throttle.setInterval(3_600_000)  # the throttle ends only when the test says so
    window.actions.train.trigger()
    wait_for_state(qtbot, window, "done", WAIT)
    assert calls == [] and tab.landscape is None  # hidden: nothing computed
    assert window.show_tab("Landscape")
    land = _wait_for(qtbot, tab, lambda land: True)
    for _ in range(20):  # snapshots while the throttle runs: one request, at its end
        window.replay.snapshot_shown.emit(window.last_snapshot)
    assert tab.throttle.isActive() and tab.busy()
    tab.throttle.stop()
    tab._on_throttle_timeout()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=WAIT)
    assert len(calls) <= 3 and tab.landscape is not land


def test_a_pca_request_before_any_path_shows_random_directions_and_says_why(make_window, qtbot):
    window = make_window(SHORT)
    assert window.show_tab("Landscape")
    window.actions.step.trigger()
    tab = window.landscape_tab
    land = _wait_for(qtbot, tab, lambda land: True)
    assert land.kind == "random"
    assert any("at least 3" in note for note in land.notes)
    assert "at least 3" in tab.status.text()


def test_landscape_job_of_another_networks_weights_is_a_message():
    ds = load_dataset(SHORT.dataset)
    with pytest.raises(ValueError, match="do not fit"):
        tab_module.landscape_job(
            SHORT, ds, (np.zeros((3, 3)),), LandscapeRequest("random"), RecordedPath(), None
        )


def test_the_line_takes_a_log_axis_only_over_a_decade_or_more(qtbot):
    plot = LandscapePlot()
    qtbot.addWidget(plot)
    plot.set_log(True)
    alphas = np.linspace(-1.0, 1.0, 5)
    for costs, log in (([1e-3, 1e-2, 1e-1, 1.0, 10.0], True), ([1.0, 1.1, 1.2, 1.3, 2.0], False)):
        land = Landscape(
            "gradient", (np.zeros((2, 1)),), ((np.ones((2, 1)),),), alphas, None,
            np.array(costs), costs[2], np.empty(0, dtype=np.int64), np.empty((0, 1)),
            np.empty(0), ("distance downhill along -gradient",),
        )  # fmt: skip
        message = plot.show_landscape(tab_module.LandscapeResult(land, {}), "t")
        assert plot.line_log is log and ("linear axis" in message) is not log
        _, ys = plot.curve.getData()
        np.testing.assert_allclose(ys, np.log10(costs) if log else costs)


def test_the_test_samples_cost_is_the_training_tabs_test_cost(make_window, qtbot):
    spec = preset_spec("overfitting").with_changes(training={"epochs": 40})
    window = make_window(spec)
    assert window.show_tab("Landscape")
    window.actions.train.trigger()
    qtbot.waitUntil(lambda: window.worker.state == "done", timeout=WAIT)
    tab, last = window.landscape_tab, window.last_snapshot
    land = _wait_for(qtbot, tab, lambda land: land.path_epochs[-1] == last.epoch)
    # By default the cost training minimises, on the training part of the split; said so.
    n_train, n_test = tab.dataset.n_samples, tab.dataset.test.n_samples
    assert (n_train, n_test) == (30, 30)
    assert land.centre_cost == pytest.approx(last.cost, rel=1e-12)
    assert tab.plot.plane.titleLabel.text.startswith("Training cost around the weights")
    assert f"training cost at the centre {last.cost:.6g} (30 training samples" in (
        tab.status.text()
    )
    assert tab.plot.color_bar.getAxis("left").labelText == "training cost"
    tab.controls.set_samples("test")
    land = _wait_for(qtbot, tab, lambda land: tab.result.samples == "test")
    assert land.centre_cost == pytest.approx(last.test_cost, rel=1e-12)
    assert tab.plot.plane.titleLabel.text.startswith("Test cost around the weights")
    assert "test cost at the centre" in tab.status.text() and "30 held-out" in tab.status.text()
    assert tab.plot.color_bar.getAxis("left").labelText == "test cost"
    # The 1-D mode marks plain gradient descent's step, and says Adam steps otherwise.
    tab.controls.set_kind("gradient")
    land = _wait_for(qtbot, tab, lambda land: land.kind == "gradient")
    assert "Adam" in tab.status.text() and tab.plot.line.getAxis("left").labelText == ("test cost")


def test_test_samples_asked_of_an_experiment_without_a_split_are_a_note():
    ds = load_dataset(SHORT.dataset)
    centre = tuple(init_weights(SHORT.network, ds.n_inputs, ds.n_outputs))
    result = tab_module.drawing_job(
        SHORT, ds, centre, LandscapeRequest("random", grid=5), RecordedPath(), None, "test"
    )
    assert result.samples == "training" and "no test samples" in result.note
    assert result.n_samples == 4


def test_the_title_writes_the_epoch_as_the_rest_of_the_window_does():
    """ "at epoch 60000" stood beside the status bar's and time-travel bar's "60,000"."""
    from types import SimpleNamespace

    assert tab_module._title(SimpleNamespace(epoch=60000), None) == (
        "around the weights at epoch 60,000"
    )
    replaying = SimpleNamespace(is_replaying=True)
    assert tab_module._title(SimpleNamespace(epoch=1234), replaying).endswith(
        "epoch 1,234 (time travel)"
    )
