"""What "compiling" means for the worker, as a list of short uninterruptible steps.

A PyTensor compile cannot be cut short, so the worker runs these one at a time and checks
between them whether a newer spec arrived or the app is closing. Only what the first point
needs is compiled here, all of it in the quick tier's mode (milliseconds, no native code):
the quick training step, the evaluation and, for a boundary map, the prediction. The fast
loop compiles on a background thread meanwhile (``Trainer.start_tiered``), warm-up calls
included, and training switches to it between chunks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xorlab.core.datasets import PlaneGrid
from xorlab.core.trainer import Trainer


def compile_steps(trainer: Trainer, grid: PlaneGrid | None) -> list[Callable[[], Any]]:
    """Start the tiers, then compile the evaluation (and prediction) a snapshot calls."""
    steps: list[Callable[[], Any]] = [
        trainer.start_tiered,
        lambda: trainer.evaluate_fn,
        trainer.evaluate,
    ]
    if grid is not None:
        steps += [lambda: trainer.predict_fn, lambda: trainer.evaluate(grid.points[:1])]
    return steps
