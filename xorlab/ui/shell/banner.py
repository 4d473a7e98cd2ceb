"""A dismissible message strip above the plots: problems are shown, never thrown at the user.

Non-modal on purpose: a diverged run or a dataset that cannot be read is part of using a lab,
and the person should be able to read the message while fixing the field that caused it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

KINDS = ("info", "warning", "error")


class MessageBanner(QFrame):
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("message_banner")
        self.kind = "info"
        # One label: the bold title runs into the text, so the text has the banner's whole
        # width. As a column beside the title it wrapped to 4-5 lines at 1024x700, and the
        # training tab's decision map shrank to a 20-pixel strip under it.
        self.message_label = QLabel()
        self.message_label.setObjectName("message_banner.text")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.RichText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._title = ""
        self._text = ""
        self.close_button = QToolButton()
        self.close_button.setObjectName("message_banner.close")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss this message")
        self.close_button.clicked.connect(self._on_close_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.message_label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, title: str, text: str, kind: str = "info") -> None:
        self.kind = kind if kind in KINDS else "info"
        self._title, self._text = title, text
        body = html.escape(text).replace("\n", "<br>")  # rich text would join the lines
        self.message_label.setText(f"<b>{html.escape(title)}</b>&nbsp; {body}")
        self.setProperty("kind", self.kind)  # the style sheet colours the strip by kind
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()

    def title(self) -> str:
        return "" if self.isHidden() else self._title

    def text(self) -> str:
        return "" if self.isHidden() else self._text

    def clear(self) -> None:
        self.hide()

    def _on_close_clicked(self) -> None:
        self.hide()
        self.dismissed.emit()
