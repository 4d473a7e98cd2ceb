"""The network diagram against the weights it draws: line pens by sign and size, bias units
(the output layer's too), neuron maps equal to a numpy forward pass, hover text, and weight
edits that reach the worker (pausing it first) or are refused with a message."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsPathItem, QGraphicsSimpleTextItem

from xorlab.app.network_jobs import NEURON_MAPS, WEIGHT_EDIT, DiagramData, _diagram_data
from xorlab.app.selection import SelectionRef
from xorlab.core.training.datasets import load_dataset, plane_grid
from xorlab.core.training.neuron_maps import MAP_RESOLUTION, NeuronMaps
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import MAX_EPOCHS, DatasetSpec
from xorlab.core.training.trainer import Trainer, TrainingSnapshot
from xorlab.ui.network import style
from xorlab.ui.network.diagram import NetworkDiagram
from xorlab.ui.network.weight_editor import parse_weight
from xorlab.ui.runtime.worker import TrainingWorker

BIAS = preset_spec("xor-bias")
MINIMAL = preset_spec("xor-minimal")
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def bias_trainer() -> Trainer:
    trainer = Trainer(BIAS)
    trainer.run(400)
    return trainer


def make_diagram(qtbot, source=None) -> NetworkDiagram:
    diagram = NetworkDiagram(source)
    qtbot.addWidget(diagram)
    diagram.resize(520, 420)
    diagram.show()
    qtbot.waitExposed(diagram)
    return diagram


def fake_snapshot(weights, step: int = 0) -> TrainingSnapshot:
    empty = np.empty(0)
    return TrainingSnapshot(step, step, tuple(weights), empty, 0.0, empty, empty)


def pen_colour(pen) -> str:
    colour = QColor(pen.color())
    colour.setAlpha(255)
    return colour.name().upper()


def test_lines_follow_the_weights_by_sign_and_size(qtbot, bias_trainer):
    diagram = make_diagram(qtbot)
    diagram.on_run_reset(bias_trainer.dataset)
    weights = bias_trainer.get_weights()
    diagram.on_snapshot(fake_snapshot(weights))
    scene = diagram.scene
    flat = np.concatenate([w.ravel() for w in weights])
    edges = scene.edges
    assert len(edges) == flat.size == 3 * 3 + 4 * 1
    for i, (p, r, c) in enumerate(scene.index):
        w = weights[p][r, c]
        assert pen_colour(edges.pen(i)) == (
            style.POSITIVE_COLOR if w >= 0 else style.NEGATIVE_COLOR
        )
        assert edges.pen(i).isCosmetic()
        # Each line is drawn from its two units' centres.
        a, b = scene.centres[(p, r)], scene.centres[(p + 1, c)]
        assert edges.line(i).p1() == a and edges.line(i).p2() == b
    widths = np.array([edges.pen(i).widthF() for i in range(len(edges))])
    order = np.argsort(np.abs(flat))
    assert np.all(np.diff(widths[order]) >= 0)  # wider for larger |w|
    assert widths.max() <= style.MAX_WIDTH_FEW and widths.min() >= style.MIN_WIDTH
    # Proportional above the minimum: half the |w|, half the width (within a quantum).
    big = np.abs(flat) / scene.scale_value * style.MAX_WIDTH_FEW
    visible = big > 2 * style.MIN_WIDTH
    np.testing.assert_allclose(widths[visible], big[visible], atol=style.WIDTH_STEP / 2 + 1e-9)

    # A new snapshot re-pens the very same item, every line in its sign's colour.
    flipped = [-w for w in weights]
    diagram.on_snapshot(fake_snapshot(flipped, step=1))
    assert scene.edges is edges
    for i, (p, r, c) in enumerate(scene.index):
        w = flipped[p][r, c]
        assert pen_colour(edges.pen(i)) == (
            style.POSITIVE_COLOR if w >= 0 else style.NEGATIVE_COLOR
        )


def test_bias_units_include_the_output_layers(qtbot, bias_trainer):
    diagram = make_diagram(qtbot)
    diagram.on_run_reset(bias_trainer.dataset)
    diagram.on_snapshot(fake_snapshot(bias_trainer.get_weights()))
    arch, scene = diagram.arch, diagram.scene
    assert arch.sizes == (2, 3, 1) and arch.bias
    # Input bias (0, 2) and the hidden layer's bias (1, 3) that feeds the output neuron.
    for key in ((0, 2), (1, 3)):
        item = scene.units[key]
        assert isinstance(item, QGraphicsPathItem)  # a square, not a neuron's circle
        (text,) = [c for c in item.childItems() if isinstance(c, QGraphicsSimpleTextItem)]
        assert text.text() == "1"
    assert (2, 1) not in scene.units  # no bias after the output layer
    assert all(isinstance(scene.units[(1, u)], QGraphicsEllipseItem) for u in range(3))
    output_bias_lines = scene.lines_where(1, row=3)
    assert output_bias_lines.size == 1
    assert scene.weight_at(1, 3, 0) == bias_trainer.get_weights()[1][3, 0]

    no_bias = Trainer(MINIMAL).initial_weights
    diagram.on_run_reset(load_dataset(MINIMAL.dataset))
    diagram.on_snapshot(fake_snapshot(no_bias))
    assert diagram.arch.sizes == (2, 3, 1) and not diagram.arch.bias
    assert all(isinstance(item, QGraphicsEllipseItem) for item in diagram.scene.units.values())


def test_neuron_maps_equal_a_numpy_forward_pass(qtbot, bias_trainer):
    diagram = make_diagram(qtbot)
    diagram.on_run_reset(bias_trainer.dataset)
    weights = bias_trainer.get_weights()
    diagram.on_snapshot(fake_snapshot(weights))
    data = _diagram_data(bias_trainer)  # what the worker's job returns
    diagram._on_maps_done(data)
    assert diagram.arch.activations == ("sigmoid", "sigmoid")
    grid = plane_grid(bias_trainer.dataset, MAP_RESOLUTION)
    hidden = 1 / (
        1 + np.exp(-(np.hstack([grid.points, np.ones((len(grid.points), 1))]) @ weights[0]))
    )
    output = 1 / (1 + np.exp(-(np.hstack([hidden, np.ones((len(hidden), 1))]) @ weights[1])))
    res = MAP_RESOLUTION
    np.testing.assert_allclose(data.maps.layers[0].reshape(res * res, 3), hidden, atol=1e-12)
    np.testing.assert_allclose(data.maps.layers[1].reshape(res * res, 1), output, atol=1e-12)
    lut = style._lut()
    for (layer, unit), picture in diagram.scene.maps.items():
        assert picture.isVisible(), (layer, unit)
        image = picture.pixmap().toImage()
        assert (image.width(), image.height()) == (res, res)
        if layer == 0:
            continue
        values = (hidden if layer == 1 else output)[:, unit].reshape(res, res)
        # Picture row r is the grid's row res - 1 - r (the plane's top at the top); a pixel
        # on the middle row, a quarter in from the left, lies in the unit's circle.
        row, col = res // 2, res // 4
        expected = lut[int(np.clip(values[res - 1 - row, col] * 255, 0, 255))]
        pixel = image.pixelColor(col, row)
        assert (pixel.red(), pixel.green(), pixel.blue()) == tuple(expected[:3])
        assert pixel.alpha() == 255 and image.pixelColor(0, 0).alpha() == 0  # round
    diagram.maps_box.setChecked(False)
    assert not any(p.isVisible() for p in diagram.scene.maps.values())


def test_wide_layers_get_no_maps_and_stay_fast(qtbot):
    diagram = make_diagram(qtbot)
    dataset = load_dataset(DatasetSpec("spiral", size=64, noise=0.1, seed=0))
    diagram.on_run_reset(dataset)
    rng = np.random.default_rng(0)
    shapes = [(3, 16), (17, 16), (17, 16), (17, 1)]
    weights = [rng.normal(0, 0.5, s) for s in shapes]
    diagram.on_snapshot(fake_snapshot(weights))
    edges = diagram.scene.edges
    assert len(edges) == sum(r * c for r, c in shapes)
    assert max(edges.pen(i).widthF() for i in range(len(edges))) <= style.MAX_WIDTH_MANY
    # Staying fast is counted, not timed (bench/gui_frame.py times it): a snapshot of the
    # same shapes keeps the one lines item and re-pens only the lines whose pen changed,
    # from a cache of a few pens.
    scene = diagram.scene
    items = len(scene.items())
    repens: list[int] = []
    set_weights = scene.set_weights
    scene.set_weights = lambda w: repens.append(set_weights(w)) or repens[-1]
    pens_set = 0
    for _ in range(100):
        before = [edges.pen(i) for i in range(len(edges))]
        weights = [w + rng.normal(0, 0.01, w.shape) for w in weights]
        diagram.on_snapshot(fake_snapshot(weights))
        pens_set += sum(edges.pen(i) != pen for i, pen in enumerate(before))
    assert scene.edges is edges and len(scene.items()) == items
    assert len(repens) == 100 and sum(repens) >= pens_set
    assert sum(repens) < 100 * len(edges) // 4  # a small nudge changes few pens
    assert len(scene.pens._pens) < 200

    wide = [(3, 20), (21, 1)]
    diagram.on_snapshot(fake_snapshot([rng.normal(0, 1, s) for s in wide]))
    res = 4
    grid = plane_grid(dataset, res)
    maps = NeuronMaps(
        grid,
        grid.points.reshape(res, res, 2),
        (rng.uniform(-1, 1, (res, res, 20)), rng.uniform(0, 1, (res, res, 1))),
        0,
    )
    network = replace(preset_spec("circle").network, hidden=(20,), activations=("tanh",))
    diagram._on_maps_done(DiagramData(network, maps, 0))
    shown = {key for key, p in diagram.scene.maps.items() if p.isVisible()}
    assert shown == {(0, 0), (0, 1), (2, 0)}  # 20 hidden units: too many to draw


def test_hover_names_the_weight_and_its_value(qtbot, bias_trainer):
    diagram = make_diagram(qtbot)
    diagram.on_run_reset(bias_trainer.dataset)
    weights = bias_trainer.get_weights()
    diagram.on_snapshot(fake_snapshot(weights))
    view, scene = diagram.view, diagram.scene
    index = scene.line_of(0, 1, 2)
    kind, where = view.thing_at(view.viewport_point_of_line(index))
    assert (kind, where) == ("line", (index,))
    text = view.describe(kind, where)
    assert text.startswith(f"W1[1,2] = {weights[0][1, 2]:.4g}\nfrom x2 to h3")
    bias_point = view.mapFromScene(scene.centres[(1, 3)])
    assert view.thing_at(bias_point) == ("unit", (1, 3))
    assert view.describe("unit", (1, 3)).startswith("bias unit: always 1")
    qtbot.mouseMove(view.viewport(), view.viewport_point_of_line(index))
    qtbot.waitUntil(lambda: view.hovered == index)
    assert scene.hover.isVisible() and scene.hover.line() == scene.edges.line(index)


class EditSource(QObject):
    """A worker stand-in that records what the diagram asks of it."""

    run_reset = Signal(object, object)
    snapshot_ready = Signal(object)
    state_changed = Signal(str)
    job_done = Signal(str, object)
    job_failed = Signal(str, str)

    def __init__(self):
        super().__init__()
        self.state = "paused"
        self.jobs: list = []

    def submit_job(self, job) -> None:
        self.jobs.append(job)

    def pause(self) -> None:
        self.state = "paused"


def test_bad_text_keeps_the_weight_and_says_why(qtbot, bias_trainer):
    source = EditSource()
    diagram = make_diagram(qtbot, source)
    diagram.on_run_reset(bias_trainer.dataset)
    diagram.on_snapshot(fake_snapshot(bias_trainer.get_weights()))
    source.jobs.clear()
    diagram.edit_weight(1, 3, 0)
    editor = diagram.editor
    assert editor.isVisible() and editor.target == (1, 3, 0)
    for text, why in (("abc", "not a number"), ("nan", "finite"), ("1e9", "within"), ("", "Type")):
        editor.field.setText(text)
        qtbot.keyClick(editor.field, Qt.Key.Key_Return)
        assert editor.isVisible() and why in editor.message.text()
    assert not [j for j in source.jobs if j.kind == WEIGHT_EDIT]
    qtbot.keyClick(editor.field, Qt.Key.Key_Escape)
    assert not editor.isVisible() and editor.target is None
    diagram.edit_weight(1, 3, 0)
    editor.field.setText("−0.25")  # a typographic minus is fine
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)
    assert not editor.isVisible()
    (job,) = [j for j in source.jobs if j.kind == WEIGHT_EDIT]
    assert job.changes_weights
    assert parse_weight(" 2.5e-1 ") == (0.25, "")


def test_click_pauses_training_and_the_edit_reaches_the_worker(qtbot):
    worker = TrainingWorker()
    diagram = make_diagram(qtbot, worker)
    snapshots: list[TrainingSnapshot] = []
    states: list[str] = []
    edits: list = []
    worker.snapshot_ready.connect(snapshots.append)
    worker.state_changed.connect(states.append)
    diagram.weight_edited.connect(edits.append)
    worker.start()
    try:
        worker.set_spec(MINIMAL.with_changes(training={"epochs": MAX_EPOCHS}))
        qtbot.waitUntil(lambda: states[-1:] == ["ready"], timeout=WAIT_MS)
        worker.train()
        qtbot.waitUntil(lambda: len(snapshots) > 3 and snapshots[-1].step > 0, timeout=WAIT_MS)
        assert worker.state == "training"
        view = diagram.view
        index = diagram.scene.line_of(0, 1, 2)
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.viewport_point_of_line(index)
        )
        assert diagram.bus.current == SelectionRef.weight(0, 1, 2)
        qtbot.waitUntil(lambda: worker.state == "paused", timeout=WAIT_MS)
        editor = diagram.editor
        assert editor.isVisible() and editor.target == (0, 1, 2)
        paused_at = snapshots[-1]
        assert float(editor.field.text()) == pytest.approx(paused_at.weights[0][1, 2], rel=1e-5)
        count = len(snapshots)
        editor.field.setText("0.5")
        qtbot.keyClick(editor.field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(edits) == 1 and len(snapshots) > count, timeout=WAIT_MS)
        after = snapshots[-1]
        assert after.weights[0][1, 2] == 0.5
        assert edits[0].old == pytest.approx(paused_at.weights[0][1, 2], abs=0)
        for p, (a, b) in enumerate(zip(after.weights, paused_at.weights, strict=True)):
            mask = np.ones(a.shape, bool)
            if p == 0:
                mask[1, 2] = False
            np.testing.assert_array_equal(a[mask], b[mask])  # nothing else moved
        assert after.step == paused_at.step and worker.state == "paused"
        assert diagram.scene.weight_at(0, 1, 2) == 0.5
    finally:
        assert worker.shutdown(WAIT_MS)


def test_neuron_maps_arrive_from_the_worker(qtbot):
    worker = TrainingWorker()
    diagram = make_diagram(qtbot, worker)
    states: list[str] = []
    worker.state_changed.connect(states.append)
    worker.start()
    try:
        worker.set_spec(BIAS)
        qtbot.waitUntil(lambda: states[-1:] == ["ready"], timeout=WAIT_MS)
        qtbot.waitUntil(lambda: diagram.maps_data is not None, timeout=WAIT_MS)
        assert diagram.maps_data.maps.layers[0].shape == (MAP_RESOLUTION, MAP_RESOLUTION, 3)
        assert all(p.isVisible() for p in diagram.scene.maps.values())
        worker.train()
        qtbot.waitUntil(lambda: states[-1:] == ["done"], timeout=WAIT_MS)
        qtbot.waitUntil(lambda: diagram.maps_data.step == 40_000, timeout=WAIT_MS)
    finally:
        assert worker.shutdown(WAIT_MS)


class FakeReplay(QObject):
    snapshot_shown = Signal(object)

    def __init__(self):
        super().__init__()
        self.is_replaying = False


def test_a_replayed_epoch_is_drawn_mapped_and_not_editable(qtbot, bias_trainer):
    source, replay = EditSource(), FakeReplay()
    diagram = NetworkDiagram(source, replay=replay)
    qtbot.addWidget(diagram)
    diagram.resize(520, 420)
    diagram.show()
    diagram.on_run_reset(bias_trainer.dataset)
    live = bias_trainer.get_weights()
    past = [w * 0.25 for w in live]
    source.snapshot_ready.emit(fake_snapshot(live, 9))  # the time-travel bar decides
    assert diagram.arch is None
    replay.is_replaying = True
    replay.snapshot_shown.emit(fake_snapshot(past, 3))
    assert diagram.scene.weight_at(0, 1, 2) == past[0][1, 2]
    # The maps asked for are the shown weights', not the trainer's.
    # (One request is out at a time: answering it sends the one that waited.)
    first = [j for j in source.jobs if j.kind == NEURON_MAPS]
    assert len(first) == 1
    source.job_done.emit(NEURON_MAPS, first[0].run(bias_trainer))
    job = [j for j in source.jobs if j.kind == NEURON_MAPS][-1]
    assert job is not first[0]
    data = job.run(bias_trainer)
    grid = plane_grid(bias_trainer.dataset, MAP_RESOLUTION)
    hidden = 1 / (1 + np.exp(-(np.hstack([grid.points, np.ones((len(grid.points), 1))]) @ past[0])))
    np.testing.assert_allclose(data.maps.layers[0].reshape(-1, 3), hidden, atol=1e-12)
    diagram.edit_weight(0, 1, 2)
    assert not diagram.editor.isVisible() and "past epoch" in diagram.status.text()
    assert not [j for j in source.jobs if j.kind == WEIGHT_EDIT]


def test_units_are_kept_as_pictures_and_their_maps_are_not(qtbot):
    """The lines repaint at each snapshot and every unit over them with them: the units'
    unchanging parts are cached by Qt, the map pictures (new at each snapshot) are not, and
    turning antialiasing back on redraws the kept pictures."""
    from unittest import mock

    from PySide6.QtWidgets import QGraphicsItem

    diagram = make_diagram(qtbot)
    rng = np.random.default_rng(1)
    sizes = (2, 5, 3, 1)
    weights = [rng.normal(size=(a + 1, b)) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    diagram.on_snapshot(fake_snapshot(weights))
    scene = diagram.scene
    cached = QGraphicsItem.CacheMode.DeviceCoordinateCache
    for key, unit in scene.units.items():
        parts = [unit, *unit.childItems()]
        picture = scene.maps.get(key)
        assert all(p.cacheMode() == cached for p in parts if p is not picture)
        if picture is not None:
            assert picture.cacheMode() == QGraphicsItem.CacheMode.NoCache
    diagram.view.set_fast(True)
    with mock.patch.object(type(scene), "refresh_unit_pictures") as refresh:
        diagram.view.set_fast(True)  # no change: nothing to redo
        assert refresh.call_count == 0
        diagram.view.set_fast(False)
        assert refresh.call_count == 1


def test_a_layer_too_wide_for_maps_is_one_kept_picture(qtbot):
    """The neurons of a layer too wide for maps never change while training: they are one
    item (a kept picture) at their centres, with their activation's glyph; narrow layers
    keep an item per unit, which can show a map."""
    from PySide6.QtWidgets import QGraphicsItem

    from xorlab.ui.network.scene import PlainUnits

    diagram = make_diagram(qtbot)
    dataset = load_dataset(DatasetSpec("spiral", size=64, noise=0.1, seed=0))
    diagram.on_run_reset(dataset)
    rng = np.random.default_rng(0)
    wide = style.MAX_MAP_UNITS + 4
    shapes = [(3, wide), (wide + 1, 3), (4, 1)]
    diagram.on_snapshot(fake_snapshot([rng.normal(0, 0.5, s) for s in shapes]))
    scene = diagram.scene
    plain = {scene.units[(1, u)] for u in range(wide)}
    assert len(plain) == 1
    (item,) = plain
    assert isinstance(item, PlainUnits) and item.scene() is scene
    assert item.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache
    assert item.centres == [scene.centres[(1, u)] for u in range(wide)]
    activations = scene.arch.activations
    glyph = style.activation_glyph(activations[0] if activations else "", scene.radius)
    assert (item.glyph is None) == (glyph is None)  # as a unit without a map shows it
    assert all(item.boundingRect().contains(c) for c in item.centres)
    assert (1, 0) not in scene.maps and (2, 0) in scene.maps  # the 3-wide layer can map
    assert isinstance(scene.units[(1, wide)], QGraphicsPathItem)  # its bias unit as before
    assert isinstance(scene.units[(2, 0)], QGraphicsEllipseItem)
