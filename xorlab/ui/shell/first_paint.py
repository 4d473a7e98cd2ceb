"""Runs a start-up step once the window has painted for the first time.

The training worker's first compile imports PyTensor and builds the network's functions on
its own thread, but Python runs one thread at a time: started with the window, it took the
interpreter from the GUI thread while the window was still building and painting, and the
window appeared only after much of the compile (on an empty cache, sometimes after all of
it). Started once the first paint is done, the compile has the interpreter to itself while
the user looks at the window. A window that is not shown when the event loop starts (tests,
scripts) starts at once; a shown window that never paints (minimized, a slow display) starts
after ``timeout_ms``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

# A shown window paints within a frame or two; this only guards against one that never does.
PAINT_TIMEOUT_MS = 3000


class AfterFirstPaint(QObject):
    """Calls ``then`` once, after ``watched`` (a widget always painted with the window) has
    had its first paint event, or at the event loop's start when ``window`` is not shown."""

    def __init__(
        self,
        window: QWidget,
        watched: QWidget,
        then: Callable[[], None],
        timeout_ms: int = PAINT_TIMEOUT_MS,
    ):
        super().__init__(window)
        self.window = window
        self.watched = watched
        self.then = then
        self.timeout_ms = timeout_ms
        self.done = False
        watched.installEventFilter(self)
        QTimer.singleShot(0, self, self._on_loop_started)

    def _on_loop_started(self) -> None:
        if not self.window.isVisible():
            self._fire()
        else:
            QTimer.singleShot(self.timeout_ms, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and not self.done:
            # After this paint pass, not inside it: the rest of the window paints first.
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        if self.done:
            return
        self.done = True
        self.watched.removeEventFilter(self)
        self.then()
