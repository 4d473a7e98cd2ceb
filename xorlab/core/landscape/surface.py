"""A landscape: the total cost on a grid over a plane (or along a line) through the weights,
with the recorded path projected onto it. This is what the CLI prints and the app draws.

The plane is centre + a·d1 + b·d2 for a in ``alphas`` and b in ``betas``; ``costs[i][j]`` is
the real total cost (``model.total_cost``) at alphas[i], betas[j]. The centre's own cost is
evaluated in the same call, so it is exactly a point of the surface, and it equals the cost
the Training tab shows for those weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from xorlab.core.landscape.directions import (
    DirectionError,
    WeightPick,
    Weights,
    gradient_direction,
    pca_directions,
    random_directions,
    weight_directions,
)
from xorlab.core.landscape.projection import project

if TYPE_CHECKING:
    from xorlab.core.landscape.batched_cost import CostFunctions

KINDS = ("random", "pca", "weights", "gradient")
KIND_LABELS = {
    "random": "random (filter-normalised)",
    "pca": "principal directions of the path",
    "weights": "two weights",
    "gradient": "along the gradient (1-D)",
}
MIN_GRID, MAX_GRID, DEFAULT_GRID = 3, 101, 41
MAX_SPAN = 1e6
# The plane reaches this much beyond the path, so its ends are not on the border.
PATH_MARGIN = 1.15


@dataclass(frozen=True)
class LandscapeRequest:
    kind: str = "random"
    grid: int = DEFAULT_GRID
    span: float | None = None  # half-width of the square; None: fitted to the path
    seed: int = 0  # random directions only
    picks: tuple[WeightPick, WeightPick] | None = None  # "weights" only

    def check(self) -> None:
        """DirectionError with a message when a field is out of range."""
        if self.kind not in KINDS:
            raise DirectionError(f"unknown directions '{self.kind}'; choose {', '.join(KINDS)}")
        if not MIN_GRID <= self.grid <= MAX_GRID:
            raise DirectionError(f"grid must be {MIN_GRID} to {MAX_GRID} points a side")
        if self.span is not None and not (0 < self.span <= MAX_SPAN):
            raise DirectionError(f"span must be above 0 and at most {MAX_SPAN:g}")
        if self.kind == "weights" and self.picks is None:
            raise DirectionError("pick two weights (e.g. W1[0,1],W2[2,0])")


@dataclass(frozen=True)
class RecordedPath:
    """Snapshots of a run in epoch order: what the path is drawn through."""

    epochs: tuple[int, ...] = ()
    weights: tuple[tuple[np.ndarray, ...], ...] = ()


@dataclass(frozen=True, eq=False)
class Landscape:
    kind: str
    centre: tuple[np.ndarray, ...]
    directions: tuple[tuple[np.ndarray, ...], ...]  # two (a plane) or one (the 1-D mode)
    alphas: np.ndarray
    betas: np.ndarray | None  # None in the 1-D mode
    costs: np.ndarray  # (len(alphas), len(betas)), or (len(alphas),) in the 1-D mode
    centre_cost: float
    path_epochs: np.ndarray  # epochs of the projected snapshots
    path_coords: np.ndarray  # (n, 2) or (n, 1)
    path_residuals: np.ndarray  # distance of each snapshot from the plane
    axis_names: tuple[str, ...]
    explained: tuple[float, float] | None = None  # PCA: share of the path's variance
    step: float | None = None  # 1-D mode: where one gradient step at the learning rate lands
    step_cost: float | None = None
    gradient_norm: float | None = None  # 1-D mode: |gradient| at the centre
    notes: tuple[str, ...] = field(default_factory=tuple)  # what went wrong or was left out

    @property
    def span(self) -> float:
        return float(self.alphas[-1])

    def to_json(self) -> dict:
        """The CLI's JSON: weights, directions, alphas, betas, costs[i][j], trajectory."""
        return {
            "kind": self.kind,
            "weights": [w.tolist() for w in self.centre],
            "directions": [[d.tolist() for d in direction] for direction in self.directions],
            "alphas": self.alphas.tolist(),
            "betas": None if self.betas is None else self.betas.tolist(),
            "costs": _json_numbers(self.costs),
            "centre_cost": _json_number(self.centre_cost),
            "trajectory": self.path_coords.tolist(),
            "trajectory_epochs": self.path_epochs.tolist(),
            "trajectory_off_plane": self.path_residuals.tolist(),
            "axes": list(self.axis_names),
            "explained_variance": None if self.explained is None else list(self.explained),
            "step": self.step,
            "step_cost": None if self.step_cost is None else _json_number(self.step_cost),
            "gradient_norm": None
            if self.gradient_norm is None
            else _json_number(self.gradient_norm),
            "notes": list(self.notes),
        }


def compute_landscape(
    functions: CostFunctions,
    X: np.ndarray,
    y: np.ndarray,
    centre: Weights,
    request: LandscapeRequest,
    path: RecordedPath = RecordedPath(),
    learning_rate: float | None = None,
    cost_on: tuple[np.ndarray, np.ndarray] | None = None,
) -> Landscape:
    """The landscape ``request`` asks for around ``centre`` (DirectionError if it cannot be
    made: a message for the person who asked). Weights so large that norms or costs overflow
    give infinite or NaN values and a note, never an exception.

    (X, y) are the training samples: the cost is theirs, and so is the gradient of the 1-D
    mode (the step training takes). ``cost_on`` = (X, y) of other samples (the held-out test
    set) evaluates the cost on those instead, along the same directions."""
    request.check()
    with np.errstate(all="ignore"):
        return _compute(functions, X, y, centre, request, path, learning_rate, cost_on)


