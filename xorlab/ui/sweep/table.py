"""The sweep's summary table: one row per finished run, sortable by any column, numbers
sorted as numbers and runs that never reached the target last."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from xorlab.ui.widgets import plot_style

if TYPE_CHECKING:
    from xorlab.core.sweep.runs import SweepResult

HEADERS = ("Run", "Final cost", "Epochs to target", "Accuracy", "Diverged?")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class _Item(QTableWidgetItem):
    """Sorts by the key in SORT_ROLE, not by the text shown."""

    def __init__(self, text: str, key: object):
        super().__init__(text)
        self.setData(SORT_ROLE, key)
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.data(SORT_ROLE) < other.data(SORT_ROLE)


def row_texts(result: SweepResult) -> list[str]:
    """The cells of a result's row, as shown."""
    reached = result.epochs_to_target
    return [
        result.label,
        f"{result.final_cost:.6g}",
        "not reached" if reached is None else f"{reached:,}",
        f"{100 * result.accuracy:.0f}%",
        "yes" if result.diverged else "no",
    ]


def _keys(result: SweepResult, order: int) -> list[object]:
    cost = result.final_cost if math.isfinite(result.final_cost) else math.inf
    reached = result.epochs_to_target
    return [
        order,  # the sweep's own order: labels like "lr=0.5" vs "lr=10" sort badly as text
        cost,
        math.inf if reached is None else reached,
        result.accuracy,
        int(bool(result.diverged)),
    ]


class SweepTable(QTableWidget):
    def __init__(self, parent=None):
        super().__init__(0, len(HEADERS), parent)
        self.setObjectName("sweep.table")
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # the sweep's order to begin with
        self.setSortingEnabled(True)
        self.setToolTip(
            "Click a column's title to sort by it. Epochs to target: the first epoch whose "
            "cost was at or below the target cost. Accuracy: outputs on the same side of 0.5 "
            "as their targets."
        )

    def add_result(self, result: SweepResult) -> None:
        """Append a run's row (sorting stays as the user chose it)."""
        sorting = self.isSortingEnabled()
        self.setSortingEnabled(False)  # or the new row moves while its cells are filled
        row = self.rowCount()
        self.insertRow(row)
        keys = _keys(result, row)
        for col, (text, key) in enumerate(zip(row_texts(result), keys, strict=True)):
            item = _Item(text, key)
            if col == 0:
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            if col == 4 and result.diverged:
                item.setForeground(QBrush(QColor(plot_style.BAD_COLOR)))
                item.setToolTip(result.diverged)
            if col == 2 and result.epochs_to_target is None:
                item.setForeground(QBrush(QColor("#8A8A8A")))
            self.setItem(row, col, item)
        self.setSortingEnabled(sorting)

    def clear_results(self) -> None:
        self.setRowCount(0)

    def column_texts(self, column: int) -> list[str]:
        """The cells of ``column`` top to bottom, as sorted now."""
        return [self.item(row, column).text() for row in range(self.rowCount())]
