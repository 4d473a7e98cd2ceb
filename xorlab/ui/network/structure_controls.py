"""+/- buttons on the network diagram: one pair under each hidden layer's column adds or
removes a neuron there, and a pair in the row under the diagram adds or removes a hidden
layer (a row of their own: in a narrow dock no corner of the picture is free).

The buttons only ask: the window turns each request into the same edit of the builder's
layer list a user would make (a size box stepped, "Add layer", a row's remove button), so the
builder validates it, the spec changes and the network recompiles as after any edit.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from xorlab.ui.network.view import NetworkView

BUTTON = 22  # pixels of a button's side
GAP = 2
FROM_BOTTOM = 4  # pixels between the buttons and the diagram's lower edge


class StructureControls(QObject):
    """``neurons_requested(hidden layer index, +1 or -1)``, ``layers_requested(+1 or -1)``."""

    neurons_requested = Signal(int, int)
    layers_requested = Signal(int)

    def __init__(self, view: NetworkView):
        super().__init__(view)
        self.view = view
        self.enabled = True
        self.neuron_buttons: list[tuple[QToolButton, QToolButton]] = []
        self.add_layer = self._button(
            "network.add_layer", "+ layer", "Add a hidden layer (a copy of the last)", None
        )
        self.remove_layer = self._button(
            "network.remove_layer", "− layer", "Remove the last hidden layer", None
        )
        self.add_layer.clicked.connect(lambda: self.layers_requested.emit(+1))
        self.remove_layer.clicked.connect(lambda: self.layers_requested.emit(-1))
        for button in (self.add_layer, self.remove_layer):
            button.setFixedHeight(BUTTON)

    def _button(self, name: str, text: str, tip: str, parent: QWidget | None = ...) -> QToolButton:
        button = QToolButton(self.view.viewport() if parent is ... else parent)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(False)
        return button

    def set_enabled(self, enabled: bool) -> None:
        """Off while training runs (the builder is locked then too)."""
        self.enabled = enabled
        for button in self.all_buttons():
            button.setEnabled(enabled)

    def all_buttons(self) -> list[QToolButton]:
        pairs = [b for pair in self.neuron_buttons for b in pair]
        return [*pairs, self.add_layer, self.remove_layer]

    def place(self) -> None:
        """Under each hidden layer's column, after the view fitted the network."""
        arch = self.view.network.arch
        hidden = len(arch.sizes) - 2 if arch is not None else 0
        while len(self.neuron_buttons) < hidden:
            i = len(self.neuron_buttons)
            minus = self._button(f"network.remove_neuron.{i}", "−", "")
            plus = self._button(f"network.add_neuron.{i}", "+", "")
            minus.clicked.connect(lambda _=False, i=i: self.neurons_requested.emit(i, -1))
            plus.clicked.connect(lambda _=False, i=i: self.neurons_requested.emit(i, +1))
            for button in (minus, plus):
                button.setFixedSize(BUTTON, BUTTON)
                button.setEnabled(self.enabled)
            self.neuron_buttons.append((minus, plus))
        while len(self.neuron_buttons) > hidden:
            for button in self.neuron_buttons.pop():
                button.hide()
                button.deleteLater()
        bottom = self.view.viewport().height() - FROM_BOTTOM - BUTTON
        centres = self.view.network.centres
        for i, (minus, plus) in enumerate(self.neuron_buttons):
            layer = i + 1
            x = self.view.mapFromScene(centres[(layer, 0)]).x()
            minus.move(QPoint(x - BUTTON - GAP // 2, bottom))
            plus.move(QPoint(x + GAP // 2, bottom))
            minus.setToolTip(f"One neuron fewer in hidden layer {layer}")
            plus.setToolTip(f"One neuron more in hidden layer {layer}")
            for button in (minus, plus):
                button.show()
                button.raise_()
        self.remove_layer.setEnabled(self.enabled and hidden > 1)

    def layer_row(self) -> QHBoxLayout:
        """The layer buttons in a row, for the diagram's layout."""
        row = QHBoxLayout()
        row.setContentsMargins(4, 0, 4, 0)
        label = QLabel("Hidden layers:")
        label.setStyleSheet("color: #57606A;")
        row.addWidget(label)
        row.addWidget(self.remove_layer)
        row.addWidget(self.add_layer)
        row.addStretch(1)
        return row
