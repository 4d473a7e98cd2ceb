"""A small inline editor for one weight, shown where the user clicked a connection.

Enter applies, Escape (or ✕) cancels. Text that is not a finite number within the trainer's
weight limit keeps the editor open with a message and changes nothing.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from xorlab.ui.widgets.plot_style import BAD_COLOR

STYLE = """
QFrame#network\\.weight_editor { background: #FFFFFF; border: 1px solid #8C8C8C;
    border-radius: 5px; }
"""


def parse_weight(text: str) -> tuple[float | None, str]:
    """(value, "") for a usable weight, else (None, why not)."""
    from xorlab.core.training.weights import WEIGHT_LIMIT

    stripped = text.strip().replace("−", "-")
    if not stripped:
        return None, "Type a number, e.g. -0.5"
    try:
        value = float(stripped)
    except ValueError:
        return None, f"'{text.strip()}' is not a number"
    if not math.isfinite(value):
        return None, "The weight must be a finite number"
    if abs(value) > WEIGHT_LIMIT:
        return None, f"Keep weights within ±{WEIGHT_LIMIT:g}"
    return value, ""


class WeightEditor(QFrame):
    """``accepted(param, row, col, value)`` when a valid number is entered."""

    accepted = Signal(int, int, int, float)
    cancelled = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("network.weight_editor")
        self.setStyleSheet(STYLE)
        self.target: tuple[int, int, int] | None = None
        self.title = QLabel()
        self.title.setObjectName("network.weight_editor.title")
        self.field = QLineEdit()
        self.field.setObjectName("network.weight_editor.field")
        self.field.setMinimumWidth(90)
        self.field.setToolTip("The new weight; Enter applies, Escape cancels")
        self.field.returnPressed.connect(self.apply)
        self.close_button = QToolButton()
        self.close_button.setObjectName("network.weight_editor.close")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Cancel (Escape)")
        self.close_button.clicked.connect(self.cancel)
        self.message = QLabel()
        self.message.setObjectName("network.weight_editor.message")
        self.message.setStyleSheet(f"color: {BAD_COLOR};")
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QGridLayout(self)
        layout.setContentsMargins(8, 6, 4, 6)
        layout.setHorizontalSpacing(6)
        layout.addWidget(self.title, 0, 0)
        layout.addWidget(self.field, 0, 1)
        layout.addWidget(self.close_button, 0, 2)
        layout.addWidget(self.message, 1, 0, 1, 3)
        self.hide()

    def open_at(self, param: int, row: int, col: int, value: float | None, where: QPoint) -> None:
        """Edit ``W{param+1}[row, col]`` (now ``value``) in a box near ``where`` (parent px)."""
        self.target = (param, row, col)
        self.title.setText(f"<b>W{param + 1}[{row},{col}]</b> =")
        self.show_value(value)
        self.message.hide()
        self.adjustSize()
        parent = self.parentWidget()
        x = min(max(where.x() + 12, 4), max(parent.width() - self.width() - 4, 4))
        y = min(max(where.y() - self.height() // 2, 4), max(parent.height() - self.height() - 4, 4))
        self.move(x, y)
        self.show()
        self.raise_()
        self.field.setFocus()
        self.field.selectAll()

    def show_value(self, value: float | None) -> None:
        """Put the weight's current value in the field, selected so typing replaces it."""
        self.field.setText(f"{value:.6g}" if value is not None else "")
        self.field.setModified(False)
        self.field.selectAll()

    def apply(self) -> bool:
        """Accept the text if it is a usable weight; True when accepted."""
        if self.target is None:
            return False
        value, problem = parse_weight(self.field.text())
        if value is None:
            self.message.setText(problem)
            self.message.show()
            self.adjustSize()
            self.field.setFocus()
            return False
        target, self.target = self.target, None
        self.hide()
        self.accepted.emit(*target, value)
        return True

    def cancel(self) -> None:
        was_open = self.target is not None
        self.target = None
        self.hide()
        if was_open:
            self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)
