"""A stop rule ends the run in the window where it ends headless, and the status bar says
which rule it was."""

from __future__ import annotations

from tests.ui.windows import wait_for_state
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer


def test_status_bar_names_the_rule_that_stopped_the_run(make_window, qtbot):
    spec = preset_spec("xor-minimal").with_changes(training={"target_cost": 0.2})
    headless = Trainer(spec)
    headless.run(headless.total_steps)
    window = make_window(spec)
    window.actions.train.trigger()
    wait_for_state(qtbot, window, "done")
    assert window.last_snapshot.step == headless.step_count < headless.total_steps
    label = window.status.state_label
    assert label.text() == "Done: target cost reached"
    assert "reached the target 0.2" in label.toolTip()
    window.actions.reset.trigger()
    wait_for_state(qtbot, window, "ready")
    qtbot.waitUntil(lambda: window.status.stop_reason is None)
