"""The builder in a narrow dock (a 1024- or 1366-pixel screen): a choice too long for its
box ends in "…" and is whole in the tooltip."""

from __future__ import annotations

from xorlab.core.training.presets import preset_spec
from xorlab.ui.builder.panel import BuilderPanel
from xorlab.ui.widgets.elided_combo import ElidedComboBox


def test_the_dataset_box_cuts_a_long_name_with_an_ellipsis_in_a_narrow_dock(qtbot):
    """At 1024x700 the dataset box read "XOR (28-line tutorial orde", cut mid-letter."""
    panel = BuilderPanel(spec=preset_spec("xor-minimal"))
    qtbot.addWidget(panel)
    panel.resize(260, 700)  # the app font is 10 pt, the tests' 9: the dock's 300 px, scaled
    panel.show()
    qtbot.waitExposed(panel)
    box = panel.field_editor("dataset.name")
    assert isinstance(box, ElidedComboBox) and isinstance(panel.preset_combo, ElidedComboBox)
    assert box.currentText() == "XOR (28-line tutorial order)"
    assert box.is_elided() and box.shown_text().endswith("…")
    assert box.tip().splitlines()[0] == "XOR (28-line tutorial order)"
    panel.resize(700, 700)
    qtbot.waitUntil(lambda: not box.is_elided())
