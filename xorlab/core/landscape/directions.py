"""The directions that span a landscape's plane (or line), each a list of weight-shaped arrays.

- ``weight_directions``: two weights picked by name, so the axes are those weights' values;
- ``random_directions``: two seeded Gaussian directions, filter-normalised (Li et al. 2018):
  each neuron's incoming weights in the direction are scaled to the norm of that neuron's
  incoming weights in the centre, so a step of 1 moves every neuron by its own size and
  scale-invariant nets are compared fairly. A neuron's "filter" here is one column of its
  weight matrix, bias row included: in xorlab the bias is one of the neuron's weights;
- ``pca_directions``: the top two principal directions of the recorded path, so the path
  lies in the plane as nearly as two directions allow;
- ``gradient_direction``: the 1-D mode's line, downhill along the current gradient.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Weights = Sequence[np.ndarray]


class DirectionError(ValueError):
    """Directions that cannot be made: a message for the person who asked."""


@dataclass(frozen=True)
class WeightPick:
    """One weight, ``W{param + 1}[row, col]`` (0-based param, row, col)."""

    param: int
    row: int
    col: int

    @property
    def name(self) -> str:
        return f"W{self.param + 1}[{self.row},{self.col}]"


_PICK = re.compile(r"^\s*W(\d+)\s*\[\s*(\d+)\s*,\s*(\d+)\s*\]\s*$", re.IGNORECASE)


def parse_picks(text: str) -> tuple[WeightPick, WeightPick]:
    """'W1[0,1],W2[2,0]' -> two WeightPicks (W numbered from 1, as the app names them)."""
    parts = re.findall(r"W\d+\s*\[[^\]]*\]", text, re.IGNORECASE)
    rest = re.sub(r"W\d+\s*\[[^\]]*\]", "", text, flags=re.IGNORECASE).replace(",", "").strip()
    if len(parts) != 2 or rest:
        raise DirectionError(f"'{text}': name two weights, e.g. W1[0,1],W2[2,0]")
    picks = []
    for part in parts:
        match = _PICK.match(part)
        if match is None or int(match.group(1)) < 1:
            raise DirectionError(f"'{part}': a weight is W<n>[row,col], with n from 1")
        picks.append(WeightPick(int(match.group(1)) - 1, int(match.group(2)), int(match.group(3))))
    return picks[0], picks[1]


def check_pick(pick: WeightPick, shapes: Sequence[tuple[int, ...]]) -> None:
    if not 0 <= pick.param < len(shapes):
        raise DirectionError(f"{pick.name}: this network has W1 to W{len(shapes)}")
    rows, cols = shapes[pick.param]
    if not (pick.row < rows and pick.col < cols):
        raise DirectionError(f"{pick.name}: W{pick.param + 1} has shape {rows}x{cols}")


def weight_directions(centre: Weights, first: WeightPick, second: WeightPick) -> list[list]:
    """Unit directions along two single weights: a step of a along the first adds a to it."""
    shapes = [w.shape for w in centre]
    for pick in (first, second):
        check_pick(pick, shapes)
    if first == second:
        raise DirectionError(f"pick two different weights ({first.name} twice)")
    directions = []
    for pick in (first, second):
        d = [np.zeros_like(w, dtype=np.float64) for w in centre]
        d[pick.param][pick.row, pick.col] = 1.0
        directions.append(d)
    return directions


def random_directions(centre: Weights, seed: int) -> list[list]:
    """Two Gaussian directions from ``seed``, each filter-normalised to ``centre``."""
    rng = np.random.default_rng(seed)
    directions = []
    for _ in range(2):
        d = [rng.standard_normal(w.shape) for w in centre]
        directions.append(filter_normalise(d, centre))
    return directions


def filter_normalise(direction: Weights, centre: Weights) -> list[np.ndarray]:
    """Each column (one neuron's incoming weights) rescaled to that column's norm in
    ``centre``; a neuron whose centre weights are all 0 gets 0 (Li et al. do the same)."""
    out = []
    for d, w in zip(direction, centre, strict=True):
        d_norm = np.linalg.norm(d, axis=0, keepdims=True)
        w_norm = np.linalg.norm(w, axis=0, keepdims=True)
        scale = np.divide(w_norm, d_norm, out=np.zeros_like(w_norm), where=d_norm > 0)
        out.append(np.asarray(d * scale, dtype=np.float64))
    return out


@dataclass(frozen=True)
class PrincipalDirections:
    directions: list[list]  # two unit directions
    explained: tuple[float, float]  # share of the path's variance each explains


def pca_directions(centre: Weights, path: Sequence[Weights]) -> PrincipalDirections:
    """The top two principal directions of the path's offsets from ``centre`` (unit norm).

    As in Li et al.: PCA (centred) of the matrix whose rows are the snapshots minus the
    final weights. Each direction's sign is chosen so the path starts at negative
    coordinates, which keeps the picture steady while it updates live."""
    flat_centre = flatten(centre)
    rows = np.array([flatten(w) - flat_centre for w in path if _same_shapes(w, centre)])
    if rows.shape[0] < 3:
        raise DirectionError(
            "the principal directions need a path of at least 3 recorded snapshots: "
            "train a little first"
        )
    centred = rows - rows.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    if singular.size < 2 or singular[1] <= 1e-12 * max(singular[0], 1e-300):
        raise DirectionError(
            "the path is a straight line (or a point) so far: it has no second principal "
            "direction yet; train further or choose random directions"
        )
    variance = singular**2
    explained = (float(variance[0] / variance.sum()), float(variance[1] / variance.sum()))
    directions = []
    for k in range(2):
        v = vt[k]
        if rows[0] @ v > 0:
            v = -v
        directions.append(unflatten(v, centre))
    return PrincipalDirections(directions, explained)


def gradient_direction(grad: Weights) -> tuple[list[np.ndarray], float]:
    """The unit downhill direction -g/|g|, and |g|."""
    norm = float(np.linalg.norm(flatten(grad)))
    if not np.isfinite(norm):
        raise DirectionError("the gradient is NaN or infinite at these weights")
    if norm == 0.0:
        raise DirectionError("the gradient is zero here: there is no downhill direction")
    return [-np.asarray(g, dtype=np.float64) / norm for g in grad], norm


def flatten(weights: Weights) -> np.ndarray:
    return np.concatenate([np.asarray(w, dtype=np.float64).ravel() for w in weights])


def unflatten(vector: np.ndarray, like: Weights) -> list[np.ndarray]:
    out, start = [], 0
    for w in like:
        out.append(np.asarray(vector[start : start + w.size], dtype=np.float64).reshape(w.shape))
        start += w.size
    return out


def _same_shapes(a: Weights, b: Weights) -> bool:
    return len(a) == len(b) and all(x.shape == y.shape for x, y in zip(a, b, strict=True))
