"""The Graph tab says which compile its optimized graph is and which loop training runs: it
titled the step "Numba (default mode)" while the run trained on the jax loop."""

from __future__ import annotations

import pytest

from tests.ui.windows import wait_for_state
from xorlab.core.training.engines import jax_available
from xorlab.core.training.presets import preset_spec
from xorlab.ui.graph.compile_note import compile_note_html, compile_note_tooltip

DEFAULT = "default mode, Numba linker"


def test_the_note_names_the_compile_shown_and_the_loop_that_trains():
    before = compile_note_html(DEFAULT, "jax", "")
    assert before == (
        f"Optimized: PyTensor's own compile of this graph ({DEFAULT}). "
        "Training will run on the jax loop, compiled apart from this graph."
    )
    quick = compile_note_html(DEFAULT, "jax", "numpy")
    assert "Training starts on the quick tier, then the jax loop, compiled apart" in quick
    assert "Training runs on the jax loop," in compile_note_html(DEFAULT, "jax", "jax")
    # A loop that took over from the planned one (the fastest loop may change) is named.
    assert "Training runs on the scan loop," in compile_note_html(DEFAULT, "jax", "scan")
    assert compile_note_html("", "", "") == ""
    assert "&lt;b&gt;" in compile_note_html("mode <b>", "", "")
    # The tooltip says how each loop named is made.
    tip = compile_note_tooltip("jax", "numpy").splitlines()
    assert tip[0] == "The quick tier: the step written out as numpy code, ready at once."
    assert tip[1] == "The jax loop: the step converted by PyTensor's JAX backend, run by XLA."


def test_the_graph_tab_names_the_default_mode_compile_and_the_engines_loop(qtbot, make_window):
    if not jax_available():
        pytest.skip("needs JAX")
    window = make_window(preset_spec("xor-bias"))
    assert window.engine.choose("jax", remember=False)  # as the point-set presets train
    wait_for_state(qtbot, window, "ready")
    window.show_tab("graph")
    tab = window.graph_tab
    qtbot.waitUntil(lambda: tab.bundle is not None and not tab.busy(), timeout=60_000)
    bundle = tab.bundle
    assert (bundle.compiled_as, bundle.planned_loop) == (DEFAULT, "jax")
    title = bundle.optimized.title
    assert title.endswith(f"(optimized), {DEFAULT}") and "Numba (default mode)" not in title
    note = tab.compile_note
    # Ready to train: it starts on the quick tier (the worker said so), then the jax loop.
    assert note.isVisible() and "Training starts on the quick tier, then the jax" in note.text()
    assert "converted by PyTensor's JAX backend" in note.toolTip()
    window.worker.engine_chosen.emit("jax")  # as the worker does once the jax loop runs
    assert "Training runs on the jax loop" in note.text()


def test_a_graph_tab_built_during_a_run_names_the_loop_running(qtbot, make_window):
    window = make_window(preset_spec("xor-minimal"))
    window.worker.engine_chosen.emit("fused")  # as the worker does once the loop runs
    window.show_tab("graph")
    tab = window.graph_tab
    qtbot.waitUntil(lambda: tab.bundle is not None, timeout=60_000)
    assert tab.bundle.planned_loop == "fused"
    assert "Training runs on the fused loop" in tab.compile_note.text()
