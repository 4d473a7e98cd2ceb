"""Tiered execution: train at once on the quick tier, switch to the fast loop when it is ready.

As language VMs do: a network never compiled before starts on ``QuickLoop`` (compiled in
milliseconds) while its fast loop (``strategies.build_loop``: fused, scan or jax, seconds to
compile on a cold cache) compiles on a daemon thread. The trainer swaps loops between
chunks (``Trainer.hand_over``). Nothing needs copying at the swap: every loop reads and
writes the trainer's shared weights, optimizer state and learning rate, and the step count,
batch position and cost history live in the trainer. The loops evaluate the same graph, so
a run that switched matches one that never did (to rounding, ~1e-15; tested to 1e-12).

The background compile must not touch the live state while the quick tier trains on it, and
the scan loops run a warm-up step when built: it compiles against shadow copies of the
shared variables, and the finished loop is re-bound to the trainer's own (``rebind``).
A compiled function has one owner at a time: the thread owns the loop until it is done,
then the trainer's thread does.

A third hand-over, the upgrade: the jax loop takes over first under "auto" (its compile is
the quick one), but once compiled the scan on Numba is faster on some nets (up to ~2x:
the full-batch tanh nets) and slower on others (up to ~2.4x), depending on the net and the
machine's load (``strategies.upgrade_after``). So once the jax loop trains, and only
when the run has ``UPGRADE_MIN_REMAINING_S`` or more left, the scan loop is loaded in the
background **from the compile cache only** (``BackgroundCompile(..., cached_only=True)``),
and a ``LoopRace`` then runs the two in turn, chunk by chunk, on the run itself, and keeps
the faster. The race is the network computation's, not the trainer's: every trainer of the
same computation in the process adds its laps to one ``SharedRace`` and takes its verdict,
so the window and a headless trainer of one network end on the same loop, and a second
run of it does not race again (core/training/loop_verdicts.py).

Why cached only, measured: a cold scan compile beside the running jax loop took 127 s at
load ~5 (regression: 34 CPU-s elsewhere), and for those two minutes the jax loop trained
at 0.15-0.4 of its rate (1,000-3,000 steps/s against 6,000-8,000 alone): the compile holds
the interpreter most of the time, and the jax loop needs it between its XLA calls. A gain
of 1.4-2x afterwards, on about half of the nets, repays that only after minutes of
training, and the window's drawing would share the interpreter with the compile all that
time. Loading a cached scan costs ~3 CPU-s (PyTensor's rewrites and code generation, the
same as finding out that it is not cached), which a run of ``UPGRADE_MIN_REMAINING_S``
repays.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import numpy as np
import pytensor
from pytensor.compile.sharedvalue import SharedVariable

from xorlab.core import compile_lock
from xorlab.core.training.strategies import build_loop
from xorlab.core.training.strategies.base import LoopProblem, TrainingLoop

# The quick tier and the background compile share one interpreter lock: a quick tier training
# flat out leaves the compile half of it, which doubled the time to full speed. Callers pause
# this many times a quick chunk's compute time after it while the compile runs, leaving the
# compile ~3/4 (measured when the quick tier ran on PyTensor's Python linker, ~100-1000x
# slower than the fast loop). The quick tier's numpy code is now only 5-10x slower than the
# scan loop on point-set nets, so the half of its steps it gives up is no longer negligible,
# and Numba spends ~80% of a cold compile in LLVM, which runs without the interpreter lock:
# a smaller yield may now pay. Not measured yet (the machine was at load 8-10).
QUICK_TIER_YIELD = 1.0

# One background compile at a time in a process: trainers dropped before their fast loop was
# ready (a quick edit, a short headless run) leave theirs running, and Numba/LLVM compiles on
# several threads at once aborted the process (an LLVM assertion) in the test suite. The lock
# is shared with every other Numba user (see core/compile_lock.py).
COMPILE_LOCK = compile_lock.COMPILE_LOCK


def shadow_problem(problem: LoopProblem) -> LoopProblem:
    """The same problem on fresh shared variables holding copies of the current values."""
    return replace(
        problem,
        params=tuple(_copy(v) for v in problem.params),
        state=tuple(_copy(v) for v in problem.state),
        learning_rate=_copy(problem.learning_rate),
    )


def _copy(var: SharedVariable) -> SharedVariable:
    value = np.array(var.get_value(borrow=True), copy=True)
    return pytensor.shared(value, name=var.name, shape=var.type.shape)


COMPILE_STACK_BYTES = 64 * 1024 * 1024


class BackgroundCompile:
    """Compiles ``build_loop(problem, strategy)`` on a daemon thread, on shadow state.
    Every loop is ready to run any number of steps when built (each compiles once).
    ``cached_only``: only load it from the compile cache (see the module docstring)."""

    def __init__(self, problem: LoopProblem, strategy: str, cached_only: bool = False):
        self.problem = problem
        self.strategy = strategy
        self.cached_only = cached_only
        self._shadow = shadow_problem(problem)
        self._loop: TrainingLoop | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        self.started = time.perf_counter()
        self.seconds: float | None = None  # how long the compile took, once done
        self._thread = threading.Thread(
            target=self._compile, name="xorlab-fast-loop-compile", daemon=True
        )
        # The main thread's stack is 8 MiB, a new thread's may be smaller; LLVM recurses deeply
        # on large functions (one background scan compile aborted in an LLVM assertion that the
        # same compile on the main thread did not hit), so give this one as much room.
        previous = threading.stack_size(COMPILE_STACK_BYTES)
        try:
            self._thread.start()
        finally:
            threading.stack_size(previous)

    def _compile(self) -> None:
        try:
            with COMPILE_LOCK:
                if self.cached_only:
                    loop = build_loop(self._shadow, self.strategy, cached_only=True)
                else:
                    loop = build_loop(self._shadow, self.strategy)
            self._loop = loop
        except BaseException as exc:  # handed to the trainer's thread by result()
            self._error = exc
        finally:
            self.seconds = time.perf_counter() - self.started
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def result(self) -> TrainingLoop:
        """The finished loop bound to the trainer's shared variables (waits if need be);
        raises what the compile raised."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._loop is not None
        self._loop.rebind(self.problem)
        return self._loop


