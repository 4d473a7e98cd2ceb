"""The training set as a table: inputs, target, the network's output and whether it is right.

A Qt model serves the rows on demand, so a 100 000-row CSV costs no more widgets than XOR;
a snapshot only announces that the output columns changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from xorlab.core.training.datasets import Dataset
from xorlab.ui.widgets import plot_style
from xorlab.ui.widgets.fitted_table import FittedTableView
from xorlab.ui.widgets.steady_box import SteadyBox
from xorlab.ui.widgets.text_cells import Cell, TextCellDelegate
from xorlab.ui.widgets.visibility import out_of_sight

if TYPE_CHECKING:
    from xorlab.core.training.trainer import TrainingSnapshot

THRESHOLD = 0.5
RIGHT_MARK, WRONG_MARK = "✓", "✗"
_Index = QModelIndex | QPersistentModelIndex
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ToolTipRole,
    }
)


def is_binary(targets: np.ndarray) -> bool:
    """True when every target is exactly 0 or 1, so 'right' means 'same side of 0.5'."""
    return bool(np.isin(targets, (0.0, 1.0)).all())


def correct_rows(outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per sample: is every output on the same side of 0.5 as its 0/1 target?"""
    return ((outputs >= THRESHOLD) == (targets >= THRESHOLD)).all(axis=1)


def output_text_width(outputs: np.ndarray) -> int:
    """Characters of the widest output as the table shows it (4 decimals, maybe a sign)."""
    if outputs.size == 0:
        return 0
    return len(f"{float(np.abs(outputs).max()):.4f}") + int(bool((outputs < 0).any()))


def accuracy(outputs: np.ndarray, targets: np.ndarray) -> float:
    return float(correct_rows(outputs, targets).mean())


