"""`grad`: differentiate an expression in x symbolically, then evaluate f and f'.

    python main.py grad "exp(sin(x**2))" --at 15
    python main.py grad "tanh(x)" --range -3 3 --points 7 --json
    python main.py grad "x**3"                  # prints f' as PyTensor's optimized graph

Exit codes: 0 done, 2 a bad expression or bad options (the message says which).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import sys
from typing import TYPE_CHECKING

# PyTensor-free: `grad --help` must not pay for importing PyTensor (see run()).
from xorlab.core.expression.parser import CONSTANTS, FUNCTIONS, MAX_LENGTH

if TYPE_CHECKING:
    from xorlab.core.expression.expression import Expression

DEFAULT_POINTS = 11
MAX_POINTS = 100_000  # a table longer than this is a typo, and would flood the terminal


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grad",
        help="differentiate an expression in x symbolically and evaluate it",
        description="Build f(x) as a PyTensor graph, take f'(x) with pytensor.grad and "
        "evaluate both, as the beginner Theano tutorial does with exp(sin(x**2)). "
        "Without --at or --range, print f' as PyTensor's optimized graph.",
        epilog=f"Expressions use x, numbers, {', '.join(CONSTANTS)}, + - * / ** and the "
        f"functions {', '.join(FUNCTIONS)} (at most {MAX_LENGTH} characters). "
        'Quote the expression; one that starts with "-" needs a leading space: " -x**2".',
    )
    parser.add_argument("expression", help='the expression in x, e.g. "exp(sin(x**2))"')
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--at", type=float, metavar="X", help="evaluate f and f' at x = X")
    where.add_argument(
        "--range",
        type=float,
        nargs=2,
        metavar=("A", "B"),
        help="tabulate f and f' at evenly spaced x from A to B",
    )
    parser.add_argument(
        "--points",
        type=_point_count,
        default=DEFAULT_POINTS,
        help=f"how many x in --range (default {DEFAULT_POINTS})",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="with --at, also print the central finite difference beside f'",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")


def configure_process() -> None:
    """Before PyTensor is imported, in a process that runs this command alone: no C compiler,
    no automatic cycle collection.

    Every op here runs in Python (values as written, and the compile for the optimized
    graph uses the Python linker), yet ``import pytensor`` probes for one by running
    ``g++ -v`` (0.05-0.09 s at load 5 of a 0.76-0.85 s import). Setting PyTensor's ``cxx``
    flag to nothing is its documented way to say there is none; a user's own ``cxx`` (or
    any flag naming it) is left alone."""
    flags = os.environ.get("PYTENSOR_FLAGS", "")
    if "cxx" not in flags:
        os.environ["PYTENSOR_FLAGS"] = f"{flags},cxx=" if flags else "cxx="
    # No automatic cycle collection either: the process imports PyTensor, builds one
    # expression's graph and ends, and each full collection traversed all of PyTensor's
    # objects to find no garbage worth freeing before the exit (off, `grad --at` took
    # 0.06-0.1 s less CPU of 0.65-0.72 s, load 3). Reference counting still frees the rest.
    gc.disable()


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: PyTensor (and numpy) cost most of this command's start.
    from xorlab.core.expression.expression import (
        ExpressionError,
        describe_error,
        parse_expression,
    )

    try:
        expr = parse_expression(args.expression)
    except ExpressionError as error:
        shown = describe_error(args.expression, error).splitlines()
        print("xorlab grad: cannot use this expression", file=sys.stderr)
        print("\n".join(f"  {line}" for line in shown), file=sys.stderr)
        return 2
    if args.range is not None:
        _print_range(expr, args)
    elif args.at is not None:
        _print_point(expr, args)
    else:
        _print_formula(expr, args)
    return 0


def _point_count(text: str) -> int:
    count = int(text)
    if not 1 <= count <= MAX_POINTS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_POINTS}")
    return count


def _print_point(expr: Expression, args: argparse.Namespace) -> None:
    from xorlab.core.expression.expression import finite_difference
    from xorlab.core.expression.values import beside_optimized, describe_value, evaluate_point

    # The values shown are those of the expression as written, which need no compile. The
    # optimized compile only adds notes (where PyTensor's rewrites change a value), and it
    # costs a third of this command's time (its rewrites import scipy.sparse through
    # PyTensor's constant folding): as text, the values are printed before it runs.
    written = evaluate_point(expr, args.at, optimized=False)
    check = None
    if args.check:  # differences of the rewritten f would invent a slope where f is undefined
        check = finite_difference(expr, args.at) if written.f_defined else math.nan
    if args.json:
        point = beside_optimized(expr, written)
        record = {
            "expression": expr.text,
            "x": args.at,
            "f": point.f,
            "df": point.df if point.df_defined else math.nan,
            "f_undefined": point.f_reason or None,
            "df_undefined": point.df_reason or None,
            "f_underflow": point.f_underflow or None,
            "df_underflow": point.df_underflow or None,
            "optimized": {"f": point.optimized_f, "df": point.optimized_df},
            "notes": [*point.notes, *expr.rewrite_limits],
        }
        if check is not None:
            record["finite_difference"] = check
        _print_json(record)
        return
    df = written.df if written.df_defined else math.nan
    at = _short(args.at)
    print(f"f({at}) = {describe_value(written.f, written.f_reason, written.f_underflow_kind)}")
    print(f"f'({at}) = {describe_value(df, written.df_reason, written.df_underflow_kind)}")
    if check is not None and not written.f_defined:
        print("finite difference = undefined (f is not finite here)")
    elif check is not None and (written.f_underflow or written.df_underflow):
        print(f"finite difference = {check!r}  (no check: the values underflow here)")
    elif check is not None:
        print(f"finite difference = {check!r}  (|f' - fd| = {abs(df - check):.3g})")
    sys.stdout.flush()  # the answer, before the compile for the notes
    point = beside_optimized(expr, written)
    for note in (*point.notes, *expr.rewrite_limits):
        print(f"note: {note}")


def _print_range(expr: Expression, args: argparse.Namespace) -> None:
    import numpy as np

    from xorlab.core.expression.values import evaluate_range_as_written

    xs = np.linspace(args.range[0], args.range[1], args.points)
    fs, dfs = evaluate_range_as_written(expr, xs)
    if args.json:
        _print_json({"expression": expr.text, "x": xs, "f": fs, "df": dfs})
        return
    x_title, f_title, df_title = "x", "f(x)", "f'(x)"
    print(f"{x_title:>14}  {f_title:>22}  {df_title:>22}")
    for x, f, df in zip(xs, fs, dfs, strict=True):
        print(f"{x:>14.8g}  {f:>22.15g}  {df:>22.15g}")
    if not np.isfinite(fs).all():
        print("(nan: undefined there, as written; inf: beyond double range)")


def _print_formula(expr: Expression, args: argparse.Namespace) -> None:
    from xorlab.core.expression.expression import derivative_formula

    formula = derivative_formula(expr)
    if args.json:
        _print_json({"expression": expr.text, "df_formula": formula, "notes": expr.rewrite_limits})
    else:
        print(f"f(x) = {expr.text.strip()}")
        print(f"f'(x) = {formula}")
        for note in expr.rewrite_limits:
            print(f"note: {note}")


def _print_json(record: dict) -> None:
    # JSON has no nan or inf: a value outside the domain is printed as null.
    import numpy as np

    def plain(value: object) -> object:
        if isinstance(value, np.ndarray):
            return [plain(v) for v in value.tolist()]
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value

    print(json.dumps({key: plain(value) for key, value in record.items()}))


def _short(value: float) -> str:
    """15.0 -> '15', 0.1 -> '0.1': how a person writes the x they asked for."""
    text = repr(float(value))
    return text.removesuffix(".0")
