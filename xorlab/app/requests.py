"""Requests the worker thread must see at once rather than in queue order: the latest spec
(or saved experiment) to compile, so rapid edits merge into one compile, the training-loop
strategy to compile it with, and closing."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from xorlab.core.training.spec import ExperimentSpec

if TYPE_CHECKING:
    from xorlab.core.io.experiment import Experiment


def compile_key(spec: ExperimentSpec) -> ExperimentSpec:
    """The part of a spec the compiled functions depend on; the rest is applied in place."""
    return spec.with_changes(
        network={"seed": 0},
        training={
            "learning_rate": 1.0,
            "epochs": 1,
            "log_every": 1,
            "target_cost": 0.0,
            "plateau_epochs": 0,
            "plateau_tolerance": 0.0,
        },
    )


class Requests:
    """Written by the GUI thread, read by the worker thread; every access holds the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spec: ExperimentSpec | None = None
        self._experiment: Experiment | None = None
        self._generation = 0
        self._closing = threading.Event()
        self._strategy = "auto"  # one of xorlab.core.training.strategies.STRATEGIES
        self._last_spec: ExperimentSpec | None = None

    def put_spec(self, spec: ExperimentSpec, experiment: Experiment | None = None) -> None:
        """``experiment``: also restore its weights and history once compiled."""
        with self._lock:
            self._spec, self._experiment = spec, experiment
            self._last_spec = spec
            self._generation += 1

    def put_strategy(self, strategy: str) -> bool:
        """Compile with ``strategy`` from now on; the last spec is asked for again so it
        recompiles. False when it was the strategy already."""
        with self._lock:
            if strategy == self._strategy:
                return False
            self._strategy = strategy
            if self._spec is None and self._last_spec is not None:
                self._spec = self._last_spec  # a fresh run of the spec in force
            self._generation += 1
            return True

    @property
    def last_spec(self) -> ExperimentSpec | None:
        """The spec last asked for (taken or not)."""
        with self._lock:
            return self._last_spec

    @property
    def strategy(self) -> str:
        with self._lock:
            return self._strategy

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
