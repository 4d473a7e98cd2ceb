"""TrainingWorker against a headless Trainer: the same numbers, whatever the threads do."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import numpy as np
import pytest
import shiboken6

from tests.core.training.loops import trainer_on
from tests.ui.oracle import assert_weights_equal, reference_weights
from xorlab.app.compile_steps import compile_steps
from xorlab.app.live_maps import DETAIL_RESOLUTION
from xorlab.core.training import model
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import MAX_EPOCHS
from xorlab.core.training.trainer import Trainer
from xorlab.ui.runtime import training_session
from xorlab.ui.runtime.worker import TrainingWorker

MINIMAL = preset_spec("xor-minimal")
# The same graph as xor-minimal (a warm compile cache serves both) but too long to finish.
ENDLESS = MINIMAL.with_changes(training={"epochs": MAX_EPOCHS})
TUTORIAL_OUTPUTS = [0.921668, 0.117385, 0.921574, 0.048511]
TUTORIAL_COST = 0.0284190137


class Recorder:
    """Everything a worker reported, in order."""

    def __init__(self, worker: TrainingWorker):
        self.states: list[str] = []
        self.snapshots: list = []
        self.progress: list[tuple[int, int, float]] = []
        self.resets: list = []
        self.compiles: list[float] = []
        self.divergences: list[str] = []
        self.failures: list[str] = []
        worker.state_changed.connect(self.states.append)
        worker.snapshot_ready.connect(self.snapshots.append)
        worker.progress.connect(lambda *args: self.progress.append(args))
        worker.run_reset.connect(lambda *args: self.resets.append(args))
        worker.compiled.connect(self.compiles.append)
        worker.diverged.connect(self.divergences.append)
        worker.failed.connect(self.failures.append)

    @property
    def state(self) -> str | None:
        return self.states[-1] if self.states else None

    @property
    def last(self):
        return self.snapshots[-1]


@pytest.fixture
def start_worker(qtbot):
    workers: list[TrainingWorker] = []

    def start(spec=None, **options) -> tuple[TrainingWorker, Recorder]:
        worker = TrainingWorker(**options)
        recorder = Recorder(worker)
        worker.start()
        workers.append(worker)
        if spec is not None:
            worker.set_spec(spec)
            wait_for_state(qtbot, recorder, "ready")
        return worker, recorder

    yield start
    for worker in workers:
        assert worker.shutdown(30_000)


def wait_for_state(qtbot, recorder: Recorder, state: str, timeout: int = 30_000) -> None:
    qtbot.waitUntil(lambda: recorder.state == state, timeout=timeout)


def test_trains_the_tutorial_network_to_the_tutorial_numbers(qtbot, start_worker, reference):
    worker, rec = start_worker(MINIMAL)
    assert rec.states == ["compiling", "ready"]
    assert len(rec.compiles) == 1 and rec.compiles[0] > 0
    assert rec.last.step == 0  # the untrained network is shown before Train
    worker.train()
    wait_for_state(qtbot, rec, "done")
    assert rec.states == ["compiling", "ready", "training", "done"]
    final = rec.last
    assert final.step == 60_000 and final.epoch == 60_000
    assert final.cost == pytest.approx(TUTORIAL_COST, abs=1e-9)
    np.testing.assert_allclose(final.outputs[:, 0], TUTORIAL_OUTPUTS, atol=5e-7)
    # At rest (done): the detailed decision map (app/live_maps.py).
    assert final.grid_outputs is not None
    assert final.grid_outputs.shape == (DETAIL_RESOLUTION, DETAIL_RESOLUTION)
    assert rec.progress[-1][:2] == (60_000, 60_000) and rec.progress[-1][2] > 0

    # Every cost point arrives once, in order, and equals the headless run's at that epoch.
    epochs = np.concatenate([s.history_steps for s in rec.snapshots])
    costs = np.concatenate([s.history_costs for s in rec.snapshots])
    assert np.all(np.diff(epochs) > 0) and epochs[0] == 0 and epochs[-1] >= 59_990
    reference.reset()
    reference.run(60_000)
    ref_epochs, ref_costs = reference.history.data()
    common, mine, theirs = np.intersect1d(epochs, ref_epochs, return_indices=True)
    assert common.size > 1000
    np.testing.assert_allclose(costs[mine], ref_costs[theirs], rtol=1e-12)


def test_snapshots_are_throttled(qtbot, start_worker):
    worker, rec = start_worker(ENDLESS.with_changes(training={"epochs": 400_000}), min_snapshots=1)
    started = time.perf_counter()
    worker.train()
    wait_for_state(qtbot, rec, "done")
    elapsed = time.perf_counter() - started
    training_snapshots = len(rec.snapshots) - 1
    assert training_snapshots <= 60 * elapsed + 2
    assert rec.last.step == 400_000


def test_even_a_fast_run_shows_every_hundredth_of_its_progress(qtbot, start_worker):
    # xor-minimal computes in a few milliseconds: without milestones the outputs plot would
    # get a handful of points. Each 1% is a snapshot the GUI receives unmerged.
    worker, rec = start_worker(MINIMAL)
    worker.train()
    wait_for_state(qtbot, rec, "done")
    steps = {s.step for s in rec.snapshots}
    assert set(range(0, 60_001, 600)) <= steps


def test_pause_step_resume_and_stop(qtbot, start_worker, reference):
    worker, rec = start_worker(ENDLESS)
    worker.train()
    qtbot.waitUntil(lambda: rec.snapshots and rec.last.step > 0)
    worker.pause()
    wait_for_state(qtbot, rec, "paused")
    paused_at = rec.last.step
    assert paused_at > 0
    assert_weights_equal(rec.last.weights, reference_weights(reference, (paused_at, 0.01)))
    count = len(rec.snapshots)
    qtbot.wait(100)
    assert len(rec.snapshots) == count, "a paused worker keeps training"

    worker.step()  # full batch: one epoch is one step
    qtbot.waitUntil(lambda: len(rec.snapshots) == count + 1)
    assert rec.last.step == paused_at + 1 and rec.state == "paused"
    assert_weights_equal(rec.last.weights, reference_weights(reference, (paused_at + 1, 0.01)))

    worker.resume()
    wait_for_state(qtbot, rec, "training")
    qtbot.waitUntil(lambda: rec.last.step > paused_at + 1)
    worker.stop()
    wait_for_state(qtbot, rec, "stopped")
    stopped_at = rec.last.step
    qtbot.wait(50)
    assert rec.last.step == stopped_at

    worker.train()  # after Stop, Train starts a fresh run
    qtbot.waitUntil(lambda: len(rec.resets) == 2)
    wait_for_state(qtbot, rec, "training")
    worker.pause()
    wait_for_state(qtbot, rec, "paused")
    restarted = [s for s in rec.snapshots if s.step == 0]
    assert len(restarted) == 2  # the compiled run's and the fresh run's
    assert_weights_equal(rec.last.weights, reference_weights(reference, (rec.last.step, 0.01)))


def test_reset_restores_the_initial_weights(qtbot, start_worker):
    worker, rec = start_worker(ENDLESS)
    worker.train()
    qtbot.waitUntil(lambda: rec.last.step > 1000)
    worker.reset()
    wait_for_state(qtbot, rec, "ready")
    assert rec.last.step == 0 and len(rec.resets) == 2
    assert_weights_equal(rec.last.weights, model.init_weights(ENDLESS.network, 2, 1))


def test_learning_rate_changes_take_effect_at_the_next_chunk(qtbot, start_worker, reference):
    worker, rec = start_worker(ENDLESS)
    worker.step()
    qtbot.waitUntil(lambda: rec.last.step == 1)
    worker.set_learning_rate(0.5)
    worker.step()
    qtbot.waitUntil(lambda: rec.last.step == 2)
    # A spec that differs only in its learning rate is applied in place, not recompiled.
    worker.set_spec(ENDLESS.with_changes(training={"learning_rate": 2.0}))
    worker.step()
    qtbot.waitUntil(lambda: rec.last.step == 3)
    assert len(rec.compiles) == 1
    expected = reference_weights(reference, (1, 0.01), (1, 0.5), (1, 2.0))
    assert_weights_equal(rec.last.weights, expected)


def test_a_huge_learning_rate_diverges_cleanly_and_can_recover(qtbot, start_worker):
    worker, rec = start_worker(MINIMAL.with_changes(training={"learning_rate": 1e6}))
    worker.train()
    wait_for_state(qtbot, rec, "diverged")
    assert len(rec.divergences) == 1 and "diverged" in rec.divergences[0]
    assert "1e+06" in rec.divergences[0]
    assert all(np.isfinite(w).all() for w in rec.last.weights)
    assert rec.failures == []
    worker.set_learning_rate(0.01)
    worker.resume()
    wait_for_state(qtbot, rec, "done")
    assert rec.last.step == 60_000 and np.isfinite(rec.last.cost)


def test_rapid_spec_edits_compile_only_the_latest(qtbot, start_worker):
    worker, rec = start_worker()
    seeds = [11, 12, 13, 14, 15]
    for seed in seeds:
        worker.set_spec(ENDLESS.with_changes(network={"seed": seed}))
    wait_for_state(qtbot, rec, "ready")
    qtbot.wait(50)
    assert len(rec.compiles) == 1
    latest = ENDLESS.with_changes(network={"seed": seeds[-1]})
    assert_weights_equal(rec.last.weights, model.init_weights(latest.network, 2, 1))


def test_an_unreadable_dataset_reports_and_the_worker_lives_on(qtbot, start_worker, tmp_path):
    worker, rec = start_worker()
    missing = MINIMAL.with_changes(dataset={"name": "csv", "path": str(tmp_path / "none.csv")})
    worker.set_spec(missing)
    wait_for_state(qtbot, rec, "error")
    assert len(rec.failures) == 1 and "dataset" in rec.failures[0].lower()
    worker.set_spec(MINIMAL)
    wait_for_state(qtbot, rec, "ready")


def test_an_exception_while_training_is_reported_not_fatal(qtbot, start_worker, monkeypatch):
    worker, rec = start_worker(MINIMAL)

    def broken_run(self, n_steps):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(Trainer, "run", broken_run)
    worker.train()
    wait_for_state(qtbot, rec, "error")
    assert rec.failures == ["RuntimeError: simulated failure"]
    monkeypatch.undo()
    worker.reset()
    wait_for_state(qtbot, rec, "ready")
    worker.train()
    wait_for_state(qtbot, rec, "done")


@pytest.mark.parametrize("moment", ["compiling", "training"])
def test_shutdown_leaves_no_running_thread(qtbot, start_worker, moment, monkeypatch):
    # The first compile step waits for the test to ask for the shutdown: on a warm cache a
    # compile can end before a loaded machine's GUI thread gets to asking.
    asked = threading.Event()

    def held(trainer, grid):
        return [lambda: asked.wait(30), *compile_steps(trainer, grid)]

    if moment == "compiling":
        monkeypatch.setattr(training_session, "compile_steps", held)
    worker, rec = start_worker()
    worker.set_spec(ENDLESS.with_changes(network={"seed": 21}))
    if moment == "compiling":
        qtbot.waitUntil(lambda: "compiling" in rec.states)
        worker.request_shutdown()
        asked.set()
    else:
        wait_for_state(qtbot, rec, "ready")
        worker.train()
        qtbot.waitUntil(lambda: rec.last.step > 0)
    # The run never ends by itself (and a held compile never finishes): stopping at all
    # means the session noticed the shutdown between chunks or compile steps.
    assert worker.shutdown(30_000)
    assert not worker.is_running()
    worker.train()  # ignored once shut down: nothing runs on the GUI thread
    qtbot.wait(20)
    assert not worker.is_running()
    if moment == "compiling":
        assert rec.compiles == [] and "ready" not in rec.states  # abandoned between steps


def test_data_without_two_inputs_gets_no_boundary_grid(qtbot, start_worker):
    # The tutorial network on 3-bit parity: only the dataset differs from xor-minimal.
    _, rec = start_worker(MINIMAL.with_changes(dataset={"name": "parity3"}))
    dataset, grid = rec.resets[-1]
    assert dataset.n_inputs == 3 and grid is None and rec.last.grid_outputs is None
    assert rec.last.outputs.shape == (8, 1)


def test_trainer_jobs_run_on_the_worker_merge_by_kind_and_report_failures(qtbot, start_worker):
    import threading

    from xorlab.app.trainer_jobs import TrainerJob

    worker, rec = start_worker(MINIMAL)
    done, failed = [], []
    worker.job_done.connect(lambda kind, result: done.append((kind, result)))
    worker.job_failed.connect(lambda kind, message: failed.append((kind, message)))
    gui_thread = threading.get_ident()

    def read(tag):
        return lambda trainer: (tag, threading.get_ident(), trainer.get_weights()[0][0, 0])

    worker.submit_job(TrainerJob("read", read("first")))
    worker.submit_job(TrainerJob("read", read("second")))  # replaces it if still waiting
    worker.submit_job(TrainerJob("boom", lambda trainer: 1 / 0))
    qtbot.waitUntil(lambda: bool(failed and done) and done[-1][1][0] == "second", timeout=10_000)
    assert [result[0] for _, result in done] in (["second"], ["first", "second"])
    assert done[0][1][1] != gui_thread
    assert done[0][1][2] == model.init_weights(MINIMAL.network, 2, 1)[0][0, 0]
    assert failed == [("boom", "division by zero")]

    def edit(trainer):
        weights = trainer.get_weights()
        weights[1][0, 0] = 5.0
        trainer.set_weights(weights)

    before = len(rec.snapshots)
    worker.submit_job(TrainerJob("edit", edit, changes_weights=True))
    qtbot.waitUntil(lambda: done[-1][0] == "edit", timeout=10_000)
    qtbot.waitUntil(lambda: len(rec.snapshots) > before, timeout=10_000)
    assert rec.last.weights[1][0, 0] == 5.0


def test_pending_jobs_keep_the_newest_of_each_kind_in_the_order_asked():
    from xorlab.app.trainer_jobs import PendingJobs, TrainerJob

    jobs = PendingJobs()
    for kind, tag in [("a", 1), ("b", 2), ("a", 3)]:
        jobs.put(TrainerJob(kind, lambda trainer, tag=tag: tag))
    assert [(job.kind, job.run(None)) for job in jobs.take_all()] == [("b", 2), ("a", 3)]
    assert jobs.take_all() == []


def test_a_new_seed_restarts_from_its_draw_without_recompiling(qtbot, start_worker):
    worker, rec = start_worker(MINIMAL)
    compiles = len(rec.compiles)
    worker.set_spec(MINIMAL.with_changes(network={"seed": 77}))
    expected = model.init_weights(replace(MINIMAL.network, seed=77), 2, 1)
    qtbot.waitUntil(lambda: np.array_equal(rec.last.weights[0], expected[0]), timeout=10_000)
    assert "compiling" not in rec.states[2:] and len(rec.compiles) == compiles
    assert rec.state == "ready" and rec.last.step == 0


def test_notifications_still_queued_when_the_worker_is_deleted_are_dropped(qtbot):
    # A window deleted right after its thread stopped: the thread's last notifications are
    # still queued for the GUI thread, and must not be emitted from a deleted worker.
    worker = TrainingWorker()
    outbox = worker._outbox
    outbox.post("state_changed", "stopped")
    outbox.post("failed", "late news")
    shiboken6.delete(worker)
    qtbot.wait(20)  # an exception in the delivery would fail the test here
    assert outbox.pending() == 0


def test_a_speed_cap_slows_training_and_never_changes_its_numbers(qtbot, start_worker, reference):
    worker, rec = start_worker(MINIMAL)
    worker.set_speed(1_000)
    started = time.perf_counter()
    worker.train()
    qtbot.waitUntil(lambda: rec.last.step >= 100, timeout=10_000)
    qtbot.wait(200)
    elapsed = time.perf_counter() - started
    shown = rec.last.step
    # Never ahead of the cap (full speed would be done by now: 60,000 steps take ~0.1 s).
    assert rec.state == "training" and shown <= 1 + 1_000 * elapsed
    # The status bar's rate is the capped wall-time rate, not the engine's raw speed.
    assert 0 < rec.progress[-1][2] <= 1_100
    worker.pause()
    wait_for_state(qtbot, rec, "paused")
    paused_at = rec.last.step
    assert_weights_equal(rec.last.weights, reference_weights(reference, (paused_at, 0.01)))

    worker.set_speed(None)
    worker.resume()
    wait_for_state(qtbot, rec, "done")
    assert rec.last.cost == pytest.approx(TUTORIAL_COST, abs=1e-9)
    assert_weights_equal(rec.last.weights, reference_weights(reference, (60_000, 0.01)))


def test_a_speed_must_be_positive(start_worker):
    worker, _rec = start_worker()
    for bad in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="positive"):
            worker.set_speed(bad)


# The tutorial network on mini-batches of one sample: four steps to the first cost point.
FOUR_STEP_EPOCHS = ENDLESS.with_changes(
    network={"seed": 17}, training={"schedule": "minibatch", "batch_size": 1}
)


@pytest.fixture
def fast_compiles(monkeypatch):
    """The step counts at which the session started the fast loop's background compile,
    appended on the worker thread, in order with ``events`` appended by the test."""
    events: list[tuple[str, object]] = []
    original = Trainer.compile_in_background
    # The tiny nets here stand in for the nets whose compile waits for Train (the jax and
    # scan ones); a fused loop's compile starts when the network is ready (compile_steps).
    monkeypatch.setattr(training_session, "compiles_before_train", lambda trainer: False)

    def recording(trainer):
        # Every tick may ask (a no-op once compiling or compiled): record the calls that start one.
        idle = trainer._background is None and not trainer.at_full_speed
        original(trainer)
        if idle and trainer._background is not None:
            events.append(("fast compile", trainer.step_count))

    monkeypatch.setattr(Trainer, "compile_in_background", recording)
    return events


def test_train_at_once_gets_the_first_cost_point_before_maps_and_fast_loop(
    qtbot, start_worker, fast_compiles
):
    worker, rec = start_worker()
    worker.set_spec(FOUR_STEP_EPOCHS)
    worker.train()  # queued behind the compile: Train clicked the moment it is enabled
    qtbot.waitUntil(lambda: any(s.step > 4 and s.plane is not None for s in rec.snapshots))
    ready, *trained = rec.snapshots
    assert ready.step == 0 and ready.plane is not None
    # No snapshot mid-epoch: the first after Train is the first point, the epoch's cost.
    first = trained[0]
    assert first.step == 4 and first.history_steps.tolist() == [0]
    # The point is the network's real first epoch: the same as a headless run's.
    headless = trainer_on(FOUR_STEP_EPOCHS, "numpy")
    headless.run(4)
    np.testing.assert_allclose(first.history_costs, headless.history.data()[1], rtol=1e-12)
    assert_weights_equal(first.weights, tuple(headless.get_weights()))
    # The maps over the plane follow in a later snapshot, and so does the fast loop's compile.
    assert first.plane is None
    later_maps = next(s for s in trained if s.plane is not None)
    assert later_maps.step > first.step
    assert fast_compiles and fast_compiles[0][1] >= 4


def test_the_fast_loop_compiles_once_the_gui_has_drawn_the_first_point(
    qtbot, start_worker, fast_compiles
):
    # Started as soon as the point existed, the compile took half the interpreter from the GUI
    # drawing it. The GUI thread (this one) delivers nothing until the test lets it.
    worker, rec = start_worker()
    session = worker._session
    worker.set_spec(FOUR_STEP_EPOCHS.with_changes(network={"seed": 19}))
    worker.train()
    deadline = time.monotonic() + 60  # a guard against hanging, not a timing assertion
    while not session._waiting_for_gui and time.monotonic() < deadline:
        time.sleep(0.01)  # the worker made the first point and waits for the GUI to draw it
    assert session._waiting_for_gui and session._trainer.step_count == 4
    assert fast_compiles == []
    qtbot.waitUntil(lambda: bool(fast_compiles))
    assert fast_compiles[0] == ("fast compile", 4)
    assert any(s.step == 4 for s in rec.snapshots)


def test_a_tiny_net_compiles_its_fused_loop_when_ready_and_trains_on_it_from_train(
    qtbot, start_worker
):
    # Its compile is short and its first point one step: done by the time a person clicks,
    # the run starts at full speed (item 2 of issue 11: the tutorial net within 2 s).
    worker, rec = start_worker()
    engines: list[str] = []
    worker.engine_chosen.connect(engines.append)
    worker.set_spec(FOUR_STEP_EPOCHS.with_changes(network={"seed": 23}))
    wait_for_state(qtbot, rec, "ready")
    qtbot.waitUntil(lambda: engines[-1:] == ["fused"], timeout=60_000)  # before any Train
    assert rec.states == ["compiling", "ready"] and engines == ["numpy", "fused"]
    worker.train()
    qtbot.waitUntil(lambda: any(s.step >= 8 for s in rec.snapshots))
    assert engines == ["numpy", "fused"]  # trained on it from the first step


def test_a_network_compiles_its_fast_loop_at_train_not_when_ready_nor_at_step(
    qtbot, start_worker, fast_compiles
):
    # Started when the network was ready, the compile was still running when a person
    # clicked Train ~0.7 s later and took half the interpreter from the first point.
    worker, rec = start_worker()
    worker.state_changed.connect(lambda state: fast_compiles.append(("state", state)))
    worker.set_spec(FOUR_STEP_EPOCHS.with_changes(network={"seed": 18}))
    wait_for_state(qtbot, rec, "ready")
    worker.step()  # one epoch on the quick tier, drawn: still no compile
    qtbot.waitUntil(lambda: rec.state == "paused" and rec.last.step == 4)
    worker.train()
    qtbot.waitUntil(lambda: any(kind == "fast compile" for kind, _ in fast_compiles))
    # Once, at a step count only the run Train started reaches (Step stopped at 4).
    compiles = [steps for kind, steps in fast_compiles if kind == "fast compile"]
    assert len(compiles) == 1 and compiles[0] > 4
    # and the run trains on to the fast loop as before
    qtbot.waitUntil(lambda: rec.last.step > 8)
