"""`graph`: a network's (or an expression's) PyTensor graph as SVG, PNG, DOT or debugprint text.

    python main.py graph --preset xor-minimal --target train --stage optimized -o step.svg
    python main.py graph --target grad --param 1 --stats
    python main.py graph --expression "exp(sin(x**2))" --part df --stage optimized --format txt

Exit codes: 0 done, 1 the graph could not be rendered or written (nothing is written then),
2 bad options.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xorlab.commands.qt_adapter import rasterize_svg
from xorlab.core.graphs import render
from xorlab.core.graphs.build import (
    EXPRESSION_PARTS,
    STAGES,
    TARGETS,
    GraphError,
    GraphView,
    build_graph,
    compare,
    graph_of_expression,
)
from xorlab.core.io.safe_files import SafeFileError, check_target, write_atomically
from xorlab.core.training.presets import PRESETS, preset_spec

FORMATS = ("svg", "png", "dot", "txt")
SUFFIX_FORMATS = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot", ".txt": "txt"}
MODES = ("NUMBA", "CVM", "FAST_RUN", "FAST_COMPILE")


class UsageError(Exception):
    """A bad combination of options: exit code 2."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "graph",
        help="render a network's symbolic or optimized PyTensor graph",
        description="Draw the graph PyTensor builds for a network (or an expression) before "
        "its rewrites (symbolic) or as compiled (optimized). Formats: svg and png pictures, "
        "dot (Graphviz source), txt (pytensor debugprint; its [id ...] tags are the node ids).",
    )
    parser.add_argument("--preset", default="xor-minimal", choices=sorted(PRESETS))
    parser.add_argument(
        "--target",
        choices=tuple(TARGETS),
        help="which graph (default train): " + "; ".join(f"{k}: {v}" for k, v in TARGETS.items()),
    )
    parser.add_argument(
        "--param", type=int, metavar="N", help="weight matrix for --target grad (0 = W1)"
    )
    parser.add_argument("--stage", choices=tuple(STAGES), default="optimized")
    parser.add_argument(
        "--expression", metavar="TEXT", help="draw this expression in x instead of a network"
    )
    parser.add_argument(
        "--part", choices=EXPRESSION_PARTS, help="with --expression: f, df (f') or both"
    )
    parser.add_argument(
        "--format", choices=FORMATS, help="output format (default: from the -o suffix, else txt)"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    parser.add_argument(
        "--stats",
        action="store_true",
        help="print node and op counts and what the rewrites changed (without -o: only that)",
    )
    parser.add_argument(
        "--renderer",
        choices=render.CHOICES,
        help=f"picture backend (default ${render.ENV_VAR} or auto: dot, else WebAssembly)",
    )
    parser.add_argument("--mode", choices=MODES, help="PyTensor compile mode (default: Numba)")


def run(args: argparse.Namespace) -> int:
    try:
        fmt = _output_format(args)
        view, other = _build_views(args)
    except (UsageError, GraphError) as exc:
        print(f"xorlab graph: {exc}", file=sys.stderr)
        return 2
    if args.output is None and args.stats:
        _print_stats(view, other)
        return 0
    try:
        data = _encode(view, fmt, args.renderer)
    except render.RenderError as exc:
        print(f"xorlab graph: cannot draw {fmt.upper()}: {exc}", file=sys.stderr)
        print("xorlab graph: --format dot or --format txt work without a renderer", file=sys.stderr)
        return 1
    if args.output is None:
        sys.stdout.write(data.decode("utf-8"))
        if not data.endswith(b"\n"):
            sys.stdout.write("\n")
    else:
        try:
            write_atomically(args.output, data)
        except SafeFileError as exc:
            print(f"xorlab graph: {exc}", file=sys.stderr)
            return 1
    if args.stats:
        _print_stats(view, other)
    return 0


def _output_format(args: argparse.Namespace) -> str:
    if args.output is not None:
        parent = Path(args.output).parent
        if not parent.is_dir():
            raise UsageError(f"the folder '{parent}' does not exist")
        try:
            check_target(args.output)  # a device, FIFO or folder is refused before drawing
        except SafeFileError as exc:
            raise UsageError(str(exc)) from None
    fmt = args.format
    if fmt is None and args.output is not None:
        fmt = SUFFIX_FORMATS.get(Path(args.output).suffix.lower())
        if fmt is None:
            raise UsageError(
                f"cannot tell the format from '{args.output}'; add --format "
                f"({', '.join(FORMATS)}) or use a {', '.join(SUFFIX_FORMATS)} file name"
            )
    fmt = fmt or "txt"
    if fmt == "png" and args.output is None and not args.stats:
        raise UsageError("PNG is binary: give a file with -o FILE")
    return fmt


def _build_views(args: argparse.Namespace) -> tuple[GraphView, GraphView | None]:
    """The requested view, and the other stage's view when --stats needs the comparison."""
    other_stage = "symbolic" if args.stage == "optimized" else "optimized"
    if args.expression is not None:
        if args.target is not None or args.param is not None:
            raise UsageError("--target and --param are for networks, not --expression")
        if args.mode is not None:
            raise UsageError("--mode is for networks; expressions use the lab's own mode")
        from xorlab.core.expression.expression import (
            ExpressionError,
            describe_error,
            parse_expression,
        )

        try:
            expr = parse_expression(args.expression)
        except ExpressionError as exc:
            raise UsageError("bad --expression\n" + describe_error(args.expression, exc)) from None
        part = args.part or "both"
        view = graph_of_expression(expr, part, args.stage)
        other = graph_of_expression(expr, part, other_stage) if args.stats else None
        return view, other
    if args.part is not None:
        raise UsageError("--part is for --expression")
    target = args.target or "train"
    if args.param is not None and target != "grad":
        raise UsageError("--param only applies to --target grad")
    from xorlab.core.training.trainer import Trainer

    trainer = Trainer(preset_spec(args.preset), mode=args.mode)
    param = args.param or 0
    view = build_graph(trainer, target, args.stage, param)
    other = build_graph(trainer, target, other_stage, param) if args.stats else None
    return view, other


def _encode(view: GraphView, fmt: str, renderer: str | None) -> bytes:
    if fmt == "dot":
        return view.dot.encode("utf-8")
    if fmt == "txt":
        return view.text.encode("utf-8")
    if fmt == "svg":
        return render.render_svg(view.dot, renderer).encode("utf-8")
    try:
        return render.render_png(view.dot, renderer)
    except render.RenderUnavailable:
        # No Graphviz: the pip-only renderer draws SVG, and Qt (fine here, outside the core)
        # turns it into pixels.
        svg = render.render_svg(view.dot, renderer)
        return rasterize_svg(svg)


def _print_stats(view: GraphView, other: GraphView | None) -> None:
    stats = view.stats
    print(view.title)
    print(f"  ops (apply nodes)  {stats.apply_nodes}")
    print(f"  variables          {stats.variables}")
    print(f"  depth              {stats.depth}")
    print(f"  fused Composites   {stats.composites} ({stats.fused_ops} scalar ops inside)")
    print("  ops by category    " + _counts(stats.category_histogram))
    print("  ops                " + _counts(stats.op_histogram))
    if other is None:
        return
    symbolic, optimized = (view, other) if view.stage == "symbolic" else (other, view)
    comparison = compare(symbolic.stats, optimized.stats)
    print(f"\nrewrites, symbolic -> optimized: {comparison.summary}")
    if comparison.changed:
        width = max(len(name) for name in comparison.changed)
        print(f"  {'op':<{width}}  symbolic  optimized")
        for name, (before, after) in comparison.changed.items():
            print(f"  {name:<{width}}  {before:>8}  {after:>9}")


def _counts(histogram: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in histogram.items()) or "none"
