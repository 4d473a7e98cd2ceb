"""The training session: owns a Trainer on the worker thread and runs it in timed chunks.

Everything here runs on the worker thread (compiled PyTensor functions must have one owner);
TrainingWorker in worker.py is the GUI-thread side that queues commands to it and re-emits
what it posts to the Outbox. A chunk is sized to take about 10 ms (a loop that releases the
GIL: up to the next snapshot, at most 33 ms; app/pacing.py), or to what a
speed cap allows (chunk_plan.py), and the next one is scheduled by a timer rather than a
loop, so the thread's event loop sees pause, stop and shutdown between chunks.

Compiling a PyTensor function cannot be interrupted: compilation runs in steps (the quick
tier's step, evaluation, prediction) and a shutdown or a newer spec is noticed between
steps. Training starts on the quick tier; the fast loop compiles on a background thread and
takes over between chunks (``Trainer.hand_over``, checked after each chunk and, while not
training, by a poll timer), and ``engine_chosen`` says which loop runs. What a learner waits
for is the run's first cost point (an epoch's cost: 16 quick-tier steps for the spiral), so
that comes first: until it exists the chunks follow each other at once, with no snapshot,
map or wait for the GUI between them, and the fast loop's compile starts only once the GUI
has drawn it. It starts at Train, not when the network is ready: a person clicks Train
about 0.7 s after it is enabled, into a compile that then took half the interpreter from
the first point (see _start_fast_compile). The fused loop is the exception: its compile
is short and a tiny net's first point one step, so it starts when the network is ready
(compile_steps.compiles_before_train) and the run trains on it from Train.
Between chunks the session also serves the queued commands: run control (train, resume,
pause, stop, one epoch's step, reset), the learning rate and speed, the views' trainer jobs
and graph requests (``on_command`` dispatches ``name`` to ``_do_<name>``); they read and
change the session's state, so they run only on its thread.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Slot

from xorlab.app.chunk_plan import FIRST_CHUNK_STEPS, QUICK_FIRST_CHUNK_STEPS, ChunkPlan
from xorlab.app.compile_steps import compile_steps, compiles_before_train
from xorlab.app.graph_request import LatestGraphRequest, build_bundle
from xorlab.app.live_maps import LiveMaps
from xorlab.app.pacing import SnapshotPacing
from xorlab.app.requests import Requests, compile_key
from xorlab.app.run_state import STEPPABLE, RunState
from xorlab.app.snapshot_pipeline import SnapshotPipeline
from xorlab.app.trainer_jobs import PendingJobs
from xorlab.core.first_imports import import_pytensor
from xorlab.core.training.datasets import (
    DatasetError,
    PlaneGrid,
    load_dataset,
    plane_grid,
    target_problem,
)
from xorlab.core.training.spec import ExperimentSpec, SpecError
from xorlab.ui.runtime.outbox import Outbox

if TYPE_CHECKING:
    # The worker thread imports these (and PyTensor) when it first builds a trainer: the
    # window is built and shown before that, without them.
    from xorlab.core.io.experiment import Experiment
    from xorlab.core.training.trainer import Trainer, TrainingSnapshot

log = logging.getLogger(__name__)

COMMANDS_WITH_VALUES = ("learning_rate", "speed", "neuron_maps")

# How often an idle session looks whether the background compile of the fast loop finished.
HANDOVER_POLL_MS = 50


def moment_snapshot(trainer: Trainer, moment, grid: PlaneGrid | None) -> TrainingSnapshot:
    """The snapshot of a saved moment, from the weights the trainer holds now (the moment's):
    outputs, cost, boundary map and test outputs; no history points (those come whole)."""
    from xorlab.core.training.trainer import TrainingSnapshot

    outputs, cost = trainer.evaluate()
    grid_outputs = None
    if grid is not None:
        grid_outputs = trainer.evaluate(grid.points)[0][:, 0].reshape(
            grid.resolution, grid.resolution
        )
    test_outputs, test_cost = None, None
    if trainer.test_dataset is not None:
        test_outputs, test_cost, _ = trainer.evaluate_test()
    empty = np.empty(0)
    return TrainingSnapshot(
        step=moment.step,
        epoch=moment.epoch,
        weights=tuple(np.array(w, copy=True) for w in moment.weights),
        outputs=outputs,
        cost=cost,
        history_steps=empty.astype(np.int64),
        history_costs=empty,
        grid_outputs=grid_outputs,
        optimizer_state=tuple(np.array(s, copy=True) for s in moment.optimizer_state),
        learning_rate=float(trainer.learning_rate.get_value()),
        test_outputs=test_outputs,
        test_cost=test_cost,
    )


def _stop_rules(spec: ExperimentSpec) -> tuple[float, int, float]:
    tr = spec.training
    return tr.target_cost, tr.plateau_epochs, tr.plateau_tolerance


class TrainingSession(QObject):
    """Moved to the worker thread; ``on_command`` receives the queued requests."""

    def __init__(
        self,
        outbox: Outbox,
        requests: Requests,
        *,
        chunk_seconds: float,
        max_snapshot_rate: float,
        grid_rate: float,
        grid_resolution: int,
        min_snapshots: int,
        mode: str | None,
    ):
        super().__init__()
        # Every post waits for the snapshot the snapshot thread is finishing: items keep
        # their order (app/snapshot_pipeline.py).
        self._outbox = SnapshotPipeline(outbox)
        self._requests = requests
        self.plan = ChunkPlan(chunk_seconds)
        self.base_chunk_seconds = chunk_seconds  # pacing.chunk_seconds lengthens it
        self.min_snapshots = min_snapshots  # per run, however fast it computes
        self.pacing = SnapshotPacing(outbox, max_snapshot_rate, grid_rate)
        self._grid_resolution = grid_resolution
        self.maps = LiveMaps()  # which maps over the plane the snapshots carry
        self._mode = mode

        self._trainer: Trainer | None = None
        self._grid: PlaneGrid | None = None
        self._state = RunState.IDLE
        self._last_snapshot_time = 0.0
        self._last_grid_time = 0.0
        self._waiting_for_gui = False
        self._last_post = 0  # the outbox number of the last snapshot posted
        self._state_post = 0  # the outbox number of the last state change posted
        # After Train, the fast loop's background compile waits until the GUI has drawn the
        # run's first point (the posts up to this number): started at once it took half the
        # interpreter from it (see _start_fast_compile).
        self._compile_when_drawn: int | None = None

        self.graph_requests = LatestGraphRequest()  # put by the GUI thread, taken here
        self.jobs = PendingJobs()  # likewise

        self._timer = QTimer(self)  # a child: moves to the worker thread with the session
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_tick)
        self._tier = ""  # the loop the trainer runs on, as last posted
        self._failure_posted = False  # the fast loop's failure to compile, once told
        self._handover_timer = QTimer(self)
        self._handover_timer.setInterval(HANDOVER_POLL_MS)
        self._handover_timer.timeout.connect(self._on_handover_poll)

    @Slot(str, object)
    def on_command(self, name: str, value: object) -> None:
        if name == "shutdown":
            self._timer.stop()
            self._handover_timer.stop()
            self._outbox.close()  # the snapshot in flight, posted
            self._trainer = None  # compiled functions are released on their owner thread
            QThread.currentThread().quit()
            return
        if self._requests.closing:
            return
        handler: Callable[..., None] = getattr(self, f"_do_{name}")
        try:
            import_pytensor()  # the worker's first command compiles: see core.first_imports
            handler(value) if name in COMMANDS_WITH_VALUES else handler()
        except Exception as exc:  # a worker must report, never die
            self._fail(exc)

    @Slot()
    def _on_tick(self) -> None:
        from xorlab.core.training.tiers import QUICK_TIER_YIELD
        from xorlab.core.training.trainer import DivergenceError

        trainer = self._trainer
        if trainer is None or self._requests.closing or self._state != RunState.TRAINING:
            self._timer.stop()
            return
        started = time.perf_counter()
        milestone = max(1, trainer.total_steps // self.min_snapshots)
        wanted = milestone - trainer.step_count % milestone
        first_point_pending = self._first_point_pending(trainer)
        if first_point_pending:  # stop where the first point is made, not steps later
            wanted = min(wanted, trainer.steps_per_epoch - trainer.step_count)
        if not first_point_pending:
            since = started - self._last_snapshot_time
            plan = self.plan
            plan.chunk_seconds = self.pacing.chunk_seconds(self.base_chunk_seconds)
            wanted = min(
                wanted, self.pacing.steps_until_due(since, plan.chunk_steps, plan.chunk_seconds)
            )
        steps = self.plan.take(wanted)
        if not steps:  # under a speed cap
            self._timer.start(max(1, math.ceil(self.plan.seconds_to_wait(wanted) * 1000)))
            return
        if self._timer.interval():
            self._timer.setInterval(0)
        try:
            result = trainer.run(steps)  # hands over to the fast loop first when it is ready
            self._note_tier()
        except DivergenceError as exc:
            self._timer.stop()
            self._publish_snapshot(force=True, at_rest=True)
            # The reason before the state: whoever sees "diverged" already has it.
            self._outbox.post("diverged", str(exc))
            self._set_state(RunState.DIVERGED)
            return
        except Exception as exc:
            self._fail(exc)
            return
        self.plan.note_compute(result.steps, result.seconds)
        if trainer.done:
            self._timer.stop()
            self.plan.measure(result.steps, time.perf_counter() - started, trainer.step_count)
            self._publish_snapshot(force=True, at_rest=True)
            self._set_state(RunState.DONE)
            return
        at_milestone = trainer.step_count % milestone == 0
        if first_point_pending and self._first_point_pending(trainer):
            # Racing to the run's first cost point: until it exists nothing else takes the
            # interpreter from the steps that make it (see _first_point_pending).
            if at_milestone:
                self._publish_snapshot(force=True)
            self.plan.measure(result.steps, time.perf_counter() - started, trainer.step_count)
            return  # the timer ticks on at once
        # The first point is published the moment it exists, without the maps over the plane
        # (~0.1 s for a 3-layer net with its neuron maps): the next snapshot brings them.
        # The fast loop starts compiling once the GUI has drawn that point: started as soon as
        # the point existed, its first second of PyTensor rewrites took the interpreter from
        # the GUI drawing it (0.07 s of GUI CPU took 0.36 s here on a cold cache).
        published = self._publish_snapshot(
            force=at_milestone or first_point_pending, maps=not first_point_pending
        )
        if first_point_pending and published:
            self._compile_when_drawn = self._last_post
        if self._compile_when_drawn is None:
            self._start_fast_compile()
        self.plan.measure(result.steps, time.perf_counter() - started, trainer.step_count)
        if published and self.pacing.should_wait_for_gui(milestone=at_milestone):
            self._timer.stop()  # on_gui_caught_up restarts it
            self._waiting_for_gui = True
        elif trainer.compiling_in_background:  # leave the compile its share of the interpreter
            self._timer.start(max(1, round(result.seconds * QUICK_TIER_YIELD * 1000)))

    def _start_fast_compile(self) -> None:
        """Start the fast loop's background compile, once training runs and the GUI has drawn
        the run's first point (_on_tick, on_gui_caught_up). Its PyTensor rewrites and Numba
        typing are pure Python holding the interpreter lock, so whatever runs beside them
        gets about half of it. Started when the GUI had drawn a new network, it was still
        compiling when a person clicked Train 0.7 s later: never-seen networks showed their
        first point 0.4-1.5 s after the click, against 0.1-0.3 s with no compile beside it.
        It cannot be paused while a first point is pending (a profile hook on its thread
        that could pause it cost +50% CPU on every compile), so it starts at Train. That
        costs at most the seconds between the network's ready and the click in time to full
        speed; the quick tier trains meanwhile. Step (one epoch) does not start it. The
        fused loop's starts once the GUI has drawn the network ready (_build)."""
        trainer = self._trainer
        if trainer is None or self._state == RunState.COMPILING:
            return
        if self._state == RunState.READY and not compiles_before_train(trainer):
            return  # not trained since it was built (or reset): no compile before Train
        if self._state == RunState.TRAINING and self._first_point_pending(trainer):
            return
        self._compile_when_drawn = None
        trainer.compile_in_background()  # does nothing once compiled or compiling

    def _first_point_pending(self, trainer: Trainer) -> bool:
        """The run has no cost point yet (its first epoch is not complete) and training runs
        flat out: then each chunk follows the last at once. A point is an epoch's cost, so on
        the quick tier a 16-step epoch takes 16 slow steps, and what used to come between
        them (snapshots mid-epoch, their maps and their drawing, waits for the GUI to draw
        them, pauses that leave the background compile the interpreter) kept the first point
        1-3 s away. Under a speed cap the person watches the steps: snapshots as usual."""
        return trainer.step_count < trainer.steps_per_epoch and not self.plan.speed.limited

    @Slot()
    def _on_handover_poll(self) -> None:
        trainer = self._trainer
        if trainer is None or trainer.at_full_speed or trainer.fast_loop_failure:
            self._handover_timer.stop()
            return
        if self._state == "training":
            return  # the next chunk hands over
        try:
            trainer.hand_over()
            self._note_tier()
        except Exception as exc:
            self._fail(exc)

    def _note_tier(self) -> None:
        """Tell the GUI which loop runs, once it changed (the quick tier, then the fast loop)."""
        trainer = self._trainer
        if trainer is not None and trainer.fast_loop_failure and not self._failure_posted:
            self._failure_posted = True
            self._handover_timer.stop()
            self._outbox.post("fast_loop_failed", trainer.fast_loop_failure)
        if trainer is None or trainer.tier == self._tier:
            return
        self._tier = trainer.tier
        self.pacing.releases_gil = trainer.running_loop.releases_gil
        # Every loop that lets the GIL go runs one chunk per snapshot, JAX too since it runs
        # the next chunk ahead (app/pacing.py, MAX_GIL_FREE_CHUNK_SECONDS).
        self.pacing.long_chunks = self.pacing.releases_gil
        self.plan.new_network(
            FIRST_CHUNK_STEPS if trainer.at_full_speed else QUICK_FIRST_CHUNK_STEPS
        )
        self._outbox.post("engine_chosen", self._tier)
        if trainer.at_full_speed:
            self._handover_timer.stop()

    @Slot("qint64")
    def on_gui_caught_up(self, delivered_posts: int) -> None:
        # Only once the snapshot waited for is drawn: an earlier caught_up may still be queued.
        if self._waiting_for_gui and delivered_posts >= self._last_post:
            self._waiting_for_gui = False
            if self._state == RunState.TRAINING and not self._requests.closing:
                self._timer.start()
        drawn = self._compile_when_drawn
        if drawn is not None and delivered_posts >= drawn and not self._requests.closing:
            self._start_fast_compile()

    def _do_spec(self) -> None:
        spec, experiment, generation = self._requests.take_spec()
        if spec is None:  # already taken by an earlier request: requests merge
            return
        trainer = self._trainer
        same_graph = (
            trainer is not None
            and compile_key(trainer.spec) == compile_key(spec)
            and trainer.requested_strategy == self._requests.strategy
        )
        if same_graph and experiment is None:
            self._update_in_place(trainer, spec)
        else:
            self._build(spec, generation, experiment)

    def _build(
        self, spec: ExperimentSpec, generation: int, experiment: Experiment | None = None
    ) -> None:
        from xorlab.core.training.trainer import Trainer

        self._timer.stop()
        self._handover_timer.stop()
        self._outbox.wait()  # the snapshot thread done with this run's maps before new_run
        self._trainer = None
        self._tier = ""
        self._failure_posted = False
        self._compile_when_drawn = None
        self._set_state(RunState.COMPILING)
        start = time.perf_counter()
        try:
            dataset = experiment.dataset if experiment else load_dataset(spec.dataset)
            if wrong := target_problem(dataset, spec.training.cost):
                raise wrong
            grid = plane_grid(dataset, self._grid_resolution) if dataset.n_inputs == 2 else None
        except DatasetError as exc:
            self._outbox.post("failed", f"Cannot load the dataset: {exc}")
            self._set_state(RunState.ERROR)
            return
        trainer = Trainer(spec, dataset, mode=self._mode, strategy=self._requests.strategy)
        # The training part, its held-out samples in .test; the grid spans them all.
        self.maps.new_run(trainer.dataset, grid)
        self._outbox.post("run_reset", trainer.dataset, grid)
        for compile_step in compile_steps(trainer, grid):
            if self._requests.superseded(generation):
                return  # a newer spec's request is queued behind this one, or we are closing
            compile_step()
        if self._requests.superseded(generation):
            return
        self._trainer, self._grid = trainer, grid
        self._outbox.post("compiled", time.perf_counter() - start)
        self._note_tier()
        if not trainer.at_full_speed:
            self._handover_timer.start()
        if experiment is not None:
            self._restore(trainer, experiment)
        else:
            self._publish_snapshot(force=True)
            self._set_state(RunState.READY)
        if compiles_before_train(trainer):  # by the click, once the GUI shows it ready
            self._compile_when_drawn = max(self._last_post, self._state_post)

    def _restore(self, trainer: Trainer, experiment: Experiment) -> None:
        """Weights, optimizer state and history from a saved experiment; the first snapshot
        carries the whole saved cost history so the plot shows the run so far."""
        from xorlab.core.io.experiment import ExperimentError, restore_into

        try:
            restore_into(trainer, experiment)
        except ExperimentError as exc:
            trainer.reset()
            self._outbox.post("failed", f"Cannot restore the experiment's weights: {exc}")
        self._post_moments(trainer)
        epochs, costs = trainer.history.data()
        test_steps, test_costs, test_accuracy = trainer.test_history.data()
        snapshot = self._with_maps(trainer, trainer.snapshot(), settled=True, at_rest=True)
        snapshot = replace(
            snapshot,
            history_steps=epochs,
            history_costs=costs,
            log_lines=tuple(trainer.log),  # the saved run's progress lines, for the Log view
            test_steps=test_steps,
            test_costs=test_costs,
            test_accuracy=test_accuracy,
        )
        self._last_snapshot_time = time.perf_counter()
        self._outbox.post("snapshot", snapshot, self._progress_args())
        if trainer.done:
            self._set_state(RunState.DONE)
        else:
            self._set_state(RunState.PAUSED if trainer.step_count else RunState.READY)

    def _post_moments(self, trainer: Trainer) -> None:
        """A snapshot of each saved moment before the last, so the outputs plot and time
        travel show the opened run's past, as they showed it when the run was live."""
        final = trainer.get_state()
        moments = [trainer.moments[i] for i in range(len(trainer.moments))]
        for moment in moments:
            if moment.step >= trainer.step_count:
                continue
            if len(moment.optimizer_state) == len(trainer.state):
                trainer.set_state([*moment.weights, *moment.optimizer_state])
            else:
                trainer.set_weights(list(moment.weights))
            snapshot = self._with_maps(trainer, moment_snapshot(trainer, moment, None), True)
            self._outbox.post("snapshot", snapshot, self._progress_args())
            # A progress item between two snapshots keeps them apart (snapshots merge).
            self._outbox.post("progress", *self._progress_args())
        trainer.set_state(final)

    def _update_in_place(self, trainer: Trainer, spec: ExperimentSpec) -> None:
        if spec == trainer.spec:
            return
        if spec.network.seed != trainer.spec.network.seed:
            # Another initial draw is a new run, but needs no compile (nor its memory).
            trainer.reseed(spec.network.seed)
            trainer.spec = spec
            trainer.set_learning_rate(spec.training.learning_rate)
            self._do_reset()
            return
        # Only the learning rate, epoch limit, log interval or stop rules differ: none is
        # compiled in.
        if _stop_rules(spec) != _stop_rules(trainer.spec):
            trainer.set_stop_rules(spec)
        trainer.spec = spec
        trainer.set_learning_rate(spec.training.learning_rate)
        if self._state == RunState.DONE and not trainer.done:
            self._set_state(RunState.PAUSED)
        elif self._state in (RunState.READY, RunState.TRAINING, RunState.PAUSED) and trainer.done:
            self._timer.stop()
            self._set_state(RunState.DONE)
        self._publish_progress()

    def _publish_snapshot(
        self, force: bool = False, maps: bool = True, at_rest: bool = False
    ) -> bool:
        """``force``: now, with the fine maps (a milestone, or the run settles); ``at_rest``:
        the run stops here (pause, stop, step, the end): the detailed decision map."""
        trainer = self._trainer
        if trainer is None:
            return False
        now = time.perf_counter()
        if not force and not self._snapshot_due():
            return False
        with_grid = (
            maps
            and self._grid is not None
            and (force or now - self._last_grid_time >= self.pacing.grid_spacing())
        )
        # Off the thread once the maps' forward pass is compiled (a trainer's first maps).
        warm = self._grid is None or self.maps.warm_for(trainer)
        if not force and warm and self.pacing.off_thread():
            return self._publish_off_thread(trainer, now, maps)
        self._outbox.wait()  # the snapshot thread's, first: its maps and history come before
        cpu = time.thread_time()  # CPU, not wall: a busy machine must not flip the choice
        snapshot = trainer.snapshot()
        self.pacing.note_evaluation_seconds(time.thread_time() - cpu)
        self.pacing.note_snapshot_seconds(time.perf_counter() - now)
        if with_grid:
            # A forced snapshot is one the run settles on (or a milestone): the fine map.
            snapshot = self._with_maps(trainer, snapshot, settled=force, at_rest=at_rest)
            if self.maps.last_seconds is not None:
                self.pacing.note_grid_seconds(self.maps.last_seconds)
        self._last_snapshot_time = now
        if with_grid:
            self._last_grid_time = now
        self._last_post = self._outbox.post("snapshot", snapshot, self._progress_args())
        return True

    def _publish_off_thread(self, trainer: Trainer, now: float, maps: bool) -> bool:
        """A live snapshot finished on the snapshot thread (app/snapshot_pipeline.py), with
        its maps (the thread's share spaces them, pacing.snapshot_spacing); none while the
        last one is still being finished, nor while the GUI still draws one (pacing)."""
        if self._outbox.busy() or self.pacing.gui_still_drawing():
            return False
        parts = trainer.snapshot_parts()
        self.pacing.note_snapshot_seconds(time.perf_counter() - now)
        progress = self._progress_args()
        live_maps = self.maps if maps and self._grid is not None else None
        pacing = self.pacing

        def finish():  # on the snapshot thread: reads only parts and what never changes
            start, cpu = time.perf_counter(), time.thread_time()
            snapshot = trainer.finish_snapshot(parts)
            pacing.note_evaluation_seconds(time.thread_time() - cpu)
            if live_maps is not None:
                plane = live_maps.compute(trainer, False, weights=parts.weights, step=parts.step)
                if plane is not None:
                    snapshot = replace(snapshot, grid_outputs=plane.output, plane=plane)
            pacing.note_off_thread_seconds(time.thread_time() - cpu, time.perf_counter() - start)
            return snapshot, progress

        self._outbox.submit(finish)
        self._last_snapshot_time = now
        if live_maps is not None:
            self._last_grid_time = now
        return True

    def _with_maps(self, trainer: Trainer, snapshot, settled: bool, at_rest: bool = False):
        maps = self.maps.compute(trainer, settled, at_rest)
        if maps is None:
            return snapshot
        return replace(snapshot, grid_outputs=maps.output, plane=maps)

    def _do_neuron_maps(self, palette) -> None:
        """Neuron maps (coloured through ``palette``) in the snapshots from now on, or none
        (a settled run's maps come by the diagram's job, network_jobs.neuron_maps_job)."""
        self.maps.want_neuron_maps(palette)

    def _snapshot_due(self) -> bool:
        since = time.perf_counter() - self._last_snapshot_time
        return self.pacing.is_due(since, self.plan.chunk_seconds)

    def _publish_progress(self) -> None:
        self._outbox.post("progress", *self._progress_args())

    def _progress_args(self) -> tuple[int, int, float]:
        trainer = self._trainer
        assert trainer is not None
        return trainer.step_count, trainer.total_steps, self.plan.steps_per_second

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self._state_post = self._outbox.post("state_changed", state)

    def _fail(self, exc: Exception) -> None:
        from xorlab.core.training.strategies import StrategyUnavailable

        log.error("training worker error", exc_info=exc)
        self._timer.stop()
        if isinstance(exc, SpecError):
            message = f"The experiment is not valid: {exc}"
        elif isinstance(exc, StrategyUnavailable):
            message = (
                f"The {self._requests.strategy} engine cannot train this network: {exc}. "
                "Choose Auto (or another engine) under Train > Engine."
            )
        else:
            message = f"{type(exc).__name__}: {exc}"
        self._outbox.post("failed", message)
        self._set_state(RunState.ERROR)

    # --- the queued commands (run control, jobs, graphs, rate, speed) ----------------------

    def _do_train(self) -> None:
        if self._trainer is None or self._state == RunState.TRAINING:
            return
        if self._state in (RunState.DONE, RunState.STOPPED):
            self._do_reset()
        self._start_training()

    def _do_resume(self) -> None:
        if self._trainer is not None and self._state in STEPPABLE:
            self._start_training()

    def _start_training(self) -> None:
        assert self._trainer is not None
        if self._trainer.done:
            self._set_state(RunState.DONE)
            return
        self._waiting_for_gui = False
        self.plan.start(self._trainer.step_count)
        self._set_state(RunState.TRAINING)
        self._timer.start(0)

    def _do_pause(self) -> None:
        if self._state == RunState.TRAINING:
            self._timer.stop()
            self._publish_snapshot(force=True, at_rest=True)
            self._set_state(RunState.PAUSED)

    def _do_stop(self) -> None:
        if self._state in (RunState.TRAINING, RunState.PAUSED):
            self._timer.stop()
            self._publish_snapshot(force=True, at_rest=True)
            self._set_state(RunState.STOPPED)

    def _do_step(self) -> None:
        from xorlab.core.training.trainer import DivergenceError

        trainer = self._trainer
        if trainer is None or self._state not in STEPPABLE:
            return
        spe = trainer.steps_per_epoch
        try:
            trainer.run(spe - trainer.step_count % spe)
        except DivergenceError as exc:
            self._publish_snapshot(force=True, at_rest=True)
            # The reason before the state: whoever sees "diverged" already has it.
            self._outbox.post("diverged", str(exc))
            self._set_state(RunState.DIVERGED)
            return
        self._publish_snapshot(force=True, at_rest=True)
        self._set_state(RunState.DONE if trainer.done else RunState.PAUSED)

    def _do_reset(self) -> None:
        trainer = self._trainer
        if trainer is None:
            return
        self._timer.stop()
        trainer.reset()
        self._outbox.post("run_reset", trainer.dataset, self._grid)
        self._publish_snapshot(force=True)
        self._set_state(RunState.READY)

    def _do_jobs(self) -> None:
        for job in self.jobs.take_all():
            if self._trainer is None:
                self._outbox.post("job_failed", job.kind, "No network is compiled yet.")
                continue
            try:
                result = job.run(self._trainer)
            except Exception as exc:  # a view's job must never stop training
                log.warning("trainer job %s failed", job.kind, exc_info=exc)
                self._outbox.post("job_failed", job.kind, str(exc))
                continue
            self._outbox.post("job_done", job.kind, result)
            if job.changes_weights:
                self._publish_snapshot(force=True, at_rest=True)

    def _do_graph(self) -> None:
        request = self.graph_requests.take()
        if request is None:  # served by an earlier command: requests merge
            return
        if self._trainer is None:
            self._outbox.post("graph_failed", "No network is compiled yet.")
            return
        try:
            bundle = build_bundle(self._trainer, request)
        except Exception as exc:  # a graph that cannot be shown must not stop training
            log.warning("graph request failed", exc_info=exc)
            self._outbox.post("graph_failed", f"Cannot build the graph: {exc}")
            return
        self._outbox.post("graph_ready", bundle)

    def _do_learning_rate(self, value: float) -> None:
        if self._trainer is not None:
            self._trainer.set_learning_rate(value)

    def _do_speed(self, value: float | None) -> None:
        """Cap training at ``value`` steps per second (None: as fast as it goes), from the
        next chunk; the rate shown restarts so it reports the new speed, not a blend."""
        self.plan.set_speed(value, self._trainer.step_count if self._trainer else 0)
        if self._state == RunState.TRAINING and not self._waiting_for_gui:
            self._timer.start(0)
