"""Jobs run on the training worker's thread, with its Trainer, between chunks.

Views that need the live network (formula traces, per-neuron maps, live node values, a
weight edit) cannot touch the Trainer from the GUI thread: compiled PyTensor functions have
one owner. They submit a job by kind instead; a newer job of a kind replaces one still
waiting (merge, don't queue), and the answer comes back by signal on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xorlab.core.training.trainer import Trainer


@dataclass(frozen=True)
class TrainerJob:
    kind: str  # e.g. "formula", "neuron_maps"; one waiting job per kind
    run: Callable[[Trainer], Any]  # called on the worker thread; returns plain copies
    changes_weights: bool = False  # True: a snapshot follows so every view shows the change


class PendingJobs:
    """Jobs waiting for the worker, newest per kind; put by the GUI thread, taken on the worker."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, TrainerJob] = {}

    def put(self, job: TrainerJob) -> None:
        with self._lock:
            self._jobs.pop(job.kind, None)  # re-insert so jobs run in the order last asked
            self._jobs[job.kind] = job

    def take_all(self) -> list[TrainerJob]:
        with self._lock:
            jobs, self._jobs = list(self._jobs.values()), {}
            return jobs
