"""Command-line front: no sub-command starts the GUI; `train`, `grad`, `graph`,
`landscape` and `warm` run headless.

Sub-commands live in xorlab.commands, one module each with ``add_parser(subparsers)`` and
``run(args)``, imported only when named so the GUI starts without loading them all.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys

from xorlab.core import compile_cache

# One BLAS thread, set before numpy loads (a user's own setting wins): this lab's matrices are
# small, and OpenBLAS's extra threads fight the GUI thread and the training worker for the
# cores. Measured on 2 busy cores: the spiral's 64 x 64 map took 11-13 ms with them, 2.4 ms
# with one thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# argparse takes "-1e5" for an option (its own pattern knows only -1 and -1.5): every
# decimal number, in scientific notation too, is a value.
NEGATIVE_NUMBER = re.compile(r"^-(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")

COMMANDS = {
    "train": "train a network headless and print the tutorial's progress lines",
    "grad": "differentiate an expression in x symbolically and evaluate it",
    "graph": "render a network's symbolic or optimized PyTensor graph",
    "landscape": "the cost surface around the trained weights and the path training took",
    "warm": "compile the presets' training loops into the caches (set-up runs it)",
}


def _command_module(name: str):
    return importlib.import_module(f"xorlab.commands.{name}")


def _speed(text: str) -> str:
    from xorlab.app.speed_limit import RATES, speed_key  # Qt-free

    key = speed_key(text)
    if key is None:
        raise argparse.ArgumentTypeError(f"choose one of {', '.join(RATES)} (steps/s)")
    return key


def add_gui_arguments(parser: argparse.ArgumentParser) -> None:
    gui = parser.add_argument_group("desktop app (no command)")
    gui.add_argument("--preset", help="open with this preset (e.g. xor-minimal)")
    gui.add_argument("--experiment", metavar="FILE", help="open this experiment file")
    gui.add_argument("--train", action="store_true", help="start training once the window shows")
    gui.add_argument(
        "--screenshot", metavar="PNG", help="save a screenshot of the window (after training)"
    )
    gui.add_argument(
        "--quit-when-done", action="store_true", help="exit once training (and screenshot) finish"
    )
    gui.add_argument("--tab", help="show this tab first (e.g. graph, expression)")
    gui.add_argument(
        "--backend",
        choices=("auto", "fused", "scan", "jax"),
        help="training engine for this session (Train > Engine); default: the last chosen",
    )
    gui.add_argument(
        "--speed",
        type=_speed,
        help="training speed for this session (Train > Speed): full, or 10000, 1000, 100, "
        "10 steps/s; default: the last chosen (full speed with --quit-when-done)",
    )


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s module is imported, for its options (none without a
    command: ``--help`` and the GUI need only the commands' one-line help, and importing a
    command imports PyTensor, ~0.5-1 s)."""
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description="xorlab: a lab for learning how neural networks and symbolic "
        "differentiation work. With no command, the desktop app starts.",
    )
    add_gui_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        if command == name:
            _command_module(name).add_parser(sub)
        else:
            sub.add_parser(name, help=help_text)
    for each in (parser, *sub.choices.values()):
        each._negative_number_matcher = NEGATIVE_NUMBER
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command in ``argv`` (the process's arguments when None: the program itself,
    which then exits right after; tests pass a list and go on)."""
    as_program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    # Before anything imports PyTensor (a command's parser does). Not for `warm`, whose whole
    # point is the cache it fills: it says the folder cannot be written and stops.
    notice = compile_cache.ensure_writable() if as_program and command != "warm" else None
    if notice:
        print(f"xorlab: {notice}", file=sys.stderr)
    args = build_parser(command).parse_args(argv)
    args.startup_notice = notice
    if args.command is None:
        from xorlab.commands.qt_adapter import launch_gui

        return launch_gui(args)
    try:
        module = _command_module(args.command)
        if as_program and hasattr(module, "configure_process"):
            # Settings for this process alone (its environment): never in a caller's.
            module.configure_process()
        code = int(module.run(args))
    except BrokenPipeError:
        # The reader went away (`| head`): not an error worth a traceback.
        sys.stderr.close()
        return 0
    if as_program:
        _skip_collection_at_exit()
    return code


def _skip_collection_at_exit() -> None:
    """The command is done and the process ends next: spare it the garbage collections of
    the interpreter's shutdown. With PyTensor loaded (~60,000 tracked objects) they were a
    sixth of `grad --at`'s CPU time (0.17 of 1.09 s at load 5), freeing memory the exit
    frees anyway. Only cycle collection is skipped (gc.freeze): every object is still
    released by reference counting, and exit handlers still run. Not for the GUI, whose
    Qt objects are torn down in an order the collector may be part of."""
    import gc

    gc.freeze()
