"""Node records: a constant's value is printed as numpy prints it, however often it repeats."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.traversal import toposort

from xorlab.core.expression.expression import parse_expression
from xorlab.core.graphs.build import _cache_for, build_graph
from xorlab.core.graphs.nodes import OutputSlot, _apply_info, _variable_info, collect
from xorlab.core.graphs.view import graph_from_outputs


def test_repeated_constants_print_their_own_values():
    x = pt.dscalar("x")
    small = np.array([[0.5, -1.25], [1e-9, 3.0]])
    same_bytes = np.frombuffer(np.float64(2.0).tobytes(), dtype=np.int64).reshape(())
    # 2.0 several times, an int64 with 2.0's bytes, a matrix, an int: each prints its own.
    f = (x * 2.0 + 2.0) * pt.constant(small).sum() + pt.constant(same_bytes) + pt.constant(7)
    view = graph_from_outputs([f, f * 2.0], ["f", "g"], with_text=False)
    constants = [node for node in view.nodes.values() if node.value is not None]
    assert len(constants) >= 5
    for node in constants:
        printed = np.array2string(node.value, precision=4, suppress_small=True)
        assert node.detail.endswith(f"\nvalue: {printed}")
    details = {node.detail.rsplit("value: ", 1)[1] for node in constants}
    assert {"2.", str(int(same_bytes)), "7"} <= details


def _described_one_by_one(records) -> dict:
    """Each record built alone (nothing shared between equal ops or values)."""
    nodes = {}
    for obj, node_id in records.ids.items():
        if node_id.startswith("a"):
            nodes[node_id] = _apply_info(obj, records.ids)
        else:
            users = list(records.nodes[node_id].outputs)
            nodes[node_id] = _variable_info(obj, records.ids, users)
    return nodes


def _same_record(a, b) -> bool:
    fields = [f.name for f in dataclasses.fields(a) if f.name != "value"]
    if (a.value is None) != (b.value is None):
        return False
    if a.value is not None and not np.array_equal(a.value, b.value):
        return False
    return all(getattr(a, name) == getattr(b, name) for name in fields)


def test_records_of_equal_ops_and_values_are_those_each_gets_alone(minimal_trainer):
    """collect describes each distinct op or value kind once; every record is still what it
    would be on its own: an expression's gradient (equal ops, unnamed values, constants) and
    a network's fused training step (Composites, shared weights, updates)."""
    expr = parse_expression("x**x/x**x/x**x + exp(sin(x**2))*2.0 - 1/x")
    graphs = [([expr.x], list(toposort([expr.f, expr.df])), [expr.f, expr.df])]
    build_graph(minimal_trainer, "train", "optimized")  # compiles the step's graph
    fgraph = _cache_for(minimal_trainer).functions["train"].fgraph
    graphs.append((fgraph.inputs, fgraph.toposort(), fgraph.outputs))
    fused = 0
    for inputs, order, outputs in graphs:
        records = collect(inputs, order, [OutputSlot(v, f"o{i}") for i, v in enumerate(outputs)])
        alone = _described_one_by_one(records)
        assert alone.keys() == {k for k in records.nodes if not k.startswith("o")}
        for node_id, node in alone.items():
            assert _same_record(records.nodes[node_id], node), node_id
        fused += sum(node.fused_ops > 0 for node in records.nodes.values())
    assert fused  # a Composite was among them
