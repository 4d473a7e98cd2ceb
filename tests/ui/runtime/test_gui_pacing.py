"""What keeps the GUI smooth while training: how the worker paces its snapshots, the outbox's
frame timing, plots that re-range in steps, and a truth table that re-fits only when needed.
bench/gui.py measures the effect; these tests pin the behaviour, never a timing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from xorlab.app.pacing import (
    DUE_TOLERANCE,
    GRID_SHARE,
    GUI_SHARE,
    GUI_SHARE_WHILE_GIL_HELD,
    MAX_GIL_FREE_CHUNK_SECONDS,
    OFF_THREAD_MAX_RATE,
    OFF_THREAD_SHARE,
    SNAPSHOT_SHARE,
    SnapshotPacing,
)
from xorlab.app.requests import Requests
from xorlab.app.run_state import RunState
from xorlab.core.training.datasets import Dataset
from xorlab.core.training.strategies.jax_loop import JaxLoop
from xorlab.core.training.strategies.scalar_loop import FusedScalarLoop
from xorlab.core.training.trainer import TrainingSnapshot
from xorlab.ui.runtime.outbox import MAX_FRAME_SECONDS, Outbox
from xorlab.ui.runtime.training_session import TrainingSession
from xorlab.ui.training.cost_plot import CostPlot
from xorlab.ui.training.range_follow import GROW, RangeFollower
from xorlab.ui.training.truth_table import TruthTable, output_text_width


def snapshot(epoch: int, outputs: np.ndarray, costs: list[float] | None = None):
    costs = costs or []
    steps = np.arange(epoch - len(costs) + 1, epoch + 1, dtype=np.int64)
    return TrainingSnapshot(epoch, epoch, (), outputs, 0.0, steps, np.array(costs, float))


# --- the worker's pacing ---------------------------------------------------------------------


class FakeOutbox:
    def __init__(self, undelivered: int = 0, frame_seconds: float = 0.0):
        self._undelivered = undelivered
        self.frame_seconds = frame_seconds

    def undelivered(self) -> int:
        return self._undelivered


def pacing_with(releases_gil: bool, outbox: FakeOutbox) -> SnapshotPacing:
    pacing = SnapshotPacing(outbox, max_snapshot_rate=60.0, grid_rate=20.0)
    pacing.releases_gil = releases_gil
    pacing.long_chunks = True
    return pacing


def test_the_loops_that_train_on_while_the_gui_draws():
    # The scan loop says so per instance, by its compiled mode (releases on Numba, see
    # tests/core/training/test_strategies.py); JAX's too, since XLA runs a call without it.
    assert FusedScalarLoop.releases_gil
    assert JaxLoop.releases_gil


@pytest.mark.parametrize("releases_gil", [True, False])
def test_a_loop_holding_the_gil_waits_for_every_frame_a_free_one_only_at_milestones(
    releases_gil,
):
    behind = pacing_with(releases_gil, FakeOutbox(undelivered=1))
    caught_up = pacing_with(releases_gil, FakeOutbox(undelivered=0))
    # A 1% milestone of a fast run must reach the GUI whole: both wait while it is behind.
    assert behind.should_wait_for_gui(milestone=True)
    assert behind.should_wait_for_gui(milestone=False) is not releases_gil
    # Nothing undrawn: nobody waits.
    assert not caught_up.should_wait_for_gui(milestone=True)
    assert not caught_up.should_wait_for_gui(milestone=False)


def test_snapshots_are_spaced_by_the_gui_frame_time_over_its_share():
    fast_gui = pacing_with(True, FakeOutbox(frame_seconds=0.001))
    assert fast_gui.snapshot_spacing() == pytest.approx(1 / 60)  # the rate cap
    free = pacing_with(True, FakeOutbox(frame_seconds=0.02))
    held = pacing_with(False, FakeOutbox(frame_seconds=0.02))
    assert free.snapshot_spacing() == pytest.approx(0.02 / GUI_SHARE)
    assert held.snapshot_spacing() == pytest.approx(0.02 / GUI_SHARE_WHILE_GIL_HELD)


def test_snapshots_are_spaced_by_their_own_cost_on_the_worker():
    pacing = pacing_with(True, FakeOutbox(frame_seconds=0.001))
    pacing.note_snapshot_seconds(0.0001)  # a preset's evaluation: the rate cap decides
    assert pacing.snapshot_spacing() == pytest.approx(1 / 60)
    pacing.note_snapshot_seconds(0.005)  # 2-64-64-64-1 on 2,000 points
    smoothed = 0.7 * 0.0001 + 0.3 * 0.005
    assert pacing.snapshot_seconds == pytest.approx(smoothed)
    assert pacing.snapshot_spacing() == pytest.approx(max(1 / 60, smoothed / SNAPSHOT_SHARE))
    for _ in range(30):
        pacing.note_snapshot_seconds(0.005)
    assert pacing.snapshot_spacing() == pytest.approx(0.005 / SNAPSHOT_SHARE, rel=1e-3)


def test_the_boundary_map_is_spaced_by_its_cost():
    pacing = pacing_with(True, FakeOutbox())
    assert pacing.grid_spacing() == pytest.approx(1 / 20)  # the rate cap
    pacing.note_grid_seconds(0.0002)  # XOR's 64 x 64 grid
    assert pacing.grid_spacing() == pytest.approx(1 / 20)
    pacing = pacing_with(False, FakeOutbox())
    pacing.note_grid_seconds(0.008)  # the spiral's
    assert pacing.grid_spacing() == pytest.approx(0.008 / GRID_SHARE)


# --- the outbox --------------------------------------------------------------------------------


def test_outbox_times_training_frames_only_and_merges_a_backlog(qtbot):
    delivered: list[tuple[str, tuple]] = []
    outbox = Outbox(lambda kind, args: delivered.append((kind, args)))
    caught_up: list[int] = []
    outbox.caught_up.connect(caught_up.append)

    assert outbox.post("state_changed", "training") == 1  # a state change is not timed
    qtbot.waitUntil(lambda: len(caught_up) == 1)
    assert caught_up == [1]
    assert outbox.frame_seconds == 0.0 and outbox.undelivered() == 0

    ones = np.ones((4, 1))
    outbox.post("snapshot", snapshot(10, ones, [0.5, 0.4]), (10, 100, 1.0))
    outbox.post("snapshot", snapshot(12, ones * 2, [0.3, 0.2]), (12, 100, 1.0))
    assert outbox.pending() == 1  # merged while the GUI had not taken the first
    qtbot.waitUntil(lambda: len(caught_up) == 2)
    assert caught_up == [1, 3]  # posts are numbered, merged or not
    kind, (merged, progress) = delivered[-1]
    assert kind == "snapshot" and progress == (12, 100, 1.0)
    np.testing.assert_array_equal(merged.history_steps, [9, 10, 11, 12])
    np.testing.assert_array_equal(merged.history_costs, [0.5, 0.4, 0.3, 0.2])
    np.testing.assert_array_equal(merged.outputs, ones * 2)
    assert 0 < outbox.frame_seconds <= MAX_FRAME_SECONDS


def _session(outbox) -> TrainingSession:
    """A session not on a thread, its slots called by the test."""
    return TrainingSession(
        outbox,
        Requests(),
        chunk_seconds=0.01,
        max_snapshot_rate=60,
        grid_rate=20,
        grid_resolution=8,
        min_snapshots=100,
        mode=None,
    )


def test_a_caught_up_sent_before_the_snapshot_waited_for_does_not_release_the_worker(qtbot):
    # A GIL-free loop waits at a 1% milestone until the GUI has drawn it; a caught_up still
    # queued from the previous frame must not let it run on and merge the milestone away.
    session = _session(Outbox(lambda kind, args: None))
    session._state, session._waiting_for_gui, session._last_post = "training", True, 5
    session.on_gui_caught_up(4)
    assert session._waiting_for_gui and not session._timer.isActive()
    session.on_gui_caught_up(5)
    assert not session._waiting_for_gui and session._timer.isActive()
    session._timer.stop()


# --- plots that re-range in steps ------------------------------------------------------------


def test_cost_plot_view_grows_in_steps_not_at_every_snapshot(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.resize(600, 400)
    changes: list[object] = []
    plot.plot_item.getViewBox().sigRangeChanged.connect(lambda *a: changes.append(a))
    plot.reset(cost_label="sum of squared errors")
    epochs = np.arange(0, 200_000)
    costs = 1.0 / (1.0 + epochs / 1000.0)
    for end in range(1000, 200_001, 1000):  # 200 snapshots of a falling cost
        new = slice(end - 1000, end)
        plot.on_snapshot(
            TrainingSnapshot(end, end, (), np.zeros((4, 1)), 0.0, epochs[new], costs[new])
        )
    assert len(changes) < 25  # auto-range would change the view 200 times
    (x0, x1), (y0, y1) = plot.plot_item.getViewBox().viewRange()
    last = epochs[-1]
    assert x0 == 0 and last <= x1 <= last * (1 + GROW) + 1
    assert y0 < costs.min() and costs.max() < y1  # every point is in view


def test_range_follower_yields_to_the_mouse_and_resumes_on_auto(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    follower: RangeFollower = plot.ranges
    view_box = plot.plot_item.getViewBox()
    follower.follow(0, 100, 0.1, 1.0)
    assert follower.view_range()[0] == (0, 100 + GROW * 100)
    view_box.translateBy(x=10)  # what a drag does
    view_box.sigRangeChangedManually.emit([True, True])
    assert not follower.following
    follower.follow(0, 1000, 0.1, 1.0)
    assert view_box.viewRange()[0][1] < 1000  # the reader's view is left alone
    view_box.enableAutoRange()  # the "A" button
    assert follower.following and not any(view_box.state["autoRange"])
    assert view_box.viewRange()[0][1] == pytest.approx(1000 * (1 + GROW))


def test_the_x_axis_grows_no_further_than_the_runs_epoch_limit(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.reset(epochs=1000)
    for end in (100, 400, 1000):
        epochs = np.arange(end - 100, end)
        plot.on_snapshot(
            TrainingSnapshot(end, end, (), np.zeros((4, 1)), 0.0, epochs, 1.0 / (1 + epochs))
        )
        x0, x1 = plot.plot_item.getViewBox().viewRange()[0]
        assert x1 <= 1000 * 1.02 + 1e-9  # without the limit: 100 * 1.5, 400 * 1.5, 999 * 1.5
    assert x1 >= 999  # the whole run in view when it ends


def test_log_axis_refits_y_to_the_logarithms(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.reset()
    costs = np.array([1.0, 0.1, 0.01, 0.001])
    plot.on_snapshot(TrainingSnapshot(3, 3, (), np.zeros((4, 1)), 0.0, np.arange(4), costs))
    plot.set_log_y(True)
    (_x0, _x1), (y0, y1) = plot.plot_item.getViewBox().viewRange()
    assert y0 < -3 < 0 < y1 < 1 and math.isfinite(y0)


# --- the truth table -------------------------------------------------------------------------


def test_truth_table_refits_its_columns_only_when_the_text_widens(qtbot, monkeypatch):
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0]])
    table = TruthTable()
    qtbot.addWidget(table)
    table.reset(Dataset("two", X, y, ("a", "b"), ("y",)))
    fits: list[bool] = []
    original = table.view.resizeColumnsToContents
    monkeypatch.setattr(
        table.view, "resizeColumnsToContents", lambda: (fits.append(True), original())
    )
    for k in range(5):
        table.on_snapshot(snapshot(k, np.array([[0.1 * k], [0.5]])))
    assert len(fits) == 1  # '0.xxxx' every time: measured once
    table.on_snapshot(snapshot(5, np.array([[-12.5], [0.5]])))
    assert len(fits) == 2
    assert output_text_width(np.array([[-12.5]])) == len("-12.5000")
    output_column = table.model.columnCount() - 2
    text_width = table.view.fontMetrics().horizontalAdvance("-12.5000")
    assert table.view.columnWidth(output_column) >= text_width


def test_zoomed_cost_plot_still_reads_out_points(qtbot):
    # Hover maps scene to view coordinates: it must agree with the follower's range.
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.resize(640, 420)
    plot.show()
    qtbot.waitExposed(plot)
    plot.reset()
    costs = np.linspace(1.0, 0.5, 100)
    plot.on_snapshot(TrainingSnapshot(99, 99, (), np.zeros((4, 1)), 0.0, np.arange(100), costs))
    view_box = plot.plot_item.getViewBox()
    scene_pos = view_box.mapViewToScene(QPointF(40, costs[40]))
    plot.plot_widget.scene().sigMouseMoved.emit(scene_pos)
    assert abs(plot.v_line.value() - 40) <= 1


def test_asking_twice_for_the_same_spec_compiles_it_once(qtbot):
    # The builder's emit and MainWindow.load_spec both ask; a second request used to abandon
    # the compile in progress and start over (22 s lost on a cold cache for the spiral).
    from xorlab.core.training.presets import preset_spec
    from xorlab.ui.runtime.worker import TrainingWorker

    worker = TrainingWorker()
    states: list[str] = []
    compiles: list[float] = []
    builds: list[object] = []  # each build (abandoned or not) starts with run_reset
    worker.state_changed.connect(states.append)
    worker.compiled.connect(compiles.append)
    worker.run_reset.connect(lambda *args: builds.append(args))
    worker.start()
    try:
        spec = preset_spec("xor-bias")
        worker.set_spec(spec)
        # The quick tier can compile before a poll sees "compiling": wait for it to have
        # been seen, whether or not the compile is still running at the second ask.
        qtbot.waitUntil(lambda: "compiling" in states, timeout=30_000)
        worker.set_spec(spec)
        qtbot.waitUntil(lambda: states[-1:] == ["ready"], timeout=60_000)
        qtbot.wait(50)
        assert states == ["compiling", "ready"] and len(compiles) == 1 and len(builds) == 1
    finally:
        assert worker.shutdown(30_000)


def test_the_session_paces_by_the_running_loops_own_gil_flag(qtbot):
    # The scan loop's flag is per instance (on Numba it releases the GIL, on JAX it does
    # not): the session must read it from the loop it runs, at each hand-over.
    from types import SimpleNamespace

    posted: list[tuple] = []
    outbox = SimpleNamespace(post=lambda *args: posted.append(args), frame_seconds=0.02)
    session = _session(outbox)
    quick = SimpleNamespace(releases_gil=False)
    scan = SimpleNamespace(releases_gil=True)
    trainer = SimpleNamespace(
        tier="numpy", running_loop=quick, at_full_speed=False, fast_loop_failure=None
    )
    session._trainer = trainer
    session._note_tier()
    assert not session.pacing.releases_gil
    assert session.pacing.snapshot_spacing() == pytest.approx(0.02 / GUI_SHARE_WHILE_GIL_HELD)
    trainer.tier, trainer.running_loop, trainer.at_full_speed = "scan", scan, True
    session._note_tier()
    assert session.pacing.releases_gil
    assert session.pacing.snapshot_spacing() == pytest.approx(0.02 / GUI_SHARE)
    assert [p for p in posted if p[0] == "engine_chosen"] == [
        ("engine_chosen", "numpy"),
        ("engine_chosen", "scan"),
    ]


def test_a_chunk_ends_when_the_next_snapshot_is_due():
    pacing = pacing_with(True, FakeOutbox(frame_seconds=0.015))  # spacing 30 ms
    spacing = 0.015 / GUI_SHARE
    # 10 ms chunks of 100 steps: 24 ms after the last snapshot, 6 ms (60 steps) are left.
    assert pacing.steps_until_due(spacing - 0.006, 100, 0.010) == 60
    assert pacing.steps_until_due(0.0, 100, 0.010) == 100  # more than a chunk away
    assert pacing.steps_until_due(spacing + 0.001, 100, 0.010) == 100  # already due
    # Never a sliver of a chunk: within the tolerance the snapshot is on time.
    near = spacing - 0.5 * DUE_TOLERANCE * 0.010
    assert pacing.steps_until_due(near, 100, 0.010) == 100
    assert pacing.is_due(near, 0.010)
    assert not pacing.is_due(spacing - 0.006, 0.010)
    assert pacing.is_due(spacing, 0.010)


def test_a_chunk_cut_by_less_than_the_tolerance_runs_whole():
    pacing = pacing_with(True, FakeOutbox(frame_seconds=0.015))  # spacing 25 ms
    spacing = 0.015 / GUI_SHARE
    # A chunk as long as the spacing, begun 1 ms after the snapshot, runs whole (it ends
    # 1 ms late) rather than cut to 96%, which the chunk plan could not learn from.
    assert pacing.steps_until_due(0.001, 100, spacing) == 100
    # Cut by more than the tolerance, it ends when the snapshot is due.
    assert pacing.steps_until_due(0.010, 100, spacing) == pytest.approx(60, abs=1)


def test_a_loop_releasing_the_gil_runs_one_chunk_per_snapshot():
    free = pacing_with(True, FakeOutbox(frame_seconds=0.012))  # spacing 20 ms
    held = pacing_with(False, FakeOutbox(frame_seconds=0.012))
    assert free.chunk_seconds(0.010) == pytest.approx(0.012 / GUI_SHARE)
    # A loop holding the GIL keeps its short chunks: the GUI's Python waits for each.
    assert held.chunk_seconds(0.010) == 0.010
    # Never longer than the cap (a pause waits for the chunk), never shorter than the base.
    slow_gui = pacing_with(True, FakeOutbox(frame_seconds=0.1))
    assert slow_gui.chunk_seconds(0.010) == MAX_GIL_FREE_CHUNK_SECONDS
    assert pacing_with(True, FakeOutbox()).chunk_seconds(0.020) == 0.020
    # Capped at the base: the chunks of before.
    free.max_chunk_seconds = 0.010
    assert free.chunk_seconds(0.010) == 0.010
    # A loop the session runs in short chunks keeps the base.
    short = pacing_with(True, FakeOutbox(frame_seconds=0.012))
    short.long_chunks = False
    assert short.chunk_seconds(0.010) == 0.010


class FakeTrainer:
    """What the session's tick reads of a trainer; a chunk of n steps "takes" n / rate
    seconds (the ChunkResult says so; no clock is involved)."""

    def __init__(self, rate: float, releases_gil: bool):
        from types import SimpleNamespace

        self.rate = rate
        self.total_steps = 10**12
        self.steps_per_epoch = 4
        self.step_count = 4  # the first point exists
        self.done = False
        self.tier = "fused"
        self.running_loop = SimpleNamespace(releases_gil=releases_gil)
        self.at_full_speed = True
        self.fast_loop_failure = None
        self.compiling_in_background = False
        self.chunks: list[int] = []

    def run(self, n_steps: int):
        from xorlab.core.training.trainer import ChunkResult

        self.chunks.append(n_steps)
        self.step_count += n_steps
        return ChunkResult(n_steps, np.zeros(n_steps), n_steps / self.rate)

    def compile_in_background(self) -> None:
        pass


@pytest.mark.parametrize(
    ("tier", "releases_gil", "long_chunks"),
    [("fused", True, True), ("numpy", False, False), ("jax", True, True)],
)
def test_the_session_sizes_chunks_to_the_snapshot_spacing_for_a_gil_free_loop(
    qtbot, tier, releases_gil, long_chunks
):
    from types import SimpleNamespace

    outbox = SimpleNamespace(
        post=lambda *args: 0, frame_seconds=0.012, undelivered=lambda: 0
    )  # spacing 20 ms (GIL free) or 100 ms (held)
    session = _session(outbox)
    trainer = FakeTrainer(rate=1e6, releases_gil=releases_gil)
    trainer.tier = tier
    session._trainer = trainer
    session._note_tier()
    session._state = RunState.TRAINING
    session._last_snapshot_time = math.inf  # no snapshot falls due: chunks only
    for _ in range(12):
        session._on_tick()
    session._timer.stop()
    assert session.pacing.long_chunks is long_chunks
    expected = 0.012 / GUI_SHARE if long_chunks else 0.010
    assert session.plan.chunk_seconds == pytest.approx(expected)
    # The plan learnt the chunk from whole chunks: steps = rate x chunk time.
    assert trainer.chunks[-1] == int(1e6 * expected)


def test_a_costly_evaluation_moves_to_the_snapshot_thread_beside_a_gil_free_loop():
    free = pacing_with(True, FakeOutbox(frame_seconds=0.001))
    held = pacing_with(False, FakeOutbox(frame_seconds=0.004))
    for pacing in (free, held):
        pacing.note_evaluation_seconds(0.0001)  # a preset's: not worth a thread switch
        assert not pacing.off_thread()
        for _ in range(30):
            pacing.note_evaluation_seconds(0.005)  # 2-64-64-64-1 on 2,000 points
    assert free.off_thread() and not held.off_thread()  # holding the GIL: never
    # Off the thread, the worker's own part is the copies; the thread's job over its share
    # of the GUI's core spaces the snapshots.
    free.note_snapshot_seconds(0.0001)
    free.note_off_thread_seconds(0.009, 0.009)
    assert free.snapshot_spacing() == pytest.approx(0.009 / OFF_THREAD_SHARE)
    held.note_off_thread_seconds(0.009, 0.009)  # not its spacing: it has no snapshot thread
    held.note_snapshot_seconds(0.0001)
    assert held.snapshot_spacing() == pytest.approx(0.004 / GUI_SHARE_WHILE_GIL_HELD)


def test_the_snapshot_threads_job_is_paced_by_its_cpu_time_not_its_waits():
    # Its wall time is mostly waits for the GIL while the GUI thread draws, which the frame
    # time counts already: 9 ms of CPU in 18 ms allow a snapshot every 30 ms, not 60.
    pacing = pacing_with(True, FakeOutbox(frame_seconds=0.006))
    for _ in range(30):
        pacing.note_evaluation_seconds(0.003)
        pacing.note_off_thread_seconds(0.009, 0.018)
    pacing.note_snapshot_seconds(0.0001)
    assert pacing.off_thread()
    assert pacing.snapshot_spacing() == pytest.approx(0.009 / OFF_THREAD_SHARE)
    pacing.off_thread_by_wall = True  # as before round 11 (bench/gui.py compares)
    assert pacing.snapshot_spacing() == pytest.approx(0.018 / OFF_THREAD_SHARE)
    pacing.off_thread_by_wall = False
    # The frames still space them when they cost more than the job.
    pacing._outbox = FakeOutbox(frame_seconds=0.021)
    assert pacing.snapshot_spacing() == pytest.approx(0.021 / GUI_SHARE)


def off_thread_pacing(evaluation: float, cpu: float, wall: float) -> SnapshotPacing:
    """Pacing beside a loop that releases the GIL, its snapshots finished on the snapshot
    thread: each evaluation, and the thread's whole job, took these seconds; frames 4 ms."""
    pacing = pacing_with(True, FakeOutbox(frame_seconds=0.004))
    for _ in range(30):
        pacing.note_evaluation_seconds(evaluation)
        pacing.note_off_thread_seconds(cpu, wall)
    pacing.note_snapshot_seconds(0.0001)
    return pacing