class TruthTableModel(QAbstractTableModel):
    """Columns: inputs, targets, outputs (4 decimals), then 'right?' for 0/1 targets."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.dataset: Dataset | None = None
        self.outputs: np.ndarray | None = None
        self.correct: np.ndarray | None = None
        self.errors: np.ndarray | None = None  # per row, for real-valued targets
        self.binary = False
        self._headers: list[str] = []
        # Per column: what it shows and which column of X, y or outputs; data() runs for
        # every visible cell and role on each repaint, so it looks these up, nothing more.
        self._columns: list[tuple[str, int]] = []
        self._rows = 0
        self._colors = {True: QColor(plot_style.GOOD_COLOR), False: QColor(plot_style.BAD_COLOR)}
        self._brushes = {right: QBrush(color) for right, color in self._colors.items()}
        self._mark_font = QFont()
        self._mark_font.setBold(True)
        self._mark_font.setPointSizeF(self._mark_font.pointSizeF() * 1.25)

    def set_dataset(self, dataset: Dataset | None) -> None:
        self.beginResetModel()
        self.dataset, self.outputs, self.correct, self.errors = dataset, None, None, None
        self._headers, self._columns, self._rows = [], [], 0
        if dataset is not None:
            n_in, n_out = dataset.n_inputs, dataset.n_outputs
            self._rows = dataset.n_samples
            self._columns = [
                *(("input", j) for j in range(n_in)),
                *(("target", j) for j in range(n_out)),
                *(("output", j) for j in range(n_out)),
            ]
            self.binary = is_binary(dataset.y)
            several = dataset.n_outputs > 1
            self._headers = [
                *dataset.input_names,
                *(f"target {n}" if several else "target" for n in dataset.target_names),
                *(f"output {n}" if several else "output" for n in dataset.target_names),
            ]
            if self.binary:
                self._headers.append("right?")
                self._columns.append(("right", 0))
            else:  # real-valued targets (regression): how far off each answer is
                self._headers.append("error" if dataset.n_outputs == 1 else "mean |error|")
                self._columns.append(("error", 0))
        self.endResetModel()

    def row_errors(self) -> np.ndarray | None:
        """Output minus target per row (one output), or the mean absolute error of the row."""
        if self.outputs is None or self.dataset is None:
            return None
        diff = self.outputs - self.dataset.y
        return diff[:, 0] if diff.shape[1] == 1 else np.abs(diff).mean(axis=1)

    def set_outputs(self, outputs: np.ndarray) -> None:
        if self.dataset is None or outputs.shape != self.dataset.y.shape:
            return
        self.outputs = np.array(outputs, dtype=np.float64)
        if self.binary:
            self.correct = correct_rows(self.outputs, self.dataset.y)
        else:
            self.errors = self.row_errors()
        first = self.dataset.n_inputs + self.dataset.n_outputs
        self.dataChanged.emit(
            self.index(0, first),
            self.index(self.rowCount() - 1, self.columnCount() - 1),
            [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole],
        )

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if section < len(self._headers) else None
        return str(section + 1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks each visible cell for a dozen roles on every repaint; most have no
        # answer, so they leave before any work (the spiral's table took ~9 ms a frame).
        if role not in _ROLES or not index.isValid() or self.dataset is None:
            return None
        row = index.row()
        kind, j = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, kind, j)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER
        if role == Qt.ItemDataRole.ForegroundRole and kind == "right" and self.correct is not None:
            return self._brushes[bool(self.correct[row])]
        if role == Qt.ItemDataRole.FontRole and kind == "right":
            return self._mark_font
        if role == Qt.ItemDataRole.ToolTipRole and kind == "output" and self.outputs is not None:
            return f"{self.outputs[row, j]!r}"
        return None

    def cell(self, row: int, column: int) -> Cell:
        """What ``data`` answers for the cell's text, colour and font, in one call: the
        table's delegate (text_cells.py) paints from it."""
        kind, j = self._columns[column]
        if kind != "right":
            return self._text(row, kind, j), None, None
        color = self._colors[bool(self.correct[row])] if self.correct is not None else None
        return self._text(row, kind, j), color, self._mark_font

    def _text(self, row: int, kind: str, j: int) -> str:
        assert self.dataset is not None
        if kind == "output":
            return "" if self.outputs is None else f"{self.outputs[row, j]:.4f}"
        if kind == "input":
            return f"{self.dataset.X[row, j]:.4g}"
        if kind == "target":
            return f"{self.dataset.y[row, j]:.4g}"
        if kind == "error":
            return "" if self.errors is None else f"{self.errors[row]:+.4f}"
        if self.correct is None:
            return ""
        return RIGHT_MARK if self.correct[row] else WRONG_MARK

    def widest_rows(self, column: int, limit: int) -> list[int]:
        """Of the first ``limit`` rows, one per different look of ``column``'s text (every
        digit read as 0): texts that look alike are equally wide, digits being so in UI
        fonts, so measuring these few rows fits the column as measuring them all does
        (FittedTableView.sizeHintForColumn), in a few ms instead of ~0.3 s for 512 rows."""
        if self.dataset is None:
            return []
        kind, j = self._columns[column]
        first: dict[str, int] = {}
        for row in range(min(self._rows, limit)):
            first.setdefault(self._text(row, kind, j).translate(_DIGITS_AS_ZERO), row)
        return list(first.values())


_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")


