"""Building blocks of the builder panel: an editor with its error message under it, number
fields that accept any typed text and say what is wrong with it, choices, and the CSV file."""

from __future__ import annotations

import math
import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xorlab.core.training.datasets import Dataset, DatasetError, read_csv, target_problem
from xorlab.ui.builder.texts import TOOLTIPS
from xorlab.ui.widgets.elided_combo import ElidedComboBox

ERROR_COLOR = "#B3261E"
INVALID_STYLE = f"border: 1.5px solid {ERROR_COLOR}; border-radius: 3px; padding: 1px;"


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+")


def parse_float(text: str) -> tuple[float | None, str | None]:
    """The number typed, or a message saying why it is not one. NaN and infinities parse
    (validate() explains why they are out of range)."""
    stripped = text.strip()
    if not stripped:
        return None, "Empty: type a number."
    try:
        return float(stripped), None
    except ValueError:
        return None, f"'{stripped[:20]}' is not a number."


def parse_int(text: str) -> tuple[int | None, str | None]:
    """A whole number; accepts 60000, 60_000, 60,000 and 6e4."""
    stripped = text.strip()
    if _THOUSANDS.fullmatch(stripped):
        stripped = stripped.replace(",", "")
    if not stripped:
        return None, "Empty: type a whole number."
    try:
        return int(stripped), None
    except ValueError:
        pass
    try:
        value = float(stripped)
    except ValueError:
        return None, f"'{text.strip()[:20]}' is not a whole number."
    if not math.isfinite(value):
        return None, "Must be a finite whole number."
    if value != int(value):
        return None, f"Must be a whole number, got {value:g}."
    return int(value), None


def format_number(value: float | int) -> str:
    # repr round-trips floats exactly, so a spec survives being shown and read back.
    return str(value) if isinstance(value, int) else repr(float(value))


def sentence(message: str) -> str:
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."


