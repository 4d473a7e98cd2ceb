"""Sweeps: train a grid of variants of one experiment and summarise each run.

Variants that differ only in seed or learning rate share one compiled trainer (the learning
rate is a shared variable and the seed only changes the initial draw), so a sweep over ten
learning rates compiles once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from xorlab.core.training.datasets import Dataset, load_dataset
from xorlab.core.training.model import init_weights
from xorlab.core.training.spec import ExperimentSpec, FieldError, SpecError, validate
from xorlab.core.training.trainer import DivergenceError, Trainer

MAX_RUNS = 200
CHUNK_STEPS = 20_000


@dataclass(frozen=True)
class SweepRun:
    label: str  # what differs from the base, e.g. "lr=0.1 seed=2"
    spec: ExperimentSpec


@dataclass(frozen=True, eq=False)
class SweepResult:
    label: str
    spec: ExperimentSpec
    final_cost: float
    epochs_to_target: int | None  # first epoch whose cost reached the target, if any
    accuracy: float  # fraction of outputs on the right side of 0.5
    history_epochs: np.ndarray
    history_costs: np.ndarray
    diverged: str = ""


def sweep_runs(
    base: ExperimentSpec,
    seeds: Sequence[int] = (),
    learning_rates: Sequence[float] = (),
    hidden_sizes: Sequence[int] = (),
) -> list[SweepRun]:
    """The grid of variants; an empty axis keeps the base value. Raises SpecError."""
    axes = [
        ("seed", list(seeds) or [None]),
        ("lr", list(learning_rates) or [None]),
        ("hidden", list(hidden_sizes) or [None]),
    ]
    combos = list(itertools.product(*(values for _, values in axes)))
    if len(combos) > MAX_RUNS:
        raise SpecError([FieldError("sweep", f"{len(combos)} runs; the limit is {MAX_RUNS}")])
    runs = []
    for seed, lr, hidden in combos:
        net, tr = base.network, base.training
        if seed is not None:
            net = replace(net, seed=seed)
        if lr is not None:
            tr = replace(tr, learning_rate=lr)
        if hidden is not None:
            net = replace(net, hidden=(hidden, *net.hidden[1:]))
        spec = replace(base, network=net, training=tr)
        errors = validate(spec)
        if errors:
            raise SpecError(errors)
        parts = [
            f"{name}={value:g}"
            for (name, _), value in zip(axes, (seed, lr, hidden), strict=True)
            if value is not None
        ]
        runs.append(SweepRun(" ".join(parts) or "base", spec))
    return runs


def _structure(spec: ExperimentSpec) -> ExperimentSpec:
    """The part of a spec that needs its own compiled functions."""
    return replace(
        spec,
        network=replace(spec.network, seed=0),
        training=replace(spec.training, learning_rate=1.0),
    )


def accuracy(outputs: np.ndarray, targets: np.ndarray) -> float:
    return float(np.mean((outputs > 0.5) == (targets > 0.5)))


def run_sweep(
    runs: Sequence[SweepRun],
    target_cost: float,
    dataset: Dataset | None = None,
    on_result: Callable[[SweepResult], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[SweepResult]:
    """Train each run to its epoch limit; ``should_stop`` is checked between chunks."""
    trainers: dict[ExperimentSpec, Trainer] = {}
    results = []
    for run in runs:
        if should_stop():
            break
        data = dataset if dataset is not None else load_dataset(run.spec.dataset)
        key = _structure(run.spec)
        trainer = trainers.get(key)
        if trainer is None:
            trainer = trainers[key] = Trainer(run.spec, data)
        trainer.reset()
        trainer.set_weights(init_weights(run.spec.network, data.n_inputs, data.n_outputs))
        trainer.set_learning_rate(run.spec.training.learning_rate)
        diverged = ""
        while not trainer.done and not should_stop():
            try:
                trainer.run(CHUNK_STEPS)
            except DivergenceError as exc:
                diverged = str(exc)
                break
        outputs, cost = trainer.evaluate()
        epochs, costs = trainer.history.data()
        reached = np.flatnonzero(costs <= target_cost)
        result = SweepResult(
            run.label,
            run.spec,
            cost,
            int(epochs[reached[0]]) if reached.size else None,
            accuracy(outputs, data.y),
            epochs,
            costs,
            diverged,
        )
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results
