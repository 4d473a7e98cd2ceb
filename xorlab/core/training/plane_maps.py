"""The network over the input plane for the live views, from one batched forward pass.

Per snapshot the window shows the decision map (the first output over a grid, with its 0.5
contour) and, in the Network dock, every neuron's response over a coarser grid. Both come
from one call of the forward pass on the two grids' points stacked together, on the worker
thread, and leave it ready to draw: the contour as segments, each neuron's map as an RGBA
picture. The values are the real network's outputs at the grid's points, whatever the
resolution: a coarse grid while training is fewer points, not an approximation.

Threads: call on the thread that owns the trainer, or anywhere with ``weights`` and ``step``
given (the forward pass takes the weights as inputs, and its calls hold a lock).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from xorlab.core.training.datasets import PlaneGrid
from xorlab.core.training.map_images import (
    MAX_MAP_UNITS,
    colorize,
    contour_segments,
    round_pictures,
    value_range,
)
from xorlab.core.training.neuron_maps import NeuronMaps, input_values, layer_activations
from xorlab.core.training.spec import NetworkSpec
from xorlab.core.training.trainer import Trainer, TrainingSnapshot

DECISION_LEVEL = 0.5  # the output where a 0/1 answer flips

# Per layer (inputs first), per unit: an RGBA picture (rows, columns, 4) with row 0 at the
# top, i.e. the plane's highest y, as an image is drawn; None where no picture is drawn.
NeuronImages = tuple[tuple[np.ndarray | None, ...], ...]


@dataclass(frozen=True, eq=False)
class PlaneMaps:
    """Plain copies, safe to hand to the GUI thread."""

    grid: PlaneGrid  # where ``output`` was evaluated
    output: np.ndarray  # (resolution, resolution): the first output, [y row, x column]
    contour: np.ndarray  # (k, 4): segments (x1, y1, x2, y2) where ``output`` crosses 0.5
    neurons: NeuronMaps | None = None  # every layer on the neuron grid, when asked for
    neuron_images: NeuronImages | None = None  # ``neurons`` as pictures
    step: int = 0


def grid_axes(grid: PlaneGrid) -> tuple[np.ndarray, np.ndarray]:
    """The x of each column and the y of each row of ``grid`` (x varies fastest)."""
    r = grid.resolution
    return grid.points[:r, 0], grid.points[::r, 1]


def plane_maps(
    trainer: Trainer,
    grid: PlaneGrid,
    neuron_grid: PlaneGrid | None = None,
    palette: np.ndarray | None = None,
    weights: Sequence[np.ndarray] | None = None,
    step: int | None = None,
) -> PlaneMaps:
    """The decision map on ``grid`` and, with ``neuron_grid``, every neuron's map there
    (as pictures too when a ``palette`` (256, 4) uint8 is given), for ``weights`` (default:
    the trainer's current ones), in one call of the forward pass. ``step``: the step those
    weights are from (default: the trainer's). Given both, this reads nothing the trainer
    changes while it trains, so it may run on another thread (app/snapshot_pipeline.py)."""
    if step is None:
        step = trainer.step_count
    points = grid.points
    shared = neuron_grid is grid  # one grid for both: its points once
    if neuron_grid is not None and not shared:
        points = np.concatenate([grid.points, neuron_grid.points])
    layers = layer_activations(trainer, points, weights)
    n, r = len(grid.points), grid.resolution
    output = np.ascontiguousarray(layers[-1][:n, 0].reshape(r, r))
    xs, ys = grid_axes(grid)
    values, level = decision_values(trainer, grid, layers, output, weights)
    contour = contour_segments(values, xs, ys, level)
    neurons = images = None
    if neuron_grid is not None:
        m = neuron_grid.resolution
        neurons = NeuronMaps(
            grid=neuron_grid,
            inputs=input_values(trainer, neuron_grid.points).reshape(m, m, -1),  # features too
            layers=tuple(a[0 if shared else n :].reshape(m, m, a.shape[1]) for a in layers),
            step=step,
        )
        if palette is not None:
            images = neuron_images(neurons, trainer.spec.network, palette)
    return PlaneMaps(grid, output, contour, neurons, images, step)


def decision_values(
    trainer: Trainer,
    grid: PlaneGrid,
    layers: list[np.ndarray],
    output: np.ndarray,
    weights: Sequence[np.ndarray] | None,
) -> tuple[np.ndarray, float]:
    """What the decision contour is traced in, and at which level: a sigmoid output's
    logit (the output neuron's weighted sum) at 0, else the output at 0.5.

    contour_segments takes the values as linear along each cell edge. A sigmoid output is
    flat near 0 and 1 and steep at 0.5: along an edge from 0.02 to 0.98 the linear guess
    puts the crossing at the edge's middle wherever the network's really is, so on the
    live map's 32 x 32 grid the contour snapped to the cells' midpoints and moved in
    steps. The sum before the sigmoid varies almost linearly across a cell, so the
    crossings found lie close to the network's own; it is monotone in the output, so the
    same cell edges are crossed. It is the last layer's product, redone here for the
    grid's points (~10 us): the output cannot give it back once it rounds to 0 or 1."""
    net = trainer.spec.network
    if net.output_activation != "sigmoid":
        return output, DECISION_LEVEL
    n, r = len(grid.points), grid.resolution
    below = layers[-2][:n] if len(layers) > 1 else input_values(trainer, grid.points)
    if net.bias:
        below = np.hstack([below, np.ones((n, 1))])
    last = weights[-1] if weights is not None else trainer.params[-1].get_value(borrow=True)
    sums = below @ np.asarray(last, dtype=np.float64)[:, :1]
    return sums.reshape(r, r), math.log(DECISION_LEVEL / (1 - DECISION_LEVEL))


def snapshot_with_maps(
    trainer: Trainer, grid: PlaneGrid, neuron_grid: PlaneGrid | None = None, palette=None
) -> TrainingSnapshot:
    """``trainer.snapshot()`` carrying its maps over ``grid`` (and the neuron maps), as the
    training worker sends it."""
    maps = plane_maps(trainer, grid, neuron_grid, palette)
    return replace(trainer.snapshot(), grid_outputs=maps.output, plane=maps)


def neuron_images(
    maps: NeuronMaps, network: NetworkSpec, palette: np.ndarray, max_units: int = MAX_MAP_UNITS
) -> NeuronImages:
    """Each unit's map coloured over its activation's range (inputs over their span)."""
    activations = ("input", *network.activations, network.output_activation)
    out = []
    for layer, values in enumerate((maps.inputs, *maps.layers)):
        units = values.shape[2]
        if units > max_units:
            out.append((None,) * units)
            continue
        activation = activations[layer] if layer < len(activations) else ""
        ranges = np.array([value_range(activation, values[:, :, u]) for u in range(units)])
        # One lookup for the whole layer (units first, so each picture is contiguous).
        stacked = np.moveaxis(values[::-1], 2, 0)
        low, high = ranges[:, 0, None, None], ranges[:, 1, None, None]
        pictures = round_pictures(colorize(stacked, low, high, palette))
        out.append(tuple(pictures[u] for u in range(units)))
    return tuple(out)
