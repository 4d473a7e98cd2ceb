"""The expression lab's values as written, the reasons where undefined, and notes where
PyTensor's rewrites change a value (issue 10). Oracles: numpy on the same formula."""

from __future__ import annotations

import dataclasses
import decimal
import math

import numpy as np
import pytest

from xorlab.cli import main
from xorlab.core.expression.expression import (
    derivative_formula,
    finite_difference,
    parse_expression,
)
from xorlab.core.expression.values import (
    Underflow,
    beside_optimized,
    describe_range_underflow,
    describe_value,
    evaluate_point,
    evaluate_point_and_range,
    evaluate_range_as_written,
    evaluate_range_with_underflow,
)

# text, x, f as written (numpy), reason, optimized f PyTensor's rewrites give
UNDEFINED = [
    ("0/0", 3.0, "0/0", 1.0),
    ("(x-x)/(x-x)", 3.0, "0/0", 1.0),
    ("x*0/0", 3.0, "0/0", 3.0),
    ("x**(0/0)", 3.0, "0/0", 3.0),
    ("(1/0-1/0)*x", 3.0, "infinity − infinity, after division by zero (1/0)", 0.0),
    ("x**(1/0)*0", 3.0, "0 × infinity, after division by zero (1/0)", 0.0),
]


@pytest.mark.parametrize(("text", "at", "reason", "optimized"), UNDEFINED)
def test_undefined_as_written_with_its_reason_and_the_rewrite_noted(text, at, reason, optimized):
    point = evaluate_point(parse_expression(text), at)
    assert math.isnan(point.f) and point.f_reason == reason
    assert not point.df_defined and point.df_reason == "f is not finite here"
    assert point.optimized_f == optimized  # what the lab used to show, with no note
    assert any(
        f"optimized graph gives f = {optimized!r} (as written: undefined)" in note
        for note in point.notes
    )
    assert describe_value(point.f, point.f_reason) == f"undefined ({reason})"


def test_log_of_a_negative_number_marks_f_prime_undefined_too():
    point = evaluate_point(parse_expression("log(x)"), -1.0)
    with np.errstate(all="ignore"):
        assert math.isnan(point.f) and np.isnan(np.log(-1.0))
    assert point.f_reason == "log of a negative number (-1)"
    assert point.df == -1.0 and not point.df_defined  # 1/x, but f is not defined there
    assert any("formula PyTensor built for f′ gives -1.0" in n for n in point.notes)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("x**(10**10**10)", "overflow: 10 ** 1e+10 is beyond double range"),
        ("x**(1/0)", "division by zero (1/0)"),
        ("exp(1000)*x", "overflow: exp(1000) is beyond double range"),
    ],
)
def test_overflowing_constants_are_named_and_no_traceback_is_printed(capfd, text, reason):
    expr = parse_expression(text)
    point = evaluate_point(expr, 3.0)
    derivative_formula(expr)
    evaluate_range_as_written(expr, np.linspace(-2, 2, 5))
    assert point.f == math.inf and point.f_reason == reason
    assert capfd.readouterr().err == ""


# Every input of this shape made PyTensor's local_pow_to_nested_squaring call int(inf) and
# print its traceback: 62 of a 240-input grid (24 shapes x 10 hostile constants), all of
# this one rewrite. A sample of them, one per base.
POW_INF = [
    "x**(1/0)",
    "x**(-1/0)",
    "x**(10**10**10)",
    "x**(2**1024)",
    "tanh(x)**(1/0)",
    "exp(x)**(-(10**10**10))",
    "abs(x)**(1e308*10)",
    "sqrt(x)**(1/0)",
    "x**(1/0)/x",
    "x**(2*(1/0))",
]


def test_no_rewriter_traceback_reaches_stderr(capfd):
    for text in POW_INF:
        expr = parse_expression(text)
        evaluate_point(expr, 3.0)
        derivative_formula(expr)
        assert expr.rewrite_failures, text
        assert any("rewrite failed and was skipped" in n for n in evaluate_point(expr, 2).notes)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(
    ("text", "at", "f", "df"),
    [
        ("exp(sin(x**2))", 15.0, np.exp(np.sin(225.0)), 4.3474041),
        ("x**3 - 2*x", -1.5, (-1.5) ** 3 + 3.0, 3 * 2.25 - 2),
        ("log(1+x)", 0.5, np.log(1.5), 1 / 1.5),
        ("sqrt(x)", 4.0, 2.0, 0.25),
        ("3", 1.0, 3.0, 0.0),
    ],
)
def test_defined_values_match_numpy_and_the_optimized_graph(text, at, f, df):
    point = evaluate_point(parse_expression(text), at)
    assert point.f == pytest.approx(f, rel=1e-12) and point.df == pytest.approx(df, rel=1e-7)
    assert point.f_reason == point.df_reason == "" and point.notes == ()
    assert point.optimized_f == pytest.approx(point.f, rel=1e-12)


