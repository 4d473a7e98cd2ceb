"""The Graph tab's live values bar keeps its width whatever the rows say."""

from __future__ import annotations

from xorlab.core.training.datasets import load_dataset
from xorlab.core.training.presets import preset_spec
from xorlab.ui.graph.values_bar import ROW_BOX_CHARACTERS, GraphValuesBar
from xorlab.ui.graph.values_text import row_text


def test_long_rows_do_not_widen_the_row_chooser(qtbot):
    """A regression row's text (~44 characters) sized the chooser to its contents, and the
    Graph tab then widened the window past a 1024-pixel screen."""
    bar = GraphValuesBar()
    qtbot.addWidget(bar)
    xor = load_dataset(preset_spec("xor-minimal").dataset)
    bar.fill_rows(xor, None)
    narrow = bar.row_box.sizeHint().width()
    regression = load_dataset(preset_spec("regression").dataset)
    assert len(row_text(regression, 0)) > ROW_BOX_CHARACTERS + 10  # the check can fail
    bar.fill_rows(regression, 0)
    assert bar.row_box.sizeHint().width() == narrow
    assert bar.row_box.itemText(1) == row_text(regression, 0)  # the list shows it whole


def test_the_row_chooser_grows_to_its_longest_row_where_there_is_room(qtbot):
    bar = GraphValuesBar()
    qtbot.addWidget(bar)
    regression = load_dataset(preset_spec("regression").dataset)
    bar.fill_rows(regression, 0)
    bar.resize(1600, bar.sizeHint().height())
    bar.show()
    qtbot.waitExposed(bar)
    box = bar.row_box
    longest = max(box.fontMetrics().horizontalAdvance(box.itemText(i)) for i in range(box.count()))
    assert box.width() > longest  # the whole row shows
    assert box.width() == box.maximumWidth() < 1600  # and no wider: the note has the rest


def test_the_row_choosers_tooltip_names_the_chosen_row_whole(qtbot):
    """At 1024x700 the closed box cuts a regression row ("row 1: x1=0.09763, x…"); its
    tooltip says the whole row, and follows the choice."""
    bar = GraphValuesBar()
    qtbot.addWidget(bar)
    regression = load_dataset(preset_spec("regression").dataset)
    bar.fill_rows(regression, 0)
    whole = row_text(regression, 0)
    assert bar.row_box.toolTip().splitlines()[0] == whole
    bar.row_box.setCurrentIndex(3)
    assert bar.row_box.toolTip().splitlines()[0] == row_text(regression, 2)
    bar.row_box.setCurrentIndex(0)
    assert bar.row_box.toolTip().splitlines()[0] == f"all {regression.n_samples} rows"
    assert "batch" in bar.row_box.toolTip()
