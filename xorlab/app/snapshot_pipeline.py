"""Live snapshots of a big network finished on a thread of their own, beside the training.

A snapshot's own work is the evaluation of its weights on the training set (and the held-out
samples) and its maps over the plane: tens of microseconds for the presets, but ~5 ms for a
2-64-64-64-1 net on 2,000 points (three 2,000 x 64 x 64 products and tanh in float64 numpy)
and ~2-3 ms more for its decision map. Done on the training thread, that work was kept to
a tenth of its time (app/pacing.py), which capped such a net at ~20 snapshots a second. The
machine has two cores: the training loop (one that releases the GIL: the fused loop, the
scan loop on Numba) keeps one, and the GUI thread draws on the other, which a frame every
~30 ms leaves mostly idle. So the worker copies what a snapshot needs (weights, optimizer
state, cost points: ~0.1 ms, Trainer.snapshot_parts), hands the copies here, and trains on;
this thread evaluates those copies (Trainer.finish_snapshot, LiveMaps.compute with the
weights) and posts the snapshot. Every number in it is from the copied weights of one step,
so every view shows that step, exactly as if the worker had evaluated it itself; it only
reaches the GUI a few milliseconds later.

Which snapshots: only the live ones of a loop that releases the GIL, once their evaluation
takes 1 ms or more (app/pacing.py: SnapshotPacing.off_thread); a snapshot the run settles on
(pause, stop, the end, a milestone) is made on the worker's thread as before.

Order: one snapshot at a time is in flight, and everything the worker posts itself waits
for it first (``post``), so the GUI still receives the items in the order they were made.
Qt-free: the outbox's ``post`` is thread-safe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class Poster(Protocol):
    def post(self, kind: str, *args: Any) -> int: ...


class SnapshotPipeline:
    """Owned by the training worker's thread; posts through ``outbox`` in order."""

    def __init__(self, outbox: Poster):
        self._outbox = outbox
        self._executor: ThreadPoolExecutor | None = None
        self._future: Future[int] | None = None
        self.last_post = 0  # the outbox number of the last snapshot this thread posted

    def busy(self) -> bool:
        """A snapshot is being finished."""
        return self._future is not None and not self._future.done()

    def submit(self, finish: Callable[[], tuple[Any, tuple[Any, ...]]]) -> None:
        """Run ``finish`` on the snapshot thread, after the snapshot in flight; it returns
        (snapshot, progress args), which is posted as a "snapshot" item."""
        self.wait()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="xorlab-snapshot")
        self._future = self._executor.submit(self._run, finish)

    def _run(self, finish: Callable[[], tuple[Any, tuple[Any, ...]]]) -> int:
        try:
            snapshot, progress = finish()
        except Exception as exc:  # reported as the worker reports its own failures
            logger.exception("finishing a snapshot failed")
            return self._outbox.post("failed", f"Cannot evaluate the network: {exc}")
        self.last_post = self._outbox.post("snapshot", snapshot, progress)
        return self.last_post

    def wait(self) -> None:
        """Until the snapshot in flight is posted (or its failure)."""
        future, self._future = self._future, None
        if future is not None:
            future.result()

    def post(self, kind: str, *args: Any) -> int:
        """``outbox.post``, after the snapshot in flight: the worker posts through this."""
        self.wait()
        return self._outbox.post(kind, *args)

    def close(self) -> None:
        """Wait for the snapshot in flight and end the thread."""
        try:
            self.wait()
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None
