"""The experiment builder: every field of an ExperimentSpec as a widget, validated as it is
typed. A bad value is marked where it was typed and the last valid spec stays in force.
Which fields there are and when each applies is in builder_schema.py.

The spec in force is not the widget's: the builder writes each new valid spec (and whether
the fields are valid) into the lab state (``LabState.spec``, ``spec_valid``), reads it back
from there, and shows a spec written there by anyone else."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xorlab.app.lab_state import LabState
from xorlab.core.training.datasets import POINT_SETS
from xorlab.core.training.presets import PRESETS
from xorlab.core.training.spec import MAX_SEED, RAW_FEATURES, ExperimentSpec, validate
from xorlab.ui.builder.feature_field import FeatureField
from xorlab.ui.builder.fields import (
    ERROR_COLOR,
    ChoiceField,
    CsvField,
    FieldBox,
    NumberField,
    fit_narrow,
    sentence,
)
from xorlab.ui.builder.layer_list import LayerList
from xorlab.ui.builder.schema import (
    CHOICE_FIELDS,
    CONDITIONAL_FIELDS,
    NUMBER_FIELDS,
    POINT_SET_FIELDS,
    SPLIT_FIELDS,
    applies,
)
from xorlab.ui.builder.texts import FIELD_LABELS, TOOLTIPS, field_label
from xorlab.ui.runtime.state_binding import bind
from xorlab.ui.widgets.elided_combo import ElidedComboBox
from xorlab.ui.widgets.fitted_scroll import ColumnScrollArea

CUSTOM_TEXT = "Your own experiment: change any field below."


class BuilderPanel(QWidget):
    """Edits an ExperimentSpec; emits ``spec_changed`` with each new valid spec."""

    spec_changed = Signal(object)  # ExperimentSpec
    validity_changed = Signal(bool)
    learning_rate_changed = Signal(float)

    def __init__(
        self,
        parent: QWidget | None = None,
        spec: ExperimentSpec | None = None,
        state: LabState | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("builder")
        # The lab's state holds the spec in force; a builder on its own keeps one of its own.
        self.state = state if state is not None else LabState()
        if spec is not None:
            self.state.spec = spec
        self._errors: dict[str, str] = {}
        self._loading = False
        self._writing = False  # the spec change being announced is the builder's own
        self.fields: dict[str, FieldBox] = {}
        self._forms: dict[str, QFormLayout] = {}
        self._build()
        self.set_spec(self.state.spec)
        bind(self.state, "spec", self, self._on_state_spec)

    # --- public API ------------------------------------------------------------------------

    def spec(self) -> ExperimentSpec:
        """The last valid spec: the one training would use."""
        return self.state.spec

    def is_valid(self) -> bool:
        return self.state.spec_valid

    def errors(self) -> list[str]:
        """Every current problem as 'Field: message.'"""
        return [f"{field_label(path)}: {sentence(msg)}" for path, msg in self._errors.items()]

    def set_spec(self, spec: ExperimentSpec) -> None:
        """Show ``spec`` in the fields; emits ``spec_changed`` if it is valid and new."""
        self._loading = True
        try:
            for path, field in self.fields.items():
                if isinstance(field, (NumberField, ChoiceField)):
                    part, key = path.split(".")
                    field.set_value(getattr(getattr(spec, part), key))
            self.bias_box.setChecked(spec.network.bias)
            self.feature_field.set_value(spec.network.features)
            self.shuffle_box.setChecked(spec.training.shuffle)
            self.layer_list.set_layers(spec.network.hidden, spec.network.activations)
            self.csv_field.set_path(spec.dataset.path)
            if spec.dataset.name == "csv" and spec.dataset.path:
                self.csv_field.load(spec.dataset.path)
        finally:
            self._loading = False
        self._revalidate()

    def set_training_locked(self, locked: bool) -> None:
        """While training runs only the learning rate can change."""
        for path, field in self.fields.items():
            field.setEnabled(not locked or path == "training.learning_rate")
        self.preset_combo.setEnabled(not locked)
        self.regenerate_button.setEnabled(not locked)
        self.bias_box.setEnabled(not locked)
        self.shuffle_box.setEnabled(not locked)
        self.layer_list.set_locked(locked)

    def field_editor(self, path: str) -> QWidget:
        """The widget editing spec field ``path`` (e.g. 'training.learning_rate')."""
        if path == "network.hidden":
            return self.layer_list
        if path == "network.bias":
            return self.bias_box
        if path == "training.shuffle":
            return self.shuffle_box
        if path == "dataset.path":
            return self.csv_field.path_edit
        return self.fields[path].editor

    def load_csv(self, path: str) -> bool:
        """Read a CSV for the 'csv' dataset; a bad file shows its line/column message."""
        return self.csv_field.load(path)

    # --- building --------------------------------------------------------------------------

    def _build(self) -> None:
        self.preset_combo = ElidedComboBox()
        self.preset_combo.setObjectName("builder.preset")
        self.preset_combo.setToolTip(TOOLTIPS["preset"])
        fit_narrow(self.preset_combo)
        for name, preset in PRESETS.items():
            self.preset_combo.addItem(preset.title, name)
            index = self.preset_combo.count() - 1
            self.preset_combo.setItemData(index, preset.description, Qt.ItemDataRole.ToolTipRole)
        self.preset_combo.addItem("Custom", "")
        self.preset_combo.currentIndexChanged.connect(self._on_preset_index_changed)
        self.preset_description = QLabel()
        self.preset_description.setObjectName("builder.preset_description")
        self.preset_description.setWordWrap(True)

        for path, (name, kind) in NUMBER_FIELDS.items():
            self.fields[path] = NumberField(name, kind, TOOLTIPS[path])
            self.fields[path].edited.connect(self._on_field_edited)
        for path, (name, choices) in CHOICE_FIELDS.items():
            self.fields[path] = ChoiceField(name, choices, TOOLTIPS[path])
            self.fields[path].combo.currentIndexChanged.connect(self._on_field_edited)
        self.csv_field = self.fields["dataset.path"] = CsvField()
        self.csv_field.changed.connect(self._on_field_edited)
        self.feature_field = self.fields["network.features"] = FeatureField(
            TOOLTIPS["network.features"]
        )
        self.feature_field.changed.connect(self._on_field_edited)
        self.bias_box = QCheckBox("constant 1 input")
        self.bias_box.setObjectName("builder.bias")
        self.bias_box.setToolTip(TOOLTIPS["network.bias"])
        self.bias_box.toggled.connect(self._on_field_edited)
        self.layer_list = LayerList()
        self.layer_list.layers_changed.connect(self._on_field_edited)
        self.summary = QLabel()
        self.summary.setObjectName("builder.summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(f"color: {ERROR_COLOR};")

        content = QWidget()
        layout = QVBoxLayout(content)
        preset_box = QGroupBox("Preset")
        preset_layout = QVBoxLayout(preset_box)
        preset_layout.addWidget(self.preset_combo)
        preset_layout.addWidget(self.preset_description)
        layout.addWidget(preset_box)
        data = self._group(
            "Data", ["dataset.name", *POINT_SET_FIELDS, "dataset.path", *SPLIT_FIELDS]
        )
        self.regenerate_button = QPushButton("Regenerate data")
        self.regenerate_button.setObjectName("builder.regenerate")
        self.regenerate_button.setToolTip(TOOLTIPS["regenerate"])
        self.regenerate_button.clicked.connect(self._on_regenerate_clicked)
        self._forms["dataset.name"].addRow("", self.regenerate_button)
        layout.addWidget(data)
        network = self._group("Network", ["network.output_activation"])
        form = self._forms["network.output_activation"]
        form.insertRow(0, self._label("network.hidden"))
        form.insertRow(1, self.layer_list)
        form.addRow(self._label("network.bias"), self.bias_box)
        self._add_row(form, "network.features")
        for path in ("network.init", "network.seed"):
            self._add_row(form, path)
        layout.addWidget(network)
        training_paths = [p for p in FIELD_LABELS if p.startswith("training.") and p in self.fields]
        layout.addWidget(self._group("Training", training_paths))
        self.shuffle_box = QCheckBox("each epoch")
        self.shuffle_box.setObjectName("builder.shuffle")
        self.shuffle_box.setToolTip(TOOLTIPS["training.shuffle"])
        self.shuffle_box.toggled.connect(self._on_field_edited)
        training_form = self._forms["training.schedule"]
        row, _ = training_form.getWidgetPosition(self.fields["training.batch_size"])
        training_form.insertRow(row + 1, self._label("training.shuffle"), self.shuffle_box)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        scroll = ColumnScrollArea(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _group(self, title: str, paths: list[str]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for path in paths:
            self._add_row(form, path)
        return box

    def _add_row(self, form: QFormLayout, path: str) -> None:
        form.addRow(self._label(path), self.fields[path])
        self._forms[path] = form

    def _label(self, path: str) -> QLabel:
        label = QLabel(FIELD_LABELS[path])
        label.setToolTip(TOOLTIPS[path])
        return label

    # --- reading and validating ------------------------------------------------------------

    def _relevant(self, path: str) -> bool:
        """Fields that do not apply to the current choices are hidden and not checked."""
        fields = self.fields
        dataset, optimizer = fields["dataset.name"].value(), fields["training.optimizer"].value()
        return applies(path, dataset, optimizer, fields["training.schedule"].value())

    def _read(self) -> tuple[ExperimentSpec, dict[str, str]]:
        """The spec the fields describe, and each field's problem. A field that cannot be
        read contributes its last valid value, so the others can still be checked."""
        last = self.state.spec
        errors: dict[str, str] = {}
        parts: dict[str, dict] = {"dataset": {}, "network": {}, "training": {}}
        for path, field in self.fields.items():
            part, key = path.split(".")
            if isinstance(field, NumberField):
                value, error = field.read()
            elif isinstance(field, ChoiceField):
                value = field.value()
                error = None if value is not None else field.problem()
            else:
                continue
            if error is not None:
                value = getattr(getattr(last, part), key)
                if self._relevant(path):
                    errors[path] = error
            parts[part][key] = value
        parts["dataset"]["path"] = self.csv_field.path()
        parts["network"]["bias"] = self.bias_box.isChecked()
        parts["network"]["features"] = (
            self.feature_field.value()
            if self._relevant("network.features")
            else RAW_FEATURES  # data with more inputs: the raw inputs, whatever is checked
        )
        parts["training"]["shuffle"] = self.shuffle_box.isChecked()
        parts["network"]["hidden"], parts["network"]["activations"] = self.layer_list.layers()
        spec = last.with_changes(**parts)
        # A hidden field keeps its last valid value rather than block training unseen.
        for problem in validate(spec):
            if problem.field in CONDITIONAL_FIELDS and not self._relevant(problem.field):
                part, key = problem.field.split(".")
                spec = spec.with_changes(**{part: {key: getattr(getattr(last, part), key)}})
        for problem in validate(spec):
            errors.setdefault(problem.field, problem.message)
        if spec.dataset.name == "csv" and (
            csv_problem := self.csv_field.problem(spec.training.cost)
        ):
            errors["dataset.path"] = csv_problem
        return spec, errors

    def _revalidate(self) -> None:
        spec, errors = self._read()
        self._errors = errors
        self._show_errors(errors)
        for path in CONDITIONAL_FIELDS:
            self._forms[path].setRowVisible(self.fields[path], self._relevant(path))
        self._forms["dataset.name"].setRowVisible(
            self.regenerate_button, self.fields["dataset.name"].value() in POINT_SETS
        )
        # A full batch sums over every sample: their order does not matter.
        self._forms["training.schedule"].setRowVisible(
            self.shuffle_box, self.fields["training.schedule"].value() != "full"
        )
        valid = not errors
        state = self.state
        if valid and spec != state.spec:
            new_rate = spec.training.learning_rate != state.spec.training.learning_rate
            self._writing = True
            try:
                state.spec = spec
            finally:
                self._writing = False
            self.spec_changed.emit(spec)
            if new_rate:
                self.learning_rate_changed.emit(spec.training.learning_rate)
        if valid != state.spec_valid:
            state.spec_valid = valid
            self.validity_changed.emit(valid)
        self._sync_preset()

    def _show_errors(self, errors: dict[str, str]) -> None:
        for path, field in self.fields.items():
            field.set_error(errors.get(path))
        sizes, activations, general = {}, {}, []
        for path, message in errors.items():
            if path.startswith("network.hidden["):
                sizes[int(path[len("network.hidden[") : -1])] = message
            elif path.startswith("network.activations["):
                activations[int(path[len("network.activations[") : -1])] = message
            elif path in ("network.hidden", "network.activations"):
                general.append(message)
        self.layer_list.set_errors(" ".join(general) or None, sizes, activations)
        if errors:
            names = ", ".join(dict.fromkeys(field_label(p) for p in errors))
            self.summary.setText(f"Fix the marked fields to train ({names}).")
        self.summary.setVisible(bool(errors))

    def _sync_preset(self) -> None:
        """Name the preset the spec in force is, or 'Custom'."""
        name = next((n for n, p in PRESETS.items() if p.spec == self.state.spec), "")
        self._loading, was_loading = True, self._loading
        self.preset_combo.setCurrentIndex(self.preset_combo.findData(name))
        self._loading = was_loading
        self.preset_description.setText(PRESETS[name].description if name else CUSTOM_TEXT)

    # --- slots -----------------------------------------------------------------------------

    def _on_state_spec(self, spec: ExperimentSpec) -> None:
        """A spec written into the state by someone else: show it in the fields."""
        if not self._writing:
            self.set_spec(spec)

    def _on_field_edited(self, *_args: object) -> None:
        if not self._loading:
            self._revalidate()

    @Slot()
    def _on_regenerate_clicked(self) -> None:
        """A new sample from the next data seed (the seed stays visible, so it can be undone)."""
        seed = self.fields["dataset.seed"]
        value, error = seed.read()
        current = self.state.spec.dataset.seed if error is not None else value
        seed.set_value((current + 1) % (MAX_SEED + 1))
        self._revalidate()

    @Slot(int)
    def _on_preset_index_changed(self, index: int) -> None:
        name = self.preset_combo.itemData(index)
        if not self._loading and name in PRESETS:
            self.set_spec(PRESETS[name].spec)
