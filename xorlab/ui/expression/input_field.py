"""The f(x) field of the expression lab, with the problem shown where it was typed: a caret
right under the offending column and the message beneath it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

ERROR_COLOR = "#C24E00"
STYLE = f"""
QLineEdit[invalid="true"] {{ border: 1px solid {ERROR_COLOR}; background: #FFF5F0; }}
QLabel#expression\\.error {{ color: {ERROR_COLOR}; }}
"""


class ExpressionEdit(QLineEdit):
    def column_x(self, column: int) -> int:
        """The x (in this widget) of the middle of the character at 1-based ``column``."""
        text = self.text()
        metrics = self.fontMetrics()
        # cursorRect centres on the cursor, wherever the text is scrolled to: measure from it.
        origin = self.cursorRect().center().x() - metrics.horizontalAdvance(
            text[: self.cursorPosition()]
        )
        index = min(max(column - 1, 0), len(text))
        char = text[index] if index < len(text) else " "
        middle = metrics.horizontalAdvance(char) // 2
        return origin + metrics.horizontalAdvance(text[:index]) + middle


class CaretMarker(QWidget):
    """Paints a caret at one x position, in the error colour."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.x_position: int | None = None
        self.setFixedHeight(self.fontMetrics().height())

    def set_x(self, x: int | None) -> None:
        self.x_position = x
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.x_position is None:
            return
        painter = QPainter(self)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(ERROR_COLOR))
        width = painter.fontMetrics().horizontalAdvance("^")
        box = QRect(self.x_position - width, 0, 2 * width, self.height())
        painter.drawText(box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), "^")


class ExpressionInput(QWidget):
    """The field plus its error strip; ``text_edited`` as the user types."""

    text_edited = Signal(str)
    submitted = Signal()

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("expression.input_box")
        self.setStyleSheet(STYLE)
        self.error_column: int | None = None
        self.edit = ExpressionEdit(text)
        self.edit.setObjectName("expression.input")
        font = QFont("monospace", 11)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.edit.setFont(font)
        self.edit.setPlaceholderText("an expression in x, e.g. exp(sin(x**2))")
        self.edit.setToolTip(
            "Numbers, x, + - * / ** and the functions exp log sqrt sin cos tan tanh sigmoid "
            "abs; the constants pi and e. The derivative is computed symbolically."
        )
        self.edit.textEdited.connect(self.text_edited)
        self.edit.returnPressed.connect(self.submitted)
        self.edit.cursorPositionChanged.connect(lambda *_: self._place_caret())
        self.caret = CaretMarker("expression.caret")
        self.caret.setFont(font)
        self.caret.setFixedHeight(self.edit.fontMetrics().height() - 4)
        self.message = QLabel()
        self.message.setObjectName("expression.error")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.edit)
        layout.addWidget(self.caret)
        layout.addWidget(self.message)
        self.clear_error()

    def text(self) -> str:
        return self.edit.text()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)

    def show_error(self, message: str, column: int | None) -> None:
        """Mark the field; a caret under ``column`` (1-based) when the problem has one."""
        self.error_column = column
        self.message.setText(f"column {column}: {message}" if column else message)
        self.message.show()
        self._set_invalid(True)
        self.caret.show()
        self._place_caret()

    def clear_error(self) -> None:
        self.error_column = None
        self.message.clear()
        self.message.hide()
        self.caret.set_x(None)
        self.caret.hide()
        self._set_invalid(False)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_caret()

    def _place_caret(self) -> None:
        if self.error_column is None:
            self.caret.set_x(None)
            return
        x = self.edit.column_x(self.error_column)
        self.caret.set_x(self.edit.mapTo(self, QPoint(x, 0)).x() - self.caret.x())

    def _set_invalid(self, invalid: bool) -> None:
        self.edit.setProperty("invalid", invalid)
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
