"""The Log tab shows the very lines the CLI prints, and says why the last one differs from
the run's full-set cost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.ui.windows import wait_for_state
from xorlab.core.training.presets import preset_spec

ROOT = Path(__file__).resolve().parents[3]


def test_log_tab_shows_the_cli_lines(make_window, qtbot):
    cli = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "train", "--preset", "xor-bias"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    printed = [line for line in cli.stdout.splitlines() if line.startswith("epoch ")]
    assert printed[-1] == "epoch    9500  cost 0.0011468473"  # the beginner tutorial's
    window = make_window(preset_spec("xor-bias"))
    assert window.show_tab("Log")
    window.actions.train.trigger()
    wait_for_state(qtbot, window, "done")
    log = window.log_view
    qtbot.waitUntil(lambda: len(log.lines()) == len(printed))
    assert log.lines() == printed
    assert "0.00115" in log.explain.text() and "0.00393" in log.explain.text()
    assert "Last line: 0.00114685 (epoch 9,500" in log.compare.text()
    assert "after 10,000 epochs: 0.00393342" in log.compare.text()
    window.actions.reset.trigger()
    qtbot.waitUntil(lambda: log.lines() == [])


def test_log_tab_out_of_sight_holds_the_lines_until_shown(make_window, qtbot):
    from xorlab.core.training.progress_log import format_line

    window = make_window(preset_spec("xor-bias"))
    sent = []
    window.worker.snapshot_ready.connect(lambda s: sent.extend(s.log_lines))
    assert window.show_tab("Training")
    window.actions.train.trigger()
    wait_for_state(qtbot, window, "done")
    log = window.log_view
    qtbot.waitUntil(lambda: len(sent) == 20)  # every 500 epochs of 10,000
    assert log.lines() == []  # nobody saw them: held, not drawn
    assert window.show_tab("Log")
    assert log.lines() == [format_line(epoch, cost) for epoch, cost in sent]
    assert "Last line:" in log.compare.text() and "after 10,000 epochs" in log.compare.text()