def fit_narrow(combo: QComboBox) -> None:
    """Let a combo box shrink below its longest item, so the builder fits a narrow dock."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)


class FieldBox(QWidget):
    """An editor with a red border and its error message right under it when invalid."""

    def __init__(self, editor: QWidget, tooltip: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error_label.setVisible(False)
        if editor.objectName():
            self.error_label.setObjectName(editor.objectName() + ".error")
        if tooltip:
            editor.setToolTip(tooltip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(editor)
        layout.addWidget(self.error_label)

    def set_error(self, message: str | None) -> None:
        self.error_label.setText(sentence(message) if message else "")
        self.error_label.setVisible(bool(message))
        self.editor.setStyleSheet(INVALID_STYLE if message else "")

    def error(self) -> str | None:
        return self.error_label.text() or None


class NumberField(FieldBox):
    """A line edit for a number: unlike a spin box it lets any text be typed, so a bad value
    gets a message instead of being silently clamped."""

    edited = Signal()

    def __init__(self, name: str, kind: str, tooltip: str, parent: QWidget | None = None):
        edit = QLineEdit()
        edit.setObjectName(name)
        super().__init__(edit, tooltip, parent)
        self.line_edit = edit
        self.kind = kind
        edit.textChanged.connect(self._on_text_changed)

    def _on_text_changed(self, _text: str) -> None:
        self.edited.emit()

    def set_value(self, value: float | int) -> None:
        self.line_edit.setText(format_number(value))

    def read(self) -> tuple[float | int | None, str | None]:
        parse = parse_int if self.kind == "int" else parse_float
        return parse(self.line_edit.text())


class ChoiceField(FieldBox):
    """A combo box of (label, value) choices with a tooltip per choice."""

    def __init__(
        self,
        name: str,
        choices: list[tuple[str, str]],
        tooltip: str,
        item_tips: dict[str, str] | None = None,
        parent: QWidget | None = None,
    ):
        combo = ElidedComboBox()  # a choice cut by a narrow dock ends in "…"
        combo.setObjectName(name)
        fit_narrow(combo)
        for label, value in choices:
            combo.addItem(label, value)
            if item_tips and value in item_tips:
                combo.setItemData(combo.count() - 1, item_tips[value], Qt.ItemDataRole.ToolTipRole)
        super().__init__(combo, tooltip, parent)
        self.combo = combo
        self.unknown: str | None = None

    def set_value(self, value: str) -> None:
        index = self.combo.findData(value)
        # A value from a file that is no choice shows as an empty box with a message.
        self.unknown = None if index >= 0 else value
        self.combo.setCurrentIndex(index)

    def value(self) -> str | None:
        data = self.combo.currentData()
        return data if isinstance(data, str) else None

    def problem(self) -> str:
        """Why there is no value: an unknown one was loaded, or nothing is chosen."""
        if self.unknown:
            return f"'{self.unknown}' is not one of the choices: pick one"
        return "choose one of the options"


class CsvField(FieldBox):
    """A CSV path with a Browse button. The file is read when chosen or when Enter is
    pressed, and a bad one is reported with its line and column."""

    changed = Signal()  # the path was typed, or a file was (re)loaded

    def __init__(self, parent: QWidget | None = None):
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("builder.csv_path")
        self.path_edit.setPlaceholderText("path/to/data.csv")
        self.path_edit.setToolTip(TOOLTIPS["dataset.path"])
        self.browse_button = QPushButton("Browse…")
        self.browse_button.setObjectName("builder.csv_browse")
        self.browse_button.setToolTip(TOOLTIPS["csv_browse"])
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.path_edit, 1)
        row_layout.addWidget(self.browse_button)
        super().__init__(row, TOOLTIPS["dataset.path"], parent)
        self.error_label.setObjectName("builder.csv_path.error")
        self.info = QLabel()
        self.info.setObjectName("builder.csv_info")
        self.info.setWordWrap(True)
        self.layout().addWidget(self.info)
        self._loaded: tuple[str, str | None] | None = None  # (path, error)
        self._dataset: Dataset | None = None  # the file's data when it loaded
        self.path_edit.textChanged.connect(self._on_path_text_changed)
        self.path_edit.editingFinished.connect(self._on_path_editing_finished)
        self.browse_button.clicked.connect(self._on_browse_button_clicked)

    def path(self) -> str:
        return self.path_edit.text().strip()

    def set_path(self, path: str) -> None:
        """Show ``path`` without reading it."""
        self.path_edit.blockSignals(True)
        self.path_edit.setText(path)
        self.path_edit.blockSignals(False)

    def load(self, path: str) -> bool:
        """Read the file now; returns whether it is a usable dataset."""
        path = path.strip()
        try:
            ds = read_csv(Path(path))
        except DatasetError as exc:
            self._loaded, self._dataset = (path, str(exc)), None
            self.info.setText("")
        else:
            self._loaded, self._dataset = (path, None), ds
            self.info.setText(
                f"{ds.n_samples:,} samples: {', '.join(ds.input_names)} → "
                f"{', '.join(ds.target_names)}"
            )
        self.set_path(path)
        self.changed.emit()
        return self._loaded[1] is None

    def problem(self, cost: str = "") -> str | None:
        """Why the current path cannot be trained on with ``cost``, or None."""
        path = self.path()
        if not path:
            return "choose a CSV file with Browse…"
        if self._loaded is None or self._loaded[0] != path:
            return "press Enter (or Browse…) to load this file"
        if self._dataset is not None and (wrong := target_problem(self._dataset, cost)):
            return str(wrong)
        return self._loaded[1]

    def _on_path_text_changed(self, _text: str) -> None:
        self.changed.emit()

    def _on_path_editing_finished(self) -> None:
        path = self.path()
        if path and (self._loaded is None or self._loaded[0] != path):
            self.load(path)

    def _on_browse_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a CSV dataset", self.path(), "CSV files (*.csv);;All files (*)"
        )
        if path:
            self.load(path)
