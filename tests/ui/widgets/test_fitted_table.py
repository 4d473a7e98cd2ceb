"""A change of many cells repaints those cells, not the whole table."""

from __future__ import annotations

import collections

import numpy as np
from PySide6.QtCore import Qt

from xorlab.core.training.datasets import Dataset
from xorlab.ui.training.truth_table import TruthTable


def test_new_outputs_repaint_the_output_columns_only(qtbot):
    n = 200
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 2))
    y = (X[:, :1] > 0).astype(float)
    table = TruthTable()
    qtbot.addWidget(table)
    table.resize(420, 400)
    table.reset(Dataset("blobs", X, y, ("x1", "x2"), ("y",)))
    table.show()
    qtbot.waitExposed(table)
    qtbot.wait(20)  # painted once
    model = table.model
    asked: collections.Counter[str] = collections.Counter()
    text = model._text

    def counted(row: int, kind: str, j: int) -> str:
        asked[kind] += 1
        return text(row, kind, j)

    model._text = counted  # what each painted cell shows
    model.set_outputs(rng.uniform(size=(n, 1)))
    qtbot.wait(20)  # the window repaints what it was asked to update
    assert asked["output"] > 5 and asked["right"] > 5  # every visible new output is drawn
    assert asked["input"] == asked["target"] == 0  # the unchanged columns are not
    rows = table.view.viewport().height() // table.view.rowHeight(0)
    assert asked["output"] <= rows + 2  # the visible rows only, of 200


def test_cell_answers_what_data_answers(qtbot):
    """The delegate paints from ``cell``: its text, colour and font are data()'s, for a 0/1
    target (the right? column's colour and bold mark) and a real-valued one (error)."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(12, 2))
    for y in ((X[:, :1] > 0).astype(float), X[:, :1] * 0.5):
        table = TruthTable()
        qtbot.addWidget(table)
        table.reset(Dataset("d", X, y, ("x1", "x2"), ("y",)))
        model = table.model
        model.set_outputs(rng.uniform(size=(12, 1)))
        roles = Qt.ItemDataRole
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                index = model.index(row, column)
                text, color, font = model.cell(row, column)
                assert text == model.data(index, roles.DisplayRole)
                brush = model.data(index, roles.ForegroundRole)
                assert (color is None and brush is None) or brush.color() == color
                assert font == model.data(index, roles.FontRole)
