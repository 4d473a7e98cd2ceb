"""A network's numbers before any graph: weight shapes, initial weights, the optimizer's
initial state and the bound beyond which a weight means the run diverged.

numpy only, no PyTensor: the window's thread reads these (a saved experiment's shapes when
File > Open checks it, the landscape's layer shapes, the weight editor's bound) and must not
import PyTensor while the worker thread may be importing it (core/first_imports.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from xorlab.core.training.features import input_count
from xorlab.core.training.spec import NetworkSpec, TrainingSpec

# A weight this large means the steps overshoot: sigmoids saturate, gradients vanish and the
# net is stuck even when nothing is NaN yet (the trainer ends such a run as diverged, and the
# weight editor accepts nothing larger). Sensible nets here stay far below it.
WEIGHT_LIMIT = 1e4


def layer_shapes(net: NetworkSpec, n_inputs: int, n_outputs: int) -> list[tuple[int, int]]:
    """Weight matrix shapes, input to output; with bias units each has one extra last row."""
    sizes = [input_count(net, n_inputs), *net.hidden, n_outputs]
    extra = 1 if net.bias else 0
    return [(sizes[i] + extra, sizes[i + 1]) for i in range(len(sizes) - 1)]


def init_weights(net: NetworkSpec, n_inputs: int, n_outputs: int) -> list[np.ndarray]:
    """Initial weights drawn layer by layer from ``RandomState(seed)``, as the tutorials do."""
    rng = np.random.RandomState(net.seed)
    weights = []
    for fan_in, fan_out in layer_shapes(net, n_inputs, n_outputs):
        if net.init == "uniform":
            w = rng.uniform(-1, 1, (fan_in, fan_out))
        elif net.init == "rand":
            w = rng.rand(fan_in, fan_out)
        elif net.init == "glorot":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            w = rng.uniform(-limit, limit, (fan_in, fan_out))
        else:
            raise ValueError(f"unknown init '{net.init}'")
        weights.append(np.asarray(w, dtype=np.float64))
    return weights


def optimizer_state(training: TrainingSpec, weights: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Initial optimizer state: momentum velocities, or Adam's moments then a step counter."""
    if training.optimizer == "momentum":
        return [np.zeros_like(w) for w in weights]
    if training.optimizer == "adam":
        moments = [np.zeros_like(w) for w in weights]
        return moments + [np.zeros_like(w) for w in weights] + [np.zeros((), dtype=np.float64)]
    return []
