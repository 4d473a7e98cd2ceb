"""The trainer jobs behind the network diagram and the Graph tab's live values.

Each ``*_job`` returns a TrainerJob whose ``run`` is called on the training worker's thread
with the live Trainer (see trainer_jobs.py) and returns plain copies for the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from xorlab.app.trainer_jobs import TrainerJob
from xorlab.core.training.spec import NetworkSpec

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphView
    from xorlab.core.training.neuron_maps import NeuronMaps
    from xorlab.core.training.plane_maps import NeuronImages
    from xorlab.core.training.trainer import Trainer, TrainingSnapshot

NEURON_MAPS = "neuron_maps"
WEIGHT_EDIT = "weight_edit"
GRAPH_VALUES = "graph_values"


@dataclass(frozen=True, eq=False)
class DiagramData:
    """What the diagram needs beyond a snapshot's weights."""

    network: NetworkSpec
    maps: NeuronMaps | None  # None unless the data has exactly two inputs
    step: int
    images: NeuronImages | None = None  # ``maps`` coloured on the worker, when asked


@dataclass(frozen=True)
class WeightEdit:
    param: int
    row: int
    col: int
    old: float
    new: float


def neuron_maps_job(
    weights: tuple[np.ndarray, ...] | None = None, palette: np.ndarray | None = None
) -> TrainerJob:
    """Maps for ``weights`` (the ones the diagram shows: live, or a replayed epoch's), or
    for the trainer's current weights when None; coloured through ``palette`` if given."""
    return TrainerJob(NEURON_MAPS, lambda trainer: _diagram_data(trainer, weights, palette))


def _diagram_data(
    trainer: Trainer,
    weights: tuple[np.ndarray, ...] | None = None,
    palette: np.ndarray | None = None,
) -> DiagramData:
    from xorlab.core.training.neuron_maps import neuron_maps
    from xorlab.core.training.plane_maps import neuron_images

    maps = images = None
    if trainer.dataset.n_inputs == 2:
        shapes = [p.get_value(borrow=True).shape for p in trainer.params]
        if weights is not None and [w.shape for w in weights] != shapes:
            weights = None  # from before a new network was compiled
        maps = neuron_maps(trainer, weights=weights)
        if palette is not None:
            images = neuron_images(maps, trainer.spec.network, palette)
    return DiagramData(trainer.spec.network, maps, trainer.step_count, images)


def weight_edit_job(param: int, row: int, col: int, value: float) -> TrainerJob:
    """Set one weight; a snapshot follows so every view shows the change."""
    return TrainerJob(
        WEIGHT_EDIT, lambda trainer: set_weight(trainer, param, row, col, value), True
    )


def set_weight(trainer: Trainer, param: int, row: int, col: int, value: float) -> WeightEdit:
    weights = trainer.get_weights()
    if not 0 <= param < len(weights):
        raise IndexError(f"W{param + 1} does not exist: this network has {len(weights)}")
    matrix = weights[param]
    if not (0 <= row < matrix.shape[0] and 0 <= col < matrix.shape[1]):
        raise IndexError(f"W{param + 1}[{row},{col}] is outside its shape {matrix.shape}")
    old = float(matrix[row, col])
    matrix[row, col] = value
    trainer.set_weights(weights)
    return WeightEdit(param, row, col, old, float(value))


def graph_values_job(
    target: str,
    param: int,
    rows: tuple[int, ...] | None,
    view: GraphView | None,
    at: TrainingSnapshot | None = None,
) -> TrainerJob:
    """Every node's value in ``target``'s symbolic graph for training ``rows`` (None: all),
    for the live weights or, with ``at``, a replayed snapshot's (the trainer is not touched)."""
    from xorlab.core.graphs.values import graph_values

    return TrainerJob(
        GRAPH_VALUES, lambda trainer: graph_values(trainer, target, param, rows, view, at)
    )
