"""Input features in the window: the builder's check boxes, the diagram's input neurons and
the formulas' first layer name the features."""

from __future__ import annotations

from xorlab.core.training.formulas import FormulaTracer
from xorlab.core.training.model import layer_shapes
from xorlab.core.training.presets import PRESETS
from xorlab.core.training.spec import RAW_FEATURES
from xorlab.core.training.trainer import Trainer
from xorlab.ui.builder.panel import BuilderPanel
from xorlab.ui.formulas.html import forward_table, gradient_table
from xorlab.ui.network.layout import architecture_for

SPEC = PRESETS["circle-features"].spec


def test_feature_boxes_edit_the_spec_and_hide_for_more_inputs(qtbot):
    panel = BuilderPanel(spec=SPEC)
    qtbot.addWidget(panel)
    panel.show()
    field = panel.feature_field
    assert field.value() == ("x1^2", "x2^2") and field.isVisible()
    with qtbot.waitSignal(panel.spec_changed) as signal:
        field.boxes["x1*x2"].setChecked(True)
    assert signal.args[0].network.features == ("x1^2", "x2^2", "x1*x2")
    for box in field.boxes.values():
        box.setChecked(False)
    assert "network.features" in panel._errors and not panel.is_valid()
    assert "Input features" in panel.summary.text()
    field.boxes["x1"].setChecked(True)
    assert panel.is_valid() and panel.spec().network.features == ("x1",)
    panel.fields["dataset.name"].set_value("parity3")
    assert not field.isVisible() and panel.is_valid()
    assert panel.spec().network.features == RAW_FEATURES


def test_diagram_and_formulas_name_the_features(qtbot):
    trainer = Trainer(SPEC)
    shapes = layer_shapes(SPEC.network, 2, 1)
    arch = architecture_for(shapes, trainer.dataset, SPEC.network)
    assert arch.input_names == ("x1^2", "x2^2")
    trace = FormulaTracer(trainer).trace(0)
    x1, x2 = trace.x
    assert abs(trace.layers[0].inputs[0] - x1 * x1) < 1e-15
    html = forward_table(0, trace.layers[0], True, False, SPEC.network.features)
    assert "x1^2 = " in html and "x2^2 = " in html
    assert "x1^2</th>" in gradient_table(0, trace, True, 0.0, 0.0, SPEC.network.features)
