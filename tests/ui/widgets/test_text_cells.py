"""The text-cell delegate paints plain cells from the model's ``cell`` and leaves selected
cells, and models without ``cell``, to the standard delegate."""

from __future__ import annotations

import collections

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QTableView

from xorlab.ui.widgets.text_cells import TextCellDelegate


class Grid(QAbstractTableModel):
    def __init__(self, rows: int, columns: int):
        super().__init__()
        self.rows, self.columns = rows, columns
        self.asked: collections.Counter[tuple[int, int]] = collections.Counter()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 (Qt's names)
        return 0 if parent.isValid() else self.rows

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.columns

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{index.row()},{index.column()}"
        return None

    def cell(self, row: int, column: int):
        self.asked[(row, column)] += 1
        return f"{row},{column}", None, None


class PlainGrid(Grid):
    cell = None  # no fast answer: the standard delegate paints every cell


def painted(qtbot, model: Grid, select_row: int | None = None) -> collections.Counter[int]:
    """Paint a view of ``model`` once; how many cells of each row the standard delegate drew."""
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setAlternatingRowColors(True)
    standard: collections.Counter[int] = collections.Counter()

    original = QStyledItemDelegate.paint

    def counted(self, painter, option, index):
        standard[index.row()] += 1
        original(self, painter, option, index)

    QStyledItemDelegate.paint = counted
    try:
        view.setItemDelegate(TextCellDelegate(view))
        view.resize(300, 200)
        if select_row is not None:
            view.selectRow(select_row)
        view.grab()  # paints every visible cell
    finally:
        QStyledItemDelegate.paint = original
    return standard


def test_plain_cells_come_from_the_models_cell(qtbot):
    model = Grid(5, 3)
    standard = painted(qtbot, model)
    assert set(model.asked) == {(r, c) for r in range(5) for c in range(3)}
    assert sum(standard.values()) == 0


def test_a_selected_row_and_a_model_without_cell_are_drawn_as_before(qtbot):
    model = Grid(5, 3)
    standard = painted(qtbot, model, select_row=2)
    assert set(standard) == {2} and standard[2] == 3  # the style's highlight and text
    assert (1, 0) in model.asked and (2, 1) not in model.asked
    plain = PlainGrid(4, 2)
    assert sum(painted(qtbot, plain).values()) == 8
