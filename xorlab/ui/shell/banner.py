"""A dismissible message strip above the plots: problems are shown, never thrown at the user.

Non-modal on purpose: a diverged run or a dataset that cannot be read is part of using a lab,
and the person should be able to read the message while fixing the field that caused it.

On a small screen (``set_compact``) the strip is one line: the title and as much of the text
as fits, "More" to unfold the rest, the whole message in its tooltip. Wrapped, the
unwritable-cache notice took three lines and ~64 of the 700 pixels of a 1024x700 screen, all
taken from the plots; as one line it takes ~30.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

KINDS = ("info", "warning", "error")
# Screens less tall than this get the one-line strip (a 1366x768 laptop's available height
# is ~730, a 1920x1080 screen's ~1040).
COMPACT_BELOW_HEIGHT = 900
MARGINS = (10, 6, 6, 6)
COMPACT_MARGINS = (10, 2, 4, 2)


class MessageBanner(QFrame):
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("message_banner")
        self.kind = "info"
        self.compact = False  # one line on a small screen: see set_compact
        self.expanded = False  # compact, but the person asked for the whole message
        # One label: the bold title runs into the text, so the text has the banner's whole
        # width. As a column beside the title it wrapped to 4-5 lines at 1024x700, and the
        # training tab's decision map shrank to a 20-pixel strip under it.
        self.message_label = QLabel()
        self.message_label.setObjectName("message_banner.text")
        self.message_label.setTextFormat(Qt.TextFormat.RichText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.installEventFilter(self)
        self._title = ""
        self._text = ""
        self.more_button = QToolButton()
        self.more_button.setObjectName("message_banner.more")
        self.more_button.setAutoRaise(True)
        self.more_button.clicked.connect(self._on_more_clicked)
        self.close_button = QToolButton()
        self.close_button.setObjectName("message_banner.close")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss this message")
        self.close_button.clicked.connect(self._on_close_clicked)
        self._layout = QHBoxLayout(self)
        self._layout.addWidget(self.message_label, 1)
        self._layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignTop)
        self._layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._arrange()
        self.hide()

    def set_compact(self, compact: bool) -> None:
        """One line (True, for small screens) or the whole message wrapped (False)."""
        self.compact = compact
        self.expanded = False
        self._arrange()

    def show_message(self, title: str, text: str, kind: str = "info") -> None:
        self.kind = kind if kind in KINDS else "info"
        self._title, self._text = title, text
        self.expanded = False  # a new message starts folded again
        self.message_label.setToolTip(f"{title}\n{text}")
        self._arrange()
        self.setProperty("kind", self.kind)  # the style sheet colours the strip by kind
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()

    def title(self) -> str:
        return "" if self.isHidden() else self._title

    def text(self) -> str:
        return "" if self.isHidden() else self._text

    def one_line(self) -> bool:
        """True while the message is shown on one line (compact and not unfolded)."""
        return self.compact and not self.expanded

    def clear(self) -> None:
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.message_label and event.type() == QEvent.Type.Resize:
            if self.one_line():
                self._fill_label()  # as much of the text as the label's new width holds
        return super().eventFilter(watched, event)

    # --- drawing the message ------------------------------------------------------------------

    def _arrange(self) -> None:
        one_line = self.one_line()
        self._layout.setContentsMargins(*(COMPACT_MARGINS if self.compact else MARGINS))
        self.message_label.setWordWrap(not one_line)
        # On one line the label must not ask for its text's width: the window would grow.
        policy = QSizePolicy.Policy.Ignored if one_line else QSizePolicy.Policy.Preferred
        self.message_label.setSizePolicy(policy, QSizePolicy.Policy.Preferred)
        self.more_button.setVisible(self.compact)
        self.more_button.setText("Less" if self.expanded else "More")
        self.more_button.setToolTip(
            "Show this message on one line" if self.expanded else "Show the whole message"
        )
        self._fill_label()

    def _fill_label(self) -> None:
        title = f"<b>{html.escape(self._title)}</b>&nbsp; "
        if not self.one_line():
            body = html.escape(self._text).replace("\n", "<br>")  # rich text joins lines
            self.message_label.setText(title + body)
            return
        bold = QFont(self.message_label.font())
        bold.setBold(True)
        room = self.message_label.contentsRect().width()
        room -= QFontMetrics(bold).horizontalAdvance(self._title + "  ")
        body = " ".join(self._text.split())  # its lines joined: one line is all there is
        shown = self.message_label.fontMetrics().elidedText(
            body, Qt.TextElideMode.ElideRight, max(room, 0)
        )
        self.message_label.setText(title + html.escape(shown))

    def _on_more_clicked(self) -> None:
        self.expanded = not self.expanded
        self._arrange()

    def _on_close_clicked(self) -> None:
        self.hide()
        self.dismissed.emit()
