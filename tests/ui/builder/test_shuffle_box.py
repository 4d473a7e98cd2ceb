"""The builder's Shuffle box: shown for per-sample and mini-batch schedules, carried into
the spec, and off in the tutorial presets."""

from __future__ import annotations

from xorlab.core.training.presets import PRESETS
from xorlab.ui.builder.panel import BuilderPanel


def test_shuffle_box_edits_the_spec_and_hides_for_a_full_batch(qtbot):
    panel = BuilderPanel(spec=PRESETS["xor-bias"].spec)
    qtbot.addWidget(panel)
    panel.show()
    box = panel.field_editor("training.shuffle")
    assert box.isVisible() and not box.isChecked()
    with qtbot.waitSignal(panel.spec_changed) as signal:
        box.setChecked(True)
    assert signal.args[0].training.shuffle
    panel.set_spec(PRESETS["xor-minimal"].spec)  # full batch
    assert not box.isVisible() and not panel.spec().training.shuffle
    assert not any(p.spec.training.shuffle for p in PRESETS.values())
