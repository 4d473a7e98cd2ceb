"""The quick tier: one training step per call, on PyTensor's Python-thunk VM.

Every fast loop (fused, scan, jax) makes native code before its first step: 0.5 s to tens of
seconds on a cold cache for a network never compiled before. This loop compiles the same
``model.training_step`` graph in the ``FAST_COMPILE`` mode: a handful of cheap rewrites and
a linker that calls each op's numpy implementation, so it is ready in ~0.1-0.5 s and trains
at once, ~0.3-10 ms a step, while the fast loop compiles in the background (tiers.py).

It follows the TrainingLoop state contract: the trainer's shared weights, optimizer state
and learning rate are the state, read and updated in place by each call, so a hand-over to
another loop between chunks carries everything over.
"""

from __future__ import annotations

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.mode import Mode
from pytensor.graph.rewriting.db import RewriteDatabaseQuery

from xorlab.core.training import model
from xorlab.core.training.strategies.base import LoopProblem, TrainingLoop

# No C, no Numba: each node runs its op's Python/numpy ``perform``. The linker is the plain
# PerformLinker: FAST_COMPILE's VM linker imports PyTensor's C lazy linker even when told not
# to use it, which on an empty compile dir first builds it with g++ (~4-15 s here).
# Rewrites are what takes the time here: FAST_COMPILE's spent ~0.7 s of a 1 s compile of a
# 2-23-31-17-1 step. Only "merge" is kept: it computes once what the graph builds twice (the
# forward pass under both the output and the cost), which halves an evaluation's cost, for
# ~0.05 s. Fusion must stay out: a fused Composite runs element by element in Python.
QUICK_MODE = Mode(linker="py", optimizer=RewriteDatabaseQuery(include=["merge"]))


class QuickLoop(TrainingLoop):
    """One compiled call per step, compiled in milliseconds; slow per step."""

    name = "python"
    releases_gil = False

    def __init__(self, problem: LoopProblem):
        super().__init__(problem)
        X = pt.matrix("X", dtype="float64")
        y = pt.matrix("y", dtype="float64")
        cost, new_params, new_state = model.training_step(
            problem.params,
            problem.state,
            X,
            y,
            problem.learning_rate,
            problem.spec.network,
            problem.spec.training,
        )
        updates = [
            *zip(problem.params, new_params, strict=True),
            *zip(problem.state, new_state, strict=True),
        ]
        self._step = pytensor.function(
            [X, y], cost, updates=updates, mode=QUICK_MODE, name="training_step_quick"
        )
        # The batches are float64 and contiguous already: skip the per-call input checks.
        self._step.trust_input = True
        Xs, ys = problem.batch_data()
        self._X = np.ascontiguousarray(Xs, dtype=np.float64)
        self._y = np.ascontiguousarray(ys, dtype=np.float64)

    def set_batch_data(self, X: np.ndarray, y: np.ndarray) -> None:
        self._X = np.ascontiguousarray(X, dtype=np.float64)
        self._y = np.ascontiguousarray(y, dtype=np.float64)

    def run(self, position: int, n_steps: int) -> np.ndarray:
        costs = np.empty(max(n_steps, 0))
        spe = self.problem.steps_per_epoch
        for k in range(costs.size):
            p = (position + k) % spe
            costs[k] = self._step(self._X[p], self._y[p])
        return costs