# The upgrade starts only when the run has at least this long left at the running loop's
# speed. Loading the scan (or finding it is not cached) holds the interpreter for ~3 CPU-s,
# and beside it the jax loop trained at ~1/3 of its rate (overfitting at load 4-5: 5,005
# steps/s during a 10 s load, 14,000-18,500 before and after; bench/engine.py --upgrade):
# ~2 s of training lost on a quiet machine, ~7 s at load 5. When the scan wins (about half
# of the nets measured) it saves a third to a half of what is left, so a run must have
# tens of seconds left to repay the attempt on average. A preset's default run (0.03-0.5 s
# on jax) never starts one; a long or endless run in the window does.
UPGRADE_MIN_REMAINING_S = 30.0
# Chunks the running loop has trained before its speed is trusted for that estimate (the
# first calls after a hand-over include XLA's and the caches' warm-up).
UPGRADE_AFTER_CHUNKS = 3
# Each loop's share of the race: laps until each has run this many chunks and this much
# compute (~50 of the window's 10 ms chunks each: ~1 s in all). Both train, so a longer
# race costs only the slower loop's lost share of it, and a short one misjudged close pairs
# at load 4-5 (bench/engine.py --upgrade: 4 chunks of ~10 ms each).
RACE_CHUNKS = 12
RACE_SECONDS = 0.5
# The challenger must take this much less time per step to take over; anything closer is a
# tie, and a tie keeps the loop already running. At load 5-7 races of 0.25 s a loop put the
# scan 6-21% ahead on three nets where jax was the faster by 10-50% in steady runs (circle,
# overfitting, a sigmoid net), while every net where the scan really was faster had it
# ahead by 1.3-3x in every race (regression, 2-64-64-64-1 tanh, two never-seen tanh nets;
# four runs of bench/engine.py --upgrade). 0.2: the scan must be >= 1.25x as fast.
RACE_MARGIN = 0.2


