"""Side by side, the symbolic and the optimized graph move together: zooming one zooms the
other to the same factor, and scrolling one scrolls the other by as many pixels. Each pane
keeps its own first view (its own graph's top), since the two graphs differ in size and
shape; from there they pan and zoom as one."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QScrollBar

from xorlab.ui.widgets.graph_canvas import GraphCanvas


def _horizontal(canvas: GraphCanvas) -> QScrollBar:
    return canvas.view.horizontalScrollBar()


def _vertical(canvas: GraphCanvas) -> QScrollBar:
    return canvas.view.verticalScrollBar()


BARS = (_horizontal, _vertical)


class CanvasLink(QObject):
    """Links two canvases while ``enabled``."""

    def __init__(self, first: GraphCanvas, second: GraphCanvas, parent: QObject | None = None):
        super().__init__(parent)
        self.canvases = (first, second)
        self.enabled = False
        self._busy = False
        self._last: dict[int, int] = {}  # id(scroll bar) -> its value last seen
        for source, target in ((first, second), (second, first)):
            source.view.zoom_changed.connect(
                lambda zoom, s=source, t=target: self._follow_zoom(s, t, zoom)
            )
            for pick in BARS:
                bar = pick(source)
                self._last[id(bar)] = bar.value()
                bar.valueChanged.connect(
                    lambda value, s=source, p=pick: self._follow_scroll(s, p, value)
                )

    def set_enabled(self, enabled: bool) -> None:
        """On: the second canvas takes the first's zoom at once."""
        self.enabled = enabled
        if enabled:
            first, second = self.canvases
            self._follow_zoom(first, second, first.zoom())

    def _other(self, canvas: GraphCanvas) -> GraphCanvas:
        first, second = self.canvases
        return second if canvas is first else first

    def _follow_zoom(self, source: GraphCanvas, target: GraphCanvas, zoom: float) -> None:
        if not self.enabled or self._busy or source.fitting or not target.is_drawn():
            return
        if abs(target.zoom() - zoom) < 1e-9:
            return
        self._busy = True
        try:
            target.view.set_zoom(zoom)
        finally:
            self._busy = False
            self._remember()

    def _follow_scroll(self, source: GraphCanvas, pick, value: int) -> None:
        bar = pick(source)
        delta = value - self._last.get(id(bar), value)
        self._last[id(bar)] = value
        if not self.enabled or self._busy or source.fitting or delta == 0:
            return
        other = pick(self._other(source))
        self._busy = True
        try:
            other.setValue(other.value() + delta)
        finally:
            self._busy = False
            self._last[id(other)] = other.value()

    def _remember(self) -> None:
        for canvas in self.canvases:
            for pick in BARS:
                self._last[id(pick(canvas))] = pick(canvas).value()
