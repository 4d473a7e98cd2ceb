"""What "compiling" means for the worker, as a list of short uninterruptible steps.

A PyTensor compile cannot be cut short, so the worker runs these one at a time and checks
between them whether a newer spec arrived or the app is closing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xorlab.core.training.datasets import PlaneGrid
from xorlab.core.training.trainer import Trainer

# Block lengths 4**i, i < BLOCK_LEVELS, cover the worker's ~10 ms chunks down to 0.6 us/step.
BLOCK_LEVELS = 7


def compile_steps(trainer: Trainer, grid: PlaneGrid | None) -> list[Callable[[], Any]]:
    """Compile the training loop and the evaluation (and, for a boundary map, prediction).

    The first call of a function still JIT-compiles (Numba), which would otherwise land on
    the first chunk of training; each function gets a warm-up call that leaves the weights
    as they were.
    """

    def warm_up_loop() -> None:
        state = trainer.get_state()
        trainer.loop_fn(trainer.batches[:1])
        trainer.set_state(state)

    def warm_up_block(n_steps: int) -> None:
        # A loop compiled per length (JAX: blocks of 4**i steps) would otherwise compile
        # each new block length in the first chunks of training, ~0.5 s each, stalling it.
        if getattr(trainer.loop_fn, "dynamic_length", True):
            return
        state = trainer.get_state()
        trainer.loop_fn.run(0, n_steps)
        trainer.set_state(state)

    steps: list[Callable[[], Any]] = [
        lambda: trainer.loop_fn,
        warm_up_loop,
        *(lambda n=4**level: warm_up_block(n) for level in range(1, BLOCK_LEVELS)),
        lambda: trainer.evaluate_fn,
        trainer.evaluate,
    ]
    if grid is not None:
        steps += [lambda: trainer.predict_fn, lambda: trainer.evaluate(grid.points[:1])]
    return steps
