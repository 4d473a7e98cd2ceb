"""Starting the app: no display, a broken display, the automation flags, and a real window."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from xorlab.ui.shell.launch import missing_display, needs_probe

ROOT = Path(__file__).resolve().parents[3]


def gui_args(**flags) -> argparse.Namespace:
    values = dict(
        preset=None, experiment=None, train=False, screenshot=None, quit_when_done=False, tab=None
    )
    values.update(flags)
    return argparse.Namespace(**values)


def distinct_colours(path: Path) -> int:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert not image.isNull()
    pixels = np.frombuffer(image.constBits(), dtype=np.uint32, count=image.width() * image.height())
    return int(np.unique(pixels).size)


def env_without_display(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env.update(extra)
    return env


@pytest.mark.parametrize(
    ("env", "platform", "missing"),
    [
        ({}, "linux", True),
        ({"DISPLAY": ":0"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({}, "darwin", False),
        ({}, "win32", False),
    ],
)
def test_missing_display_is_detected_only_where_qt_would_abort(env, platform, missing):
    assert missing_display(env, platform) is missing


def test_screenless_platforms_are_not_probed():
    assert not needs_probe({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not needs_probe({"QT_QPA_PLATFORM": "minimal"}, "linux")
    assert needs_probe({"DISPLAY": ":0"}, "linux")
    assert not needs_probe({"DISPLAY": ":0"}, "darwin")


def test_no_display_prints_what_to_do_and_exits_2():
    result = subprocess.run(
        [sys.executable, "main.py"],
        cwd=ROOT,
        env=env_without_display(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "no display found" in result.stderr
    for hint in ("train --preset xor-minimal", "xvfb-run -a python main.py", "offscreen"):
        assert hint in result.stderr


def test_a_display_that_is_not_there_is_reported_not_an_abort():
    # Qt itself would print a hint and abort (SIGABRT); the probe turns that into exit 2.
    result = subprocess.run(
        [sys.executable, "main.py"],
        cwd=ROOT,
        env=env_without_display(DISPLAY=":987"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "could not open a window on display ':987'" in result.stderr
    assert "xvfb-run" in result.stderr


def run_app_with_timeout(args: argparse.Namespace, seconds: int = 120) -> int:
    from xorlab.ui.shell.application import run_app

    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(QApplication.quit)  # never hang the suite
    guard.start(seconds * 1000)
    try:
        return run_app(args)
    finally:
        guard.stop()


def test_automation_trains_screenshots_and_quits(qapp, tmp_path, capsys):
    shot = tmp_path / "shots" / "window.png"
    args = gui_args(
        preset="xor-minimal", train=True, screenshot=str(shot), quit_when_done=True, tab="nope"
    )
    assert run_app_with_timeout(args) == 0
    assert shot.is_file() and distinct_colours(shot) > 200
    err = capsys.readouterr().err
    assert "no tab called 'nope'" in err and "Training" in err
    assert "saved a screenshot" in err


def test_an_unknown_preset_is_a_message_and_exit_2(qapp, capsys):
    assert run_app_with_timeout(gui_args(preset="nope", quit_when_done=True)) == 2
    assert "unknown preset 'nope'" in capsys.readouterr().err


@pytest.mark.skipif(
    shutil.which("xvfb-run") is None or shutil.which("Xvfb") is None, reason="needs Xvfb"
)
def test_a_real_window_under_xvfb(tmp_path):
    shot = tmp_path / "shot.png"
    env = env_without_display(XDG_CONFIG_HOME=str(tmp_path / "config"))
    command = [sys.executable, "main.py", "--preset", "xor-minimal", "--train"]
    command += ["--screenshot", str(shot), "--quit-when-done"]
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert shot.is_file() and distinct_colours(shot) > 200
    # The window's own settings went to the temporary config folder, not the user's.
    assert list((tmp_path / "config").rglob("*.conf"))


def test_experiment_flag_restores_a_saved_run(qapp, tmp_path):
    from xorlab.core.io.experiment import experiment_from_trainer, save_experiment
    from xorlab.core.training.presets import preset_spec
    from xorlab.core.training.trainer import Trainer

    trainer = Trainer(preset_spec("xor-minimal"))
    trainer.run(60_000)
    path = tmp_path / "done.json"
    save_experiment(path, experiment_from_trainer(trainer))
    shot = tmp_path / "restored.png"
    args = gui_args(experiment=str(path), screenshot=str(shot), quit_when_done=True)
    assert run_app_with_timeout(args) == 0
    assert shot.is_file() and distinct_colours(shot) > 200


def test_a_missing_experiment_file_is_a_message_and_exit_2(qapp, tmp_path, capsys):
    args = gui_args(experiment=str(tmp_path / "none.json"), quit_when_done=True)
    assert run_app_with_timeout(args) == 2
    assert "cannot open the experiment" in capsys.readouterr().err
