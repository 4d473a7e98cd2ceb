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

# How each loop is made from the step graph (the engine's names: worker.engine_chosen).
LOOPS = {
    "fused": "the fused loop (the step evaluated on scalars, emitted as one Numba loop)",
    "jax": "the jax loop (the step converted by PyTensor's JAX backend, run by XLA)",
    "scan": "the scan loop (the step inside a PyTensor scan, compiled with Numba)",
    "numpy": "the quick tier (the step written out as numpy code)",
}
QUICK_TIER = "numpy"


def loop_text(name: str) -> str:
    return LOOPS.get(name, f"the {name} loop")


def compile_note_html(compiled_as: str, planned: str, running: str) -> str:
    """The note: ``compiled_as`` names the compile shown ("default mode, Numba linker"),
    ``planned`` the loop the engine plans for this network, ``running`` the one training
    runs on now ("" before Train)."""
    parts = []
    if compiled_as:
        shown = html.escape(compiled_as, quote=False)
        parts.append(f"Optimized: PyTensor's compile of this graph ({shown}).")
    if running == QUICK_TIER and planned and planned != running:
        runs = (
            f"Training starts on {loop_text(running)}; {loop_text(planned)} takes over once "
            "compiled."
        )
    elif running:
        runs = f"Training runs on {loop_text(running)}."
    elif planned:
        runs = f"Training will run on {loop_text(planned)}."
    else:
        runs = ""
    if runs:
        parts.append(html.escape(runs, quote=False) + " Its ops differ from the picture's.")
    return " ".join(parts)
