"""Compiles a spec's training step and a K-step in-graph loop, and trains in chunks.

One compiled call per step spends most of its time in Python, so training runs K steps per call
in a loop compiled by a strategy (``xorlab.core.training.strategies``: a generated scalar loop
for tiny nets, a PyTensor scan otherwise); the one-step function is kept for single steps and
the graph view. Chunking never changes the numbers: every loop body is the same graph as the
step.

That fast loop can take seconds to compile for a network never seen before, so
``start_tiered`` trains at once on a quick tier (``core.training.quick_loop``) while the fast
loop compiles in the background, and ``run`` hands over between chunks
(``core.training.tiers``). Under "auto", a long run on the jax loop then loads the scan loop
from the compile cache in the background, races the two on the run, and keeps the faster
(the upgrade, ``core.training.tiers``); the race and its verdict are shared by every
trainer of the same computation in the process (``core.training.loop_verdicts``). The
functions a snapshot calls (evaluation, prediction) run tens of times a second at most, so
they run as the quick tier's generated numpy code too (``function_cache.NUMPY_CODE``) and
never wait for Numba.

A Trainer is not thread-safe: compiled PyTensor functions must have a single owner.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections import deque
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pytensor
from pytensor.graph.basic import Variable

from xorlab.core.first_imports import import_numba_for
from xorlab.core.training import loop_verdicts, model, tiers
from xorlab.core.training.datasets import Dataset, PlaneGrid, load_dataset
from xorlab.core.training.features import uses_features
from xorlab.core.training.function_cache import NUMPY_CODE, SharedFunction, compile_shared
from xorlab.core.training.held_out import HeldOutHistory, accuracy, held_out_interval
from xorlab.core.training.history import CostHistory
from xorlab.core.training.moments import Moment, moment_timeline
from xorlab.core.training.quick_loop import QuickLoop
from xorlab.core.training.shuffle import batch_table, epoch_rows, shuffles  # batch_table: here too
from xorlab.core.training.spec import ExperimentSpec, FieldError, SpecError, validate
from xorlab.core.training.split import split_dataset
from xorlab.core.training.stop_rules import Stop, StopRules
from xorlab.core.training.strategies import (
    STRATEGIES,
    LoopProblem,
    StrategyUnavailable,
    TrainingLoop,
    build_loop,
    check_available,
    plan,
    upgrade_after,
)
from xorlab.core.training.strategies.tensor_loop import NotCached
from xorlab.core.training.tiers import COMPILE_LOCK, BackgroundCompile, LoopRace, SharedRace
from xorlab.core.training.weights import WEIGHT_LIMIT  # importable from here too

logger = logging.getLogger(__name__)

# Numba's hint about operand layout in tiny matrix products (NumbaPerformanceWarning), printed
# on every cold compile, is not actionable for a user and clutters the terminal. Matched by
# message: importing Numba for its class would add ~1 s to the window's start.
warnings.filterwarnings("ignore", message=r".* is faster on contiguous arrays")


# Progress lines kept in memory; a run printing more keeps only the latest.
MAX_LOG_LINES = 100_000


class DivergenceError(RuntimeError):
    """Training blew up; the weights were rolled back to the last good ones."""

    def __init__(self, step: int, learning_rate: float, reason: str):
        self.step, self.reason = step, reason  # step: 0-based index of the failing step
        super().__init__(
            f"training diverged at step {step + 1}: {reason}. The last good weights are kept; "
            f"try a learning rate well below {learning_rate:g}."
        )


@dataclass(frozen=True)
class ChunkResult:
    steps: int  # steps run in this chunk
    costs: np.ndarray  # the cost returned by each step, before its update
    seconds: float


@dataclass(frozen=True)
class TrainingSnapshot:
    """An immutable copy of the training state, safe to hand to another thread."""

    step: int
    epoch: int
    weights: tuple[np.ndarray, ...]
    outputs: np.ndarray  # the network's outputs on the training set
    cost: float  # the cost of the current weights on the whole training set
    history_steps: np.ndarray  # epoch numbers of the cost points since the last snapshot
    history_costs: np.ndarray
    # Outputs on a PlaneGrid's points, reshaped (resolution, resolution); 2-input data only.
    grid_outputs: np.ndarray | None = None
    # What else a training step reads, so a past step can be recomputed exactly (the Graph
    # tab's values while replaying): the optimizer's state and the learning rate in use.
    optimizer_state: tuple[np.ndarray, ...] = ()
    learning_rate: float | None = None
    # With a train/test split: the outputs and cost on the held-out samples now, and the
    # test points (epoch, cost, accuracy) recorded since the last snapshot.
    test_outputs: np.ndarray | None = None
    test_cost: float | None = None
    test_steps: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    test_costs: np.ndarray = field(default_factory=lambda: np.empty(0))
    test_accuracy: np.ndarray = field(default_factory=lambda: np.empty(0))
    # The progress lines (epoch, cost) printed since the last snapshot (the Log view's).
    log_lines: tuple[tuple[int, float], ...] = ()
    # Why the run ended before its epoch limit: the stop rule's name and message, or None.
    stop_rule: str | None = None
    stop_reason: str | None = None
    # The live views' maps over the plane, a core.training.plane_maps.PlaneMaps (which builds
    # on this module, hence no annotation): ``grid_outputs`` is its ``output`` when both are
    # set. See plane_maps.snapshot_with_maps.
    plane: object | None = None


@dataclass(frozen=True)
class SnapshotParts:
    """What a snapshot copies from the trainer (Trainer.snapshot_parts), before the
    evaluation of its weights (Trainer.finish_snapshot)."""

    step: int
    epoch: int
    weights: tuple[np.ndarray, ...]
    history_steps: np.ndarray
    history_costs: np.ndarray
    optimizer_state: tuple[np.ndarray, ...]
    learning_rate: float
    test_points: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # held out: steps, costs, acc
    log_lines: tuple[tuple[int, float], ...]
    stop_rule: str | None
    stop_reason: str | None


class Trainer:
    """Owns the shared weights of one experiment and the functions compiled for it."""

    def __init__(
        self,
        spec: ExperimentSpec,
        dataset: Dataset | None = None,
        mode: str | None = None,
        strategy: str = "auto",
    ):
        """``mode``: PyTensor mode of the compiled functions; ``strategy``: how the K-step
        loop is compiled, one of ``STRATEGIES`` ("auto" picks by network and data size)."""
        errors = validate(spec)
        if errors:
            raise SpecError(errors)
        if strategy not in STRATEGIES:
            raise ValueError(
                f"unknown strategy '{strategy}'; choose one of {', '.join(STRATEGIES)}"
            )
        self.requested_strategy = strategy
        self.spec = spec
        # The data as loaded, and its training part (held-out samples in ``.test``).
        self.full_dataset = dataset if dataset is not None else load_dataset(spec.dataset)
        self.dataset = split_dataset(self.full_dataset, spec.dataset)
        if uses_features(spec.network) and self.dataset.n_inputs != 2:
            raise SpecError(
                [
                    FieldError(
                        "network.features",
                        f"features need two inputs; '{self.dataset.name}' has "
                        f"{self.dataset.n_inputs}",
                    )
                ]
            )
        self.mode = mode
        net, tr = spec.network, spec.training
        self.initial_weights = model.init_weights(
            net, self.dataset.n_inputs, self.dataset.n_outputs
        )
        self.params = [
            pytensor.shared(w.copy(), name=f"W{i + 1}") for i, w in enumerate(self.initial_weights)
        ]
        self.state = [
            pytensor.shared(s, name=f"opt_state{i}")
            for i, s in enumerate(model.optimizer_state(tr, self.initial_weights))
        ]
        self.learning_rate = pytensor.shared(np.float64(tr.learning_rate), name="learning_rate")
        self.batches = batch_table(self.dataset.n_samples, tr.schedule, tr.batch_size)
        self.step_count = 0
        self.history = CostHistory()
        self._epoch_costs: list[float] = []  # step costs of the epoch in progress
        self.log: deque[tuple[int, float]] = deque(maxlen=MAX_LOG_LINES)
        self._fast_loop: TrainingLoop | None = None  # the strategy's loop, once compiled
        self._quick_loop: QuickLoop | None = None  # the quick tier, while it is needed
        self._background: BackgroundCompile | None = None  # the fast loop compiling
        self.background_seconds: float | None = None  # how long that compile took
        self.fast_loop_failure: str | None = None  # why it could not compile (see hand_over)
        # The upgrade (tiers.py): a loop loaded beside the fast loop, then raced against it.
        self._upgrade_to: str | None = None  # the loop to try, once the fast loop is known
        self._upgrade: BackgroundCompile | None = None
        self._race: LoopRace | None = None
        self._fast_timing = [0, 0, 0.0]  # the fast loop's chunks, steps, seconds (no race)
        self.upgrade_note: str | None = None  # how the upgrade ended (or why it never began)
        self.upgrade_seconds: float | None = None  # how long loading the challenger took
        self.race_steps_per_second: dict[str, float] = {}  # each loop's speed in the race
        self.clock = time.perf_counter  # times the chunks (tests give a fake one)
        self._loop_used: TrainingLoop | None = None  # the loop of the last chunk
        self.test_history = HeldOutHistory()
        self.stop: Stop | None = None  # set when a stop rule ended the run
        self._unsent_log: list[tuple[int, float]] = []  # progress lines for the next snapshot
        self.moments = moment_timeline()  # weights at log-spaced steps, for saved experiments
        self._shuffled_epoch = -1  # the epoch whose order the loop holds (shuffling)
        self._stop_rules = StopRules(tr)
        self._frozen_lock = threading.Lock()  # finish_snapshot's stand-in weights

    @property
    def test_dataset(self) -> Dataset | None:
        """The held-out samples, or None without a train/test split."""
        return self.dataset.test

    # --- compiled functions -------------------------------------------------------------

    @cached_property
    def symbolic(self) -> model.SymbolicModel:
        return model.symbolic_model(self.params, self.spec.network, self.spec.training)

    @cached_property
    def step_fn(self) -> pytensor.compile.Function:
        """One step on a batch (X, y): returns the cost before the step and applies it."""
        return self.step_function(self.mode)

    def step_expressions(self) -> tuple[Variable, list[Variable], list[Variable]]:
        """The step's cost and the new weights and optimizer state, as graph expressions of
        the shared ones (what ``step_fn`` compiles and the Graph tab draws)."""
        sym = self.symbolic
        return model.training_step(
            self.params,
            self.state,
            sym.X,
            sym.y,
            self.learning_rate,
            self.spec.network,
            self.spec.training,
        )

    def step_function(self, mode: Any) -> pytensor.compile.Function:
        """``step_fn`` compiled in ``mode``."""
        cost, new_params, new_state = self.step_expressions()
        updates = [
            *zip(self.params, new_params, strict=True),
            *zip(self.state, new_state, strict=True),
        ]
        import_numba_for(mode)
        sym = self.symbolic
        return pytensor.function(
            [sym.X, sym.y], cost, updates=updates, mode=mode, name="training_step"
        )

    # evaluate_fn and predict_fn are shared by every trainer of the same network (function_cache):
    # the app builds a trainer per structural edit, and each Numba compile's machine code stays
    # in the process for good. The step function stays per trainer: its optimized graph, with
    # the updates of the shared weights, is what the Graph tab shows.

    @cached_property
    def evaluate_fn(self) -> SharedFunction:
        """Outputs and cost of the current weights on any (X, y)."""
        sym = self.symbolic
        return compile_shared([sym.X, sym.y], [sym.output, sym.cost], NUMPY_CODE, "evaluate")

    @cached_property
    def predict_fn(self) -> SharedFunction:
        sym = self.symbolic
        return compile_shared([sym.X], sym.output, NUMPY_CODE, "predict")

    @property
    def loop_fn(self) -> TrainingLoop:
        """The fast loop, K steps in one call: ``loop_fn.run(position, K)``, or
        ``loop_fn(rows)`` with a (K, batch) matrix of rows of the batch table; both return
        the K step costs. Compiled on first use, or waited for when compiling in the
        background (``start_tiered``), which also hands training over to it."""
        if self._fast_loop is None:
            if self._background is not None:
                self._adopt_background()
            else:
                with COMPILE_LOCK:  # never beside another trainer's background compile
                    self._fast_loop = build_loop(self._loop_problem(), self.requested_strategy)
                self._shuffled_epoch = -1  # a new loop holds the problem's order
        assert self._fast_loop is not None
        return self._fast_loop

    def start_tiered(self, background: bool = True) -> None:
        """Make training start at once: compile the quick tier now (a fraction of a second)
        and, unless ``background`` is False (then ``compile_in_background`` does it), the
        fast loop on a background thread; ``run`` switches to it between chunks once it is
        ready. Does nothing once the fast loop is compiled or compiling. Raises
        StrategyUnavailable at once when the requested strategy cannot serve this network
        by the checks that compile nothing (``check_available``), not seconds later."""
        if self._fast_loop is not None or self._background is not None:
            return
        if self._quick_loop is None:
            problem = self._loop_problem()
            check_available(problem, self.requested_strategy)
            self._quick_loop = QuickLoop(problem)
        if background:
            self.compile_in_background()

    def compile_in_background(self) -> None:
        """Start compiling the fast loop on a background thread (see ``start_tiered``).
        Started after what the first point needs (the quick step, evaluation, prediction)
        has compiled, so those do not share the interpreter with it."""
        if self._fast_loop is not None or self._background is not None:
            return
        if self.fast_loop_failure is not None:
            return  # it failed for a reason a second try in this process would meet again
        self._background = BackgroundCompile(self._loop_problem(), self.requested_strategy)

    def hand_over(self) -> bool:
        """Switch to the fast loop if its background compile has finished, or to the faster
        loop once the upgrade's race has one (tiers.py); True if this call switched. Call it
        only between chunks, on the thread that trains.

        A strategy asked for by name that cannot serve this network raises
        StrategyUnavailable (the person chose it, and can choose another). Any other failure
        of the compile is the environment's (a cache folder that cannot be written, a broken
        compiler): training goes on, on the quick tier, and ``fast_loop_failure`` says why.
        The upgrade never stops training: whatever it meets, the fast loop trains on."""
        return self._adopt_fast_loop() or self._advance_upgrade()

    def _adopt_fast_loop(self) -> bool:
        if self._background is None or not self._background.done:
            return False
        try:
            self._adopt_background()
        except StrategyUnavailable:
            raise
        except Exception as exc:
            if self._quick_loop is None:
                raise
            self.fast_loop_failure = f"{type(exc).__name__}: {exc}"
            logger.warning("the fast loop did not compile; staying on the quick tier", exc_info=exc)
            return False
        return True

    def _adopt_background(self) -> None:
        background, self._background = self._background, None
        assert background is not None
        self.background_seconds = background.seconds
        self._fast_loop = background.result()
        self._quick_loop = None
        self._shuffled_epoch = -1  # the new loop holds the problem's order, not the epoch's

    def _advance_upgrade(self) -> bool:
        """One step of the upgrade (tiers.py), between chunks: start loading the challenger
        once the run is long enough, start the race once it is loaded, keep the winner. The
        race is the computation's, shared by every trainer of it in the process
        (loop_verdicts.py): once it has a verdict, a trainer takes it without racing."""
        fast = self._fast_loop
        if fast is None:
            return False
        if self._race is not None:
            return self._end_race_if_won()
        if self._upgrade is not None:
            return self._upgrade.done and self._start_race()
        if self._upgrade_to is None:  # decided once per fast loop: plan() is not free
            self._upgrade_to = (
                upgrade_after(self._loop_problem(), fast.name, self.requested_strategy) or ""
            )
        if not self._upgrade_to or self.upgrade_note is not None:
            return False
        chunks, steps, seconds = self._fast_timing
        left = (self.total_steps - self.step_count) * seconds / steps if steps else 0.0
        # Read from the module at each call: benchmarks and tests change them.
        if chunks < tiers.UPGRADE_AFTER_CHUNKS or left < tiers.UPGRADE_MIN_REMAINING_S:
            return False
        decided = loop_verdicts.decided_race(self._race_key, fast.name, self._upgrade_to)
        if decided is not None and decided.winner == fast.name:
            self._take_verdict(decided)  # the running loop won already: nothing to load
            return False
        self._upgrade = BackgroundCompile(self._loop_problem(), self._upgrade_to, cached_only=True)
        return False

    @cached_property
    def _race_key(self) -> tuple:
        return loop_verdicts.computation_key(self._loop_problem())

    def _start_race(self) -> bool:
        """The challenger is loaded: race it, or take the verdict already reached (True if
        that switched to it)."""
        upgrade, self._upgrade = self._upgrade, None
        assert upgrade is not None and self._fast_loop is not None
        self.upgrade_seconds = upgrade.seconds
        name, fast = upgrade.strategy, self._fast_loop.name
        try:
            challenger = upgrade.result()
        except NotCached:
            # Compiling it cold would slow the running loop for minutes (tiers.py).
            self.upgrade_note = f"the {name} loop is not in the compile cache; {fast} runs on"
            return False
        except Exception as exc:
            self.upgrade_note = (
                f"the {name} loop did not load ({type(exc).__name__}: {exc}); {fast} runs on"
            )
            logger.warning(
                "the %s loop did not load; training goes on on %s", name, fast, exc_info=exc
            )
            return False
        shared = loop_verdicts.shared_race(self._race_key, fast, challenger.name)
        self._race = LoopRace(self._fast_loop, challenger, shared)
        for loop in (self._fast_loop, challenger):  # they take turns: nothing to run ahead
            loop.runs_ahead = False
        return self._end_race_if_won()

    def _end_race_if_won(self) -> bool:
        race = self._race
        assert race is not None
        winner = race.winner
        if winner is None:
            return False
        self._race = None
        self._take_verdict(race.shared)
        changed = winner is not self._fast_loop
        self._fast_loop = winner  # the loser is dropped, with its compiled function's owner
        winner.runs_ahead = True
        return changed

    def _take_verdict(self, race: SharedRace) -> None:
        self.race_steps_per_second = race.steps_per_second()
        rates = ", ".join(
            f"{name} {rate:,.0f}" for name, rate in self.race_steps_per_second.items()
        )
        self.upgrade_note = f"{race.winner} was faster on this network (steps/s: {rates})"

    @property
    def tier(self) -> str:
        """The loop training runs on now: "numpy" (the quick tier) or the fast loop's name
        (which "auto" plans to use when nothing is compiled yet)."""
        if self._fast_loop is None and self._quick_loop is not None:
            return self._quick_loop.name
        return self.strategy_name

    @property
    def compiling_in_background(self) -> bool:
        """The fast loop's background compile is still running."""
        return self._background is not None and not self._background.done

    @property
    def at_full_speed(self) -> bool:
        """The fast loop is compiled and in use."""
        return self._fast_loop is not None

    @property
    def on_final_loop(self) -> bool:
        """At full speed on the loop the run keeps: no upgrade loading or racing, nor one to
        start (none planned, or it ended); a shorter run may never start one."""
        if self._fast_loop is None or self.upgrading:
            return False
        return self._upgrade_to == "" or self.upgrade_note is not None

    @property
    def upgrading(self) -> bool:
        """A faster loop is loading beside the fast loop, or racing it (tiers.py)."""
        return self._upgrade is not None or self._race is not None

    @property
    def running_loop(self) -> TrainingLoop:
        """The loop the next chunk runs on (compiling the fast loop if no tier is set up);
        while the upgrade races two loops, each in turn."""
        if self._fast_loop is None and self._quick_loop is not None:
            return self._quick_loop
        if self._race is not None:
            return self._race.next_loop()
        return self.loop_fn

    @property
    def shuffles(self) -> bool:
        """Whether each epoch visits the samples in a new order (training.shuffle)."""
        return shuffles(self.spec.training)

    def _loop_problem(self) -> LoopProblem:
        return LoopProblem(
            spec=self.spec,
            X=np.asarray(self.dataset.X),
            y=np.asarray(self.dataset.y),
            batches=self.batches,
            params=tuple(self.params),
            state=tuple(self.state),
            learning_rate=self.learning_rate,
            mode=self.mode,
            shuffle=self.shuffles,
        )

    @property
    def strategy_name(self) -> str:
        """The loop strategy in use, or the one "auto" plans to use if not compiled yet."""
        if self._fast_loop is not None:
            return self._fast_loop.name
        return plan(self._loop_problem(), self.requested_strategy)[0]

    def compile(self) -> float:
        """Compile the functions training needs; returns the seconds it took."""
        start = time.perf_counter()
        _ = self.loop_fn, self.evaluate_fn
        return time.perf_counter() - start

    # --- training --------------------------------------------------------------------------

    @property
    def steps_per_epoch(self) -> int:
        return self.batches.shape[0]

    @property
    def epoch(self) -> int:
        """Completed epochs."""
        return self.step_count // self.steps_per_epoch

    @property
    def total_steps(self) -> int:
        return self.spec.training.epochs * self.steps_per_epoch

    @property
    def done(self) -> bool:
        return self.step_count >= self.total_steps or self.stop is not None

    def set_stop_rules(self, spec: ExperimentSpec) -> None:
        """Take the stop rules of ``spec`` (same network) mid-run: a run they stopped
        may go on, and the plateau rule starts counting afresh."""
        self.spec = spec
        self.stop = None
        self._stop_rules = StopRules(spec.training)

    def set_learning_rate(self, value: float) -> None:
        """Takes effect at the next step; no recompilation."""
        self.learning_rate.set_value(np.float64(value))

    def run(self, n_steps: int) -> ChunkResult:
        """Run up to ``n_steps`` steps (never past the epoch limit) in one compiled call.

        When the chunk blows up (see ``_divergence_reason``) it is replayed one step at a
        time from its start, so training keeps every good step, and DivergenceError names
        the exact step that failed, with the weights as they were just before it. With a
        train/test split the chunk is cut at each test point, so it is measured on that
        epoch's weights.
        """
        if not len(self.moments):
            self.note_moment()  # the start of the run
        result = self._run_parts(n_steps)
        if result.steps:
            self.note_moment()
        return result

    def note_moment(self) -> None:
        """Keep the current weights and optimizer state as a moment of the run."""
        n = len(self.params)
        state = self.get_state()
        self.moments.add(Moment(self.step_count, self.epoch, tuple(state[:n]), tuple(state[n:])))

    def _run_parts(self, n_steps: int) -> ChunkResult:
        n_steps = max(0, min(n_steps, self.total_steps - self.step_count))
        if self.stop is not None:
            n_steps = 0
        if self.test_dataset is None and not self.shuffles:
            return self._run_chunk(n_steps)
        # Cut at test points and, when shuffling, at epoch ends (each epoch its own order).
        intervals = []
        if self.test_dataset is not None:
            self._record_test_point()
            intervals.append(self._test_interval_steps())
        if self.shuffles:
            intervals.append(self.steps_per_epoch)
        parts = []
        while n_steps > 0 and not self.done:
            to_boundary = min(i - self.step_count % i for i in intervals)
            part = self._run_chunk(min(n_steps, to_boundary))
            if self.test_dataset is not None:
                self._record_test_point()
            parts.append(part)
            n_steps -= part.steps
        if len(parts) == 1:
            return parts[0]
        costs = np.concatenate([p.costs for p in parts]) if parts else np.empty(0)
        return ChunkResult(costs.size, costs, sum(p.seconds for p in parts))

    def _run_chunk(self, n_steps: int) -> ChunkResult:
        if n_steps == 0:
            return ChunkResult(0, np.empty(0), 0.0)
        self.hand_over()
        backup = self.get_state()
        loop = self.running_loop
        start = self.clock()
        costs = self._run_compiled(n_steps)
        seconds = self.clock() - start
        timed = n_steps  # the steps those seconds ran (a stop rule may keep fewer)
        if _divergence_reason(costs, self.params):
            self.set_state(backup)
            self._replay_until_divergence(n_steps)
        if self._stop_rules.active:
            stop = self._stop_rules.check(*self._epoch_costs_of(costs)[:2])
            if stop is not None:
                # Run again from the chunk's start to the end of the stopping epoch: the
                # same numbers, and the run ends where the rule says whatever the chunking.
                needed = (stop.epoch + 1) * self.steps_per_epoch - self.step_count
                if needed < n_steps:
                    self.set_state(backup)
                    costs = self._run_compiled(needed)
                    n_steps = needed
                self.stop = stop
        self._record(costs)
        # Noted last: a replay above (divergence, a stop rule) runs on the chunk's loop.
        self._time_chunk(loop, timed, seconds)
        return ChunkResult(n_steps, costs, seconds)

    def _time_chunk(self, loop: TrainingLoop, steps: int, seconds: float) -> None:
        """The chunk's compute, for the upgrade: the fast loop's speed, or a race's lap."""
        if self._race is not None:
            self._race.note(loop, steps, seconds)
        elif loop is self._fast_loop:
            timing = self._fast_timing
            timing[0] += 1
            timing[1] += steps
            timing[2] += seconds

    def _run_compiled(self, n_steps: int) -> np.ndarray:
        loop = self.running_loop
        if loop is not self._loop_used:  # each loop holds the batch order it was last given
            self._loop_used, self._shuffled_epoch = loop, -1
        if self.shuffles:
            self._use_epoch_order(self.epoch)
        return self.running_loop.run(self.step_count % self.steps_per_epoch, n_steps)

    def _use_epoch_order(self, epoch: int) -> None:
        if self._shuffled_epoch != epoch:
            rows = epoch_rows(self.batches, self.dataset.n_samples, self.spec.network.seed, epoch)
            self.running_loop.set_batch_data(self.dataset.X[rows], self.dataset.y[rows])
            self._shuffled_epoch = epoch

    def _replay_until_divergence(self, n_steps: int) -> None:
        for _ in range(n_steps):
            backup = self.get_state()
            costs = self._run_compiled(1)
            reason = _divergence_reason(costs, self.params)
            if reason:
                self.set_state(backup)
                raise DivergenceError(
                    self.step_count, float(self.learning_rate.get_value()), reason
                )
            self._record(costs)
        # Not reproducible step by step: should never happen, the graphs are the same.
        raise RuntimeError("a chunk diverged but its steps one by one did not")

    def _test_interval_steps(self) -> int:
        return held_out_interval(self.spec.training.epochs) * self.steps_per_epoch

    def _record_test_point(self) -> None:
        """A test point at every interval's epoch and at the end of the run, once each."""
        step = self.step_count
        due = step % self._test_interval_steps() == 0 or self.done
        if due and self.test_history.last_step != step:
            _, cost, acc = self.evaluate_test()
            self.test_history.append(step, self.epoch, cost, acc)

    def evaluate_test(self) -> tuple[np.ndarray, float, float]:
        """Outputs, cost and accuracy of the current weights on the held-out samples."""
        test = self.test_dataset
        if test is None:
            raise ValueError("this experiment holds no samples out for testing")
        out, cost = self.evaluate_fn(test.X, test.y)
        out = np.asarray(out)
        return out, float(cost), accuracy(out, np.asarray(test.y))

    def run_epochs(self, n_epochs: int) -> ChunkResult:
        return self.run(n_epochs * self.steps_per_epoch)

    def _record(self, costs: np.ndarray) -> None:
        """Fold step costs into one history point per epoch, and note the progress lines.

        An epoch's point is the sum of its step costs for SSE (each sample counted once, like
        the full-batch cost) and their mean for the mean costs. A progress line, as the
        tutorials print every ``log_every`` epochs, holds the epoch's last step cost.
        """
        first_epoch, combined, per_epoch, rest = self._epoch_costs_of(costs)
        self.step_count += costs.size
        self._epoch_costs = rest.tolist()
        if combined.size == 0:
            return
        epochs = first_epoch + np.arange(combined.size)
        self.history.extend(epochs, combined)
        logged = np.flatnonzero(epochs % self.spec.training.log_every == 0)
        lines = list(zip(epochs[logged].tolist(), per_epoch[logged, -1].tolist(), strict=True))
        self.log.extend(lines)
        self._unsent_log.extend(lines)
        del self._unsent_log[:-MAX_LOG_LINES]

    def _take_log(self) -> tuple[tuple[int, float], ...]:
        lines, self._unsent_log = tuple(self._unsent_log), []
        return lines

    def _epoch_costs_of(self, costs: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        """The epochs these step costs complete (with the carried part of the epoch in
        progress): first epoch, each epoch's point, the step costs by epoch, and the steps
        left over in an epoch not yet complete. Vectorized: a tiny net runs millions of
        one-step epochs a second."""
        spe = self.steps_per_epoch
        carried = np.asarray(self._epoch_costs, dtype=np.float64)
        all_costs = np.concatenate([carried, costs]) if carried.size else costs
        first_epoch = (self.step_count - carried.size) // spe
        n_epochs = all_costs.size // spe
        per_epoch = all_costs[: n_epochs * spe].reshape(n_epochs, spe)
        combined = per_epoch.sum(axis=1) if self.spec.training.cost == "sse" else per_epoch.mean(1)
        return first_epoch, combined, per_epoch, all_costs[n_epochs * spe :]

    # --- state -------------------------------------------------------------------------------

    def get_weights(self) -> list[np.ndarray]:
        return [p.get_value() for p in self.params]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        for p, w in zip(self.params, weights, strict=True):
            if w.shape != p.get_value(borrow=True).shape:
                raise ValueError(f"{p.name} needs shape {p.get_value().shape}, got {w.shape}")
            p.set_value(np.array(w, dtype=np.float64))

    def get_state(self) -> list[np.ndarray]:
        return [v.get_value() for v in (*self.params, *self.state)]

    def set_state(self, values: list[np.ndarray]) -> None:
        for var, value in zip((*self.params, *self.state), values, strict=True):
            var.set_value(value)

    def reseed(self, seed: int) -> None:
        """New initial weights from another seed, and a fresh run; nothing is recompiled,
        since the compiled functions never depend on the weights' values."""
        net = replace(self.spec.network, seed=seed)
        self.spec = replace(self.spec, network=net)
        self.initial_weights = model.init_weights(
            net, self.dataset.n_inputs, self.dataset.n_outputs
        )
        self.reset()

    def reset(self) -> None:
        """Back to the initial weights and an empty history, keeping the compiled functions."""
        self.set_weights(self.initial_weights)
        for var, value in zip(
            self.state,
            model.optimizer_state(self.spec.training, self.initial_weights),
            strict=True,
        ):
            var.set_value(value)
        self.step_count = 0
        self.history = CostHistory()
        self._epoch_costs.clear()
        self.log.clear()
        self.test_history = HeldOutHistory()
        self.stop = None
        self._stop_rules = StopRules(self.spec.training)
        self._unsent_log.clear()
        self.moments = moment_timeline()
        self._shuffled_epoch = -1

    def evaluate(self, X: np.ndarray | None = None) -> tuple[np.ndarray, float]:
        """Outputs and cost of the current weights (on the training set by default)."""
        if X is None:
            out, cost = self.evaluate_fn(self.dataset.X, self.dataset.y)
            return np.asarray(out), float(cost)
        return np.asarray(self.predict_fn(np.asarray(X, dtype=np.float64))), float("nan")

    def snapshot(self, grid: PlaneGrid | None = None) -> TrainingSnapshot:
        """Copies of the state, with the cost points since the last snapshot; with ``grid``
        also the first output over that grid, for a decision-boundary map (the live views'
        maps: plane_maps.snapshot_with_maps)."""
        snapshot = self.finish_snapshot(self.snapshot_parts())
        if grid is None:
            return snapshot
        grid_outputs = self.evaluate(grid.points)[0][:, 0].reshape(grid.resolution, grid.resolution)
        return replace(snapshot, grid_outputs=grid_outputs)

    def snapshot_parts(self) -> SnapshotParts:
        """What a snapshot copies from the trainer, on its owner's thread (~0.1 ms): the
        weights, the optimizer state, the cost points and progress lines since the last
        snapshot. ``finish_snapshot`` adds the evaluation of those weights."""
        _ = self._frozen_evaluate  # compiled here, on the owner's thread, if not yet
        test = None
        if self.test_dataset is not None:
            self._record_test_point()  # the first snapshot of a run shows the start
            test = self.test_history.take_new()
        steps, costs = self.history.take_new()
        return SnapshotParts(
            step=self.step_count,
            epoch=self.epoch,
            weights=tuple(self.get_weights()),
            history_steps=steps,
            history_costs=costs,
            optimizer_state=tuple(v.get_value() for v in self.state),
            learning_rate=float(self.learning_rate.get_value()),
            test_points=test,
            log_lines=self._take_log(),
            stop_rule=None if self.stop is None else self.stop.rule,
            stop_reason=None if self.stop is None else self.stop.message,
        )

    def finish_snapshot(self, parts: SnapshotParts) -> TrainingSnapshot:
        """The snapshot of ``parts``: the outputs and cost of its weights on the training set
        (and on the held-out samples). It reads only ``parts``, never the live weights, so
        it may run on another thread while this trainer trains on (the training worker's
        snapshot thread, app/snapshot_pipeline.py): that evaluation, ~5 ms for a
        2-64-64-64-1 net on 2,000 points, then takes no time from the training loop."""
        with self._frozen_lock:
            frozen, evaluate = self._frozen_evaluate
            for var, value in zip(frozen, parts.weights, strict=True):
                var.set_value(value, borrow=True)  # parts' copies: nobody writes them
            outputs, cost = evaluate(self.dataset.X, self.dataset.y)
            test: dict = {}
            if parts.test_points is not None:
                held_out = self.test_dataset
                assert held_out is not None
                test_outputs, test_cost = evaluate(held_out.X, held_out.y)
                test_steps, test_costs, test_accuracy = parts.test_points
                test = dict(
                    test_outputs=np.asarray(test_outputs),
                    test_cost=float(test_cost),
                    test_steps=test_steps,
                    test_costs=test_costs,
                    test_accuracy=test_accuracy,
                )
        return TrainingSnapshot(
            step=parts.step,
            epoch=parts.epoch,
            weights=parts.weights,
            outputs=np.asarray(outputs),
            cost=float(cost),
            history_steps=parts.history_steps,
            history_costs=parts.history_costs,
            optimizer_state=parts.optimizer_state,
            learning_rate=parts.learning_rate,
            log_lines=parts.log_lines,
            stop_rule=parts.stop_rule,
            stop_reason=parts.stop_reason,
            **test,
        )

    @cached_property
    def _frozen_evaluate(self) -> tuple[list[pytensor.compile.SharedVariable], SharedFunction]:
        """The evaluation bound to stand-ins for the weights, which finish_snapshot sets to
        a snapshot's copies (the same compiled function as evaluate_fn)."""
        frozen = [pytensor.shared(p.get_value(), name=f"{p.name}_snapshot") for p in self.params]
        return frozen, self.evaluate_fn.rebound(dict(zip(self.params, frozen, strict=True)))


def _divergence_reason(costs: np.ndarray, params: list) -> str:
    """Why training must stop, or "" when all is well."""
    weights = [p.get_value(borrow=True) for p in params]
    if not np.isfinite(costs).all():
        return "the cost became NaN or infinite"
    if not all(np.isfinite(w).all() for w in weights):
        return "a weight became NaN or infinite"
    largest = max(float(np.abs(w).max()) for w in weights)
    if largest > WEIGHT_LIMIT:
        return (
            f"a weight grew to {largest:.3g} (beyond ±{WEIGHT_LIMIT:g}), so the neurons "
            "saturate and learning stalls"
        )
    return ""
