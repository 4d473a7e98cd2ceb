"""Shuffled mini-batches: every loop that can be picked trains on each epoch's own order,
step for step as the numpy oracle does with the same orders; no shuffle, no change."""

from __future__ import annotations

import numpy as np
import pytest

from tests.core.exported import assert_script_reproduces
from xorlab.core.training.model import init_weights
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.shuffle import SHUFFLE_SALT
from xorlab.core.training.trainer import Trainer

from ..reference import train_reference
from .loops import LOOPS, trainer_on

SPEC = preset_spec("xor-minimal").with_changes(
    dataset={"name": "parity3"},
    network={"hidden": (4,), "activations": ("tanh",), "bias": True, "seed": 9},
    training={
        "optimizer": "momentum",
        "cost": "mse",
        "learning_rate": 0.1,
        "schedule": "minibatch",
        "batch_size": 3,
        "shuffle": True,
        "epochs": 300,
        "log_every": 100,
    },
)


def reference_rows(batches: np.ndarray, n: int, seed: int, epochs: int) -> np.ndarray:
    """Every step's rows: epoch e reads the batch table through its own permutation."""
    return np.concatenate(
        [
            np.random.default_rng([seed, e, SHUFFLE_SALT]).permutation(n)[batches]
            for e in range(epochs)
        ]
    )


@pytest.mark.parametrize("strategy", LOOPS)
def test_every_loop_follows_each_epochs_order(strategy):
    t = trainer_on(SPEC, strategy)
    assert t.shuffles
    for chunk in (1, 2, 5, 100, 10**6):  # chunks starting mid-epoch too
        t.run(chunk)
    assert t.done
    rows = reference_rows(t.batches, 8, SPEC.network.seed, SPEC.training.epochs)
    weights, costs = train_reference(
        SPEC, t.dataset.X, t.dataset.y, init_weights(SPEC.network, 3, 1), len(rows), rows
    )
    steps, history = t.history.data()
    per_epoch = costs.reshape(SPEC.training.epochs, -1).mean(axis=1)
    np.testing.assert_allclose(history, per_epoch, rtol=0, atol=1e-12)
    for a, b in zip(t.get_weights(), weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_shuffle_changes_the_order_and_off_keeps_it():
    t = Trainer(SPEC)
    fixed = Trainer(SPEC.with_changes(training={"shuffle": False}))
    t.run(t.total_steps)
    fixed.run(fixed.total_steps)
    assert not np.allclose(t.get_weights()[0], fixed.get_weights()[0])
    weights, _ = train_reference(
        SPEC,
        fixed.dataset.X,
        fixed.dataset.y,
        init_weights(SPEC.network, 3, 1),
        fixed.total_steps,
        fixed.batches,
    )
    np.testing.assert_allclose(fixed.get_weights()[0], weights[0], rtol=0, atol=1e-12)
    # A full batch ignores the option: its steps see every sample whatever the order.
    full = SPEC.with_changes(training={"schedule": "full"})
    assert not Trainer(full).shuffles


def test_exported_script_shuffles_as_the_app(tmp_path):
    t = Trainer(SPEC)
    t.run(t.total_steps)
    assert_script_reproduces(tmp_path, t)
