"""Graph views: checked against the PyTensor graphs themselves, counted independently."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.graph.traversal import applys_between, graph_inputs, vars_between
from pytensor.scalar.basic import Composite
from pytensor.tensor.elemwise import Elemwise

from tests.core.conftest import shared_trainer
from xorlab.core.graphs.build import (
    STAGES,
    TARGETS,
    GraphError,
    GraphView,
    _cache_for,
    build_graph,
    expression_op_count,
    graph_from_function,
    graph_from_outputs,
    graph_of_expression,
    rewrite_comparison,
)
from xorlab.core.training import model
from xorlab.core.training.presets import preset_spec


@pytest.fixture(scope="module")
def trainer():
    """The tutorial's 2-3-1 net, trained a little so its weights are not the initial ones."""
    trainer = shared_trainer(preset_spec("xor-minimal"))
    trainer.run(200)
    return trainer


@pytest.fixture(scope="module")
def views(trainer) -> dict[tuple[str, str], GraphView]:
    return {(t, s): build_graph(trainer, t, s) for t in TARGETS for s in STAGES}


def _longest_chain(outputs) -> int:
    depth: dict = {}

    def of(node) -> int:
        if node not in depth:
            parents = [v.owner for v in node.inputs if v.owner is not None]
            depth[node] = 1 + max((of(p) for p in parents), default=0)
        return depth[node]

    return max((of(v.owner) for v in outputs if v.owner is not None), default=0)


def _symbolic_train_outputs(trainer):
    sym = trainer.symbolic
    cost, new_params, new_state = model.training_step(
        trainer.params, trainer.state, sym.X, sym.y, trainer.learning_rate,
        trainer.spec.network, trainer.spec.training,
    )  # fmt: skip
    return [cost, *new_params, *new_state]


def test_optimized_train_view_is_the_step_function_graph(trainer, views):
    fgraph = trainer.step_fn.maker.fgraph
    stats = views["train", "optimized"].stats
    assert stats.apply_nodes == len(fgraph.apply_nodes) == len(fgraph.toposort())
    assert stats.variables == len(fgraph.variables)
    assert stats.op_histogram == dict(Counter(str(n.op).split("{")[0] for n in fgraph.apply_nodes))
    composites = [
        n for n in fgraph.apply_nodes
        if isinstance(n.op, Elemwise) and isinstance(n.op.scalar_op, Composite)
    ]  # fmt: skip
    assert stats.composites == len(composites) > 0
    assert stats.fused_ops == sum(len(n.op.scalar_op.fgraph.toposort()) for n in composites)
    assert stats.depth == _longest_chain(fgraph.outputs)


def test_symbolic_train_view_counts_the_update_expressions(trainer, views):
    outputs = _symbolic_train_outputs(trainer)  # rebuilt: an independent copy of the graph
    inputs = list(graph_inputs(outputs))
    stats = views["train", "symbolic"].stats
    assert stats.apply_nodes == len(list(applys_between(inputs, outputs)))
    assert stats.variables == len(set(vars_between(inputs, outputs)))
    assert stats.depth == _longest_chain(outputs)
    slots = [views["train", "symbolic"].nodes[o] for o in views["train", "symbolic"].outputs]
    assert [s.label.split("\n")[0] for s in slots] == ["cost", "update of W1", "update of W2"]
    assert [s.category for s in slots] == ["output", "update", "update"]


def test_rewrites_shrink_and_fuse_the_graph(trainer, views):
    symbolic, optimized = views["train", "symbolic"].stats, views["train", "optimized"].stats
    assert optimized.apply_nodes < symbolic.apply_nodes
    assert optimized.depth < symbolic.depth
    assert symbolic.composites == 0 and "Composite" not in symbolic.op_histogram
    assert optimized.op_histogram["Composite"] == optimized.composites >= 2
    # The tutorial writes (output - y) ** 2 and pytensor.grad adds Second (fill) ops; the
    # rewrites fold every one of them into fused Composites.
    assert symbolic.op_histogram["Pow"] == 2 and "Pow" not in optimized.op_histogram
    assert "Second" in symbolic.op_histogram and "Second" not in optimized.op_histogram

    comparison = rewrite_comparison(trainer, "train")
    assert comparison.apply_nodes == (symbolic.apply_nodes, optimized.apply_nodes)
    assert comparison.removed["Pow"] == 2 and comparison.removed["Mul"] == 8
    assert comparison.inserted == {"Composite": optimized.composites}
    assert comparison.changed["Sigmoid"] == (6, 1)  # one sigmoid, shared by all its users
    assert comparison.elementwise_before > comparison.elementwise_after
    assert comparison.fused_ops == optimized.fused_ops
    assert f"{symbolic.apply_nodes} -> {optimized.apply_nodes} ops" in comparison.summary
    assert "fused into" in comparison.summary and "removed" in comparison.summary


