"""What "compiling" means for the worker, as a list of short uninterruptible steps.

A PyTensor compile cannot be cut short, so the worker runs these one at a time and checks
between them whether a newer spec arrived or the app is closing. Only what the first point
needs is compiled here, all of it in the quick tier's mode (milliseconds, no native code):
the quick training step, the evaluation and, for a boundary map, the prediction. Then the
fast loop starts compiling on a background thread (``Trainer.compile_in_background``),
warm-up calls included, and training switches to it between chunks. It starts last: a
compile on another thread would take half the interpreter from these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xorlab.core.training.datasets import PlaneGrid

if TYPE_CHECKING:
    from xorlab.core.training.trainer import Trainer


def compile_steps(trainer: Trainer, grid: PlaneGrid | None) -> list[Callable[[], Any]]:
    """Start the tiers, then compile the evaluation (and prediction) a snapshot calls."""
    steps: list[Callable[[], Any]] = [
        lambda: trainer.start_tiered(background=False),
        lambda: trainer.evaluate_fn,
        trainer.evaluate,
    ]
    if grid is not None:
        steps += [lambda: trainer.predict_fn, lambda: trainer.evaluate(grid.points[:1])]
    return [*steps, trainer.compile_in_background]
