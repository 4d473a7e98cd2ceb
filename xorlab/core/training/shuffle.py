"""Mini-batch order: the batch table (which samples each step of an epoch takes; numpy only,
so the window's status bar reads it without PyTensor) and, with ``training.shuffle``, a new
order each epoch, drawn from the weight seed and the epoch number, so a run is reproducible
step for step and can resume mid-run (the order of epoch e never depends on earlier epochs).

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


def batch_table(n_samples: int, schedule: str, batch_size: int) -> np.ndarray:
    """Sample indices of each step of an epoch, shape (steps per epoch, batch size).

    Mini-batches take samples in dataset order; a short last batch is filled from the start
    of the set so every step sees the same batch size and one compiled loop serves them all.
    """
    if schedule == "full":
        return np.arange(n_samples, dtype=np.int64)[None, :]
    if schedule == "sample":
        return np.arange(n_samples, dtype=np.int64)[:, None]
    size = min(batch_size, n_samples)
    n_batches = -(-n_samples // size)
    order = np.arange(n_batches * size, dtype=np.int64) % n_samples
    return order.reshape(n_batches, size)
