"""The hidden layers of the network as an editable list: neurons and activation per layer,
with buttons to add a layer at the end or remove any one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from xorlab.core.training.spec import ACTIVATIONS, MAX_LAYERS
from xorlab.ui.builder.fields import ERROR_COLOR, INVALID_STYLE, fit_narrow, sentence
from xorlab.ui.builder.texts import TOOLTIPS

# Above the spec's limit on purpose: a too-big layer loaded from a file is shown as it is,
# with validate()'s message, instead of being clamped without a word.
SPIN_MAXIMUM = 9999


class _LayerRow:
    def __init__(self, index: int, size: int, activation: str):
        self.label = QLabel(f"{index + 1}.")
        self.size = QSpinBox()
        self.size.setObjectName(f"builder.hidden[{index}].size")
        self.size.setRange(1, SPIN_MAXIMUM)
        self.size.setValue(size)
        self.size.setToolTip(TOOLTIPS["hidden.size"])
        self.activation = QComboBox()
        self.activation.setObjectName(f"builder.hidden[{index}].activation")
        self.activation.addItems(ACTIVATIONS)
        fit_narrow(self.activation)
        self.activation.setCurrentIndex(self.activation.findText(activation))
        # An unknown activation from a file is kept, so validate() can name it.
        self.loaded_activation = activation
        self.activation.setToolTip(TOOLTIPS["hidden.activation"])
        self.remove = QToolButton()
        self.remove.setObjectName(f"builder.hidden[{index}].remove")
        self.remove.setText("✕")
        self.remove.setToolTip(TOOLTIPS["remove_layer"])
        self.error = QLabel()
        self.error.setObjectName(f"builder.hidden[{index}].error")
        self.error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error.setWordWrap(True)
        self.error.setVisible(False)

    def widgets(self) -> list[QWidget]:
        return [self.label, self.size, self.activation, self.remove, self.error]


class LayerList(QWidget):
    """Emits ``layers_changed`` whenever a layer's size or activation changes, or a layer is
    added or removed."""

    layers_changed = Signal()
    locked_changed = Signal(bool)  # training began (True) or ended (False)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setToolTip(TOOLTIPS["network.hidden"])
        self._rows: list[_LayerRow] = []
        self._locked = False
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnStretch(2, 1)
        for column, text in ((1, "neurons"), (2, "activation")):
            header = QLabel(text)
            header.setStyleSheet("color: #606060;")
            self._grid.addWidget(header, 0, column)
        self.add_button = QPushButton("Add layer")
        self.add_button.setObjectName("builder.add_layer")
        self.add_button.setToolTip(TOOLTIPS["add_layer"])
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.error_label = QLabel()
        self.error_label.setObjectName("builder.hidden.error")
        self.error_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addWidget(self.error_label)
        layout.addWidget(self.add_button)

    # --- public API ------------------------------------------------------------------------

    def set_layers(self, sizes: tuple[int, ...], activations: tuple[str, ...]) -> None:
        """Rebuild the rows (without emitting ``layers_changed``)."""
        for row in self._rows:
            for widget in row.widgets():
                self._grid.removeWidget(widget)
                # Detached now so findChild never meets a stale row; deleted later because
                # a row's own remove button may be the one whose click got us here.
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self._rows = []
        for i, size in enumerate(sizes):
            act = activations[i] if i < len(activations) else ACTIVATIONS[0]
            row = _LayerRow(i, size, act)
            row.size.valueChanged.connect(self._on_size_value_changed)
            row.activation.currentIndexChanged.connect(self._on_activation_index_changed)
            row.remove.clicked.connect(lambda _checked=False, i=i: self.remove_layer(i))
            self._grid.addWidget(row.label, 2 * i + 1, 0)
            self._grid.addWidget(row.size, 2 * i + 1, 1)
            self._grid.addWidget(row.activation, 2 * i + 1, 2)
            self._grid.addWidget(row.remove, 2 * i + 1, 3)
            self._grid.addWidget(row.error, 2 * i + 2, 1, 1, 3)
            self._rows.append(row)
        self._update_enabled()

    def layers(self) -> tuple[tuple[int, ...], tuple[str, ...]]:
        sizes = tuple(row.size.value() for row in self._rows)
        acts = tuple(row.activation.currentText() or row.loaded_activation for row in self._rows)
        return sizes, acts

    def count(self) -> int:
        return len(self._rows)

    def row_widgets(self, index: int) -> tuple[QSpinBox, QComboBox, QToolButton]:
        row = self._rows[index]
        return row.size, row.activation, row.remove

    def add_layer(self) -> None:
        if len(self._rows) >= MAX_LAYERS:
            return
        sizes, acts = self.layers()
        last_size, last_act = (sizes[-1], acts[-1]) if sizes else (3, ACTIVATIONS[0])
        self.set_layers((*sizes, last_size), (*acts, last_act))
        self.layers_changed.emit()

    def remove_layer(self, index: int) -> None:
        if len(self._rows) <= 1 or not 0 <= index < len(self._rows):
            return
        sizes, acts = self.layers()
        self.set_layers(sizes[:index] + sizes[index + 1 :], acts[:index] + acts[index + 1 :])
        self.layers_changed.emit()

    def set_errors(
        self, general: str | None, sizes: dict[int, str], activations: dict[int, str]
    ) -> None:
        """Show ``general`` under the list and each layer's messages under its row."""
        self.error_label.setText(sentence(general) if general else "")
        self.error_label.setVisible(bool(general))
        for i, row in enumerate(self._rows):
            messages = [sentence(m) for m in (sizes.get(i), activations.get(i)) if m]
            row.error.setText(" ".join(messages))
            row.error.setVisible(bool(messages))
            row.size.setStyleSheet(INVALID_STYLE if i in sizes else "")
            row.activation.setStyleSheet(INVALID_STYLE if i in activations else "")

    @property
    def locked(self) -> bool:
        return self._locked

    def set_locked(self, locked: bool) -> None:
        changed = locked != self._locked
        self._locked = locked
        self._update_enabled()
        if changed:
            self.locked_changed.emit(locked)

    # --- slots -----------------------------------------------------------------------------

    def _on_add_button_clicked(self) -> None:
        self.add_layer()

    def _on_size_value_changed(self, _value: int) -> None:
        self.layers_changed.emit()

    def _on_activation_index_changed(self, _index: int) -> None:
        self.layers_changed.emit()

    def _update_enabled(self) -> None:
        for row in self._rows:
            for widget in (row.size, row.activation):
                widget.setEnabled(not self._locked)
            row.remove.setEnabled(not self._locked and len(self._rows) > 1)
        self.add_button.setEnabled(not self._locked and len(self._rows) < MAX_LAYERS)
