"""The quick tier: training steps as generated numpy code, ready in a fraction of a second.

Every fast loop (fused, scan, jax) makes native code before its first step: 0.5 s to tens of
seconds on a cold cache for a network never compiled before. This loop takes the same
``model.training_step`` graph, runs only PyTensor's "merge" rewrite on it and writes it out
as one Python function of numpy calls (``numpy_step``): no C, no Numba, no disk cache, so it
is ready in ~0.1-0.3 s whatever the caches hold, and trains at once while the fast loop
compiles in the background (tiers.py).

It used to run the graph on PyTensor's Python linker, whose per-node bookkeeping (~25 us an
op) made a spiral step ~3-8 ms where the numpy calls themselves take a tenth of that; the
generated function calls numpy directly, with the same numbers (the same numpy operations).

It follows the TrainingLoop state contract: the trainer's shared weights, optimizer state
and learning rate are read at the start of a call and written back at its end, so a
hand-over to another loop between chunks carries everything over.
"""

from __future__ import annotations

import numpy as np
import pytensor.tensor as pt
from pytensor.compile.mode import Mode

from xorlab.core.training import model
from xorlab.core.training.numpy_step import REWRITES, numpy_code
from xorlab.core.training.strategies.base import LoopProblem, TrainingLoop

# The mode of the functions a snapshot calls (evaluation, prediction: a few times a second):
# no C, no Numba: each node runs its op's Python/numpy ``perform``. The linker is the plain
# PerformLinker: FAST_COMPILE's VM linker imports PyTensor's C lazy linker even when told not
# to use it, which on an empty compile dir first builds it with g++ (~4-15 s here).
# Rewrites are what takes the time here: FAST_COMPILE's spent ~0.7 s of a 1 s compile of a
# 2-23-31-17-1 step. Only "merge" is kept: it computes once what the graph builds twice (the
# forward pass under both the output and the cost), which halves an evaluation's cost, for
# ~0.05 s. Fusion must stay out: a fused Composite runs element by element in Python.
QUICK_MODE = Mode(linker="py", optimizer=REWRITES)  # "merge" alone, as the numpy code


class QuickLoop(TrainingLoop):
    """K steps per call of a generated numpy function, made in milliseconds; ~5-15x slower
    per step than the scan loop on point-set nets (bench/latency.py)."""

    name = "numpy"  # it runs the step as generated numpy code (numpy_step)
    releases_gil = False

    def __init__(self, problem: LoopProblem):
        super().__init__(problem)
        X = pt.matrix("X", dtype="float64")
        y = pt.matrix("y", dtype="float64")
        # The step on stand-ins of the shared variables: the generated function takes the
        # weights, optimizer state and learning rate as arguments and returns the new ones.
        params = [v.type() for v in problem.params]
        state = [v.type() for v in problem.state]
        lr = problem.learning_rate.type()
        cost, new_params, new_state = model.training_step(
            params, state, X, y, lr, problem.spec.network, problem.spec.training
        )
        self.step = numpy_code(
            [X, y, *params, *state, lr],
            [cost, *new_params, *new_state],
            "training_step_quick",
            clone=False,
        )
        Xs, ys = problem.batch_data()
        self._X = np.ascontiguousarray(Xs, dtype=np.float64)
        self._y = np.ascontiguousarray(ys, dtype=np.float64)

    def set_batch_data(self, X: np.ndarray, y: np.ndarray) -> None:
        self._X = np.ascontiguousarray(X, dtype=np.float64)
        self._y = np.ascontiguousarray(y, dtype=np.float64)

    def run(self, position: int, n_steps: int) -> np.ndarray:
        costs = np.empty(max(n_steps, 0))
        if not costs.size:
            return costs
        spe = self.problem.steps_per_epoch
        step, X, y = self.step.fn, self._X, self._y
        # The generated code never writes into its arguments: the shared arrays are borrowed.
        values = self.read_state()
        lr = self.problem.learning_rate.get_value(borrow=True)
        with np.errstate(all="ignore"):  # a diverging step gives inf/nan, as in perform
            for k in range(costs.size):
                p = (position + k) % spe
                cost, *values = step(X[p], y[p], *values, lr)
                costs[k] = cost
        # A result may be a view or a constant of the generated code: store copies.
        self.write_state([np.array(v) for v in values])
        return costs
