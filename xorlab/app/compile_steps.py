"""What "compiling" means for the worker, as a list of short uninterruptible steps.

A PyTensor compile cannot be cut short, so the worker runs these one at a time and checks
between them whether a newer spec arrived or the app is closing. Only what the first point
needs is compiled here, all of it in the quick tier's mode (milliseconds, no native code):
the quick training step, the evaluation and, for the maps over the plane, the layers'
activations. The fast loop's background compile (``Trainer.compile_in_background``) is not
one of them: the training session starts it at Train, once the GUI has drawn the run's
first point (training_session.py), since a compile on another thread takes half the
interpreter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xorlab.core.training.datasets import PlaneGrid

if TYPE_CHECKING:
    from xorlab.core.training.trainer import Trainer


def compiles_before_train(trainer: Trainer) -> bool:
    """Whether the fast loop's background compile starts when the network is ready rather
    than at Train: only for the fused loop. Its compile is short (~0.5-1.3 s cold: "auto"
    picks it only under strategies.choose.FUSED_NODE_BUDGET; warm it is Numba's import and
    a cache load) and a tiny net's first point is one step, so it finishes by the time a
    person clicks (~0.7 s) and the run starts at full speed; started at Train, xor-minimal
    reached full speed 2.1-2.9 s after the click (bench/latency.py, item 2 asks <= 2 s).
    The scan-sized nets' compiles (jax: 1-4 s of mostly interpreter-bound rewrites) would
    still run at the click and slow their first point (training_session.py), so they wait."""
    return trainer.strategy_name == "fused"


def compile_steps(trainer: Trainer, grid: PlaneGrid | None) -> list[Callable[[], Any]]:
    """Compile the quick tier, then the evaluation (and the maps' forward pass) a snapshot
    calls."""
    # Imported here: this module is imported by the window, which must not import PyTensor.
    from xorlab.core.training.neuron_maps import layer_activations

    steps: list[Callable[[], Any]] = [
        lambda: trainer.start_tiered(background=False),
        lambda: trainer.evaluate_fn,
        trainer.evaluate,
    ]
    if grid is not None:
        # The maps over the plane come from the layers' activations (plane_maps), not from
        # trainer.predict_fn: compiling that here cost up to ~0.15 s for nothing.
        steps += [lambda: layer_activations(trainer, grid.points[:1])]
    return steps
