"""A tab page that builds its view the first time it is shown, or asked for.

The window used to build every tab at start, and importing a tab's view can import PyTensor
(the Expression tab parses with it): the window appeared later by both. A LazyPage is an
empty widget in the tab bar until its first showEvent (the user picks the tab, or a saved or
--tab choice restores it) or until ``page()`` is called (the window's properties, tests,
automation), then holds the real page in a margin-free layout. The tab's title, index and
the objectNames inside it are those of a page built at once, and nothing is shown before it
is built: a tab is only painted once it is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyPage(QWidget):
    """Builds ``build()``'s widget on first show (or ``page()``) and lays it out as its own."""

    def __init__(self, name: str, build: Callable[[], QWidget], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"{name}.lazy_page")
        self._build = build
        self._page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

    def is_built(self) -> bool:
        return self._page is not None

    def page(self) -> QWidget:
        """The page, built now if it was not yet."""
        if self._page is None:
            self._page = self._build()
            self.layout().addWidget(self._page)
            if self.isVisible():  # else Qt shows it one event later: a frame of empty tab
                self._page.show()
        return self._page

    @property
    def content(self) -> QWidget:
        """The view the page shows (inside a StackingPage, its content), as automation asks
        a tab page for it."""
        page = self.page()
        return getattr(page, "content", page)

    def showEvent(self, event: QShowEvent) -> None:
        self.page()
        super().showEvent(event)
