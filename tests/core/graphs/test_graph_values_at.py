"""Graph values for a past snapshot (time travel) against an independent numpy computation
from that snapshot's weights, optimizer state and learning rate; the trainer is untouched."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tests.core.reference import ReferenceOptimizer, cost_and_grads, forward
from xorlab.core.graphs import values as gv
from xorlab.core.graphs.build import build_graph
from xorlab.core.graphs.values import GraphValuesError, graph_values
from xorlab.core.training.presets import preset_spec

MOMENTUM = preset_spec("xor-bias").with_changes(
    training={"optimizer": "momentum", "momentum": 0.8, "learning_rate": 0.7}
)
ADAM = preset_spec("xor-minimal").with_changes(
    network={"hidden": (3,), "activations": ("tanh",), "bias": True},
    training={"optimizer": "adam", "learning_rate": 0.05, "l2": 0.001},
)


def _slot(view, label):
    return next(i for i in view.outputs if view.nodes[i].label.split("\n")[0] == label)


def _expected_step(trainer, snapshot, rows):
    """Cost, gradients and new weights of one step from ``snapshot``, in numpy."""
    spec = trainer.spec
    net, tr = spec.network, spec.training
    X, y = trainer.dataset.X[list(rows)], trainer.dataset.y[list(rows)]
    acts = [*net.activations, net.output_activation]
    weights = [np.array(w) for w in snapshot.weights]
    _, out = forward(weights, X, acts, net.bias)
    cost, grads = cost_and_grads(weights, X, y, acts, net.bias, tr.cost, tr.l2)
    opt = ReferenceOptimizer(tr.optimizer, snapshot.learning_rate, weights, tr.momentum)
    n = len(weights)
    state = [np.array(s) for s in snapshot.optimizer_state]
    if tr.optimizer == "momentum":
        opt.v = state
    elif tr.optimizer == "adam":
        opt.m, opt.v, opt.t = state[:n], state[n : 2 * n], float(state[2 * n])
    return out, cost, grads, opt.step(weights, grads)


@pytest.fixture(params=[MOMENTUM, ADAM], ids=["momentum", "adam"])
def replayed(request, trainer_for):
    """A trainer 60 steps past the snapshot it took after 40 steps."""
    trainer = trainer_for(request.param)
    trainer.run(40)
    snapshot = trainer.snapshot()
    trainer.run(60)
    return trainer, snapshot


@pytest.mark.parametrize("rows", [(1,), None])
def test_a_snapshots_values_match_numpy_and_leave_the_trainer_alone(replayed, rows):
    trainer, snapshot = replayed
    before = [v.get_value() for v in (*trainer.params, *trainer.state, trainer.learning_rate)]
    chosen = rows or tuple(range(trainer.dataset.n_samples))
    out, cost, grads, new_weights = _expected_step(trainer, snapshot, chosen)

    view = build_graph(trainer, "train", "symbolic")
    values = graph_values(trainer, "train", rows=rows, view=view, at=snapshot)
    assert values.replayed and (values.step, values.epoch) == (snapshot.step, snapshot.epoch)
    assert float(values.values[_slot(view, "cost")]) == pytest.approx(cost, abs=1e-12)
    for p, new in enumerate(new_weights):
        update = view.nodes[_slot(view, f"update of W{p + 1}")]
        np.testing.assert_allclose(values.values[update.id], new, atol=1e-12)
        np.testing.assert_array_equal(
            values.node_value(view.nodes[update.updates]), snapshot.weights[p]
        )
    out_view = build_graph(trainer, "output", "symbolic")
    shown = graph_values(trainer, "output", rows=rows, view=out_view, at=snapshot)
    np.testing.assert_allclose(shown.values[_slot(out_view, "output")], out, atol=1e-12)
    for p, grad in enumerate(grads):
        grad_view = build_graph(trainer, "grad", "symbolic", p)
        at_p = graph_values(trainer, "grad", p, rows, view=grad_view, at=snapshot)
        np.testing.assert_allclose(
            at_p.values[_slot(grad_view, f"d cost / d W{p + 1}")], grad, atol=1e-12
        )

    after = [v.get_value() for v in (*trainer.params, *trainer.state, trainer.learning_rate)]
    for old, new in zip(before, after, strict=True):
        np.testing.assert_array_equal(old, new)
    # The live values are the current weights', which training has moved on from.
    live = graph_values(trainer, "output", rows=rows, view=out_view)
    assert not live.replayed and live.step == trainer.step_count
    live_out = live.values[_slot(out_view, "output")]
    np.testing.assert_allclose(live_out, trainer.evaluate()[0][list(chosen)], atol=1e-12)
    assert np.abs(live_out - out).max() > 1e-6


def test_one_compiled_function_serves_every_snapshot(trainer_for):
    trainer = trainer_for(MOMENTUM)
    snapshots = []
    for _ in range(3):
        trainer.run(10)
        snapshots.append(trainer.snapshot())
    graph_values(trainer, "train", at=snapshots[0])
    fn = gv._PROGRAMS[trainer][("train", 0)].fn
    costs = [graph_values(trainer, "train", at=s) for s in snapshots]
    graph_values(trainer, "train")
    assert gv._PROGRAMS[trainer][("train", 0)].fn is fn
    view = build_graph(trainer, "train", "symbolic")
    slot = _slot(view, "cost")
    assert [float(c.values[slot]) for c in costs] == pytest.approx([s.cost for s in snapshots])


def test_a_snapshot_that_does_not_fit_is_refused_clearly(trainer_for):
    trainer = trainer_for(MOMENTUM)
    trainer.run(5)
    snapshot = trainer.snapshot()
    other = replace(snapshot, weights=(np.zeros((2, 2)),))
    with pytest.raises(GraphValuesError, match="another network"):
        graph_values(trainer, "output", at=other)
    # An older snapshot without the optimizer state still gives the forward pass, not a step.
    bare = replace(snapshot, optimizer_state=(), learning_rate=None)
    out = graph_values(trainer, "output", at=bare)
    assert out.replayed
    with pytest.raises(GraphValuesError, match="did not keep .*opt_state0"):
        graph_values(trainer, "train", at=bare)
