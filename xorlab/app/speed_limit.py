"""A cap on training steps per second, so a person can watch a network learn.

The tutorial network trains its 60,000 steps in well under a second in the window: fine for
a result, too fast to see the outputs separate. Under a cap the worker trains in batches
GRAIN_SECONDS of the cap's steps apart (at 1,000 steps/s, 20 steps every 20 ms), so the
plots move smoothly and the worker sleeps in between instead of spinning. A token bucket
keeps the average exact across pauses of any length: time spent waiting for the GUI is
credited, but never more than BURST_SECONDS of it, so closing a modal dialog does not
release a burst of steps. No clock reading reaches the numbers trained: only how many steps
each chunk runs, which never changes the result (chunking is exact).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

GRAIN_SECONDS = 0.02
BURST_SECONDS = 0.1
EPSILON = 1e-9  # steps: rounding in the clock arithmetic must not cost a tick
FULL = "full"
# (key, steps per second or None, menu text); the keys are what settings and --speed hold.
SPEEDS: tuple[tuple[str, float | None, str], ...] = (
    (FULL, None, "&Full speed"),
    ("10000", 10_000.0, "10,000 steps/s"),
    ("1000", 1_000.0, "1,000 steps/s"),
    ("100", 100.0, "100 steps/s"),
    ("10", 10.0, "10 steps/s"),
)
RATES = {key: rate for key, rate, _ in SPEEDS}


def speed_key(text: str) -> str | None:
    """The key for a user's ``--speed`` value ("full", "1000", "1e3", "1,000"), or None."""
    cleaned = text.strip().lower().replace(",", "").replace("_", "")
    if cleaned in RATES:
        return cleaned
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return next((key for key, rate in RATES.items() if rate == value), None)


class SpeedLimit:
    """Owned by the worker thread. ``rate`` is steps per second of wall time, None for no cap."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter):
        self._clock = clock
        self.rate: float | None = None
        self._tokens = 0.0
        self._last = clock()

    @property
    def limited(self) -> bool:
        return self.rate is not None

    def set_rate(self, rate: float | None) -> None:
        if rate is not None and not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"a speed limit must be a positive number of steps/s, not {rate}")
        self.rate = None if rate is None else float(rate)
        self.restart()

    def restart(self) -> None:
        """A run starts or resumes: what a pause would have earned is forgotten."""
        self._tokens = 1.0
        self._last = self._clock()

    def take(self, wanted: int) -> int:
        """How many of ``wanted`` steps to run now (all of them without a cap); 0 means
        wait ``seconds_to_wait(wanted)`` first."""
        if self.rate is None:
            return wanted
        self._refill(self.rate)
        tokens = self._tokens + EPSILON  # waiting seconds_to_wait() is always enough
        if tokens < self._batch(wanted):
            return 0
        steps = min(wanted, int(tokens))
        self._tokens -= steps
        return steps

    def seconds_to_wait(self, wanted: int) -> float:
        """Until a batch worth running (a GRAIN_SECONDS share of the cap) is allowed."""
        if self.rate is None:
            return 0.0
        self._refill(self.rate)
        return max(0.0, (self._batch(wanted) - self._tokens) / self.rate)

    def _batch(self, wanted: int) -> float:
        assert self.rate is not None
        return max(1.0, min(float(wanted), math.floor(self.rate * GRAIN_SECONDS)))

    def _refill(self, rate: float) -> None:
        now = self._clock()
        ceiling = max(1.0, rate * BURST_SECONDS)
        self._tokens = min(ceiling, self._tokens + (now - self._last) * rate)
        self._last = now
