"""The merged copy an expression is compiled from: what PyTensor's merge phase would make of a
plain copy, the same values, and the original graph untouched."""

from __future__ import annotations

import numpy as np
import pytest
from pytensor.graph.fg import FunctionGraph
from pytensor.graph.rewriting.basic import MergeOptimizer
from pytensor.graph.traversal import io_toposort

from xorlab.core.expression import as_written
from xorlab.core.expression.expression import parse_expression
from xorlab.core.expression.merged_clone import merged_clone

TEXTS = [
    "/".join(["x**x"] * 12),
    "sin(x)**2 + cos(x)**2 + sin(x)*cos(x) + exp(sin(x)) * log(1 + x**2)",
    "exp(sin(exp(sin(x**2)))) * (x + 1) / (x + 1)",
    "3",
    "x",
]


def _signature(inputs, outputs) -> list[tuple]:
    """Each op in order, with its inputs as positions in that order (or the constant's
    value), so two graphs compare equal when they compute the same thing the same way."""
    order = io_toposort(inputs, outputs)
    where = {var: ("input", i) for i, var in enumerate(inputs)}
    for n, node in enumerate(order):
        for k, out in enumerate(node.outputs):
            where[out] = ("op", n, k)

    def of(var):
        return where.get(var) or ("constant", np.asarray(var.data).tolist())

    return [(node.op, tuple(of(v) for v in node.inputs)) for node in order] + [
        ("output", of(v)) for v in outputs
    ]


@pytest.mark.parametrize("text", TEXTS)
def test_the_copy_is_what_pytensors_merge_phase_makes(text):
    expr = parse_expression(text)
    before = _signature([expr.x], [expr.f, expr.df])
    inputs, outputs = merged_clone([expr.x], [expr.f, expr.df])
    plain = FunctionGraph([expr.x], [expr.f, expr.df], clone=True)
    MergeOptimizer().rewrite(plain)
    assert _signature(inputs, outputs) == _signature(plain.inputs, plain.outputs)
    assert _signature([expr.x], [expr.f, expr.df]) == before  # the original is untouched
    assert inputs[0] is not expr.x


def test_repeats_are_built_once_and_give_the_same_values():
    expr = parse_expression("/".join(["x**x"] * 100))
    inputs, outputs = merged_clone([expr.x], [expr.f, expr.df])
    original = io_toposort([expr.x], [expr.f, expr.df])
    merged = io_toposort(inputs, outputs)
    assert len(original) == 1894 and len(merged) < 1300
    pows = [n for n in merged if type(getattr(n.op, "scalar_op", None)).__name__ == "Pow"]
    assert len({tuple(n.inputs) for n in pows}) == len(pows)  # no op repeats another
    at = np.array([0.7, 1.1, 1.9])
    want = as_written.run(as_written.program(expr.x, [expr.f, expr.df]), expr.x, at)
    got = as_written.run(as_written.program(inputs[0], outputs), inputs[0], at)
    for old, new in ((expr.f, outputs[0]), (expr.df, outputs[1])):
        np.testing.assert_array_equal(got[new], want[old])  # same ops, same order: same bits


def test_the_quick_key_of_a_number_equals_what_the_merge_phase_compares():
    # Oracle: PyTensor's own merge_signature, over the pairs that could trip a quicker key.
    import pytensor.tensor as pt

    from xorlab.core.expression.merged_clone import _constant_key

    values = [0.0, -0.0, 1.0, 2.5, np.inf, -np.inf, np.nan, np.nan]
    constants = [pt.constant(np.float64(v)) for v in values]
    constants += [pt.constant(np.int64(1)), pt.constant(np.int8(1)), pt.constant(np.float32(1))]
    constants += [pt.constant(np.array([1.0, 2.0])), pt.constant(np.array([1.0, 2.0]))]
    for a in constants:
        for b in constants:
            same = a.merge_signature() == b.merge_signature()
            assert (_constant_key(a) == _constant_key(b)) == same, (a.data, b.data)
            if same:
                assert hash(_constant_key(a)) == hash(_constant_key(b))
