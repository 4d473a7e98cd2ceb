"""Turns the diagram's +/- requests into edits of the builder's layer list: a size box
stepped, "Add layer", the last row's remove button. The builder validates each as if typed
(a size at its limit stays, a locked builder refuses), so the spec changes and the network
recompiles exactly as after an edit in the Experiment dock."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from xorlab.ui.builder.panel import BuilderPanel
from xorlab.ui.network.structure_controls import StructureControls


class StructureEdits(QObject):
    def __init__(self, builder: BuilderPanel, controls: StructureControls):
        super().__init__(controls)
        self.builder = builder
        self.controls = controls
        controls.neurons_requested.connect(self.change_neurons)
        controls.layers_requested.connect(self.change_layers)
        builder.layer_list.locked_changed.connect(lambda locked: controls.set_enabled(not locked))

    @Slot(int, int)
    def change_neurons(self, hidden_index: int, delta: int) -> None:
        layers = self.builder.layer_list
        if layers.locked or not 0 <= hidden_index < layers.count():
            return
        size_box = layers.row_widgets(hidden_index)[0]
        size_box.setValue(size_box.value() + delta)  # the box keeps its own limits

    @Slot(int)
    def change_layers(self, delta: int) -> None:
        layers = self.builder.layer_list
        if layers.locked:
            return
        if delta > 0:
            layers.add_layer()
        elif delta < 0:
            layers.remove_layer(layers.count() - 1)