def test_each_target_is_its_own_graph(trainer, views):
    sizes = {t: views[t, "symbolic"].stats.apply_nodes for t in TARGETS}
    # The forward pass of a bias-free 2-3-1 net is exactly dot, sigmoid, dot, sigmoid.
    assert views["output", "symbolic"].stats.op_histogram == {"Dot": 2, "Sigmoid": 2}
    assert sizes["output"] < sizes["cost"] < sizes["grad"] < sizes["train"]
    assert "Sum" in views["cost", "symbolic"].stats.op_histogram
    grad_w2 = build_graph(trainer, "grad", "symbolic", param=1)
    assert grad_w2.stats.apply_nodes < sizes["grad"]  # W2 is nearer the cost than W1
    for target in TARGETS:
        assert len(views[target, "optimized"].outputs) == (3 if target == "train" else 1)
    labels = [views["grad", s].nodes["o0"].label.split("\n")[0] for s in STAGES]
    assert labels == ["d cost / d W1", "d cost / d W1"]


def test_node_ids_match_the_dot_text(trainer, views):
    # The cost alone out of the step function: the fused node's second output (the error
    # term the gradients use) is left without users, and must still be drawn.
    cost_only = graph_from_function(trainer.step_fn, ["cost"], select=[0])
    (spare,) = [
        n for n in cost_only.nodes.values() if n.drawn_as == "node" and n.category == "intermediate"
    ]
    assert spare.drawn_as == "node" and cost_only.nodes[spare.inputs[0]].category == "fused"
    assert cost_only.stats.apply_nodes == views["cost", "optimized"].stats.apply_nodes
    shared = {n.names[0] for n in cost_only.nodes.values() if n.category == "shared"}
    assert shared == {"W1", "W2"}  # the learning rate plays no part in the cost
    for view in [*views.values(), cost_only]:
        # Read back with a regex, not pydot's own parser: an independent check of its output.
        dot_nodes = set(re.findall(r'^(\w+) \[id="\1"', view.dot, re.M))
        dot_edges = {
            edge_id: (source, target)
            for source, target, edge_id in re.findall(
                r'^(\w+) -> (\w+) \[id="([^"]+)"', view.dot, re.M
            )
        }
        assert len(dot_edges) == view.dot.count(" -> ")
        drawn = {i for i, n in view.nodes.items() if n.drawn_as == "node"}
        assert dot_nodes == drawn
        assert set(dot_edges) == {e.id for e in view.edges}
        for source, target in dot_edges.values():
            assert source in view.nodes and target in view.nodes
        carried = {e.variable for e in view.edges}
        # Every record is in the drawing: as a node, or as the edges carrying its value.
        assert set(view.nodes) == drawn | carried
        for node_id, info in view.nodes.items():
            assert info.id == node_id
            for other in (*info.inputs, *info.outputs):
                assert other in view.nodes
            if info.kind == "apply":
                assert all(view.nodes[v].inputs == (node_id,) for v in info.outputs)
                assert f"[id {node_id}]" in view.text


def test_element_maps_svg_ids_back_to_records(views):
    view = views["train", "optimized"]
    for edge in view.edges:
        assert view.element(edge.id) is view.nodes[edge.variable]
    assert view.element("a0") is view.nodes["a0"]
    assert view.element("graph0") is None


def test_shared_variables_carry_current_values(trainer):
    view = build_graph(trainer, "train", "optimized")
    shared = {n.names[0]: n for n in view.nodes.values() if n.category == "shared"}
    assert set(shared) == {"W1", "W2", "learning_rate"}
    for i, weight in enumerate(trainer.get_weights()):
        np.testing.assert_array_equal(shared[f"W{i + 1}"].value, weight)
    assert shared["learning_rate"].value == pytest.approx(0.01)
    before = shared["W1"].value.copy()
    shared["W1"].value[...] = 99.0  # a copy: the trainer is untouched
    np.testing.assert_array_equal(trainer.get_weights()[0], before)

    trainer.run(50)
    again = build_graph(trainer, "train", "optimized")  # cached structure, fresh values
    assert again.dot == view.dot
    w1 = next(n for n in again.nodes.values() if n.names[0] == "W1")
    np.testing.assert_array_equal(w1.value, trainer.get_weights()[0])
    assert not np.array_equal(w1.value, before)
    assert build_graph(trainer, "train", "symbolic").nodes["v0"].kind == "variable"


def test_constants_show_their_value(views):
    constants = [n for n in views["cost", "symbolic"].nodes.values() if n.category == "constant"]
    assert constants and all(n.value is not None for n in constants)
    assert any(n.value.item() == 2 and n.label.startswith("2\n") for n in constants)


def test_fused_nodes_show_their_formula(views):
    fused = [n for n in views["train", "optimized"].nodes.values() if n.category == "fused"]
    assert all(n.label.startswith(f"Composite ({n.fused_ops} ops)") for n in fused)
    assert any("(i0 - (i1 * i2))" in n.label for n in fused)  # W - lr * grad
    assert all("fuses" in n.detail for n in fused)


