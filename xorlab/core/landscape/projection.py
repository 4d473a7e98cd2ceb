"""Where recorded snapshots lie on a landscape's plane: least squares onto its directions.

A snapshot w is off the plane in general; its coordinates (a, b) are those of the nearest
point centre + a·d1 + b·d2 (the least-squares solution), and ``residual`` says how far off the
plane it is, so a view can say how faithful the drawn path is. With the principal directions
the path lies in the plane as nearly as two directions allow; with two picked weights the
coordinates are exactly those weights' offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from xorlab.core.landscape.directions import Weights, flatten


@dataclass(frozen=True)
class Projection:
    coords: np.ndarray  # (n, 2): (alpha, beta) of each snapshot, in path order
    residuals: np.ndarray  # (n,): distance of each snapshot from the plane


def project(path: Sequence[Weights], centre: Weights, directions: Sequence[Weights]) -> Projection:
    """Coordinates of each weight set in ``path`` on the plane (or line, with one direction)
    through ``centre``."""
    basis = np.stack([flatten(d) for d in directions], axis=1)  # (P, k)
    if not len(path):
        k = basis.shape[1]
        return Projection(np.empty((0, k)), np.empty(0))
    offsets = np.stack([flatten(w) for w in path], axis=1) - flatten(centre)[:, None]
    if not (np.isfinite(basis).all() and np.isfinite(offsets).all()):
        # Overflowed weights (a diverged run): no meaningful place on the plane.
        n, k = offsets.shape[1], basis.shape[1]
        return Projection(np.full((n, k), np.nan), np.full(n, np.nan))
    coords, *_ = np.linalg.lstsq(basis, offsets, rcond=None)
    residuals = np.linalg.norm(offsets - basis @ coords, axis=0)
    return Projection(coords.T.copy(), residuals)