def _compute(functions, X, y, centre, request, path, learning_rate, cost_on) -> Landscape:
    centre = tuple(np.asarray(w, dtype=np.float64) for w in centre)
    shapes = [w.shape for w in centre]
    if tuple(shapes) != functions.shapes:
        raise DirectionError(f"weights of shapes {shapes} do not fit this network")
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if cost_on is None:
        cost_X, cost_y = X, y
    else:
        cost_X, cost_y = (np.asarray(a, dtype=np.float64) for a in cost_on)
    kept = [(e, w) for e, w in zip(path.epochs, path.weights, strict=True) if _fits(w, shapes)]
    epochs = np.array([e for e, _ in kept], dtype=np.int64)
    walked = [w for _, w in kept]
    if request.kind == "gradient":
        return _line(
            functions, (X, y), (cost_X, cost_y), centre, request, epochs, walked, learning_rate
        )
    explained = None
    notes: list[str] = []
    if request.kind == "random":
        directions = random_directions(centre, request.seed)
        names = (f"random direction 1 (seed {request.seed})", "random direction 2")
        base_span = 1.0
    elif request.kind == "pca":
        principal = pca_directions(centre, walked)
        directions, explained = principal.directions, principal.explained
        names = (f"PC1 ({explained[0]:.0%} of the path)", f"PC2 ({explained[1]:.0%})")
        base_span = 0.0
    else:
        first, second = request.picks
        directions = weight_directions(centre, first, second)
        names = (f"{first.name} offset", f"{second.name} offset")
        base_span = 1.0
    projection = project(walked, centre, directions)
    span = request.span if request.span is not None else _fitted_span(projection.coords, base_span)
    axis = np.linspace(-span, span, request.grid)
    grid_a, grid_b = np.meshgrid(axis, axis, indexing="ij")
    coords = np.concatenate([[[0.0, 0.0]], np.stack([grid_a.ravel(), grid_b.ravel()], axis=1)])
    values = plane_costs(functions, cost_X, cost_y, centre, directions, coords)
    costs = values[1:].reshape(request.grid, request.grid)
    notes += _overflow_notes(costs)
    return Landscape(
        request.kind,
        centre,
        tuple(tuple(d) for d in directions),
        axis,
        axis.copy(),
        costs,
        float(values[0]),
        epochs,
        projection.coords,
        projection.residuals,
        names,
        explained,
        notes=tuple(notes),
    )


def _line(
    functions, training, cost_on, centre, request, epochs, walked, learning_rate
) -> Landscape:
    from xorlab.core.landscape.batched_cost import gradient  # PyTensor: see plane_costs

    grad = gradient(functions, *training, centre)
    direction, norm = gradient_direction(grad)
    step = None if learning_rate is None else float(learning_rate) * norm
    if request.span is not None:
        span = request.span
    elif step is not None and step > 0:
        span = 2.0 * step  # the landing point halfway to the edge
    else:
        span = 1.0
    axis = np.linspace(-span, span, request.grid)
    extra = [0.0] if step is None else [0.0, step]
    coords = np.concatenate([extra, axis])[:, None]
    values = plane_costs(functions, *cost_on, centre, [direction], coords)
    costs = values[len(extra) :]
    projection = project(walked, centre, [direction])
    return Landscape(
        "gradient",
        centre,
        (tuple(direction),),
        axis,
        None,
        costs,
        float(values[0]),
        epochs,
        projection.coords,
        projection.residuals,
        ("distance downhill along -gradient",),
        step=step,
        step_cost=None if step is None else float(values[1]),
        gradient_norm=float(norm),
        notes=tuple(_overflow_notes(costs)),
    )


def plane_costs(
    functions: CostFunctions,
    X: np.ndarray,
    y: np.ndarray,
    centre: Weights,
    directions: Sequence[Weights],
    coords: np.ndarray,
) -> np.ndarray:
    """The total cost at centre + sum_k coords[:, k]·directions[k], for every row of
    ``coords``: weight batches are built a block at a time, so memory stays bounded."""
    # Imported here: the window reads this module's choices (KINDS, grid sizes) before
    # PyTensor is imported, and only a computation needs the compiled cost.
    from xorlab.core.landscape.batched_cost import block_size

    count = coords.shape[0]
    block = block_size(X.shape[0], functions.widest)
    out = np.empty(count, dtype=np.float64)
    with np.errstate(all="ignore"):  # a diverged point is inf or NaN, noted by the caller
        for start in range(0, count, block):
            part = coords[start : start + block]
            batch = []
            for i, w in enumerate(centre):
                stacked = np.stack([np.asarray(d[i]) for d in directions])  # (k, r, c)
                batch.append(w[None] + np.einsum("gk,krc->grc", part, stacked))
            out[start : start + len(part)] = functions.batched(X, y, *batch)
    return out


def _fitted_span(coords: np.ndarray, base: float) -> float:
    reach = float(np.abs(coords).max()) if coords.size else 0.0
    reach = reach if np.isfinite(reach) else 0.0
    span = max(base, PATH_MARGIN * reach)
    return span if span > 0 else 1.0


def _overflow_notes(costs: np.ndarray) -> list[str]:
    bad = int(np.count_nonzero(~np.isfinite(costs)))
    if bad == 0:
        return []
    return [f"{bad} of {costs.size} points have an infinite or NaN cost (the net overflows there)"]


def _fits(weights: Weights, shapes: Sequence[tuple[int, ...]]) -> bool:
    return len(weights) == len(shapes) and all(
        np.shape(w) == s for w, s in zip(weights, shapes, strict=True)
    )


def _json_number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _json_numbers(values: np.ndarray) -> list:
    """Nested lists with NaN/inf as null: JSON has no such numbers."""
    out = np.asarray(values, dtype=object)
    out[~np.isfinite(values)] = None
    return out.tolist()
