"""A cost history whose memory stays flat however long training runs.

Points are kept at a stride that doubles (dropping every other point) whenever the buffer
fills, so 10^7 epochs cost no more memory than 10^4 and the curve keeps its shape.
"""

from __future__ import annotations

import numpy as np

DEFAULT_CAPACITY = 8192


class CostHistory:
    """(epoch, cost) points, downsampled by powers of two once ``capacity`` is reached."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        if capacity < 2:
            raise ValueError("capacity must be at least 2")
        self.capacity = capacity
        self.stride = 1
        self._epochs = np.empty(capacity, dtype=np.int64)
        self._costs = np.empty(capacity, dtype=np.float64)
        self._size = 0
        self._seen = 0  # points offered, kept or not: decides which ones the stride keeps
        self._unsent = 0  # kept points not yet handed out by take_new()

    def __len__(self) -> int:
        return self._size

    def append(self, epoch: int, cost: float) -> None:
        keep = self._seen % self.stride == 0
        self._seen += 1
        if not keep:
            return
        if self._size == self.capacity:
            self._decimate()
            if (self._seen - 1) % self.stride:
                return
        self._epochs[self._size] = epoch
        self._costs[self._size] = cost
        self._size += 1
        self._unsent += 1

    def _decimate(self) -> None:
        half = self._epochs[: self._size : 2].size
        self._epochs[:half] = self._epochs[: self._size : 2]
        self._costs[:half] = self._costs[: self._size : 2]
        # Unsent points that were dropped are simply never sent: the curve stays consistent.
        # The unsent ones kept are the even indices from the first unsent one on.
        first_unsent = self._size - self._unsent
        self._unsent = half - (first_unsent + 1) // 2
        self._size = half
        self.stride *= 2

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of all kept points."""
        return self._epochs[: self._size].copy(), self._costs[: self._size].copy()

    def take_new(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the points kept since the last call."""
        start = self._size - self._unsent
        self._unsent = 0
        return self._epochs[start : self._size].copy(), self._costs[start : self._size].copy()

    def extend(self, epochs: np.ndarray, costs: np.ndarray) -> None:
        """``append`` each point in turn, vectorized: a tiny net trains millions of epochs a
        second and a Python call per point would cost more than the training itself."""
        epochs = np.asarray(epochs, dtype=np.int64)
        costs = np.asarray(costs, dtype=np.float64)
        if epochs.shape != costs.shape:
            raise ValueError("epochs and costs differ in length")
        i, n = 0, epochs.size
        while i < n:
            first = i + (-self._seen) % self.stride  # the next point the stride keeps
            kept = np.arange(first, n, self.stride)
            room = self.capacity - self._size
            self._store(epochs[kept[:room]], costs[kept[:room]])
            if kept.size <= room:
                self._seen += n - i
                return
            # The next kept point finds the buffer full: decimate, then offer it as append does.
            j = int(kept[room])
            self._seen += j - i
            self.append(int(epochs[j]), float(costs[j]))
            i = j + 1

    def _store(self, epochs: np.ndarray, costs: np.ndarray) -> None:
        end = self._size + epochs.size
        self._epochs[self._size : end] = epochs
        self._costs[self._size : end] = costs
        self._size = end
        self._unsent += epochs.size
