"""Runs a sweep (xorlab.core.sweep.runs.run_sweep) on a background thread of its own.

The sweep builds and owns its Trainers on that thread; the training worker's Trainer is never
touched, so the window can keep training while a sweep runs. Each run's result reaches the
GUI thread as it finishes (``run_finished``); ``cancel`` stops between chunks, and a run cut
short is dropped rather than reported as if it had finished. ``request_shutdown``/``wait``
follow BackgroundRunner's contract so the window's closeEvent treats it like any runner.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from xorlab.core.first_imports import import_pytensor
from xorlab.core.training.datasets import load_dataset
from xorlab.ui.runtime.background import BackgroundRunner

if TYPE_CHECKING:
    from xorlab.core.sweep.runs import SweepResult, SweepRun

KIND = "sweep"


class _Relay(QObject):
    """Lives on the GUI thread; emitted from the sweep thread, so delivery is queued."""

    result_ready = Signal(int, object, bool)  # sweep number, SweepResult, trained to the end?


class SweepRunner(QObject):
    started = Signal(int)  # runs in the sweep
    run_finished = Signal(object, int, int)  # SweepResult, runs finished so far, runs in all
    sweep_finished = Signal(object, bool)  # list[SweepResult] of finished runs, cancelled?
    sweep_failed = Signal(str)
    finished = Signal()  # the thread has stopped after a shutdown

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._runner = BackgroundRunner("xorlab-sweep", self)
        self._runner.job_finished.connect(self._on_job_finished)
        self._runner.job_failed.connect(self._on_job_failed)
        self._runner.finished.connect(self.finished)
        self._relay = _Relay(self)
        self._relay.result_ready.connect(self._on_result_ready)
        self._stop = threading.Event()
        self._sweep = 0  # numbers each sweep so late results of a cancelled one are dropped
        self._total = 0
        self.results: list[SweepResult] = []

    def is_running(self) -> bool:
        return self._runner.is_busy(KIND)

    def start(self, runs: Sequence[SweepRun], target_cost: float) -> bool:
        """Start training ``runs``; False when a sweep is already running or after shutdown."""
        import_pytensor()  # this thread too: see core.first_imports
        from xorlab.core.sweep.runs import run_sweep

        if self.is_running() or not runs:
            return False
        self._stop = threading.Event()
        self._sweep += 1
        self._total = len(runs)
        self.results = []
        stop, sweep, relay = self._stop, self._sweep, self._relay
        runs = list(runs)
        cut = threading.Event()  # set once should_stop has said yes

        def should_stop() -> bool:
            if stop.is_set():
                cut.set()
                return True
            return False

        def on_result(result: SweepResult) -> None:
            # run_sweep asks should_stop only while a run has steps left (or before the next
            # run starts), so a result after a yes is a run cut short.
            relay.result_ready.emit(sweep, result, not cut.is_set())

        def work() -> tuple[int, bool]:
            # A sweep varies the network and training only: load the data once, here.
            dataset = load_dataset(runs[0].spec.dataset)
            run_sweep(runs, target_cost, dataset, on_result=on_result, should_stop=should_stop)
            return sweep, stop.is_set()

        if not self._runner.submit(KIND, work):
            return False
        self.started.emit(self._total)
        return True

    def cancel(self) -> None:
        """Stop after the chunk in progress (a compile in progress cannot be cut short)."""
        self._stop.set()

    def request_shutdown(self) -> None:
        self._stop.set()
        self._runner.request_shutdown()

    def wait(self, timeout_ms: int | None = None) -> bool:
        return self._runner.wait(timeout_ms)

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        self.request_shutdown()
        return self.wait(timeout_ms)

    @Slot(int, object, bool)
    def _on_result_ready(self, sweep: int, result: SweepResult, whole: bool) -> None:
        if sweep != self._sweep or not whole:
            return
        self.results.append(result)
        self.run_finished.emit(result, len(self.results), self._total)

    @Slot(str, object)
    def _on_job_finished(self, kind: str, value: object) -> None:
        if kind != KIND:
            return
        sweep, cancelled = value  # type: ignore[misc]
        if sweep == self._sweep:
            self.sweep_finished.emit(list(self.results), bool(cancelled))

    @Slot(str, object)
    def _on_job_failed(self, kind: str, error: object) -> None:
        if kind == KIND:
            self.sweep_failed.emit(str(error))
