"""Mini-batch order: with ``training.shuffle`` each epoch visits the training samples in a
new order, drawn from the weight seed and the epoch number, so a run is reproducible step
for step and can resume mid-run (the order of epoch e never depends on earlier epochs).

Only the sample and mini-batch schedules shuffle: a full batch sums over every sample in
each step whatever their order. The tutorials' presets leave it off.
"""

from __future__ import annotations

import numpy as np

from xorlab.core.training.spec import TrainingSpec

# Mixed with the seed so the order does not repeat the initial weights' own draws.
SHUFFLE_SALT = 0x5F1F_F1E5


def shuffles(training: TrainingSpec) -> bool:
    return training.shuffle and training.schedule != "full"


def epoch_order(n_samples: int, seed: int, epoch: int) -> np.ndarray:
    """The order of the samples in epoch ``epoch``: a permutation of range(n_samples)."""
    rng = np.random.default_rng([seed, epoch, SHUFFLE_SALT])
    return rng.permutation(n_samples).astype(np.int64)


def epoch_rows(batches: np.ndarray, n_samples: int, seed: int, epoch: int) -> np.ndarray:
    """The sample rows of each step of epoch ``epoch``: the batch table's positions, read
    through that epoch's order."""
    return epoch_order(n_samples, seed, epoch)[batches]