class SharedRace:
    """A race between the running loop (``incumbent``) and a ``challenger``, by loop name,
    with the laps (each chunk's seconds per step) of every trainer that runs it: one per
    network computation in the process (core/training/loop_verdicts.py). Each loop is
    judged by its median lap, so one chunk that waited for a core (a collection, another
    process) does not decide. ``winner`` (a name) is set once both ran ``RACE_CHUNKS``
    laps and ``RACE_SECONDS``, and never changes after: it is the verdict."""

    def __init__(self, incumbent: str, challenger: str):
        self.incumbent, self.challenger = incumbent, challenger
        self._laps: dict[str, list[float]] = {incumbent: [], challenger: []}
        self._seconds = {incumbent: 0.0, challenger: 0.0}
        self._lock = threading.Lock()  # the window's trainer and another may note at once
        self.winner: str | None = None

    def note(self, name: str, steps: int, seconds: float) -> None:
        with self._lock:
            laps = self._laps.get(name)
            if laps is None or self.winner is not None or steps <= 0:
                return
            laps.append(seconds / steps)
            self._seconds[name] += seconds
            if all(
                len(self._laps[key]) >= RACE_CHUNKS and self._seconds[key] >= RACE_SECONDS
                for key in self._laps
            ):
                faster = self._median(self.challenger) < self._median(self.incumbent) * (
                    1 - RACE_MARGIN
                )
                self.winner = self.challenger if faster else self.incumbent

    def seconds_per_step(self, name: str) -> float:
        """The loop's median lap's seconds per step (inf before its first lap)."""
        with self._lock:
            return self._median(name)

    def _median(self, name: str) -> float:
        laps = self._laps[name]
        return float(np.median(laps)) if laps else float("inf")

    def steps_per_second(self) -> dict[str, float]:
        """Each loop's speed in the race, by name (for reports)."""
        with self._lock:
            return {
                name: round(1 / self._median(name), 1)
                for name in (self.incumbent, self.challenger)
                if self._laps[name]
            }


class LoopRace:
    """One trainer's part in a ``SharedRace``: its running loop (``incumbent``) against its
    ``challenger``, timed on the run itself.

    The trainer asks ``next_loop`` before each chunk and reports each chunk's compute with
    ``note``; its loops take turns (challenger first), counted by its own laps, so a change
    of the machine's load hits both, and every trainer adds laps of both loops in its own
    conditions (the window's trainer shares the machine with the GUI, a headless one does
    not). Both compute the same steps to rounding (~1e-15), so the race trains as usual:
    nothing is thrown away. ``winner`` is this trainer's loop of the shared verdict, once
    there is one, whoever's laps reached it."""

    def __init__(self, incumbent: TrainingLoop, challenger: TrainingLoop, shared: SharedRace):
        if (incumbent.name, challenger.name) != (shared.incumbent, shared.challenger):
            raise ValueError("the race's loops are not the shared race's")
        self.incumbent, self.challenger, self.shared = incumbent, challenger, shared
        self._turns = {id(incumbent): 0, id(challenger): 0}  # this trainer's laps of each

    @property
    def winner(self) -> TrainingLoop | None:
        name = self.shared.winner
        if name is None:
            return None
        return self.challenger if name == self.challenger.name else self.incumbent

    def next_loop(self) -> TrainingLoop:
        winner = self.winner
        if winner is not None:
            return winner
        turns = self._turns
        return (
            self.challenger
            if turns[id(self.challenger)] <= turns[id(self.incumbent)]
            else self.incumbent
        )

    def note(self, loop: TrainingLoop, steps: int, seconds: float) -> None:
        if id(loop) not in self._turns or steps <= 0:
            return
        self._turns[id(loop)] += 1
        self.shared.note(loop.name, steps, seconds)

    def seconds_per_step(self, loop: TrainingLoop) -> float:
        """The loop's median chunk's seconds per step over the shared race (inf before)."""
        return self.shared.seconds_per_step(loop.name)

    def steps_per_second(self) -> dict[str, float]:
        """Each loop's speed in the shared race, by name (for reports)."""
        return self.shared.steps_per_second()
