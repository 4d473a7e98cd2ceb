"""What a training-loop strategy is given, and what it must provide.

A strategy compiles "K training steps in one call" for one experiment. Whatever it runs
inside (a PyTensor scan, a generated native loop), the trainer's shared variables stay the
source of truth between calls: a strategy reads the weights, optimizer state and learning
rate from them at the start of a call and writes the weights and state back at the end, so
snapshots, the graph view, get/set_weights and divergence rollback see one state.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from pytensor.compile.sharedvalue import SharedVariable

from xorlab.core.training.spec import ExperimentSpec


class StrategyUnavailable(RuntimeError):
    """A strategy cannot serve this experiment (missing package, unsupported op, too big)."""


@dataclass(frozen=True, eq=False)
class LoopProblem:
    """Everything a strategy compiles a training loop for."""

    spec: ExperimentSpec
    X: np.ndarray  # (samples, inputs)
    y: np.ndarray  # (samples, outputs)
    batches: np.ndarray  # (steps per epoch, batch size): the sample rows of each step
    params: tuple[SharedVariable, ...]
    state: tuple[SharedVariable, ...]
    learning_rate: SharedVariable
    mode: str | None = None  # PyTensor mode for the tensor strategies
    # The batch data changes every epoch (a shuffled order): it must be read from a table
    # that ``set_batch_data`` replaces, never folded into the compiled code.
    shuffle: bool = False

    @property
    def steps_per_epoch(self) -> int:
        return int(self.batches.shape[0])

    @property
    def batch_size(self) -> int:
        return int(self.batches.shape[1])

    @property
    def full_batch(self) -> bool:
        """Every step sees the whole training set in order: no batch needs picking."""
        n = self.X.shape[0]
        return self.batches.shape == (1, n) and bool(np.array_equal(self.batches[0], np.arange(n)))

    def batch_data(self) -> tuple[np.ndarray, np.ndarray]:
        """Inputs and targets of each step of an epoch: (steps, batch, inputs/outputs)."""
        return self.X[self.batches], self.y[self.batches]


class TrainingLoop(ABC):
    """K training steps per call; see the module docstring for the state contract."""

    name: ClassVar[str]
    # Whether a call computes without holding the GIL: the GUI thread's Python (slots,
    # painting, timers) then runs meanwhile instead of waiting for the chunk to end.
    releases_gil: ClassVar[bool] = False
    # Whether a loop that starts the next chunk before returning (jax_loop.py) may do so.
    # Off while the upgrade races it against another loop (core/training/tiers.py): the
    # other loop's chunk comes next, so the part run ahead is dropped, after computing
    # beside that chunk and delaying its own next one. Races at load ~4 measured the scan
    # 1.08-3.45x as fast as jax on the regression preset with it on, 1.64-1.71x with it off
    # (steady runs: 1.69-2.28x).
    runs_ahead: bool = True

    def __init__(self, problem: LoopProblem):
        self.problem = problem
        # Rows of the batch table -> their position, for callers passing rows (see __call__).
        self._positions = {row.tobytes(): i for i, row in enumerate(problem.batches)}

    @abstractmethod
    def run(self, position: int, n_steps: int) -> np.ndarray:
        """Train ``n_steps`` steps, the first on batch ``position`` of the epoch and each
        next one on the next batch (cyclically); return each step's cost before its update."""

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        """Train one step per row of ``rows`` (K, batch), each a row of the batch table."""
        rows = np.asarray(rows, dtype=np.int64)
        try:
            positions = [self._positions[row.tobytes()] for row in rows]
        except KeyError:
            raise ValueError("rows must be rows of the trainer's batch table") from None
        spe = self.problem.steps_per_epoch
        expected = (positions[0] + np.arange(len(positions))) % spe if positions else []
        if np.array_equal(positions, expected):
            return self.run(positions[0], len(positions)) if positions else np.empty(0)
        return np.concatenate([self.run(p, 1) for p in positions])

    def set_batch_data(self, X: np.ndarray, y: np.ndarray) -> None:
        """Train the next steps on these batches, (steps, batch, inputs/outputs), instead of
        the problem's (a shuffled epoch); only for a problem with ``shuffle``."""
        raise NotImplementedError(f"the {self.name} loop cannot change its batches")

    def rebind(self, problem: LoopProblem) -> None:
        """Train ``problem``'s shared variables from now on: the same computation compiled
        on other (shadow) variables of the same types (see core/training/tiers.py)."""
        self.problem = problem

    def read_state(self) -> list[np.ndarray]:
        return [v.get_value(borrow=True) for v in (*self.problem.params, *self.problem.state)]

    def write_state(self, values: list[np.ndarray]) -> None:
        for var, value in zip((*self.problem.params, *self.problem.state), values, strict=True):
            var.set_value(value, borrow=True)
