"""The L1 penalty: its value and its gradient (by finite differences), bias rows left out,
and nothing in the graph when it is 0."""

from __future__ import annotations

import numpy as np
import pytensor
import pytest
from pytensor.graph.traversal import ancestors

from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer

from ..reference import cost_and_grads

SPEC = preset_spec("xor-bias").with_changes(
    network={"hidden": (3, 2), "activations": ("tanh", "sigmoid"), "init": "uniform"},
    training={"cost": "mse", "l1": 0.03},
)


@pytest.fixture(scope="module")
def grads_fn():
    trainer = Trainer(SPEC)
    sym = trainer.symbolic
    fn = pytensor.function([sym.X, sym.y], [sym.cost, *sym.grads])
    return trainer, fn


def test_l1_gradient_matches_finite_differences(grads_fn):
    trainer, fn = grads_fn
    X, y = trainer.dataset.X, trainer.dataset.y
    weights = trainer.get_weights()
    cost, *grads = fn(X, y)
    h = 1e-6
    for k, W in enumerate(weights):
        for idx in np.ndindex(W.shape):
            assert abs(W[idx]) > 10 * h  # no weight at the kink of |w|
            values = []
            for sign in (1, -1):
                shifted = [w.copy() for w in weights]
                shifted[k][idx] += sign * h
                trainer.set_weights(shifted)
                values.append(fn(X, y)[0])
            numeric = (values[0] - values[1]) / (2 * h)
            assert grads[k][idx] == pytest.approx(numeric, abs=1e-7), (k, idx)
    trainer.set_weights(weights)


def test_l1_value_and_gradient_leave_bias_rows_alone(grads_fn):
    trainer, fn = grads_fn
    X, y = trainer.dataset.X, trainer.dataset.y
    weights = trainer.get_weights()
    cost, *grads = fn(X, y)
    acts = ["tanh", "sigmoid", "sigmoid"]
    plain, plain_grads = cost_and_grads(weights, X, y, acts, True, "mse")
    penalty = 0.03 * sum(np.abs(W[:-1]).sum() for W in weights)
    assert cost == pytest.approx(plain + penalty, abs=1e-12)
    for W, g, g0 in zip(weights, grads, plain_grads, strict=True):
        np.testing.assert_allclose(g[:-1] - g0[:-1], 0.03 * np.sign(W[:-1]), atol=1e-12)
        np.testing.assert_allclose(g[-1], g0[-1], atol=1e-12)  # bias row: no penalty


def scalar_ops(variable) -> set[str]:
    return {
        type(v.owner.op.scalar_op).__name__
        for v in ancestors([variable])
        if v.owner is not None and hasattr(v.owner.op, "scalar_op")
    }


def test_no_l1_means_no_abs_in_the_graph():
    assert "Abs" not in scalar_ops(Trainer(preset_spec("xor-minimal")).symbolic.cost)
    with_l1 = Trainer(preset_spec("xor-minimal").with_changes(training={"l1": 0.1}))
    assert "Abs" in scalar_ops(with_l1.symbolic.cost)
