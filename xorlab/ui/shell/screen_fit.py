"""Keeps the main window within its screen whatever tab or dock is shown.

A QMainWindow grows to its minimum size, and that minimum is the sum of the docks' minimum
widths and the widest tab page's: on a 1024-pixel laptop screen, the Experiment dock, the
Network dock and the Expression tab side by side need more than the screen has. Rather than
let the window run off the screen, the Network dock goes into a tab beside the Experiment
dock (the user can drag it out again where there is room), and the window is then brought
back within the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget

RETRIES = 3
RETRY_MS = 100


def available_rect(window: QMainWindow) -> QRect:
    """The part of the window's screen it may use (tests replace this with a laptop's)."""
    return window.screen().availableGeometry()


def too_wide(window: QMainWindow) -> bool:
    """True when the window's layout cannot shrink to the screen's width."""
    return window.minimumSizeHint().width() > available_rect(window).width()


class ScreenFit(QObject):
    """Watches the docks and tabs of ``window``; ``fit`` runs after each change."""

    def __init__(
        self, window: QMainWindow, main: QDockWidget, extra: QDockWidget, tabs: QTabWidget
    ):
        super().__init__(window)
        self.window = window
        self.main = main  # the dock that stays (Experiment)
        self.extra = extra  # the dock that moves into a tab beside it (Network)
        self.tabified_for_room = False
        self._pending = False
        self._retries = RETRIES
        for dock in (main, extra):
            dock.visibilityChanged.connect(self._schedule)
            dock.dockLocationChanged.connect(self._schedule)
            dock.topLevelChanged.connect(self._schedule)
        tabs.currentChanged.connect(self._schedule)
        window.installEventFilter(self)  # a page whose minimum grew grows the window too

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # After a resize, and after a layout change that may have lowered the minimum which
        # held the window too wide (a page that has just stacked its halves).
        kind = event.type()
        if (
            watched is self.window
            and kind in (QEvent.Type.Resize, QEvent.Type.LayoutRequest)
            and not self.window.isMaximized()
            and self.window.width() > available_rect(self.window).width()
            and self._can_help()
        ):
            self._schedule()
        return super().eventFilter(watched, event)

    def _schedule(self, *_args) -> None:
        self._retries = RETRIES
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self.fit)

    def _can_help(self) -> bool:
        """A fit could change something: the docks could share a column, or the window could
        shrink (a status line updating while training asks for layouts many times a second,
        and a window already as narrow as it can be needs no fit)."""
        return self.side_by_side() or self.window.width() > self.window.minimumSizeHint().width()

    def side_by_side(self) -> bool:
        """Both docks shown as separate columns of the window."""
        return (
            self.main.isVisible()
            and self.extra.isVisible()
            and not self.main.isFloating()
            and not self.extra.isFloating()
            and self.extra not in self.window.tabifiedDockWidgets(self.main)
        )

    def fit(self) -> None:
        """Tabify the extra dock if the window cannot fit otherwise, then fit the screen."""
        self._pending = False
        window = self.window
        if window.isMaximized() or window.isFullScreen():
            return
        if too_wide(window) and self.side_by_side():
            window.tabifyDockWidget(self.main, self.extra)
            self.extra.raise_()  # the user asked to see it
            self.tabified_for_room = True
            window.layout().activate()
        self.fit_geometry()
        if window.width() > available_rect(window).width() and self._retries > 0:
            # Still too wide: a page may lower its minimum a moment later (the Expression
            # tab stacks its halves once it has its new width), with no event of ours.
            self._retries -= 1
            QTimer.singleShot(RETRY_MS, self, self.fit)

    def fit_geometry(self) -> None:
        """Shrink the window to the screen (to its minimum at most), then move it inside."""
        window = self.window
        available = available_rect(window)
        frame = window.frameGeometry()
        extra_w = frame.width() - window.width()
        extra_h = frame.height() - window.height()
        width = min(window.width(), available.width() - extra_w)
        height = min(window.height(), available.height() - extra_h)
        if (width, height) != (window.width(), window.height()):
            window.resize(width, height)
        frame = window.frameGeometry()
        x = min(max(frame.x(), available.left()), available.right() + 1 - frame.width())
        y = min(max(frame.y(), available.top()), available.bottom() + 1 - frame.height())
        if (x, y) != (frame.x(), frame.y()) and window.isVisible():
            window.move(max(x, available.left()), max(y, available.top()))
