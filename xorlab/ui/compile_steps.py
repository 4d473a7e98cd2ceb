"""What "compiling" means for the worker, as a list of short uninterruptible steps.

A PyTensor compile cannot be cut short, so the worker runs these one at a time and checks
between them whether a newer spec arrived or the app is closing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xorlab.core.datasets import PlaneGrid
from xorlab.core.trainer import Trainer


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

    steps: list[Callable[[], Any]] = [
        lambda: trainer.loop_fn,
        warm_up_loop,
        lambda: trainer.evaluate_fn,
        trainer.evaluate,
    ]
    if grid is not None:
        steps += [lambda: trainer.predict_fn, lambda: trainer.evaluate(grid.points[:1])]
    return steps
