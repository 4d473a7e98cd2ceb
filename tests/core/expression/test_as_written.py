"""The as-written runner against PyTensor itself: the same graph compiled with no rewrites on
the Python linker gives the same numbers, to the bit, at points and over a vector."""

from __future__ import annotations

import numpy as np
import pytensor
import pytest
from pytensor.compile.mode import Mode

from xorlab.core.expression import as_written
from xorlab.core.expression.expression import parse_expression

NO_REWRITES = Mode(linker="py", optimizer=None)
TEXTS = [
    "exp(sin(x**2))",
    "(x**2 + 1) / (x - 3)",
    "log(sigmoid(x)) + abs(x - 1) * tanh(2*x)",
    "x**x/x**x/x**x/x**x",
    "sqrt(x) + 2**x - pi*x",
    "(x-x)/(x-x)",
    "3",
]
POINTS = np.array([-1.5, 0.0, 0.3, 2.0, 3.0, 15.0])


@pytest.mark.parametrize("text", TEXTS)
def test_values_are_those_of_the_graph_compiled_with_no_rewrites(text):
    expr = parse_expression(text)
    compiled = pytensor.function([expr.x], [expr.f, expr.df], mode=NO_REWRITES)
    order = as_written.program(expr.x, [expr.f, expr.df])
    with np.errstate(all="ignore"):
        for at in POINTS:
            known = as_written.run(order, expr.x, at)
            got = [float(as_written.value_of(v, known)) for v in (expr.f, expr.df)]
            np.testing.assert_array_equal(got, [float(v) for v in compiled(at)])
        # A vector runs through the same 0-d graph element by element.
        known = as_written.run(order, expr.x, POINTS)
        for var, index in ((expr.f, 0), (expr.df, 1)):
            expected = [float(compiled(at)[index]) for at in POINTS]
            value = np.broadcast_to(as_written.value_of(var, known), POINTS.shape)
            np.testing.assert_array_equal(value, expected)


def test_every_intermediate_value_is_kept():
    expr = parse_expression("exp(sin(x**2))")
    order = as_written.program(expr.x, [expr.f])
    known = as_written.run(order, expr.x, 15.0)
    assert [float(known[node.outputs[0]]) for node in order] == pytest.approx(
        [225.0, np.sin(225.0), np.exp(np.sin(225.0))], rel=1e-15
    )


def test_nodes_are_prepared_as_the_linker_prepares_each():
    # Each op and dtypes is prepared once; every node still has the dtype signature the
    # Python linker's own preparation gives it (an integer first input needs one).
    import pytensor.tensor as pt

    x = pt.dscalar("x")
    two, three = pt.constant(2, dtype="int8"), pt.constant(3, dtype="int8")
    f = two**x + two ** (x + 1) + three**x + x**x / x**x
    order = as_written.program(x, [f])
    signatures = [getattr(node.tag, "sig", None) for node in order]
    functions = [(node.op.nfunc, node.op.ufunc) for node in order]
    assert all(nfunc is not None or ufunc is not None for nfunc, ufunc in functions)
    got = float(as_written.value_of(f, as_written.run(order, x, 1.5)))
    for node in order:
        node.op.nfunc = node.op.ufunc = None
        node.tag.__dict__.pop("sig", None)
        node.op.prepare_node(node, None, None, "py")
    assert signatures == [getattr(node.tag, "sig", None) for node in order]
    # The same numpy function (a frompyfunc made again is a new object of the same kind).
    for (nfunc, ufunc), node in zip(functions, order, strict=True):
        assert nfunc is node.op.nfunc and type(ufunc) is type(node.op.ufunc)
    assert signatures.count("dd->d") == 3  # the three int8 ** float64 nodes, in float64
    assert got == 2**1.5 + 2**2.5 + 3**1.5 + 1.0
