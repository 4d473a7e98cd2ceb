"""The Graph tab's line on which compile its optimized graph is, and which loop training runs.

The optimized graph is PyTensor's compile of the graph shown in the trainer's mode (for the
training step: the rewrites one step compiled alone would run; by default PyTensor's default
mode, whose linker is Numba). Training runs none of those functions: the engine compiles
loops of its own, each from the same step graph but by another path, so their ops differ
from the picture's. The tab used to title the step "Numba (default mode)" while the run
trained on the jax loop, which read as if the picture were what ran.
"""

from __future__ import annotations

import html

# Each loop, short (the note) and how it is made from the step graph (its tooltip); the
# engine's names, as worker.engine_chosen gives them.
LOOPS = {
    "fused": ("the fused loop", "the step evaluated on scalars, emitted as one Numba loop"),
    "jax": ("the jax loop", "the step converted by PyTensor's JAX backend, run by XLA"),
    "scan": ("the scan loop", "the step inside a PyTensor scan, compiled with Numba"),
    "numpy": ("the quick tier", "the step written out as numpy code, ready at once"),
}
QUICK_TIER = "numpy"


def loop_name(name: str) -> str:
    return LOOPS.get(name, (f"the {name} loop", ""))[0]


def compile_note_html(compiled_as: str, planned: str, running: str) -> str:
    """The note: ``compiled_as`` names the compile shown ("default mode, Numba linker"),
    ``planned`` the loop the engine plans for this network, ``running`` the one training
    runs on now ("" before the worker said)."""
    parts = []
    if compiled_as:
        shown = html.escape(compiled_as, quote=False)
        parts.append(f"Optimized: PyTensor's own compile of this graph ({shown}).")
    if running == QUICK_TIER and planned and planned != running:
        runs = f"Training starts on {loop_name(running)}, then {loop_name(planned)}"
    elif running:
        runs = f"Training runs on {loop_name(running)}"
    elif planned:
        runs = f"Training will run on {loop_name(planned)}"
    else:
        runs = ""
    if runs:
        parts.append(html.escape(runs, quote=False) + ", compiled apart from this graph.")
    return " ".join(parts)


def compile_note_tooltip(planned: str, running: str) -> str:
    """How the loops named in the note are made from the step graph."""
    names = [n for n in dict.fromkeys((running, planned)) if n in LOOPS]
    lines = [f"{LOOPS[n][0].capitalize()}: {LOOPS[n][1]}." for n in names]
    lines.append(
        "The optimized graph is what PyTensor's rewrites make of this graph when it is "
        "compiled alone; the training loops are compiled by other paths, so the ops they run "
        "differ."
    )
    return "\n".join(lines)
