"""The diagram as a control surface: a line edited under the mouse is redrawn in its new
colour at once, the cost after an edit is marked on the cost plot (the number the status bar
and an independent trainer give), hovering a neuron shows its map large, and +/- on the
diagram change the network through the builder."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from tests.ui.windows import step, wait_for_state
from xorlab.core.training.presets import preset_spec
from xorlab.ui.network import style
from xorlab.ui.network.paint import layer_map

MINIMAL = preset_spec("xor-minimal")
COMPILE_MS = 90_000  # a network this process has not compiled before


def opaque(color) -> str:
    color = QColor(color)
    color.setAlpha(255)
    return color.name().upper()


def diagram_window(qtbot, make_window):
    window = make_window(MINIMAL)
    window.resize(1500, 900)
    window.network_views.dock.show()
    step(qtbot, window)
    diagram = window.network_views.diagram
    qtbot.waitUntil(lambda: diagram.maps_data is not None and diagram.maps_data.step > 0)
    return window, diagram


def test_an_edit_under_the_mouse_redraws_the_line_and_marks_the_cost(qtbot, make_window, reference):
    window, diagram = diagram_window(qtbot, make_window)
    view, scene = diagram.view, diagram.scene
    p, r, c = (int(v) for v in scene.index[0])
    old = scene.weight_at(p, r, c)
    qtbot.mouseMove(view.viewport(), view.viewport_point_of_line(0))
    qtbot.waitUntil(lambda: view.hovered == 0)
    assert opaque(scene.hover.pen().color()) == opaque(scene.edges.pen(0).color())
    new = -3.0 if old > 0 else 3.0  # the other sign
    before = window.last_snapshot.step
    with qtbot.waitSignal(diagram.weight_edited):
        diagram.editor.accepted.emit(p, r, c, new)
    qtbot.waitUntil(lambda: window.cost_plot.edits != [])
    # The outline under the mouse took the new sign's colour at once (the mouse never left).
    assert view.hovered == 0 and scene.hover.isVisible()
    expected = style.POSITIVE_COLOR if new > 0 else style.NEGATIVE_COLOR
    assert opaque(scene.hover.pen().color()) == opaque(expected)
    # The cost after the edit: on the plot, in the status bar, and from an independent trainer.
    snapshot = window.last_snapshot
    assert snapshot.weights[p][r, c] == new and snapshot.step == before
    epoch, cost = window.cost_plot.edits[-1]
    assert epoch == snapshot.epoch and cost == snapshot.cost
    xs, ys = window.cost_plot.edit_points.getData()
    assert list(xs) == [epoch] and list(ys) == [cost]
    assert f"{cost:.10g}"[:8] in window.status.cost_label.text()
    reference.set_weights([np.array(w) for w in snapshot.weights])
    _outputs, reference_cost = reference.evaluate()
    assert cost == reference_cost or abs(cost - reference_cost) < 1e-12


def test_hovering_a_neuron_shows_its_map_large(qtbot, make_window):
    window, diagram = diagram_window(qtbot, make_window)
    view, popup = diagram.view, diagram.map_popup
    centre = view.mapFromScene(diagram.scene.centres[(1, 1)])
    qtbot.mouseMove(view.viewport(), centre)
    qtbot.waitUntil(popup.isVisible)
    assert popup.unit == (1, 1)
    np.testing.assert_array_equal(popup.values, layer_map(diagram.maps_data.maps, 1, 1))
    picture = popup.picture.pixmap()
    assert picture.width() >= 150 and picture.height() >= 150
    # Several times the circle's picture on screen.
    small = diagram.scene.maps[(1, 1)].sceneBoundingRect().width() * view.zoom()
    assert picture.width() >= 3 * small
    qtbot.mouseMove(view.viewport(), QPoint(2, 2))  # off the neuron
    qtbot.waitUntil(lambda: not popup.isVisible())
    # Maps off: no popup.
    diagram.maps_box.setChecked(False)
    qtbot.mouseMove(view.viewport(), centre)
    qtbot.wait(50)
    assert not popup.isVisible()


def test_plus_and_minus_change_the_network_through_the_builder(qtbot, make_window):
    # Not trained: the builder (and so the buttons) lock while a run is under way.
    window = make_window(MINIMAL)
    window.resize(1500, 900)
    window.network_views.dock.show()
    diagram, controls = window.network_views.diagram, window.network_views.diagram.structure
    qtbot.waitUntil(lambda: diagram.arch is not None)
    assert window.spec.network.hidden == (3,)
    minus, plus = controls.neuron_buttons[0]
    qtbot.mouseClick(plus, Qt.MouseButton.LeftButton)
    assert window.spec.network.hidden == (4,)
    assert window.builder.layer_list.row_widgets(0)[0].value() == 4
    wait_for_state(qtbot, window, "ready")
    qtbot.waitUntil(
        lambda: diagram.arch.sizes[1:-1] == window.spec.network.hidden, timeout=COMPILE_MS
    )
    assert diagram.arch.sizes == (2, 4, 1) and len(controls.neuron_buttons) == 1
    qtbot.mouseClick(controls.add_layer, Qt.MouseButton.LeftButton)
    assert window.spec.network.hidden == (4, 4)
    wait_for_state(qtbot, window, "ready")
    qtbot.waitUntil(
        lambda: diagram.arch.sizes[1:-1] == window.spec.network.hidden, timeout=COMPILE_MS
    )
    assert diagram.arch.sizes == (2, 4, 4, 1) and len(controls.neuron_buttons) == 2
    qtbot.mouseClick(controls.neuron_buttons[1][0], Qt.MouseButton.LeftButton)
    assert window.spec.network.hidden == (4, 3)
    qtbot.mouseClick(controls.remove_layer, Qt.MouseButton.LeftButton)
    assert window.spec.network.hidden == (4,)
    wait_for_state(qtbot, window, "ready")
    qtbot.waitUntil(
        lambda: diagram.arch.sizes[1:-1] == window.spec.network.hidden, timeout=COMPILE_MS
    )
    assert diagram.arch.sizes == (2, 4, 1) and not controls.remove_layer.isEnabled()
    # Each button sits under its own layer's column.
    minus, plus = controls.neuron_buttons[0]
    column = diagram.view.mapFromScene(diagram.scene.centres[(1, 0)]).x()
    assert minus.geometry().right() <= column <= plus.geometry().left()
    # At the size box's minimum, minus changes nothing more.
    size_box = window.builder.layer_list.row_widgets(0)[0]
    for _ in range(5):
        qtbot.mouseClick(minus, Qt.MouseButton.LeftButton)
    assert window.spec.network.hidden == (size_box.minimum(),)


def test_the_buttons_are_off_while_a_run_is_under_way(qtbot, make_window):
    window, diagram = diagram_window(qtbot, make_window)  # stepped: paused, locked
    controls = diagram.structure
    assert window.builder.layer_list.locked
    assert not any(b.isEnabled() for b in controls.all_buttons())
    controls.neurons_requested.emit(0, +1)  # even if asked, the locked builder refuses
    assert window.spec.network.hidden == (3,)
    window.actions.reset.trigger()  # a fresh run: the builder is open again
    qtbot.waitUntil(lambda: not window.builder.layer_list.locked)
    assert controls.add_layer.isEnabled() and controls.neuron_buttons[0][1].isEnabled()
