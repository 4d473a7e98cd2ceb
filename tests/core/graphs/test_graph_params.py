"""Which graph nodes belong to which weight matrix (the linked views' mapping)."""

from __future__ import annotations

import pytest

from xorlab.core.graphs.build import build_graph
from xorlab.core.graphs.params import ancestors, forward_part, param_of_node, param_parts
from xorlab.core.training.presets import preset_spec

NAMES = ("W1", "W2")


@pytest.fixture
def trainer(trainer_for):
    return trainer_for(preset_spec("xor-bias"))


def _title(view, node_id):
    return view.nodes[node_id].label.split("\n")[0]


@pytest.mark.parametrize("stage", ["symbolic", "optimized"])
def test_training_step_parts(trainer, stage):
    view = build_graph(trainer, "train", stage)
    forward = forward_part(view)
    for p, name in enumerate(NAMES):
        parts = param_parts(view, name)
        assert _title(view, parts.weight) == name
        assert [_title(view, o) for o in parts.outputs] == [f"update of {name}"]
        assert parts.readers and all(view.nodes[r].kind == "apply" for r in parts.readers)
        assert all(parts.weight in view.nodes[r].inputs for r in parts.readers)
        # The gradient part computes the update and is not the forward pass.
        (update,) = parts.outputs
        assert parts.gradient <= ancestors(view, update)
        assert not parts.gradient & forward
        assert update in parts.gradient
        # Each part maps back to its matrix.
        assert param_of_node(view, parts.weight, NAMES) == p
        assert param_of_node(view, update, NAMES) == p
        for reader in parts.readers:
            assert param_of_node(view, reader, NAMES) == p
    w1, w2 = (param_parts(view, n) for n in NAMES)
    # W1's gradient goes back through W2 (the chain rule), not the other way round.
    assert len(w1.gradient) > len(w2.gradient)
    # Nodes only W1's gradient needs belong to W1, except ops reading W2 (its transpose
    # carries the error back): an op belongs to the weight it reads.
    only_w1 = w1.gradient - w2.gradient - w2.readers
    only_w1 -= {v for r in w2.readers for v in view.nodes[r].outputs}
    assert only_w1 and all(param_of_node(view, i, NAMES) == 0 for i in only_w1)


def test_gradient_and_forward_targets(trainer):
    grad = build_graph(trainer, "grad", "symbolic", 1)
    parts = param_parts(grad, "W2")
    assert [_title(grad, o) for o in parts.outputs] == ["d cost / d W2"]
    assert param_of_node(grad, next(iter(parts.outputs)), NAMES) == 1
    assert param_parts(grad, "W1").outputs == frozenset()  # d/dW2 has no W1 output
    output = build_graph(trainer, "output", "symbolic")
    assert forward_part(output) == set()
    x_node = next(i for i, n in output.nodes.items() if n.names == ("X",))
    assert param_of_node(output, x_node, NAMES) is None
    assert param_of_node(output, "nonexistent", NAMES) is None