def test_a_costly_snapshot_comes_at_most_off_thread_max_rate_times_a_second():
    pacing = off_thread_pacing(0.002, 0.003, 0.004)  # the job would allow 100 a second
    assert pacing.snapshot_spacing() == pytest.approx(1 / OFF_THREAD_MAX_RATE)
    pacing.min_seconds_off_thread = math.inf  # evaluated on the worker: a preset's pace
    assert pacing.snapshot_spacing() == pytest.approx(pacing.min_interval)


def test_a_costly_snapshot_is_spaced_by_its_jobs_wall_time_when_that_is_longer():
    # One job is in flight at a time: a busy machine's 60 ms job spaces them (and so sizes
    # the chunks), however little CPU it took.
    pacing = off_thread_pacing(0.003, 0.005, 0.060)
    assert pacing.snapshot_spacing() == pytest.approx(0.060)
    assert pacing.chunk_seconds(0.010) == pytest.approx(MAX_GIL_FREE_CHUNK_SECONDS)


def test_an_off_thread_snapshot_waits_until_the_gui_has_drawn_the_last_one():
    drawing = pacing_with(True, FakeOutbox(undelivered=1))
    assert drawing.gui_still_drawing()
    drawing.wait_for_frames = False  # as before round 11 (bench/gui.py compares)
    assert not drawing.gui_still_drawing()
    assert not pacing_with(True, FakeOutbox(undelivered=0)).gui_still_drawing()
