"""Live node values of the symbolic graphs against numpy and the trainer's own outputs."""

from __future__ import annotations

import numpy as np
import pytest

from tests.core.reference import cost_and_grads, forward
from xorlab.core.graphs.build import TARGETS, build_graph
from xorlab.core.graphs.values import GraphValuesError, graph_values, summarize
from xorlab.core.training.presets import preset_spec

BIAS = preset_spec("xor-bias")
DEEP = preset_spec("xor-minimal").with_changes(
    network={"hidden": (4, 2), "activations": ("tanh", "sigmoid"), "bias": True},
    training={"cost": "mse", "l2": 0.01},
)


@pytest.fixture
def trained(trainer_for, request):
    trainer = trainer_for(request.param)
    trainer.run(25)
    return trainer


def _slot(view, label):
    return next(i for i in view.outputs if view.nodes[i].label.split("\n")[0] == label)


def _reference(trainer, rows):
    spec = trainer.spec
    X, y = trainer.dataset.X[list(rows)], trainer.dataset.y[list(rows)]
    acts = [*spec.network.activations, spec.network.output_activation]
    weights = trainer.get_weights()
    layers, out = forward(weights, X, acts, spec.network.bias)
    cost, grads = cost_and_grads(
        weights, X, y, acts, spec.network.bias, spec.training.cost, spec.training.l2
    )
    return weights, layers, out, cost, grads


@pytest.mark.parametrize("trained", [BIAS, DEEP], indirect=True, ids=["xor-bias", "deep-l2"])
@pytest.mark.parametrize("row", [0, 2])
def test_every_target_matches_numpy_for_one_row(trained, row):
    trainer = trained
    weights, layers, out, cost, grads = _reference(trainer, [row])
    lr = float(trainer.learning_rate.get_value())
    for target in TARGETS:
        params = range(len(weights)) if target == "grad" else [0]
        for param in params:
            view = build_graph(trainer, target, "symbolic", param)
            values = graph_values(trainer, target, param, [row], view=view)
            assert values.rows == (row,) and values.step == trainer.step_count
            # Every node has a value, except ops with several outputs (Split).
            missing = [i for i, n in view.nodes.items() if values.node_value(n) is None]
            assert all(len(view.nodes[i].outputs) > 1 for i in missing), missing
            if target == "output":
                np.testing.assert_allclose(values.values[_slot(view, "output")], out, atol=1e-12)
                _check_layer_products(view, values, layers, trainer)
            elif target == "cost":
                assert float(values.values[_slot(view, "cost")]) == pytest.approx(cost, abs=1e-12)
            elif target == "grad":
                grad = values.values[_slot(view, f"d cost / d W{param + 1}")]
                np.testing.assert_allclose(grad, grads[param], atol=1e-12)
            else:
                assert float(values.values[_slot(view, "cost")]) == pytest.approx(cost, abs=1e-12)
                for p, (w, g) in enumerate(zip(weights, grads, strict=True)):
                    new = values.values[_slot(view, f"update of W{p + 1}")]
                    np.testing.assert_allclose(new, w - lr * g, atol=1e-12)
                    shared = view.nodes[view.nodes[_slot(view, f"update of W{p + 1}")].updates]
                    np.testing.assert_array_equal(values.node_value(shared), w)


def _check_layer_products(view, values, layers, trainer):
    """Each Dot reading a weight matrix holds that layer's weighted sums."""
    for p, (_, z, _) in enumerate(layers):
        weight = next(i for i, n in view.nodes.items() if n.names[:1] == (f"W{p + 1}",))
        dot = next(o for o in view.nodes[weight].outputs if view.nodes[o].op_name == "Dot")
        np.testing.assert_allclose(values.node_value(view.nodes[dot]), z, atol=1e-12)
    x_id = next(i for i, n in view.nodes.items() if n.category == "input" and n.names == ("X",))
    assert values.values[x_id].shape == (len(values.rows), trainer.dataset.n_inputs)


@pytest.mark.parametrize("trained", [BIAS], indirect=True, ids=["xor-bias"])
def test_all_rows_equal_the_trainers_outputs_and_cost(trained):
    trainer = trained
    outputs, cost = trainer.evaluate()
    out_view = build_graph(trainer, "output", "symbolic")
    values = graph_values(trainer, "output", rows=None, view=out_view)
    assert values.rows == tuple(range(trainer.dataset.n_samples))
    np.testing.assert_allclose(values.values[_slot(out_view, "output")], outputs, atol=1e-12)
    cost_view = build_graph(trainer, "cost", "symbolic")
    total = graph_values(trainer, "cost", view=cost_view).values[_slot(cost_view, "cost")]
    assert float(total) == pytest.approx(cost, abs=1e-12)


@pytest.mark.parametrize("trained", [BIAS], indirect=True, ids=["xor-bias"])
def test_a_graph_that_is_not_the_one_on_screen_is_refused(trained):
    trainer = trained
    with pytest.raises(GraphValuesError):
        graph_values(trainer, "train", view=build_graph(trainer, "train", "optimized"))
    with pytest.raises(GraphValuesError):
        graph_values(trainer, "cost", view=build_graph(trainer, "output", "symbolic"))
    with pytest.raises(IndexError, match="between 0 and 3"):
        graph_values(trainer, "output", rows=[4])
    with pytest.raises(ValueError, match="unknown target"):
        graph_values(trainer, "everything")


def test_summaries_fit_the_shape():
    assert summarize(None) == ""
    assert summarize(np.float64(0.028419013)) == "0.02842"
    assert summarize(np.array([[0.25]])) == "0.25"
    assert summarize(np.array([4, 3], dtype=np.int64)) == "[4 3]"
    assert summarize(np.array([[1.0, -0.5], [0.125, 2.0]])) == "[1 -0.5; 0.125 2]"
    big = np.arange(12, dtype=np.float64).reshape(4, 3)
    assert summarize(big) == "4×3: min 0, max 11, mean 5.5"
    assert summarize(big, compact=True) == "4×3 μ 5.5"
    assert summarize(np.array([0.123456, 2.0]), compact=True) == "[0.123 2]"
    assert summarize(np.zeros((0, 3))) == "0×3 (empty)"