class TruthTable(QWidget):
    """Every training sample with the network's current answer, and the accuracy so far."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("truth_table")
        self.model = TruthTableModel(self)
        self.view = FittedTableView()
        self.view.setObjectName("truth_table.table")
        self.view.setModel(self.model)
        self.view.setItemDelegate(TextCellDelegate(self.view))  # cells painted from model.cell
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Columns fit their text (and share out any spare width); the view asks for the width
        # they need, so '0.9731' is neither cut to '0.9...' nor hidden behind a scroll bar.
        # Fitted by hand when the text can have widened, not ResizeToContents: that measures
        # ~1000 rows x every role on each snapshot (~10 ms for the spiral).
        self._fitted_width = -1  # characters of the widest output the columns were fitted to
        self._held: TrainingSnapshot | None = None  # the newest snapshot, while hidden
        self.view.setTextElideMode(Qt.TextElideMode.ElideNone)
        # Fixed row heights let the view skip measuring rows: big datasets scroll smoothly.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setToolTip(
            "Each row is one training sample. 'output' is what the network answers now; a "
            f"0/1 target counts as right when the output is on the same side of {THRESHOLD}."
        )
        self.accuracy_label = QLabel("No outputs yet: start training.")
        self.accuracy_label.setObjectName("truth_table.accuracy")
        self.accuracy_label.setWordWrap(True)
        font = self.accuracy_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.accuracy_label.setFont(font)

        # With a train/test split: which samples the table lists.
        self.set_combo = QComboBox()
        self.set_combo.setObjectName("truth_table.set")
        self.set_combo.addItem("Training samples", "train")
        self.set_combo.addItem("Test samples (held out)", "test")
        self.set_combo.setToolTip(
            "The training samples are what the network learns from; the test samples were "
            "held out, so their accuracy shows how well it generalizes to points it never saw."
        )
        self.set_combo.currentIndexChanged.connect(self._on_set_changed)
        self.set_combo.setVisible(False)
        self._train: Dataset | None = None
        self._outputs: dict[str, np.ndarray | None] = {"train": None, "test": None}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        # The accuracy changes at most snapshots: in a steady box its new text repaints it
        # without laying out the window again (see steady_box).
        self.accuracy_box = SteadyBox(self.accuracy_label)
        layout.addWidget(self.accuracy_box)
        layout.addWidget(self.set_combo)
        layout.addWidget(self.view, 1)

    def reset(self, dataset: Dataset) -> None:
        self._held = None
        self._train = dataset
        self._outputs = {"train": None, "test": None}
        self.set_combo.setVisible(dataset.test is not None)
        self._show(self.shown_set() if dataset.test is not None else "train")
        samples = f"{dataset.n_samples:,} samples"
        if dataset.test is not None:
            samples = f"{dataset.n_samples:,} training and {dataset.test.n_samples:,} test samples"
        self.accuracy_label.setText(f"{samples}. No outputs yet: start training.")

    def shown_set(self) -> str:
        """'train' or 'test': which samples the table lists."""
        return self.set_combo.currentData()

    def set_shown_set(self, which: str) -> None:
        self.set_combo.setCurrentIndex(self.set_combo.findData(which))

    def _show(self, which: str) -> None:
        assert self._train is not None
        dataset = self._train.test if which == "test" else self._train
        self.model.set_dataset(dataset)
        self._fitted_width = -1
        outputs = self._outputs[which]
        if outputs is not None:
            self.model.set_outputs(outputs)
            self._fitted_width = output_text_width(outputs)
        self.view.resizeColumnsToContents()

    @Slot(object)
    def on_snapshot(self, snapshot: TrainingSnapshot) -> None:
        train = self._train
        if train is None or snapshot.outputs.shape != train.y.shape:
            return
        if out_of_sight(self):
            self._held = snapshot  # shown when the table is: nobody sees the ones between
            return
        self._held = None
        self._outputs["train"] = snapshot.outputs
        test_outputs = snapshot.test_outputs
        if train.test is not None and test_outputs is not None:
            if test_outputs.shape == train.test.y.shape:
                self._outputs["test"] = test_outputs
        outputs = self._outputs[self.shown_set() if train.test is not None else "train"]
        if outputs is None:
            return
        self.model.set_outputs(outputs)
        width = output_text_width(outputs)
        if width > self._fitted_width:
            self.view.resizeColumnsToContents()
            self._fitted_width = width
        self.accuracy_label.setText(self.summary())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._held is not None:
            self.on_snapshot(self._held)

    def summary(self) -> str:
        train = self._train
        if train is None or self._outputs["train"] is None:
            return ""
        parts = [_set_summary(train, self._outputs["train"])]
        if not is_binary(train.y):
            mae = float(np.abs(self._outputs["train"] - train.y).mean())
            text = f"Mean absolute error: {mae:.4f}"
            if train.test is not None and self._outputs["test"] is not None:
                test_mae = float(np.abs(self._outputs["test"] - train.test.y).mean())
                text = f"Mean absolute error: training {mae:.4f}, test {test_mae:.4f}"
            return text
        if train.test is not None and self._outputs["test"] is not None:
            parts = [
                "Training " + parts[0][0].lower() + parts[0][1:],
                "test " + _set_summary(train.test, self._outputs["test"]).lower(),
            ]
        return "; ".join(parts)

    @Slot(int)
    def _on_set_changed(self, _index: int) -> None:
        if self._train is not None and self._train.test is not None:
            self._show(self.shown_set())


def _set_summary(dataset: Dataset, outputs: np.ndarray) -> str:
    if is_binary(dataset.y):
        right = int(correct_rows(outputs, dataset.y).sum())
        n = dataset.n_samples
        return f"Accuracy: {right:,} of {n:,} right ({100 * right / n:.1f}%)"
    mae = float(np.abs(outputs - dataset.y).mean())
    return f"Targets are not 0/1: mean absolute error {mae:.4f}"
