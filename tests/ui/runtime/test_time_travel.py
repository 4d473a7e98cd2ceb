"""Time travel: the stored snapshots, the slider, the views it drives, memory bounds, and the
earlier runs kept on the cost plot; numbers checked against a headless Trainer."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from pyqtgraph import PlotDataItem
from PySide6.QtCore import QSettings

from xorlab.core.training.datasets import plane_grid
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import MAX_EPOCHS
from xorlab.core.training.timeline import DEFAULT_CAPACITY
from xorlab.core.training.trainer import TrainingSnapshot
from xorlab.ui.runtime.replay import ReplayController, snapshot_bytes
from xorlab.ui.shell.main_window import MainWindow

MINIMAL = preset_spec("xor-minimal")
ENDLESS = MINIMAL.with_changes(training={"epochs": MAX_EPOCHS})
SHORT = MINIMAL.with_changes(training={"epochs": 2000, "learning_rate": 0.5})
GRID = 64


@pytest.fixture
def make_window(qtbot, tmp_path):
    windows: list[MainWindow] = []

    def make(spec=MINIMAL) -> MainWindow:
        settings = QSettings(str(tmp_path / "xorlab.ini"), QSettings.Format.IniFormat)
        window = MainWindow(spec, settings=settings)
        window.experiment_files.prompts_enabled = False
        windows.append(window)
        window.show()
        qtbot.waitUntil(lambda: window.worker.state == "ready", timeout=30_000)
        return window

    yield make
    for window in windows:
        window.close()
        assert window.worker.wait(30_000)


def train_to(qtbot, window: MainWindow, state: str = "done") -> None:
    states: list[str] = []
    window.worker.state_changed.connect(states.append)
    window.actions.train.trigger()
    qtbot.waitUntil(lambda: "training" in states and window.worker.state == state, timeout=60_000)


def fake_snapshot(epoch: int, grid: bool = True) -> TrainingSnapshot:
    return TrainingSnapshot(
        step=epoch,
        epoch=epoch,
        weights=(np.full((2, 3), float(epoch)), np.zeros((3, 1))),
        outputs=np.zeros((4, 1)),
        cost=1.0 / (1 + epoch),
        history_steps=np.arange(epoch, epoch + 5),
        history_costs=np.ones(5),
        grid_outputs=np.empty((GRID, GRID)) if grid else None,
    )


def test_timeline_memory_stays_bounded_over_100k_snapshots(qtbot):
    replay = ReplayController()
    replay.on_run_reset(None, object())  # a 2-input run: snapshots carry a decision map
    for epoch in range(100_000):
        replay.on_snapshot(fake_snapshot(epoch, grid=epoch % 3 == 0))
    assert len(replay.timeline) == DEFAULT_CAPACITY
    # Only map-carrying snapshots are kept, without their cost points (the plot has them).
    per_snapshot = snapshot_bytes(replace_history(fake_snapshot(0)))
    assert replay.stored_bytes() == DEFAULT_CAPACITY * per_snapshot
    assert replay.stored_bytes() < 9 * 2**20  # ~32 KB a 64 x 64 map
    assert all(replay.timeline[i].grid_outputs is not None for i in range(DEFAULT_CAPACITY))
    assert all(replay.timeline[i].history_steps.size == 0 for i in range(DEFAULT_CAPACITY))
    epochs = replay.timeline.epochs()
    assert epochs[0] == 0 and epochs[-1] == 99_999 and epochs == sorted(epochs)
    # Log-spaced: every decade of training keeps a share of the snapshots.
    assert all(sum(10**k <= e < 10 ** (k + 1) for e in epochs) >= 20 for k in range(1, 5))
    replay.on_run_reset(None, None)
    assert len(replay.timeline) == 0 and replay.latest is None


def replace_history(snapshot: TrainingSnapshot) -> TrainingSnapshot:
    return replace(
        snapshot, history_steps=np.empty(0, np.int64), history_costs=np.empty(0, np.float64)
    )


def test_slider_replays_stored_epochs_into_the_views(qtbot, make_window, reference):
    window = make_window()
    train_to(qtbot, window)
    replay, bar = window.replay, window.timeline_bar
    epochs = replay.timeline.epochs()
    assert 50 <= len(epochs) <= DEFAULT_CAPACITY
    assert epochs[0] == 0 and epochs[-1] == 60_000 and epochs == sorted(epochs)
    assert bar.slider.maximum() == len(epochs) - 1 and bar.slider.value() == bar.slider.maximum()
    assert bar.notice_text() == "Live: epoch 60,000" and not bar.live_button.isVisibleTo(bar)

    index = next(i for i, e in enumerate(epochs) if e >= 2000)
    bar.slider.setValue(index)  # as a drag or the arrow keys would
    stored = replay.timeline[index]
    assert replay.replayed is stored and replay.is_replaying
    # The views show the stored snapshot...
    np.testing.assert_array_equal(window.truth_table.model.outputs, stored.outputs)
    np.testing.assert_array_equal(window.boundary.image.image, stored.grid_outputs)
    assert bar.notice_text() == f"Viewing epoch {stored.epoch:,} of 60,000 — not live"
    assert bar.live_button.isVisibleTo(bar)
    assert all(marker.epoch() == stored.epoch for marker in bar.markers)
    assert all(m.line.label.toPlainText() == f"epoch {stored.epoch:,}" for m in bar.markers)
    # ...which is what a headless trainer run to that epoch computes.
    reference.reset()
    reference.run(stored.step)
    expected = reference.snapshot(plane_grid(reference.dataset, GRID))
    assert stored.step == stored.epoch  # full batch: one step an epoch
    for got, want in zip(stored.weights, expected.weights, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    np.testing.assert_allclose(stored.outputs, expected.outputs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(stored.grid_outputs, expected.grid_outputs, rtol=0, atol=1e-12)
    assert stored.cost == pytest.approx(expected.cost, abs=1e-12)

    # The Formulas tab traces with the replayed weights, not the live ones.
    window.show_tab("Formulas")
    panel = window.formula_panel
    qtbot.waitUntil(lambda: panel.result is not None and panel.result.replayed, timeout=20_000)
    assert panel.result.epoch == stored.epoch
    for layer, weights in zip(panel.result.trace.layers, stored.weights, strict=True):
        np.testing.assert_array_equal(layer.weights, weights)
    window.show_tab("Training")

    bar.live_button.click()
    last = window.last_snapshot
    assert replay.replayed is None and bar.notice_text() == "Live: epoch 60,000"
    np.testing.assert_array_equal(window.truth_table.model.outputs, last.outputs)
    np.testing.assert_array_equal(window.boundary.image.image, last.grid_outputs)
    assert all(marker.epoch() is None for marker in bar.markers)
    assert bar.slider.value() == bar.slider.maximum()

    # Replay plays forward to the end, then is live again.
    replay.show_index(len(replay.timeline) - 4)
    bar.play_button.click()
    assert replay.is_playing and bar.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: not replay.is_playing, timeout=5_000)
    assert replay.replayed is None and bar.play_button.text() == "Replay"

    # Reset starts a new run: the timeline holds only its first snapshot.
    window.actions.reset.trigger()
    qtbot.waitUntil(lambda: replay.timeline.epochs() == [0], timeout=10_000)


def test_replay_holds_while_training_goes_on(qtbot, make_window):
    window = make_window(ENDLESS)
    replay, bar = window.replay, window.timeline_bar
    train_to(qtbot, window, "training")
    qtbot.waitUntil(lambda: len(replay.timeline) >= 5, timeout=20_000)
    bar.slider.setValue(1)
    held = replay.replayed
    assert held is replay.timeline[1]
    step = window.last_snapshot.step
    qtbot.waitUntil(lambda: window.last_snapshot.step > step + 1000, timeout=20_000)
    # Live snapshots keep arriving and being stored; the views keep the replayed one.
    np.testing.assert_array_equal(window.boundary.image.image, held.grid_outputs)
    np.testing.assert_array_equal(window.truth_table.model.outputs, held.outputs)
    assert bar.slider.value() == replay.shown_index() < bar.slider.maximum()
    assert replay.latest.step > held.step
    bar.live_button.click()
    qtbot.waitUntil(lambda: window.truth_table.model.outputs is not None)
    window.actions.stop.trigger()
    qtbot.waitUntil(lambda: window.worker.state == "stopped", timeout=10_000)
    np.testing.assert_array_equal(window.truth_table.model.outputs, window.last_snapshot.outputs)


def test_earlier_runs_stay_on_the_cost_plot_labelled_by_what_changed(qtbot, make_window):
    window = make_window(SHORT)
    overlays = window.run_overlays
    train_to(qtbot, window)
    first = window.cost_plot.history.data()
    assert overlays.runs == [] and not overlays.clear_action.isEnabled()

    # Only the learning rate changes (no recompile); training again starts a new run.
    window.load_spec(SHORT.with_changes(training={"learning_rate": 0.1}))
    train_to(qtbot, window)
    assert overlays.labels() == ["lr 0.5"]
    run = overlays.runs[0]
    np.testing.assert_array_equal(run.curve.xData, first[0])
    np.testing.assert_array_equal(run.curve.yData, first[1])
    assert run.curve in window.cost_plot.kept_in_view
    assert overlays.legend.entries == ["lr 0.5", "this run"] and overlays.legend.isVisible()
    second = window.cost_plot.history.data()

    # A new seed recompiles: both earlier runs are labelled against it.
    window.load_spec(SHORT.with_changes(training={"learning_rate": 0.1}, network={"seed": 7}))
    qtbot.waitUntil(lambda: len(overlays.runs) == 2, timeout=30_000)
    assert overlays.labels() == ["lr 0.5, seed 1234", "seed 1234"]
    np.testing.assert_array_equal(overlays.runs[1].curve.yData, second[1])

    assert overlays.clear_action.isEnabled()
    overlays.clear_action.trigger()
    assert overlays.runs == [] and window.cost_plot.kept_in_view == []
    assert not overlays.legend.isVisible() and not overlays.clear_action.isEnabled()
    items = window.cost_plot.plot_item.listDataItems()
    own = [window.cost_plot.curve, window.cost_plot.test_curve]
    assert [i for i in items if isinstance(i, PlotDataItem)] == own


def test_overlays_keep_at_most_max_runs(qtbot):
    from xorlab.ui.training.cost_plot import CostPlot
    from xorlab.ui.training.run_overlays import RunOverlays

    plot = CostPlot()
    qtbot.addWidget(plot)
    overlays = RunOverlays(plot, lambda: MINIMAL, max_runs=3)
    for seed in range(5):
        spec = MINIMAL.with_changes(network={"seed": seed})
        overlays.add_run(spec, np.arange(10), np.linspace(1, 0.1, 10) * (seed + 1))
    assert overlays.labels() == ["seed 2", "seed 3", "seed 4"]
    assert overlays.add_run(MINIMAL, np.arange(0), np.ones(0)) is None  # no point: no curve
    # Before the current run has a point, the view shows the earlier curves.
    (x0, x1), (y0, y1) = plot.ranges.view_range()
    assert x1 >= 9 and y1 >= 5.0
