"""Snapshots kept for time travel, bounded in number and spaced about logarithmically.

Early training changes fastest, so a log-spaced timeline keeps the moments worth replaying:
when full, the snapshot whose neighbours are closest in log(epoch) is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

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

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> Any:
        return self._items[index]

    def epochs(self) -> list[int]:
        return [self._epoch_of(item) for item in self._items]

    def clear(self) -> None:
        self._items.clear()

    def add(self, item: Any) -> None:
        if self._items and self._epoch_of(item) <= self._epoch_of(self._items[-1]):
            # A re-sent epoch (a step after a pause) replaces the older copy.
            while self._items and self._epoch_of(self._items[-1]) >= self._epoch_of(item):
                self._items.pop()
        self._items.append(item)
        if len(self._items) > self.capacity:
            self._drop_most_redundant()

    def _drop_most_redundant(self) -> None:
        logs = [math.log1p(max(self._epoch_of(item), 0)) for item in self._items]
        best, best_gap = 1, math.inf
        for i in range(1, len(logs) - 1):
            gap = logs[i + 1] - logs[i - 1]
            if gap < best_gap:
                best, best_gap = i, gap
        del self._items[best]

    def nearest(self, epoch: int) -> Any:
        """The kept item closest to ``epoch``."""
        if not self._items:
            raise IndexError("the timeline is empty")
        return min(self._items, key=lambda item: abs(self._epoch_of(item) - epoch))
