"""elemwise_types: an Elemwise node's output types are worked out once per op and input
types, and every node made is the one PyTensor's own make_node makes; graphs compute the same
values and gradients (against numpy and finite differences)."""

from __future__ import annotations

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.tensor.elemwise import Elemwise

from xorlab.core import elemwise_types
from xorlab.core.pytensor_setup import INSPECT_MODE


def _nodes(build):
    """The (op, input types, output types, broadcast inputs' types) of the nodes ``build``
    makes, once with PyTensor's own get_output_info and once with the remembered one."""
    made = []
    for remembered in (False, True):
        if remembered:
            elemwise_types.install()
        else:
            elemwise_types.uninstall()
        try:
            outputs = build()
        finally:
            elemwise_types.install()
        nodes = [out.owner for out in outputs]
        made.append(
            [
                (
                    node.op,
                    [i.type for i in node.inputs],
                    [o.type for o in node.outputs],
                    [str(i.owner.op) if i.owner is not None else None for i in node.inputs],
                )
                for node in nodes
            ]
        )
    return made


def test_nodes_are_made_as_pytensor_makes_them():
    x, v, m = pt.dscalar("x"), pt.dvector("v"), pt.fmatrix("m")
    i, b = pt.lscalar("i"), pt.tensor("b", dtype="float64", shape=(1, 3))

    def build():
        return [
            x * x,  # float64 scalars
            x * v,  # a scalar broadcast against a vector (DimShuffled)
            v + m,  # float64 vector and float32 matrix: upcast, padded to 2 dims
            m + m,
            i * 2,  # integers stay integers
            i / 2,  # true division of integers gives a float
            b * v,  # static shapes: (1, 3) against (?,)
            pt.exp(m),
            pt.gt(x, 1.0),  # a boolean output
        ]

    pytensors, remembered = _nodes(build)
    assert remembered == pytensors
    # Made again with every combination now known: still PyTensor's.
    assert _nodes(build)[1] == pytensors


def test_a_refused_input_still_raises_every_time():
    x = pt.dscalar("x")
    for _ in range(2):
        with pytest.raises(TypeError):
            pt.bitwise_and(x, x)  # no bitwise op on floats


def test_the_upcast_settings_are_part_of_what_is_remembered():
    i, f = pt.iscalar("i"), pt.fscalar("f")
    default = (i * f).dtype
    with pytensor.config.change_flags(cast_policy="numpy+floatX", floatX="float32"):
        other = (i * f).dtype
        uncached = Elemwise.get_output_info
        elemwise_types.uninstall()
        try:
            assert (i * f).dtype == other
        finally:
            Elemwise.get_output_info = uncached
    assert (i * f).dtype == default


def test_gradients_and_values_are_unchanged():
    # d/dx exp(sin(x**2)) at 15, the tutorial's number, and a 10-term quotient against
    # numpy and a finite difference.
    x = pt.dscalar("x")
    f = pt.exp(pt.sin(x**2))
    df = pytensor.function([x], pytensor.grad(f, x), mode=INSPECT_MODE)
    assert df(15.0) == pytest.approx(4.347404090286684, rel=1e-12)

    q = x**x
    for _ in range(9):
        q = q / (x**x)
    g = pytensor.function([x], [q, pytensor.grad(q, x)], mode=INSPECT_MODE)
    value, slope = g(1.5)
    reference = 1.5 ** (-8 * 1.5)
    assert value == pytest.approx(reference, rel=1e-12)
    h = 1e-6
    difference = ((1.5 + h) ** (-8 * (1.5 + h)) - (1.5 - h) ** (-8 * (1.5 - h))) / (2 * h)
    assert slope == pytest.approx(difference, rel=1e-6)
    assert slope == pytest.approx(-8 * reference * (np.log(1.5) + 1), rel=1e-12)


def test_the_table_stays_bounded(monkeypatch):
    monkeypatch.setattr(elemwise_types, "MAX_ENTRIES", 3)
    elemwise_types._known.clear()
    for dtype in ("float64", "float32", "int64", "int32", "int16"):
        a = pt.scalar("a", dtype=dtype)
        assert (a + a).dtype == dtype
    assert len(elemwise_types._known) <= 3


def test_the_expressions_module_installs_it():
    import xorlab.core.expression.expression  # noqa: F401  (applies pytensor_setup)

    assert Elemwise.get_output_info is elemwise_types._get_output_info_once


def test_scalar_output_types_are_pytensors_and_follow_the_settings():
    import pytensor.scalar as ps

    cases = [
        (ps.add, ("float64", "float64")),
        (ps.mul, ("int8", "float32")),
        (ps.true_div, ("int64", "int64")),  # true division of integers gives a float
        (ps.int_div, ("int32", "int16")),
        (ps.log, ("int8",)),  # upgraded to a float
        (ps.gt, ("float64", "int8")),  # a boolean
        (ps.pow, ("float32", "int8")),
    ]

    def outputs():
        return [op.make_node(*(ps.get_scalar_type(d)() for d in dtypes)).outputs[0].type
                for op, dtypes in cases]  # fmt: skip

    elemwise_types.uninstall()
    try:
        pytensors = outputs()
        with pytensor.config.change_flags(cast_policy="numpy+floatX", floatX="float32"):
            pytensors_32 = outputs()
    finally:
        elemwise_types.install()
    assert outputs() == outputs() == pytensors  # remembered, then from the table
    with pytensor.config.change_flags(cast_policy="numpy+floatX", floatX="float32"):
        assert outputs() == pytensors_32
    assert pytensors_32 != pytensors  # the settings change what is remembered
    for _ in range(2):  # refused every time, never remembered
        with pytest.raises(TypeError):
            ps.and_(ps.float64(), ps.float64())
