"""The one-line label that ends in "…": cut, its tooltip says it whole."""

from __future__ import annotations

from xorlab.ui.widgets.svg_view import ElidedLabel

TITLE = "Training step (optimized), default mode, Numba linker"


def test_a_cut_title_is_whole_in_its_tooltip(qtbot):
    label = ElidedLabel(TITLE)
    qtbot.addWidget(label)
    label.setToolTip("Drag to pan")
    label.resize(label.fontMetrics().horizontalAdvance("Training step (opt"), 20)
    label.show()
    assert label.is_elided()
    assert label.tip() == f"{TITLE}\nDrag to pan"
    label.resize(label.fontMetrics().horizontalAdvance(TITLE) + 10, 20)
    assert not label.is_elided()
    assert label.tip() == "Drag to pan"  # whole on screen: only its own tooltip
