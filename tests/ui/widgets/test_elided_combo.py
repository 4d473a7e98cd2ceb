"""The combo box that ends a choice too long for its closed box in "…"."""

from __future__ import annotations

from xorlab.ui.widgets.elided_combo import ElidedComboBox

LONG = "XOR (28-line tutorial order)"


def _box(qtbot, width: int) -> ElidedComboBox:
    box = ElidedComboBox()
    qtbot.addWidget(box)
    box.addItems([LONG, "AND"])
    box.setToolTip("The training data")
    box.setMinimumContentsLength(6)
    box.resize(width, box.sizeHint().height())
    box.show()
    qtbot.waitExposed(box)
    return box


def test_a_cut_choice_ends_in_an_ellipsis_and_is_whole_in_the_tooltip(qtbot):
    box = _box(qtbot, 120)
    assert box.is_elided()
    shown = box.shown_text()
    assert shown.endswith("…") and LONG.startswith(shown[:-1])
    assert box.tip() == f"{LONG}\nThe training data"
    box.setCurrentIndex(1)
    assert not box.is_elided() and box.shown_text() == "AND"
    assert box.tip() == "The training data"


def test_a_box_with_room_shows_its_choice_whole(qtbot):
    box = _box(qtbot, 400)
    assert not box.is_elided() and box.shown_text() == LONG
    assert box.tip() == "The training data"


def test_a_tooltip_that_names_the_choice_is_not_doubled(qtbot):
    box = _box(qtbot, 120)
    box.setToolTip(f"{LONG}\nThe rows fed through the graph")
    assert box.tip() == box.toolTip()
