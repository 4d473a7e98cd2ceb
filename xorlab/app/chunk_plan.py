"""How many steps the training session's next chunk runs, and how fast training is going.

A chunk is sized to take about ``chunk_seconds`` of compute, so the worker's event loop sees
pause, stop and new requests that often whatever the network; the size changes by at most 2x
per chunk, so one slow chunk (a collection, another process) does not swing it. Under a speed
cap (speed_limit.py) a chunk runs only what the cap allows. The rate reported is of the
worker's own time at full speed (what the engine does, snapshots included, waits for the GUI
not) and of wall time under a cap (the speed the person watches).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from xorlab.app.speed_limit import SpeedLimit

FIRST_CHUNK_STEPS = 64
# The quick tier takes 0.3-10 ms a step: its first chunk is one step, so the first point
# comes at once; the chunk then doubles toward chunk_seconds.
QUICK_FIRST_CHUNK_STEPS = 1
RATE_SMOOTHING = 0.2  # weight of the newest chunk in the rate shown


class ChunkPlan:
    """Owned by the worker thread's session."""

    def __init__(self, chunk_seconds: float, clock: Callable[[], float] = time.perf_counter):
        self.chunk_seconds = chunk_seconds
        self.chunk_steps = FIRST_CHUNK_STEPS
        self.speed = SpeedLimit(clock)
        self.steps_per_second = 0.0
        self._clock = clock
        self._origin = (clock(), 0)  # under a cap the rate is of wall time since this

    def new_network(self, first_steps: int = FIRST_CHUNK_STEPS) -> None:
        """Another compiled loop: its speed is unknown again."""
        self.chunk_steps = first_steps

    def start(self, step_count: int) -> None:
        """Training starts or resumes at ``step_count``: a pause earns no steps."""
        self.speed.restart()
        self._restart_rate(step_count)

    def set_speed(self, steps_per_second: float | None, step_count: int) -> None:
        """A new cap (None: none) from the next chunk; the rate shown restarts with it."""
        self.speed.set_rate(steps_per_second)
        self._restart_rate(step_count)

    def take(self, wanted: int) -> int:
        """Steps to run now, at most ``wanted``; 0 means wait ``seconds_to_wait(wanted)``."""
        return self.speed.take(min(self.chunk_steps, wanted))

    def seconds_to_wait(self, wanted: int) -> float:
        return self.speed.seconds_to_wait(min(self.chunk_steps, wanted))

    def note_compute(self, steps: int, seconds: float) -> None:
        """A chunk of ``steps`` computed in ``seconds``: aim the next one at chunk_seconds."""
        if self.speed.limited or steps < self.chunk_steps or seconds <= 0:
            return  # capped chunks and a short last chunk say nothing about the engine
        ideal = steps * self.chunk_seconds / seconds
        self.chunk_steps = int(min(max(ideal, self.chunk_steps / 2, 1), self.chunk_steps * 2))

    def measure(self, steps: int, seconds: float, step_count: int) -> None:
        """A tick ran ``steps`` in ``seconds`` of the worker's time, reaching ``step_count``."""
        if self.speed.limited:
            since, origin_step = self._origin
            elapsed = self._clock() - since
            if elapsed > 0:
                self.steps_per_second = (step_count - origin_step) / elapsed
            return
        if seconds > 0:
            rate, old = steps / seconds, self.steps_per_second
            self.steps_per_second = rate if old == 0 else old + RATE_SMOOTHING * (rate - old)

    def _restart_rate(self, step_count: int) -> None:
        self.steps_per_second = 0.0
        self._origin = (self._clock(), step_count)
