"""Requests the worker thread must see at once rather than in queue order: the latest spec
(or saved experiment) to compile, so rapid edits merge into one compile, and closing."""

from __future__ import annotations

import threading

from xorlab.core.experiment import Experiment
from xorlab.core.spec import ExperimentSpec


def compile_key(spec: ExperimentSpec) -> ExperimentSpec:
    """The part of a spec the compiled functions depend on; the rest is applied in place."""
    return spec.with_changes(training={"learning_rate": 1.0, "epochs": 1, "log_every": 1})


class Requests:
    """Written by the GUI thread, read by the worker thread; every access holds the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spec: ExperimentSpec | None = None
        self._experiment: Experiment | None = None
        self._generation = 0
        self._closing = threading.Event()

    def put_spec(self, spec: ExperimentSpec, experiment: Experiment | None = None) -> None:
        """``experiment``: also restore its weights and history once compiled."""
        with self._lock:
            self._spec, self._experiment = spec, experiment
            self._generation += 1

    def take_spec(self) -> tuple[ExperimentSpec | None, Experiment | None, int]:
        with self._lock:
            spec, experiment = self._spec, self._experiment
            self._spec = self._experiment = None
            return spec, experiment, self._generation

    def superseded(self, generation: int) -> bool:
        """A newer spec arrived, or we are closing: abandon the compile in progress."""
        with self._lock:
            return self._closing.is_set() or self._generation != generation

    def close(self) -> None:
        self._closing.set()

    @property
    def closing(self) -> bool:
        return self._closing.is_set()