def test_bad_choices_raise_graph_error(trainer):
    with pytest.raises(GraphError, match="has 2 weight matrices"):
        build_graph(trainer, "grad", "symbolic", param=2)
    with pytest.raises(GraphError, match="unknown target 'loss'"):
        build_graph(trainer, "loss", "symbolic")
    with pytest.raises(GraphError, match="unknown stage"):
        build_graph(trainer, "cost", "rewritten")


def test_building_graphs_leaves_training_intact(trainer, views):
    before = trainer.evaluate()[1]
    result = trainer.run(100)
    assert result.steps == 100 and trainer.evaluate()[1] < before


def test_generic_graph_of_outputs_handles_inputs_used_as_outputs():
    x = pt.dscalar("x")
    doubled = x * 2.0
    doubled.name = "doubled"
    view = graph_from_outputs([x, doubled + 1.0], ["x itself", "result"])
    assert view.stats.apply_nodes == 2 and view.stats.op_histogram == {"Mul": 1, "Add": 1}
    slot = view.nodes["o0"]
    assert slot.inputs == (view.nodes["v0"].id,) and view.nodes["v0"].names == ("x",)
    assert any(e.source == "v0" and e.target == "o0" for e in view.edges)
    assert 'label="0 doubled"' in view.dot  # a named intermediate keeps its name on its edge


def test_a_symbolic_view_has_a_function_graphs_inputs_and_order(trainer):
    # The view reads its inputs and op order off the outputs, as a FunctionGraph of them
    # (clone=False) gives them: the reference here, built the way the view once was.
    from pytensor.graph.basic import AtomicVariable
    from pytensor.graph.fg import FunctionGraph

    from xorlab.core.expression.expression import parse_expression

    expression = parse_expression("/".join(["x**x"] * 6) + " + 3*log(x)")
    cases = [[expression.f, expression.df], [parse_expression("3").f]]
    cases.append(_symbolic_train_outputs(trainer))
    for outputs in cases:
        view = graph_from_outputs(outputs)
        reference = FunctionGraph(outputs=outputs, clone=False)
        ops = [view.nodes[f"a{k}"] for k in range(view.stats.apply_nodes)]
        assert [n.op for n in ops] == [str(node.op) for node in reference.toposort()]
        inputs = [i for i in graph_inputs(outputs) if not isinstance(i, AtomicVariable)]
        assert inputs == reference.inputs
        assert [view.nodes[f"v{k}"].names for k in range(len(inputs))] == [
            (i.name or "",) for i in reference.inputs
        ]


def test_generic_graph_of_a_function_can_select_outputs():
    x = pt.dscalar("x")
    fn = pytensor.function([x], [pt.exp(x), pt.sin(x) * 3.0], mode="FAST_COMPILE")
    both = graph_from_function(fn, ["e", "s"])
    first = graph_from_function(fn, ["e", "s"], select=[0])
    assert [both.nodes[o].names[0] for o in both.outputs] == ["e", "s"]
    assert first.stats.op_histogram == {"Exp": 1}
    assert first.stats.apply_nodes < both.stats.apply_nodes
    with pytest.raises(GraphError):
        graph_from_function(fn, select=[2])


def test_expression_graphs():
    expression = pytest.importorskip("xorlab.core.expression.expression")
    expr = expression.parse_expression("exp(sin(x**2))")
    f_symbolic = graph_of_expression(expr, "f", "symbolic")
    assert f_symbolic.stats.op_histogram == {"Exp": 1, "Pow": 1, "Sin": 1}
    df_symbolic = graph_of_expression(expr, "df", "symbolic")
    assert df_symbolic.stats.apply_nodes > f_symbolic.stats.apply_nodes
    compiled = expression.compiled_scalar(expr).maker.fgraph
    both = graph_of_expression(expr, "both", "optimized")
    assert both.stats.apply_nodes == len(compiled.apply_nodes)
    assert [both.nodes[o].names[0] for o in both.outputs] == ["f(x)", "f'(x)"]
    df_only = graph_of_expression(expr, "df", "optimized")
    assert df_only.outputs == ("o0",) and df_only.nodes["o0"].names == ("f'(x)",)
    assert "Pow" not in df_only.stats.op_histogram  # x**2 became Sqr
    with pytest.raises(GraphError):
        graph_of_expression(expr, "ddf", "symbolic")


@pytest.mark.parametrize("text", ["exp(sin(x**2))", "x**x/x**x/x**x", "3", "x"])
def test_an_expressions_op_count_is_its_views_without_building_it(text):
    expression = pytest.importorskip("xorlab.core.expression.expression")
    expr = expression.parse_expression(text)
    cases = [(which, stage) for which in ("f", "df", "both") for stage in STAGES]
    counted = {case: expression_op_count(expr, *case) for case in cases}
    assert not _cache_for(expr).views  # nothing was built to count
    for case in cases:
        view = graph_of_expression(expr, *case, with_text=False)
        assert counted[case] == view.stats.apply_nodes == expression_op_count(expr, *case), case
    with pytest.raises(GraphError):
        expression_op_count(expr, "ddf")
