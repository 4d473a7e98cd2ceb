"""What each neuron computes over the input plane: every layer's activations on a coarse grid.

The network diagram draws these as small pictures inside the neurons, so a learner sees the
hidden units carve the plane and the output combine them. The activations come from the same
symbolic forward pass the trainer trains (``model.forward_layers`` on ``trainer.params``),
written out as generated numpy code (``function_cache.NUMPY_CODE``, the quick tier's): the
default (Numba) backend JIT-compiles every op on the first call, seconds that would stall
training for a picture, and the Python linker spent ~25 us of bookkeeping per node around
numpy calls of a few microseconds, at every snapshot.

Threads: like the Trainer, call these on the thread that owns it (they read its weights).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pytensor.tensor as pt

from xorlab.core.training import model
from xorlab.core.training.datasets import Dataset, PlaneGrid, plane_grid
from xorlab.core.training.features import feature_values, uses_features
from xorlab.core.training.function_cache import NUMPY_CODE, SharedFunction, compile_shared
from xorlab.core.training.trainer import Trainer

# Coarse on purpose: a map is drawn some 30 pixels wide, and 24x24 points cost well under a
# millisecond to evaluate.
MAP_RESOLUTION = 24


@dataclass(frozen=True, eq=False)
class NeuronMaps:
    """Activations of every non-input layer on ``grid``: ``layers[k]`` has shape
    (resolution, resolution, units of layer k+1), indexed [y row, x column] like the
    decision-boundary image; ``layers[-1]`` is the output layer. Plain copies."""

    grid: PlaneGrid
    inputs: np.ndarray  # (resolution, resolution, inputs): each input neuron's value
    layers: tuple[np.ndarray, ...]
    step: int  # the trainer's step count when the maps were taken


_FUNCTIONS: weakref.WeakKeyDictionary[Trainer, SharedFunction] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def activations_fn(trainer: Trainer) -> SharedFunction:
    """(X, W1, W2, ...) -> [activations of layer 1, ..., output], compiled once per trainer.

    The weights are inputs, not the trainer's shared variables, so maps can be drawn for any
    weights: the live ones, or a past snapshot's while the timeline replays."""
    with _LOCK:
        fn = _FUNCTIONS.get(trainer)
    if fn is None:
        X = pt.matrix("X_plane", dtype="float64")
        weights = [pt.matrix(f"{p.name}_shown", dtype="float64") for p in trainer.params]
        layers = model.forward_layers(weights, X, trainer.spec.network)
        # Shared by every trainer of the same network (function_cache): the live views' maps
        # come from it, so each rebuild of a network seen before compiles nothing.
        fn = compile_shared(
            [X, *weights], [layer.activations for layer in layers], NUMPY_CODE, "neuron_maps"
        )
        with _LOCK:
            _FUNCTIONS[trainer] = fn
    return fn


def layer_activations(
    trainer: Trainer, X: np.ndarray, weights: Sequence[np.ndarray] | None = None
) -> list[np.ndarray]:
    """Each layer's activations, shape (samples, units), for ``weights`` (default: the
    trainer's current ones)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != trainer.dataset.n_inputs:
        raise ValueError(
            f"the network takes {trainer.dataset.n_inputs} inputs per row, got shape {X.shape}"
        )
    current = [p.get_value(borrow=True) for p in trainer.params]
    if weights is None:
        weights = current
    elif [np.shape(w) for w in weights] != [w.shape for w in current]:
        shapes = ", ".join(str(w.shape) for w in current)
        raise ValueError(f"this network's weights have the shapes {shapes}")
    chosen = [np.asarray(w, dtype=np.float64) for w in weights]
    return list(activations_fn(trainer)(X, *chosen))  # copies (SharedFunction makes them)


def input_values(trainer: Trainer, points: np.ndarray) -> np.ndarray:
    """What each input neuron holds over the plane: x1 and x2, or the chosen features."""
    net = trainer.spec.network
    if uses_features(net):
        return feature_values(points, net.features)
    return np.array(points, dtype=np.float64)


def map_grid(dataset: Dataset, resolution: int = MAP_RESOLUTION) -> PlaneGrid:
    """The grid the maps use: the decision boundary's plane, sampled coarsely."""
    return plane_grid(dataset, resolution)


def neuron_maps(
    trainer: Trainer,
    grid: PlaneGrid | None = None,
    weights: Sequence[np.ndarray] | None = None,
) -> NeuronMaps:
    """Every neuron's activation over the input plane (2-input datasets only), for
    ``weights`` (default: the trainer's current ones)."""
    if grid is None:
        grid = map_grid(trainer.dataset)
    res = grid.resolution
    layers = layer_activations(trainer, grid.points, weights)
    return NeuronMaps(
        grid=grid,
        inputs=input_values(trainer, grid.points).reshape(res, res, -1),
        layers=tuple(a.reshape(res, res, a.shape[1]) for a in layers),
        step=trainer.step_count,
    )
