"""The builder panel: typed values are validated where typed, the last valid spec stays in
force, presets load exactly, layers and CSV import work, and training locks the structure."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from xorlab.app.lab_state import LabState
from xorlab.core.training.presets import PRESETS
from xorlab.core.training.spec import MAX_LAYERS, ExperimentSpec
from xorlab.ui.builder.fields import INVALID_STYLE, parse_int
from xorlab.ui.builder.panel import NUMBER_FIELDS, BuilderPanel
from xorlab.ui.builder.texts import FIELD_LABELS

# Every conditional field is shown: a point set, momentum, mini-batches.
ALL_FIELDS_SPEC = PRESETS["circle"].spec.with_changes(
    training={"optimizer": "momentum", "schedule": "minibatch", "momentum": 0.5}
)
BAD_ANYWHERE = ["", "-1", "1e12", "1e400", "abc", "nan", "inf", "-inf", "1,2,3"]
ZERO_IS_BAD = {
    "training.learning_rate",
    "dataset.size",
    "training.batch_size",
    "training.epochs",
    "training.log_every",
}
GOOD_VALUES = {  # different from ALL_FIELDS_SPEC's, to see spec_changed carry them
    "dataset.size": 150,
    "dataset.noise": 0.25,
    "dataset.seed": 7,
    "dataset.test_fraction": 0.3,
    "network.seed": 99,
    "training.learning_rate": 0.125,
    "training.momentum": 0.75,
    "training.batch_size": 16,
    "training.l2": 0.001,
    "training.l1": 0.002,
    "training.epochs": 1234,
    "training.log_every": 50,
    "training.target_cost": 0.01,
    "training.plateau_epochs": 100,
    "training.plateau_tolerance": 0.01,
}


@pytest.fixture
def panel(qtbot) -> BuilderPanel:
    widget = BuilderPanel(spec=ALL_FIELDS_SPEC)
    qtbot.addWidget(widget)
    widget.resize(360, 900)
    widget.show()
    return widget


def field_value(spec: ExperimentSpec, path: str):
    part, key = path.split(".")
    return getattr(getattr(spec, part), key)


@pytest.mark.parametrize("path", list(NUMBER_FIELDS))
def test_bad_values_are_marked_and_the_last_valid_spec_stays(qtbot, panel, path):
    assert panel.spec() == ALL_FIELDS_SPEC and panel.is_valid()
    editor = panel.field_editor(path)
    assert isinstance(editor, QLineEdit)
    box = panel.fields[path]
    bad_values = BAD_ANYWHERE + (["0"] if path in ZERO_IS_BAD else [])
    for text in bad_values:
        with qtbot.waitSignal(panel.validity_changed, timeout=1000) as blocker:
            editor.setText(text)
        assert blocker.args == [False], text
        assert not panel.is_valid()
        message = box.error_label.text()
        assert message and not box.error_label.isHidden(), text
        assert editor.styleSheet() == INVALID_STYLE
        assert panel.errors() == [f"{FIELD_LABELS[path]}: {message}"]
        assert panel.spec() == ALL_FIELDS_SPEC, text
        # Back to the valid value: the mark goes, nothing new is emitted as the spec is the same.
        with qtbot.waitSignal(panel.validity_changed, timeout=1000) as blocker:
            editor.setText(str(field_value(ALL_FIELDS_SPEC, path)))
        assert blocker.args == [True]
        assert box.error_label.isHidden() and editor.styleSheet() == ""
        assert panel.errors() == []

    editor.setText("abc")
    good = GOOD_VALUES[path]
    with (
        qtbot.waitSignal(panel.spec_changed, timeout=1000) as changed,
        qtbot.waitSignal(panel.validity_changed, timeout=1000) as validity,
    ):
        editor.setText(str(good))
    assert validity.args == [True]
    assert field_value(changed.args[0], path) == good
    assert panel.spec() == changed.args[0]
    assert panel.spec() == ALL_FIELDS_SPEC.with_changes(
        **{path.split(".")[0]: {path.split(".")[1]: good}}
    )


def test_messages_say_what_is_wrong(qtbot, panel):
    lr = panel.field_editor("training.learning_rate")
    expected = {
        "": "Empty: type a number.",
        "abc": "'abc' is not a number.",
        "0": "Must be in (0, 1e+06], got 0.",
        "-2": "Must be in (0, 1e+06], got -2.",
        "5e6": "Must be in (0, 1e+06], got 5e+06.",
        "nan": "Must be a finite number.",
        "inf": "Must be a finite number.",
    }
    for text, message in expected.items():
        lr.setText(text)
        assert panel.fields["training.learning_rate"].error_label.text() == message
    epochs = panel.field_editor("training.epochs")
    epochs.setText("2.5")
    assert panel.fields["training.epochs"].error_label.text() == "Must be a whole number, got 2.5."
    epochs.setText("1e400")
    assert panel.fields["training.epochs"].error_label.text() == "Must be a finite whole number."
    assert "Fix the marked fields" in panel.summary.text()
    assert "Learning rate" in panel.summary.text() and "Epochs" in panel.summary.text()


def test_typing_key_by_key_ends_in_the_typed_value(qtbot, panel):
    lr = panel.field_editor("training.learning_rate")
    lr.clear()
    assert not panel.is_valid()
    with qtbot.waitSignal(panel.learning_rate_changed, timeout=1000) as changed:
        qtbot.keyClicks(lr, "0.05")
    assert changed.args == [0.05]
    assert panel.is_valid() and panel.spec().training.learning_rate == 0.05


@pytest.mark.parametrize(
    ("text", "value"), [("60000", 60000), ("60_000", 60000), ("60,000", 60000), ("6e4", 60000)]
)
def test_whole_numbers_accept_common_spellings(text, value):
    assert parse_int(text) == (value, None)


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_load_their_exact_spec(qtbot, name):
    start = "spiral" if name != "spiral" else "xor-minimal"
    panel = BuilderPanel(spec=PRESETS[start].spec)
    qtbot.addWidget(panel)
    combo = panel.preset_combo
    assert combo.currentData() == start
    with qtbot.waitSignal(panel.spec_changed, timeout=1000) as changed:
        combo.setCurrentIndex(combo.findData(name))
    assert changed.args[0] == PRESETS[name].spec
    assert panel.spec() == PRESETS[name].spec
    assert panel.is_valid() and panel.errors() == []
    assert panel.preset_description.text() == PRESETS[name].description
    assert combo.itemData(combo.currentIndex(), 3) == PRESETS[name].description  # tooltip


def test_editing_a_preset_shows_custom(qtbot, panel):
    panel.set_spec(PRESETS["xor-minimal"].spec)
    assert panel.preset_combo.currentData() == "xor-minimal"
    panel.field_editor("training.epochs").setText("100")
    assert panel.preset_combo.currentText() == "Custom"
    panel.field_editor("training.epochs").setText("60000")
    assert panel.preset_combo.currentData() == "xor-minimal"


def test_layers_can_be_added_edited_and_removed(qtbot, panel):
    panel.set_spec(PRESETS["xor-minimal"].spec)
    layers = panel.layer_list
    add = panel.findChild(QAbstractButton, "builder.add_layer")
    with qtbot.waitSignal(panel.spec_changed, timeout=1000) as changed:
        add.click()
    assert changed.args[0].network.hidden == (3, 3)
    assert changed.args[0].network.activations == ("sigmoid", "sigmoid")
    size = panel.findChild(QSpinBox, "builder.hidden[1].size")
    activation = panel.findChild(QComboBox, "builder.hidden[1].activation")
    size.setValue(5)
    activation.setCurrentText("tanh")
    assert panel.spec().network.hidden == (3, 5)
    assert panel.spec().network.activations == ("sigmoid", "tanh")
    panel.findChild(QAbstractButton, "builder.hidden[0].remove").click()
    assert panel.spec().network.hidden == (5,)
    assert panel.spec().network.activations == ("tanh",)
    # The last layer cannot go; the list stops at the spec's maximum.
    assert not panel.findChild(QAbstractButton, "builder.hidden[0].remove").isEnabled()
    for _ in range(MAX_LAYERS + 2):
        add.click()
    assert layers.count() == MAX_LAYERS and not add.isEnabled()
    assert panel.spec().network.hidden == (5,) * MAX_LAYERS
    assert panel.is_valid()


def test_too_big_layer_from_a_spec_is_shown_with_its_message(qtbot, panel):
    too_big = ALL_FIELDS_SPEC.with_changes(network={"hidden": (100,), "activations": ("tanh",)})
    with qtbot.waitSignal(panel.validity_changed, timeout=1000):
        panel.set_spec(too_big)
    assert panel.layer_list.row_widgets(0)[0].value() == 100  # not clamped silently
    error = panel.findChild(QLabel, "builder.hidden[0].error")
    assert error.text() == "Needs 1 to 64 neurons, got 100."
    assert panel.spec() == ALL_FIELDS_SPEC
    assert panel.errors() == ["Layer 1: Needs 1 to 64 neurons, got 100."]


def test_unknown_choices_from_a_file_are_named(qtbot, panel):
    bad = ALL_FIELDS_SPEC.with_changes(
        dataset={"name": "nope"}, network={"activations": ("foo",)}, training={"cost": "zzz"}
    )
    panel.set_spec(bad)
    assert not panel.is_valid() and panel.spec() == ALL_FIELDS_SPEC
    assert panel.errors() == [
        "Dataset: 'nope' is not one of the choices: pick one.",
        "Cost: 'zzz' is not one of the choices: pick one.",
        "Layer 1 activation: 'foo' is not one of sigmoid, tanh, relu, softplus, linear.",
    ]
    panel.fields["dataset.name"].combo.setCurrentIndex(0)
    panel.fields["training.cost"].combo.setCurrentIndex(2)  # binary cross-entropy
    panel.layer_list.row_widgets(0)[1].setCurrentIndex(1)  # tanh
    assert panel.is_valid()
    assert panel.spec().dataset.name == "xor" and panel.spec().training.cost == "bce"


def test_cross_field_problem_is_shown_on_the_cost(qtbot, panel):
    output = panel.fields["network.output_activation"].combo
    output.setCurrentIndex(output.findData("linear"))  # with binary cross-entropy
    assert not panel.is_valid()
    assert "sigmoid output" in panel.fields["training.cost"].error_label.text()


def test_hidden_fields_do_not_block_training(qtbot, panel):
    momentum = panel.field_editor("training.momentum")
    momentum.setText("7")
    assert not panel.is_valid()
    optimizer = panel.fields["training.optimizer"].combo
    with qtbot.waitSignal(panel.validity_changed, timeout=1000) as blocker:
        optimizer.setCurrentIndex(optimizer.findData("adam"))
    assert blocker.args == [True]
    assert panel.fields["training.momentum"].isHidden()
    assert panel.spec().training.optimizer == "adam"
    assert panel.spec().training.momentum == 0.5  # the last valid value
    optimizer.setCurrentIndex(optimizer.findData("momentum"))
    assert not panel.is_valid() and not panel.fields["training.momentum"].isHidden()


def test_point_set_fields_show_only_for_point_sets(qtbot, panel):
    dataset = panel.fields["dataset.name"].combo
    for name, shown in (("circle", True), ("xor", False), ("parity3", False), ("spiral", True)):
        dataset.setCurrentIndex(dataset.findData(name))
        assert panel.spec().dataset.name == name
        for path in ("dataset.size", "dataset.noise", "dataset.seed"):
            assert panel.fields[path].isHidden() != shown
        assert panel.fields["dataset.path"].isHidden()


def test_malformed_csv_shows_line_and_column(qtbot, panel, tmp_path):
    dataset = panel.fields["dataset.name"].combo
    dataset.setCurrentIndex(dataset.findData("csv"))
    assert not panel.is_valid()  # no file chosen yet
    assert "Browse" in panel.fields["dataset.path"].error_label.text()
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,y\n0,0,0\n0,abc,1\n")
    assert not panel.load_csv(str(bad))
    error = panel.findChild(QLabel, "builder.csv_path.error")
    assert error.text() == "Line 3, column 2: 'abc' in column 'x2' is not a number."
    assert not panel.is_valid()
    good = tmp_path / "good.csv"
    good.write_text("a,b,target\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    with qtbot.waitSignal(panel.spec_changed, timeout=1000) as changed:
        assert panel.load_csv(str(good))
    assert changed.args[0].dataset.name == "csv"
    assert changed.args[0].dataset.path == str(good)
    assert error.isHidden() and panel.is_valid()
    assert panel.csv_field.info.text() == "4 samples: a, b → target"
    # Typing a new path asks for Enter; Enter loads it.
    path_edit = panel.field_editor("dataset.path")
    path_edit.setText(str(bad))
    assert "Press Enter" in error.text()
    path_edit.editingFinished.emit()
    assert error.text().startswith("Line 3, column 2")
    # A spec naming a CSV loads it.
    panel.set_spec(changed.args[0])
    assert panel.is_valid() and panel.spec() == changed.args[0]


def test_training_lock_leaves_only_the_learning_rate(qtbot, panel):
    panel.set_training_locked(True)
    for path in NUMBER_FIELDS:
        assert panel.field_editor(path).isEnabled() == (path == "training.learning_rate")
    for name in ("builder.preset", "builder.add_layer", "builder.hidden[0].size", "builder.bias"):
        assert not panel.findChild(QWidget, name).isEnabled(), name
    assert not panel.fields["training.optimizer"].combo.isEnabled()
    with qtbot.waitSignal(panel.learning_rate_changed, timeout=1000) as changed:
        panel.field_editor("training.learning_rate").setText("0.2")
    assert changed.args == [0.2]
    assert panel.spec().training.learning_rate == 0.2
    panel.set_training_locked(False)
    assert panel.findChild(QWidget, "builder.epochs").isEnabled()
    assert panel.findChild(QWidget, "builder.add_layer").isEnabled()


def test_every_interactive_widget_is_named_and_explained(qtbot, panel):
    kinds = (QLineEdit, QComboBox, QSpinBox, QAbstractButton)
    seen = []
    for widget in panel.findChildren(QWidget):
        if not isinstance(widget, kinds) or isinstance(widget.parent(), (QSpinBox, QComboBox)):
            continue
        if type(widget).__name__ == "QScrollBar" or widget.objectName().startswith("qt_"):
            continue
        seen.append(widget.objectName())
        assert widget.objectName().startswith("builder."), widget
        # Its own: hovering a feature's box said nothing (only the row's label explained).
        assert len(widget.toolTip()) > 20, widget.objectName()
    assert len(seen) == len(set(seen))
    assert {"builder.learning_rate", "builder.hidden[0].size", "builder.add_layer"} <= set(seen)


def test_the_builder_keeps_its_spec_in_the_lab_state_and_shows_one_written_there(qtbot):
    state = LabState(PRESETS["xor-minimal"].spec)
    panel = BuilderPanel(state=state)
    qtbot.addWidget(panel)
    specs = []
    state.add_callback("spec", specs.append)
    # Typed: the new valid spec is the state's, and the builder reads it back from there.
    rate = panel.field_editor("training.learning_rate")
    rate.setText("0.25")
    assert state.spec.training.learning_rate == 0.25 and panel.spec() is state.spec
    assert specs == [state.spec]
    # An invalid field: the state says so and keeps the last valid spec.
    rate.setText("abc")
    assert not state.spec_valid and not panel.is_valid() and len(specs) == 1
    # Written into the state by someone else: the fields show it, and nothing echoes back.
    circle = PRESETS["circle"].spec
    state.spec = circle
    assert panel.fields["dataset.name"].value() == "circle" and rate.text() != "abc"
    assert state.spec == circle and specs == [specs[0], circle] and state.spec_valid
    assert panel.preset_combo.currentData() == "circle"
