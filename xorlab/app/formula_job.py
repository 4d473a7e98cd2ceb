"""The formula panel's job: trace one sample's forward and backward pass on the worker thread.

A FormulaTracer compiles a PyTensor function, so it is built once per trainer, on the thread
that owns the trainer, and kept in a WeakKeyDictionary keyed by that trainer: when the worker
drops a trainer for a new network, its tracer goes with it. The tracer holds its trainer only
weakly, or the dictionary's value would keep its own key alive for ever.
"""

from __future__ import annotations

import functools
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from xorlab.app.trainer_jobs import TrainerJob
from xorlab.core.training.spec import ExperimentSpec

if TYPE_CHECKING:
    from xorlab.core.training.formulas import FormulaTracer, SampleTrace
    from xorlab.core.training.trainer import Trainer

KIND = "formula"


@dataclass(frozen=True, eq=False)
class FormulaResult:
    ticket: int  # which request this answers; the panel drops answers to older ones
    trace: SampleTrace
    epoch: int  # the epoch the weights are from
    spec: ExperimentSpec
    n_samples: int
    samples_per_step: int
    replayed: bool  # traced with a stored snapshot's weights, not the live ones


@functools.cache
def _weak_tracer_type() -> type[FormulaTracer]:
    """FormulaTracer, referring to its trainer weakly (see the module docstring). Made on
    first use, on the worker thread: the Formulas tab imports this module with the window,
    before PyTensor (which FormulaTracer needs) is imported."""
    from xorlab.core.training.formulas import FormulaTracer

    class _WeakTracer(FormulaTracer):
        @property
        def trainer(self) -> Trainer:
            trainer = self._trainer_ref()
            if trainer is None:
                raise RuntimeError("the trainer of this formula tracer is gone")
            return trainer

        @trainer.setter
        def trainer(self, trainer: Trainer) -> None:
            self._trainer_ref = weakref.ref(trainer)

    return _WeakTracer


_tracers: weakref.WeakKeyDictionary[Trainer, FormulaTracer] = weakref.WeakKeyDictionary()
_lock = threading.Lock()  # tests run several workers, each on its own thread


def tracer_for(trainer: Trainer) -> FormulaTracer:
    """The trainer's tracer, compiled on first use (call it on the trainer's thread)."""
    with _lock:
        tracer = _tracers.get(trainer)
    if tracer is None:
        tracer = _weak_tracer_type()(trainer)
        with _lock:
            _tracers[trainer] = tracer
    return tracer


def cached_tracer_count() -> int:
    with _lock:
        return len(_tracers)


def trace_job(
    ticket: int, sample: int, weights: tuple[np.ndarray, ...] | None = None, epoch: int = 0
) -> TrainerJob:
    """A job tracing ``sample`` with the live weights, or with ``weights`` (a replayed
    snapshot's, from ``epoch``) put in for the trace and taken out again. Answers None when
    the request no longer fits the trainer (the network changed since it was made)."""

    def run(trainer: Trainer) -> FormulaResult | None:
        if not 0 <= sample < trainer.dataset.n_samples:
            return None
        tracer = tracer_for(trainer)
        if weights is None:
            trace, traced_epoch = tracer.trace(sample), trainer.epoch
        else:
            live = trainer.get_weights()
            if [w.shape for w in weights] != [w.shape for w in live]:
                return None
            trainer.set_weights(list(weights))
            try:
                trace = tracer.trace(sample)
            finally:
                trainer.set_weights(live)  # the run goes on with its own weights
            traced_epoch = epoch
        return FormulaResult(
            ticket=ticket,
            trace=trace,
            epoch=traced_epoch,
            spec=trainer.spec,
            n_samples=trainer.dataset.n_samples,
            samples_per_step=int(trainer.batches.shape[1]),
            replayed=weights is not None,
        )

    return TrainerJob(KIND, run)
