"""A large picture of one neuron's response over the input plane, shown beside the pointer
while it rests on the neuron in the diagram (the maps in the circles are too small to read).

Like the Playground's hover card: the map, what it is of, and the values its colours span.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from xorlab.ui.network import style
from xorlab.ui.network.layout import Architecture
from xorlab.ui.network.paint import layer_map, maps_fit

if TYPE_CHECKING:
    from xorlab.core.training.neuron_maps import NeuronMaps

SIZE = 180  # pixels of the map's side
OFFSET = QPoint(18, 18)  # from the pointer, so the popup never sits under it


class MapPopup(QFrame):
    """A tooltip-like window: ``show_unit`` shows a unit's map, ``hide`` hides it. ``values``
    holds the map on show (the data the picture was made from)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.ToolTip)
        self.setObjectName("network.map_popup")
        self.setFrameShape(QFrame.Shape.Box)
        self.setStyleSheet("QFrame#network\\.map_popup { background: white; }")
        self.title = QLabel()
        self.title.setObjectName("network.map_popup.title")
        self.picture = QLabel()
        self.picture.setObjectName("network.map_popup.picture")
        self.picture.setFixedSize(SIZE, SIZE)
        self.scale = QLabel()
        self.scale.setObjectName("network.map_popup.scale")
        self.scale.setStyleSheet("color: #57606A;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addWidget(self.picture)
        layout.addWidget(self.scale)
        self.unit: tuple[int, int] | None = None
        self.values: np.ndarray | None = None
        self.pointer = QPoint()  # where the pointer was, in global pixels

    def show_unit(
        self,
        arch: Architecture,
        maps: NeuronMaps | None,
        layer: int,
        unit: int,
        global_pos: QPoint,
    ) -> bool:
        """Show ``(layer, unit)``'s map near ``global_pos``; False (and hidden) when there is
        no map for it (not 2-D data, a bias unit, maps of another network)."""
        values = None
        if maps is not None and maps_fit(maps, arch) and unit < arch.sizes[layer]:
            values = layer_map(maps, layer, unit)
        if values is None:
            self.hide_map()
            return False
        if layer == 0:
            activation = "input"
        else:
            known = 0 < layer <= len(arch.activations)
            activation = arch.activations[layer - 1] if known else ""
        low, high = style.value_range(activation, values)
        picture = style.map_image(values, low, high).scaled(
            SIZE,
            SIZE,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.picture.setPixmap(picture)
        name = arch.unit_name(layer, unit)
        what = "input" if layer == 0 else arch.layer_title(layer).replace("\n", ", ")
        self.title.setText(f"<b>{name}</b> ({what}) over the input plane")
        self.scale.setText(
            f"blue {low:.3g} … orange {high:.3g}; here from {np.nanmin(values):.3g} "
            f"to {np.nanmax(values):.3g}"
        )
        self.unit, self.values, self.pointer = (layer, unit), values, QPoint(global_pos)
        self.adjustSize()
        self.move(self._place(global_pos))
        self.show()
        return True

    def _place(self, pointer: QPoint) -> QPoint:
        """Below right of the pointer, or on whichever side keeps it on the screen."""
        screen = QGuiApplication.screenAt(pointer) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        x, y = pointer.x() + OFFSET.x(), pointer.y() + OFFSET.y()
        if x + self.width() > area.right():
            x = pointer.x() - OFFSET.x() - self.width()
        if y + self.height() > area.bottom():
            y = pointer.y() - OFFSET.y() - self.height()
        return QPoint(max(x, area.left()), max(y, area.top()))

    def hide_map(self) -> None:
        self.unit, self.values = None, None
        self.hide()
