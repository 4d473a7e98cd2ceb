"""Makes a restored window layout usable: a saved state comes from another screen, another
version of the app (whose panels had other minimum sizes) or a hand-edited file, and must
never leave a dock squeezed to a sliver, a floating panel off every screen or a window larger
than the screen it opens on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow

from xorlab.ui.shell import screen_fit


def repair_layout(window: QMainWindow) -> None:
    """Repair now, and again once the window has been laid out on screen (a restored state
    is only applied by the first layout after ``show``)."""
    _repair(window)
    QTimer.singleShot(0, window, lambda: _repair(window))


def _repair(window: QMainWindow) -> None:
    _fit_screen(window)
    narrow: list[QDockWidget] = []
    sides = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
    for dock in window.findChildren(QDockWidget):
        if dock.isFloating():
            _bring_on_screen(dock)
        elif (
            dock.isVisible()
            and window.dockWidgetArea(dock) in sides
            and dock.width() < _min_width(dock)
        ):
            narrow.append(dock)
    if narrow:
        widths = [_min_width(dock) for dock in narrow]
        window.resizeDocks(narrow, widths, Qt.Orientation.Horizontal)


def _min_width(dock: QDockWidget) -> int:
    inner = dock.widget()
    content = max(inner.minimumSizeHint().width(), inner.minimumWidth()) if inner else 0
    return max(dock.minimumSizeHint().width(), content)


def _fit_screen(window: QMainWindow) -> None:
    if window.isMaximized() or window.isFullScreen():
        return
    available = screen_fit.available_rect(window)
    width = min(window.width(), available.width())
    height = min(window.height(), available.height())
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)


def _bring_on_screen(dock: QDockWidget) -> None:
    """A floating panel saved on a screen that is gone goes back into the window."""
    frame = dock.frameGeometry()
    if not any(s.availableGeometry().intersects(frame) for s in QGuiApplication.screens()):
        dock.setFloating(False)
