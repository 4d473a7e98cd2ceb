"""The test set's cost and accuracy during training, at fixed epochs.

Training costs come free with every step (the loop returns them); measuring the held-out
samples costs an evaluation, so it is done every ``held_out_interval`` epochs, a fixed rule of
the spec, not of how the app happens to chunk the run: a headless run and a run in the
window record the same points. A point at epoch E is the cost of the weights after E
epochs, as the training history's point E is the cost before epoch E's last update.
"""

from __future__ import annotations

import numpy as np

from xorlab.core.training.history import DEFAULT_CAPACITY, CostHistory

# About this many test points per run, whatever its length.
TEST_POINTS = 500


def held_out_interval(epochs: int) -> int:
    """Epochs between two test points of a run of ``epochs`` epochs."""
    return max(1, epochs // TEST_POINTS)


def accuracy(outputs: np.ndarray, targets: np.ndarray) -> float:
    """Share of rows whose every output is on the target's side of 0.5; NaN for targets
    that are not all 0 or 1 (regression: see ``mean_abs_error``)."""
    if outputs.shape[0] == 0 or not np.isin(targets, (0.0, 1.0)).all():
        return float("nan")
    return float(np.mean(np.all((outputs >= 0.5) == (targets >= 0.5), axis=1)))


def mean_abs_error(outputs: np.ndarray, targets: np.ndarray) -> float:
    """How far the outputs are from real-valued targets, on average (regression's error)."""
    return float(np.mean(np.abs(outputs - targets)))


class HeldOutHistory:
    """(epoch, test cost, test accuracy) points, downsampled like CostHistory (the two
    histories inside decimate in step since they are offered the same points)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        self._costs = CostHistory(capacity)
        self._accuracy = CostHistory(capacity)
        self.last_step: int | None = None  # the training step of the newest point

    def __len__(self) -> int:
        return len(self._costs)

    def append(self, step: int, epoch: int, cost: float, accuracy: float) -> None:
        self._costs.append(epoch, cost)
        self._accuracy.append(epoch, accuracy)
        self.last_step = step

    def extend(self, epochs: np.ndarray, costs: np.ndarray, accuracy: np.ndarray) -> None:
        self._costs.extend(epochs, costs)
        self._accuracy.extend(epochs, accuracy)

    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Copies of all kept points: epochs, costs, accuracies."""
        epochs, costs = self._costs.data()
        return epochs, costs, self._accuracy.data()[1]

    def take_new(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The points kept since the last call."""
        epochs, costs = self._costs.take_new()
        return epochs, costs, self._accuracy.take_new()[1]
