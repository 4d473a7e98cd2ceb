"""Moments of a run kept for saving: the weights and optimizer state at a few dozen steps,
spaced about logarithmically (early training changes fastest), so an opened experiment can
replay its outputs and its time travel, not only its cost curve.

The trainer notes a moment after every ``run`` call; the log-spaced Timeline keeps the
count bounded however long the run, as CostHistory bounds the cost points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xorlab.core.training.timeline import Timeline

# Moments kept per run (and the most a file may hold: a few hundred KB for the spiral net).
MAX_MOMENTS = 64


@dataclass(frozen=True, eq=False)
class Moment:
    step: int
    epoch: int
    weights: tuple[np.ndarray, ...]
    optimizer_state: tuple[np.ndarray, ...]


def moment_timeline() -> Timeline:
    return Timeline(MAX_MOMENTS, epoch_of=lambda moment: moment.step)
