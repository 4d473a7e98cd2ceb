"""Snapshots kept for time travel, bounded in number and spaced about logarithmically.

Early training changes fastest, so a log-spaced timeline keeps the moments worth replaying:
when full, the snapshot whose neighbours are closest in log(epoch) is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

DEFAULT_CAPACITY = 240


class Timeline:
    """Items with an epoch each, in epoch order; the first and the latest are always kept."""

    def __init__(
        self, capacity: int = DEFAULT_CAPACITY, epoch_of: Callable[[Any], int] | None = None
    ):
        if capacity < 3:
            raise ValueError("capacity must be at least 3")
        self.capacity = capacity
        self._epoch_of = epoch_of or (lambda item: item.epoch)
        self._items: list[Any] = []
        self._logs: list[float] = []  # log1p(epoch) of each item, kept beside it

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> Any:
        return self._items[index]

    def epochs(self) -> list[int]:
        return [self._epoch_of(item) for item in self._items]

    def clear(self) -> None:
        self._items.clear()
        self._logs.clear()

    def add(self, item: Any) -> None:
        if self._items and self._epoch_of(item) <= self._epoch_of(self._items[-1]):
            # A re-sent epoch (a step after a pause) replaces the older copy.
            while self._items and self._epoch_of(self._items[-1]) >= self._epoch_of(item):
                self._items.pop()
                self._logs.pop()
        self._items.append(item)
        self._logs.append(math.log1p(max(self._epoch_of(item), 0)))
        if len(self._items) > self.capacity:
            self._drop_most_redundant()

    def _drop_most_redundant(self) -> None:
        # Vectorized: snapshots arrive up to 60 times a second, each may drop one.
        logs = np.asarray(self._logs)
        best = int(np.argmin(logs[2:] - logs[:-2])) + 1  # the first of equal gaps, as before
        del self._items[best]
        del self._logs[best]

    def nearest(self, epoch: int) -> Any:
        """The kept item closest to ``epoch``."""
        if not self._items:
            raise IndexError("the timeline is empty")
        return min(self._items, key=lambda item: abs(self._epoch_of(item) - epoch))
