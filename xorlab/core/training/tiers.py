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
    Every loop is ready to run any number of steps when built (each compiles once)."""

    def __init__(self, problem: LoopProblem, strategy: str):
        self.problem = problem
        self.strategy = strategy
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