def test_a_range_as_written_is_undefined_where_the_expression_is():
    xs = np.linspace(-2, 2, 9)
    fs, dfs = evaluate_range_as_written(parse_expression("(x-x)/(x-x)"), xs)
    assert np.isnan(fs).all() and np.isnan(dfs).all()
    fs, dfs = evaluate_range_as_written(parse_expression("log(x)"), xs)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(fs, np.log(xs))
    assert np.isnan(dfs[xs <= 0]).all()
    np.testing.assert_allclose(dfs[xs > 0], 1 / xs[xs > 0], rtol=1e-12)


def test_the_cli_prints_the_value_as_written_and_the_lesson(capsys):
    assert main(["grad", "0/0", "--at", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "f(3) = undefined (0/0)"
    assert out[1] == "f'(3) = undefined (f is not finite here)"
    assert any(line.startswith("note: PyTensor's optimized graph gives f = 1.0") for line in out)
    assert main(["grad", "log(x)", "--at", "-1"]) == 0
    out = capsys.readouterr().out
    assert "f(-1) = undefined (log of a negative number (-1))" in out
    assert "f'(-1) = undefined" in out


def test_the_cli_check_invents_no_slope_where_f_is_undefined(capsys):
    assert main(["grad", "x*0/0", "--at", "3", "--check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2] == "finite difference = undefined (f is not finite here)"  # was 1.0


@pytest.mark.parametrize(
    ("text", "at"),
    [("exp(sin(x**2))", 15.0), ("(x-x)/(x-x)", 3.0), ("log(x)", -1.0), ("x**(1/0)/x", 2.0)],
)
def test_the_values_as_written_then_beside_the_optimized_are_the_whole_point(text, at):
    # What the expression tab's complete answer and `grad` do: the values as written first,
    # the optimized graph's added later, equal to computing both at once (a fresh parse each,
    # so neither reuses the other's compile). Oracle for the values: numpy, as written.
    whole = evaluate_point(parse_expression(text), at)
    expr = parse_expression(text)
    written = evaluate_point(expr, at, optimized=False)
    assert math.isnan(written.optimized_f) and math.isnan(written.optimized_df)
    later = beside_optimized(expr, written)
    assert later == whole or repr(later) == repr(whole)  # nan != nan: compare as shown
    with np.errstate(all="ignore"):
        x = np.float64(at)
        want = {
            "exp(sin(x**2))": np.exp(np.sin(x**2)),
            "(x-x)/(x-x)": (x - x) / (x - x),
            "log(x)": np.log(x),
            "x**(1/0)/x": x ** (np.float64(1) / np.float64(0)) / x,
        }[text]
    np.testing.assert_array_equal(later.f, want)


# --- underflow: a 0 (or subnormal) that is not the true value ---------------------------

QUOTIENT = "/".join(["x**x"] * 100)  # 15**15 / (15**15)**99 = 15**-1470 at x = 15


def _exact(expression: str) -> decimal.Decimal:
    """The true value, to 50 digits (decimal works far below double range)."""
    with decimal.localcontext() as context:
        context.prec = 50
        return eval(expression, {"D": decimal.Decimal})  # our own literal expressions only


@pytest.mark.parametrize(
    ("text", "at", "exact", "sure"),
    [
        ("exp(-x)", 800.0, "D(-800).exp()", True),
        ("exp(-x**2)", 30.0, "D(-900).exp()", True),
        (QUOTIENT, 15.0, "D(15) ** -1470", True),
        ("exp(-x)*x", 800.0, "D(-800).exp() * 800", True),
    ],
)
def test_a_value_below_double_range_is_said_to_underflow_not_shown_as_zero(text, at, exact, sure):
    point = evaluate_point(parse_expression(text), at, optimized=False)
    true_value = _exact(exact)
    assert point.f == 0.0 and 0 < abs(true_value) < decimal.Decimal("4.9e-324")
    assert point.f_reason == "" and point.f_defined  # a number, not undefined
    assert point.f_underflow.startswith("its true value is not 0" if sure else "it may not")
    assert "fell below" in point.f_underflow
    assert point.f_underflow_kind is (Underflow.NOT_ZERO if sure else Underflow.MAY_BE_ZERO)
    assert describe_value(point.f, point.f_reason, point.f_underflow_kind) == (
        "0.0 (underflow: the true value is not 0)"
    )
    assert any(note.startswith(f"f({at:g}) is shown as 0.0, but") for note in point.notes)


def test_a_subnormal_value_is_said_to_keep_fewer_digits():
    point = evaluate_point(parse_expression("exp(-x)"), 720.0, optimized=False)
    assert point.f == math.exp(-720) and 0 < point.f < np.finfo(np.float64).tiny
    relative = abs(decimal.Decimal(point.f) / _exact("D(-720).exp()") - 1)
    assert relative > decimal.Decimal("1e-15")  # fewer exact digits than a normal double
    assert point.f_underflow.startswith("it is subnormal") and "-720" in point.f_underflow
    assert point.f_underflow_kind is Underflow.SUBNORMAL
    assert describe_value(point.f, "", point.f_underflow_kind).endswith(
        "(underflow: fewer digits are exact)"
    )


@pytest.mark.parametrize(("text", "at"), [("x-x", 3.0), ("sin(x)-sin(x)", 0.5), ("0*x", 2.0)])
def test_an_exact_zero_is_not_called_an_underflow(text, at):
    point = evaluate_point(parse_expression(text), at, optimized=False)
    assert point.f == 0.0 and point.f_underflow == "" and point.notes == ()
    assert point.f_underflow_kind is None


def test_a_zero_that_an_underflow_led_to_may_be_exact_and_is_said_so():
    # exp(-x) - exp(-x) is exactly 0, but its terms underflowed: the lab cannot tell.
    point = evaluate_point(parse_expression("exp(-x) - exp(-x)"), 800.0, optimized=False)
    assert point.f == 0.0 and point.f_underflow.startswith("it may not be 0")
    assert point.f_underflow_kind is Underflow.MAY_BE_ZERO
    tutorial = evaluate_point(parse_expression("exp(sin(x**2))"), 15.0, optimized=False)
    assert tutorial.f_underflow == tutorial.df_underflow == ""


def test_the_cli_says_underflow_and_checks_nothing_there(capsys):
    assert main(["grad", "exp(-x**2)", "--at", "30", "--check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "f(30) = 0.0 (underflow: the true value is not 0)"
    assert lines[2].endswith("(no check: the values underflow here)")


def test_a_range_says_where_its_values_underflow():
    xs = np.linspace(700.0, 720.0, 201)  # exp(-x) is subnormal past x = 708.39...
    f, df, f_under, df_under = evaluate_range_with_underflow(parse_expression("exp(-x)"), xs)
    np.testing.assert_array_equal(f, np.exp(-xs))
    np.testing.assert_array_equal(f_under, np.exp(-xs) < np.finfo(np.float64).tiny)
    np.testing.assert_array_equal(df_under, f_under)
    assert 0 < f_under.sum() < xs.size
    note = describe_range_underflow(xs, f_under, df_under)
    first = xs[f_under].min()
    assert f"f at {f_under.sum()} of 201 points (x from {first:g} to 720)" in note
    assert math.exp(-first) < np.finfo(np.float64).tiny <= math.exp(-(first - 0.1))
    # Exact zeros are not underflow; a range with none says nothing.
    for text in ("x - x", "sin(x)"):
        *_, f_under, df_under = evaluate_range_with_underflow(parse_expression(text), xs - 710)
        assert not f_under.any() and not df_under.any()
    assert describe_range_underflow(xs, f_under, df_under) == ""


@pytest.mark.parametrize(
    ("text", "at", "xs"),
    [
        ("exp(sin(x**2))", 15.0, np.linspace(14.0, 16.0, 101)),
        ("log(x)", -1.0, np.linspace(-2.0, 2.0, 41)),  # undefined at the point and half the range
        ("0/0", 3.0, np.linspace(0.0, 1.0, 5)),
        ("3", 1.0, np.linspace(0.0, 1.0, 5)),  # a constant: one 0-d value for every point
        ("exp(-x)", 800.0, np.linspace(700.0, 720.0, 21)),  # underflow at the point and range
        ("exp(-x) - exp(-x)", 800.0, np.linspace(700.0, 800.0, 11)),
        ("x**(1/0)*0", 3.0, np.linspace(0.5, 3.0, 11)),
        ("sigmoid(x)*tan(x)/sqrt(abs(x))", 0.7, np.linspace(-3.0, 3.0, 61)),
        (QUOTIENT, 1.5, np.linspace(0.5, 3.0, 1001)),
    ],
)
def test_the_point_and_the_range_from_one_run_are_those_of_two(text, at, xs):
    expr = parse_expression(text)
    point, (f, df, f_under, df_under) = evaluate_point_and_range(expr, at, xs)
    alone = evaluate_point(expr, at, optimized=False)
    # Every value (nan where nan), reason, underflow and note, to the bit.
    np.testing.assert_equal(dataclasses.astuple(point), dataclasses.astuple(alone))
    for got, want in zip(
        (f, df, f_under, df_under), evaluate_range_with_underflow(expr, xs), strict=True
    ):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    ("text", "at"),
    [("exp(sin(x**2))", 15.0), ("x**3 - 2*x", -4.0), (QUOTIENT, 1.5), ("log(x)", 1e-3)],
)
def test_the_finite_difference_is_richardsons_of_four_values_as_written(text, at):
    expr = parse_expression(text)
    h = float(np.cbrt(np.finfo(np.float64).eps)) * max(1.0, abs(at))

    def central(step):  # each value of f alone, from its own run of the graph
        step = (at + step) - at
        up = evaluate_point(expr, at + step, optimized=False).f
        down = evaluate_point(expr, at - step, optimized=False).f
        return (up - down) / (2.0 * step)

    assert finite_difference(expr, at) == (4.0 * central(h / 2) - central(h)) / 3.0
