"""The generated numpy function gives PyTensor's numbers, and the quick tier built on it
trains every kind of network as the numpy oracle does."""

from __future__ import annotations

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.graph.fg import FunctionGraph

from xorlab.core.training.numpy_step import NumpyFunction
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.quick_loop import QUICK_MODE, QuickLoop
from xorlab.core.training.trainer import Trainer

from ..reference import assert_trained_like_reference


def both(inputs, outputs, values):
    """The outputs by the generated function and by PyTensor's Python linker."""
    reference = pytensor.function(inputs, outputs, mode=QUICK_MODE)(*values)
    graph = FunctionGraph(inputs, outputs, clone=True)
    generated = NumpyFunction(graph)
    return generated, generated(*values), reference


def assert_same(got, expected):
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        g = np.asarray(g)
        assert g.shape == e.shape and g.dtype == e.dtype
        np.testing.assert_array_equal(g, e)


def test_each_written_op_gives_the_python_linkers_values():
    rng = np.random.default_rng(0)
    a, b = pt.matrix("a"), pt.matrix("b")
    v, i = pt.vector("v"), pt.iscalar("i")
    lo, hi = pt.scalar("lo"), pt.scalar("hi")
    joined = pt.concatenate([a, b], axis=1)
    left, right = pt.split(joined, pt.stack([i, 6 - i]), n_splits=2, axis=1)
    outputs = [
        pt.add(a, b, a * 2),  # n-ary add, an int constant
        pt.mul(a, b, b),  # n-ary product
        1 - pt.sigmoid(a),  # int8 constant beside float64
        pt.clip(a, -0.2, 0.3),  # constant bounds
        pt.clip(a, hi, lo),  # bounds out of order: PyTensor's rule, not numpy's
        pt.softplus(a * 40),  # every branch of softplus
        pt.second(a, 1.5),  # fill
        pt.second(a, v),  # fill from a row
        pt.maximum(a, 0.0) + (a >= 0),  # relu and a bool
        pt.dot(a, b.T),
        a.T[1:, ::-1],  # transpose, slices
        a[i, :2],  # a symbolic index
        joined,
        left,
        right,
        pt.ones((a.shape[0], 1)),  # alloc from a shape
        pt.sum(a, axis=0),
        pt.max(a, axis=1),
        pt.mean((a - b) ** 2),
        pt.cast(a * 10, "int64"),
        v.dimshuffle("x", 0),
        pt.shape_padright(v, 2),
        pt.sqrt(pt.abs(a)) * pt.sign(a),
        pt.inc_subtensor(a[:-1], b[1:]),
        pt.set_subtensor(a[i:, 1], v[:2]),
    ]
    values = [
        rng.normal(size=(4, 3)),
        rng.normal(size=(4, 3)),
        rng.normal(size=3),
        np.int32(2),
        np.float64(0.5),
        np.float64(-0.5),
    ]
    generated, got, expected = both([a, b, v, i, lo, hi], outputs, values)
    assert generated.ops_by_perform == {}
    assert_same(got, expected)


def test_an_op_without_a_written_line_runs_its_perform():
    x = pt.matrix("x")
    outputs = [pt.cumsum(x, axis=0) * 2, pt.sort(x, axis=1)]
    generated, got, expected = both([x], outputs, [np.random.default_rng(1).normal(size=(5, 3))])
    assert generated.ops_by_perform == {"CumOp": 1, "SortOp": 1}
    assert_same(got, expected)


def test_constant_nodes_are_computed_once_when_the_function_is_made():
    x = pt.vector("x")
    constant = pt.exp(pt.as_tensor(np.arange(3.0)) * 2)
    generated, got, expected = both([x], [x * constant], [np.array([1.0, 2.0, 3.0])])
    assert generated.source.count(" = ") == 1  # x * c: the exp and its product are gone
    assert_same(got, expected)


def test_overflow_and_undefined_values_are_results_not_warnings():
    # pytest turns warnings into errors: numpy's "overflow in exp" would fail this test.
    x = pt.vector("x")
    values = [np.array([1000.0, -1.0, 0.0])]
    generated, got, expected = both([x], [pt.exp(x), pt.log(x), x / x], values)
    assert np.isinf(got[0][0]) and np.isnan(got[1][1]) and np.isnan(got[2][2])
    assert_same(got, expected)


def test_a_diverging_quick_tier_gives_inf_and_nan_without_warnings():
    linear = {"activations": ("linear", "linear"), "output_activation": "linear"}
    spec = BASE.with_changes(
        network=linear, training={"cost": "sse", "optimizer": "sgd", "learning_rate": 1e6}
    )
    t = Trainer(spec)
    costs = QuickLoop(t._loop_problem()).run(0, 30)
    assert costs[2] > 1e200 and np.isnan(costs[-1])  # overflowed on the way


def test_the_arguments_are_never_written():
    a = pt.matrix("a")
    w = pt.matrix("w")
    graph = FunctionGraph([a, w], [w - 0.1 * pt.dot(a.T, pt.tanh(pt.dot(a, w)))], clone=True)
    values = [np.ones((3, 2)), np.full((2, 2), 0.5)]
    for value in values:
        value.flags.writeable = False  # numpy raises on any write
    (new,) = NumpyFunction(graph)(*values)
    assert np.all(values[1] == 0.5) and new.shape == (2, 2)


# Every activation, cost and optimizer, with and without bias units and penalties, each
# on a point set in mini-batches: the quick tier against the hand-derived numpy oracle.
BASE = preset_spec("circle").with_changes(
    dataset={"size": 24},
    network={"hidden": (5, 4), "activations": ("tanh", "tanh")},
    training={"schedule": "minibatch", "batch_size": 8, "learning_rate": 0.05},
)
VARIANTS = {
    "relu, sse, sgd": dict(
        network={"activations": ("relu", "relu")}, training={"cost": "sse", "optimizer": "sgd"}
    ),
    "sigmoid, mse, momentum, no bias": dict(
        network={"activations": ("sigmoid", "sigmoid"), "bias": False},
        training={"cost": "mse", "optimizer": "momentum"},
    ),
    "softplus, linear out, mse, adam, l1 and l2": dict(
        network={"activations": ("softplus", "linear"), "output_activation": "linear"},
        training={"cost": "mse", "l1": 0.01, "l2": 0.001},
    ),
    "tanh, bce, adam, full batch": dict(training={"schedule": "full"}),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_quick_tier_trains_as_the_numpy_oracle(variant):
    spec = BASE.with_changes(**VARIANTS[variant])
    t = Trainer(spec)
    loop = QuickLoop(t._loop_problem())
    assert loop.step.ops_by_perform == {}  # every op of a training step has a numpy line
    spe = t.steps_per_epoch
    costs = np.concatenate([loop.run(0, 4), loop.run(4 % spe, 9)])
    assert_trained_like_reference(spec, t, 13, costs)


def test_names_of_variables_never_become_source():
    """A variable's name can come from a file (a CSV column, a feature): the generated source
    names every value by its position, so a name that is code stays a name."""
    hostile = 'x"""\n__import__("os").system("touch pwned")\n\'#'
    a, b = pt.matrix(hostile), pt.matrix(hostile + "2")
    product = pt.dot(a, b)
    product.name = hostile
    values = [np.eye(2), np.arange(4.0).reshape(2, 2)]
    generated, got, expected = both([a, b], [product * 2], values)
    assert_same(got, expected)
    assert "pwned" not in generated.source and "__import__" not in generated.source
