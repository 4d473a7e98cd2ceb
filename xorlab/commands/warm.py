"""`warm`: compile, for each preset, what the window's Train compiles, so that a fresh
install's first run of a preset trains at full speed at once (scripts/setup.sh runs it).

    python main.py warm                          # every preset (a few minutes, cold)
    python main.py warm --preset circle --preset spiral

Why: the fast loops' compiles are what a cold cache costs. Measured on 2 cores with empty
caches, the fast loop took over 28 s (spiral) and 43 s (circle) after Train; with the caches
this command fills, 4.7 s and 2.2 s. Nothing here is a copy of the window's work: each preset
goes through the same steps in the same order (app.compile_steps: the quick tier, the
evaluation, the maps' forward pass; a first epoch and snapshot; then the fast loop's
background compile, ``Trainer.compile_in_background``, adopted and run once), so the loops
land in the caches under the keys the window and `train` look up.

Where they land: PyTensor's compile folder (the fused loops' generated modules, and under
its base folder, ``numba/``, the scan loops' Numba code, and ``jax/``, XLA's code of the JAX
loops) and Numba's cache of the fused
loops (beside their modules, or under NUMBA_CACHE_DIR when set). The quick tier and the
per-snapshot functions compile in milliseconds in PyTensor's Python linker and leave
nothing on disk.

Exit codes: 0 every preset warmed; 1 some could not be (each one says why, the others are
still warmed); 2 bad options, or no cache folder to write (then nothing is compiled);
130/143 stopped by Ctrl+C/SIGTERM between presets.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from xorlab.commands.stop_signals import stop_on_signals
from xorlab.core.training.presets import PRESETS
from xorlab.core.training.strategies.choose import STRATEGIES

# The window's grid over the input plane (ui.runtime.worker's grid_resolution): the maps'
# forward pass is compiled on it.
GRID_RESOLUTION = 64


class CacheUnusable(Exception):
    """No compile cache can be written: warming would compile for nothing."""


@dataclass(frozen=True)
class CacheFolders:
    pytensor: Path  # PyTensor's compiledir (the fused loops' modules live in xorlab_fused/)
    numba: Path  # where Numba keeps the scan loops' code (base_compiledir/numba)
    numba_fused: str  # where Numba keeps the fused loops' code, as said to the user


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "warm",
        help="compile the presets' training loops into the caches (set-up runs it)",
        description="Compile, for each preset, what the window's Train compiles (the quick "
        "tier, the evaluation, the maps and the fast training loop) into PyTensor's and "
        "Numba's caches, so the first run of each preset trains at full speed at once "
        "instead of after tens of seconds of compiling. scripts/setup.sh runs it.",
        epilog="Exit codes: 0 all warmed, 1 some preset could not be compiled (the others "
        "are), 2 no cache folder can be written (PYTENSOR_FLAGS=base_compiledir=DIR chooses "
        "it), 130 stopped by Ctrl+C between presets.",
    )
    parser.add_argument(
        "--preset",
        action="append",
        choices=list(PRESETS),
        metavar="NAME",
        help=f"warm this preset (repeatable; default: all of {', '.join(PRESETS)})",
    )
    parser.add_argument(
        "--backend",
        default="auto",
        choices=STRATEGIES,
        help="the training engine to compile, as Train > Engine chooses it (default: auto)",
    )


def run(args: argparse.Namespace) -> int:
    names = list(dict.fromkeys(args.preset or PRESETS))  # once each, in the order given
    try:
        folders = cache_folders()
    except CacheUnusable as exc:
        print(f"xorlab warm: {exc}", file=sys.stderr)
        return 2
    print(
        f"warming {len(names)} preset{'s' if len(names) != 1 else ''} into the compile caches "
        f"(PyTensor: {folders.pytensor}; Numba: {folders.numba}, {folders.numba_fused})",
        flush=True,
    )
    warmed: list[str] = []
    failed: list[str] = []
    start = time.perf_counter()
    with stop_on_signals() as stop:
        for name in names:
            if stop.requested:
                break
            print(f"  {name:<16} ", end="", flush=True)
            began = time.perf_counter()
            try:
                tier = warm_preset(name, args.backend)
            except Exception as exc:  # noqa: BLE001 - one preset's failure must not stop the rest
                # Warming only saves time later: a preset that cannot compile here is said
                # (the window will say the same when it is trained) and the others still warm.
                print(f"not warmed: {type(exc).__name__}: {exc}", flush=True)
                failed.append(name)
                continue
            warmed.append(name)
            print(f"{tier} loop, {time.perf_counter() - began:.1f} s", flush=True)
    seconds = time.perf_counter() - start
    if stop.requested:
        print(
            f"stopped by {stop.name} after {seconds:.1f} s; warmed: {', '.join(warmed) or 'none'}",
            file=sys.stderr,
        )
        return stop.exit_code
    print(f"warmed {len(warmed)} of {len(names)} in {seconds:.1f} s", flush=True)
    if failed:
        print(
            f"xorlab warm: not warmed: {', '.join(failed)} (their first run compiles in the "
            "background instead)",
            file=sys.stderr,
        )
        return 1
    return 0


def cache_folders() -> CacheFolders:
    """The folders the caches are written to, each checked by writing a file there.

    PyTensor checks its compile folder when it is first asked for (a ValueError) and makes
    its Numba folder when its Numba cache module is imported (an OSError); either would
    otherwise surface as a traceback in the middle of the first compile."""
    if importlib.util.find_spec("numba") is None:
        raise CacheUnusable(
            "Numba is not installed, so there is no fast loop to compile (pip install numba)"
        )
    import pytensor

    hint = "choose a folder you can write with PYTENSOR_FLAGS=base_compiledir=DIR"
    try:
        compiledir = Path(pytensor.config.compiledir)
        from pytensor.link.numba.cache import NUMBA_CACHE_PATH
    except (ValueError, OSError) as exc:
        raise CacheUnusable(
            f"cannot use PyTensor's compile folder: {str(exc).rstrip('.')}; {hint}"
        ) from None
    numba_dir = Path(NUMBA_CACHE_PATH)
    for folder in (compiledir, numba_dir):
        _check_writable(folder, hint)
    # Numba caches a fused loop beside its module, unless NUMBA_CACHE_DIR names a folder
    # (when that one cannot be written, Numba falls back to beside the module, silently:
    # the app does the same, so the cache is still found).
    numba_fused = os.environ.get("NUMBA_CACHE_DIR") or str(
        compiledir / "xorlab_fused" / "__pycache__"
    )
    return CacheFolders(compiledir, numba_dir, numba_fused)


def _check_writable(folder: Path, hint: str) -> None:
    probe = folder / f".xorlab-warm-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise CacheUnusable(f"cannot write to the compile cache {folder}: {exc}; {hint}") from None


def warm_preset(name: str, backend: str = "auto") -> str:
    """Compile what the window's Train compiles for preset ``name``, in its order; returns
    the fast loop's name. Raises what the compile raises (e.g. StrategyUnavailable)."""
    from xorlab.app.compile_steps import compile_steps
    from xorlab.core.training.datasets import plane_grid
    from xorlab.core.training.presets import preset_spec
    from xorlab.core.training.trainer import Trainer

    trainer = Trainer(preset_spec(name), strategy=backend)
    dataset = trainer.full_dataset
    grid = plane_grid(dataset, GRID_RESOLUTION) if dataset.n_inputs == 2 else None
    for step in compile_steps(trainer, grid):  # what the window runs before Train is enabled
        step()
    trainer.run(trainer.steps_per_epoch)  # the first point, on the quick tier
    trainer.snapshot(grid)
    trainer.compile_in_background()  # the window's fast-loop compile, on its thread
    _ = trainer.loop_fn  # waits for it and hands training over
    trainer.run(trainer.steps_per_epoch)  # its first chunk: Numba compiles at the first call
    return trainer.tier
