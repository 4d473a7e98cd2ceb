"""When the GUI-thread collector (gui_gc.py) runs which cycle collection: pure bookkeeping,
no Qt and no gc calls, so every rule is tested with made-up counts and clocks.

Three rules, each against a lag spike measured in the window (bench/gui.py):

- Young collections stay small. Their cost is proportional to the objects allocated since
  the last one, and a compile on the worker allocates up to ~300 000 tracked objects a
  second (the spiral's: 417 000 in 1.4 s, half of them cyclic garbage), so a fixed 500 ms
  tick met 30-130 ms generation-0 collections during and after every compile. The
  tick now follows the allocation rate: when a tick finds more than ``burst_objects`` new
  objects the next comes after ``min_interval_ms``; otherwise the interval doubles back up
  to ``max_interval_ms``. Generation 1 is also collected once the young collections have
  left about threshold0 * threshold1 (7000) survivors in it, the most CPython's 700-object
  collections would let it hold: a compile's new graph is promoted in ~10 ms pieces, not
  in one 100 ms collection.
- Full collections follow CPython's own rule (gcmodule.c): besides gen-2's count
  threshold, the objects promoted to the oldest generation since the last full collection
  must exceed 25% of the objects that survived it. The old collector skipped that rule and
  traversed all ~400 000 long-lived objects of a window that has compiled a few networks
  (300-450 ms on a busy machine) every ten generation-1 collections.
- Full collections cost at most ``full_share`` of the GUI's time: one that took d seconds
  waits at least d * (1 / full_share - 1) before the next. And garbage that only a full
  collection finds (a closed window, a dropped Trainer held in cycles) is freed within
  ``max_full_age_s`` (five minutes) even when little is promoted, subject to the same
  budget. Garbage that keeps coming (windows opened and closed, networks recompiled)
  promotes new objects too and meets the 25% rule long before.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

MIN_INTERVAL_MS = 16
MAX_INTERVAL_MS = 50
BURST_OBJECTS = 2_000
FULL_SHARE = 0.01
MAX_FULL_AGE_S = 300.0
LONG_LIVED_PENDING_SHARE = 0.25  # CPython's ratio


@dataclass(frozen=True)
class Collected:
    """What one collection did, as the collector measured it."""

    generation: int
    seconds: float
    survivors: int = 0  # objects it moved on: to generation 1 (from 0) or 2 (from 1)
    long_lived: int = 0  # generation 2: objects in the oldest generation after it


class CollectionPolicy:
    """Decides, at each tick of the collector's timer, which generation to collect (if any)
    and when the next tick comes. ``clock`` is seconds on a monotonic clock."""

    def __init__(
        self,
        thresholds: tuple[int, int, int] = (700, 10, 10),
        clock: Callable[[], float] = time.perf_counter,
        *,
        min_interval_ms: int = MIN_INTERVAL_MS,
        max_interval_ms: int = MAX_INTERVAL_MS,
        burst_objects: int = BURST_OBJECTS,
        full_share: float = FULL_SHARE,
        max_full_age_s: float = MAX_FULL_AGE_S,
    ):
        if not 0 < full_share < 1:
            raise ValueError(f"full_share must be in (0, 1), not {full_share}")
        if not 0 < min_interval_ms <= max_interval_ms:
            raise ValueError("need 0 < min_interval_ms <= max_interval_ms")
        self.thresholds = thresholds
        self.clock = clock
        self.min_interval_ms = min_interval_ms
        self.max_interval_ms = max_interval_ms
        self.burst_objects = burst_objects
        self.full_share = full_share
        self.max_full_age_s = max_full_age_s
        self.interval_ms = max_interval_ms
        # CPython's long_lived_total / long_lived_pending, estimated from outside.
        self.long_lived_total = 0
        self.long_lived_pending = 0
        self.young_survivors = 0  # left in generation 1 by generation-0 collections
        self.last_full_end = clock()  # the process's start counts as one: nothing is old yet
        self.last_full_seconds = 0.0
        self.full_collections = 0

    def generation_due(self, counts: tuple[int, int, int]) -> int | None:
        """The oldest generation to collect now, given ``gc.get_count()``; None for none."""
        if self.full_due(counts):
            return 2
        # When the 25% rule bars generation 2, CPython goes on to the younger ones as usual.
        if counts[1] > self.thresholds[1] or self.young_survivors > self.young_capacity():
            return 1
        return 0 if counts[0] > self.thresholds[0] else None

    def young_capacity(self) -> int:
        """Survivors generation 1 may gather before it is collected early."""
        return self.thresholds[0] * self.thresholds[1]

    def full_due(self, counts: tuple[int, int, int]) -> bool:
        since = self.clock() - self.last_full_end
        if since < self.full_spacing_s():
            return False
        if since >= self.max_full_age_s:
            return True
        many_promoted = self.long_lived_pending > self.long_lived_total * LONG_LIVED_PENDING_SHARE
        return counts[2] > self.thresholds[2] and many_promoted

    def full_spacing_s(self) -> float:
        """Seconds from the end of the last full collection before the next may start."""
        return self.last_full_seconds * (1 / self.full_share - 1)

    def record(self, collected: Collected) -> None:
        """Book a collection the collector ran (its clock reading is taken as its end)."""
        if collected.generation == 0:
            self.young_survivors += max(collected.survivors, 0)
            return
        self.young_survivors = 0
        if collected.generation == 1:
            self.long_lived_pending += max(collected.survivors, 0)
        else:
            self.long_lived_total = collected.long_lived
            self.long_lived_pending = 0
            self.last_full_end = self.clock()
            self.last_full_seconds = collected.seconds
            self.full_collections += 1

    def next_interval_ms(self, young_objects: int) -> int:
        """The wait before the next tick, given the generation-0 count this tick found:
        short while something allocates fast, so each young collection stays small."""
        if young_objects > self.burst_objects:
            self.interval_ms = self.min_interval_ms
        else:
            self.interval_ms = min(self.interval_ms * 2, self.max_interval_ms)
        return self.interval_ms
