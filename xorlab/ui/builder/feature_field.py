"""The builder's input-feature choice: one check box per feature, as in TensorFlow
Playground; what is checked enters the network, in the order of ``spec.FEATURES``."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from xorlab.core.training.spec import FEATURES
from xorlab.ui.builder.fields import FieldBox

COLUMNS = 2  # check boxes per row: the panel is narrow
# How each feature reads on its box, as the Playground and the README write them; the spec
# keeps the ASCII names. Also narrower: the Experiment dock must fit a 1024-pixel screen.
SHOWN = {"x1^2": "x1²", "x2^2": "x2²", "x1*x2": "x1·x2", "sin(x1)": "sin x1", "sin(x2)": "sin x2"}
# Each box's own tooltip: what that input neuron holds (the group's tooltip says why).
MEANING = {
    "x1": "x1: the first coordinate, as it is",
    "x2": "x2: the second coordinate, as it is",
    "x1^2": "x1²: the first coordinate squared (a circle is a line in x1², x2²)",
    "x2^2": "x2²: the second coordinate squared",
    "x1*x2": "x1·x2: the product of the coordinates (positive in two opposite quadrants)",
    "sin(x1)": "sin x1: the sine of the first coordinate (it repeats along x1)",
    "sin(x2)": "sin x2: the sine of the second coordinate (it repeats along x2)",
}


class FeatureField(FieldBox):
    changed = Signal()

    def __init__(self, tooltip: str, parent: QWidget | None = None):
        grid = QWidget()
        grid.setObjectName("builder.features")
        layout = QGridLayout(grid)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(6)
        layout.setVerticalSpacing(2)
        self.boxes: dict[str, QCheckBox] = {}
        for k, name in enumerate(FEATURES):
            box = QCheckBox(SHOWN.get(name, name))
            box.setObjectName(f"builder.feature.{name}")
            box.setToolTip(MEANING.get(name, name))
            layout.addWidget(box, k // COLUMNS, k % COLUMNS)
            self.boxes[name] = box
        super().__init__(grid, tooltip, parent)
        for box in self.boxes.values():
            box.toggled.connect(self.changed)

    def set_value(self, features: tuple[str, ...]) -> None:
        for name, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(name in features)
            box.blockSignals(False)

    def value(self) -> tuple[str, ...]:
        return tuple(name for name, box in self.boxes.items() if box.isChecked())
