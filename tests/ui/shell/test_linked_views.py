"""The diagram and the Graph tab linked through the selection bus, both ways, and the Graph
tab's live values against numpy and the trainer."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal

from xorlab.app.graph_request import GraphRequest, build_bundle
from xorlab.app.selection import SelectionRef
from xorlab.core.graphs.params import param_parts
from xorlab.core.graphs.values import summarize
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer
from xorlab.ui.graph.links import LINK_COLOUR, GraphSelectionLink
from xorlab.ui.graph.tab import GraphTab
from xorlab.ui.graph.values_panel import GraphValuesPanel
from xorlab.ui.network.diagram import NetworkDiagram
from xorlab.ui.network.style import DIMMED_OPACITY
from xorlab.ui.runtime.selection import SelectionBus
from xorlab.ui.shell.main_window import MainWindow

BIAS = preset_spec("xor-bias")
WAIT_MS = 30_000


class FakeWorker(QObject):
    """Answers graph requests and trainer jobs from a shared trainer, later, on this thread."""

    graph_ready = Signal(object)
    graph_failed = Signal(str)
    compiled = Signal(float)
    state_changed = Signal(str)
    run_reset = Signal(object, object)
    snapshot_ready = Signal(object)
    job_done = Signal(str, object)
    job_failed = Signal(str, str)

    def __init__(self, trainer: Trainer):
        super().__init__()
        self.trainer = trainer
        self.state = "paused"
        self.jobs: list[str] = []

    def request_graph(self, target: str, param: int = 0) -> None:
        QTimer.singleShot(0, lambda: self.graph_ready.emit(
            build_bundle(self.trainer, GraphRequest(target, param))))  # fmt: skip

    def submit_job(self, job) -> None:
        self.jobs.append(job.kind)
        QTimer.singleShot(0, lambda: self._run(job))

    def _run(self, job) -> None:
        try:
            result = job.run(self.trainer)
        except Exception as exc:
            self.job_failed.emit(job.kind, str(exc))
            return
        self.job_done.emit(job.kind, result)

    def pause(self) -> None:
        self.state = "paused"


@pytest.fixture(scope="module")
def trainer() -> Trainer:
    trainer = Trainer(BIAS)
    trainer.run(800)
    return trainer


@pytest.fixture
def linked(qtbot, trainer):
    worker = FakeWorker(trainer)
    bus = SelectionBus()
    tab = GraphTab(worker)
    panel = GraphValuesPanel(tab, worker)
    link = GraphSelectionLink(tab, bus)
    diagram = NetworkDiagram(worker, bus)
    for widget, size in ((tab, (1300, 800)), (diagram, (520, 420))):
        qtbot.addWidget(widget)
        widget.resize(*size)
        widget.show()
    worker.run_reset.emit(trainer.dataset, None)
    worker.snapshot_ready.emit(trainer.snapshot())
    tab.set_mode("side")
    wait_drawn(qtbot, tab)
    yield worker, bus, tab, panel, link, diagram
    assert tab.shutdown(WAIT_MS)


def wait_drawn(qtbot, tab: GraphTab, target: str = "train") -> None:
    qtbot.waitUntil(
        lambda: (
            tab.bundle is not None
            and tab.bundle.request.target == target
            and not tab.busy()
            and all(c.is_drawn() for c in tab.canvases.values())
        ),
        timeout=WAIT_MS,
    )


def click_node(qtbot, tab: GraphTab, stage: str, node_id: str) -> None:
    canvas = tab.canvases[stage]
    canvas.view.centerOn(canvas.scene_rect_of(node_id).center())
    qtbot.mouseClick(canvas.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=canvas.viewport_point_of(node_id))  # fmt: skip


def drawn_nodes(graph, ids) -> set[str]:
    return {i for i in ids if graph.nodes[i].drawn_as == "node"}


def test_a_weight_clicked_in_the_diagram_lights_up_its_graph_parts(qtbot, linked):
    worker, bus, tab, panel, link, diagram = linked
    view = diagram.view
    index = diagram.scene.line_of(0, 1, 2)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.viewport_point_of_line(index))  # fmt: skip
    assert bus.current == SelectionRef.weight(0, 1, 2)
    for stage, canvas in tab.canvases.items():
        parts = param_parts(canvas.graph, "W1")
        assert link.highlighted[stage] == parts.all()
        assert len(link.overlays[stage].items) == len(drawn_nodes(canvas.graph, parts.all()))
        assert parts.gradient and parts.outputs and parts.readers
    # The active graph selects W1 itself, with the clicked weight's cell current.
    graph = tab.current_graph()
    assert graph.nodes[tab.canvases[tab.active_stage].selected_id].names == ("W1",)
    table = tab.details.value_table
    assert (table.currentRow(), table.currentColumn()) == (1, 2)
    assert float(table.item(1, 2).text()) == pytest.approx(worker.trainer.get_weights()[0][1, 2])
    # The diagram itself: only that line at full strength, its two ends ringed.
    edges = diagram.scene.edges
    strength = [edges.opacity_of(i) for i in range(len(edges))]
    assert strength[index] == 1.0
    assert all(s == DIMMED_OPACITY for i, s in enumerate(strength) if i != index)
    assert len(diagram.scene.rings) == 2
    # A neuron: its incoming (W1 column) and outgoing (W2 row) weights, both matrices lit.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.mapFromScene(diagram.scene.centres[(1, 0)]))  # fmt: skip
    assert bus.current == SelectionRef.neuron(1, 0)
    lit = {i for i in range(len(edges)) if edges.opacity_of(i) == 1.0}
    expected = set(diagram.scene.lines_where(0, col=0)) | set(diagram.scene.lines_where(1, row=0))
    assert lit == expected and len(lit) == 3 + 1
    both = param_parts(graph, "W1").all() | param_parts(graph, "W2").all()
    assert link.highlighted[tab.active_stage] == both
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.rect().topLeft())
    assert bus.current.is_empty
    assert all(edges.opacity_of(i) == 1.0 for i in range(len(edges)))
    assert not any(overlay.items for overlay in link.overlays.values())
    assert LINK_COLOUR


def test_a_graph_node_clicked_lights_up_its_weights_in_the_diagram(qtbot, linked):
    worker, bus, tab, panel, link, diagram = linked
    graph = tab.canvases["symbolic"].graph
    w2 = param_parts(graph, "W2")
    click_node(qtbot, tab, "symbolic", w2.weight)
    assert bus.current == SelectionRef.matrix(1)
    # The user's own selection stays on the node they clicked.
    assert tab.canvases["symbolic"].selected_id == w2.weight
    edges = diagram.scene.edges
    lit = {i for i in range(len(edges)) if edges.opacity_of(i) == 1.0}
    assert lit == set(diagram.scene.lines_where(1)) and len(lit) == 4  # 3 hidden + bias
    update_w1 = next(i for i in graph.outputs if graph.nodes[i].label.startswith("update of W1"))
    click_node(qtbot, tab, "symbolic", update_w1)
    assert bus.current == SelectionRef.matrix(0)
    assert tab.canvases["symbolic"].selected_id == update_w1
    lit = {i for i in range(len(edges)) if edges.opacity_of(i) == 1.0}
    assert lit == set(diagram.scene.lines_where(0)) and len(lit) == 9
    x_input = next(i for i, n in graph.nodes.items() if n.names == ("X",))
    click_node(qtbot, tab, "symbolic", x_input)
    assert bus.current.is_empty


def test_live_values_are_the_numpy_forward_pass_of_the_chosen_row(qtbot, linked):
    worker, bus, tab, panel, link, diagram = linked
    trainer = worker.trainer
    tab.set_target("output")
    wait_drawn(qtbot, tab, "output")
    panel.set_row(2)
    qtbot.waitUntil(lambda: panel.values is not None and panel.values.rows == (2,), timeout=WAIT_MS)
    W1, W2 = trainer.get_weights()
    x = trainer.dataset.X[2:3]
    hidden = 1 / (1 + np.exp(-(np.hstack([x, [[1.0]]]) @ W1)))
    out = 1 / (1 + np.exp(-(np.hstack([hidden, [[1.0]]]) @ W2)))
    np.testing.assert_allclose(out, trainer.evaluate()[0][2:3], atol=1e-12)
    graph = tab.canvases["symbolic"].graph
    slot = graph.outputs[0]
    tab.select_node(slot, "symbolic")
    table = tab.details.value_table
    assert table.isVisible() and float(table.item(0, 0).text()) == pytest.approx(
        out[0, 0], rel=1e-6
    )
    assert "for row 3" in tab.details.value_label.text()
    (dot,) = param_parts(graph, "W1").readers  # the layer's weighted sums, then sigmoid
    sigmoid = next(u for u in graph.nodes[graph.nodes[dot].outputs[0]].outputs
                   if graph.nodes[u].op_name == "Sigmoid")  # fmt: skip
    tab.select_node(sigmoid, "symbolic")
    shown = [float(table.item(0, c).text()) for c in range(3)]
    np.testing.assert_allclose(shown, hidden[0], rtol=1e-6)
    # On the picture: one label per drawn, non-constant node, with the compact summary.
    qtbot.mouseClick(panel.show_box, Qt.MouseButton.LeftButton)
    labels = {item.childItems()[0].text() for item in panel.overlay.items}
    drawn = [n for n in graph.nodes.values() if n.drawn_as == "node" and n.category != "constant"]
    assert len(panel.overlay.items) == len(drawn)
    assert summarize(out, compact=True) in labels
    assert summarize(hidden, compact=True) in labels
    # All rows: the batch output is the trainer's outputs.
    panel.set_row(None)
    qtbot.waitUntil(
        lambda: panel.values is not None and len(panel.values.rows) == 4, timeout=WAIT_MS
    )
    tab.select_node(slot, "symbolic")
    column = [float(table.item(r, 0).text()) for r in range(4)]
    np.testing.assert_allclose(column, trainer.evaluate()[0][:, 0], rtol=1e-6)
    panel.show_box.setChecked(False)
    assert not panel.overlay.items


def test_values_refresh_while_training_only_when_the_tab_is_visible(qtbot, linked):
    worker, bus, tab, panel, link, diagram = linked
    worker.state = "training"
    worker.state_changed.emit("training")
    assert panel.timer.isActive() and panel.timer.interval() == 500
    count = worker.jobs.count("graph_values")
    qtbot.waitUntil(lambda: worker.jobs.count("graph_values") >= count + 2, timeout=WAIT_MS)
    tab.hide()
    assert not panel.timer.isActive()
    tab.show()
    assert panel.timer.isActive()
    worker.state = "paused"
    worker.state_changed.emit("paused")
    assert not panel.timer.isActive()


def test_the_main_window_wires_the_diagram_dock_and_the_graph_features(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "xorlab.ini"), QSettings.Format.IniFormat)
    window = MainWindow(BIAS, settings=settings)
    qtbot.addWidget(window)
    window.show()
    try:
        views = window.network_views
        assert views.dock.objectName() == "network_dock" and views.dock.widget() is views.diagram
        # The offscreen screen is 800 px wide: the dock starts hidden, View shows it.
        view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
        action = next(a for a in view_menu.actions() if a.objectName() == "action.show_network")
        assert not views.dock.isVisible() and not action.isChecked()
        action.trigger()
        assert views.dock.isVisible()
        qtbot.waitUntil(lambda: window.worker.state == "ready", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: views.diagram.arch is not None, timeout=WAIT_MS)
        assert views.diagram.arch.sizes == (2, 3, 1) and views.diagram.arch.bias
        weights = window.last_snapshot.weights
        assert views.diagram.scene.weight_at(1, 3, 0) == weights[1][3, 0]
        qtbot.waitUntil(lambda: views.diagram.maps_data is not None, timeout=WAIT_MS)
        # One bus: a selection made in the diagram reaches the Graph tab's link, also when
        # the tab is built after it (when first shown).
        views.diagram.select(SelectionRef.matrix(1))
        assert views.bus.current == SelectionRef.matrix(1)
        assert not window.graph_page.is_built()
        bar = window.graph_tab.findChild(QObject, "graph.values_bar")
        page = window.graph_page
        assert page.link.bus is views.diagram.bus is views.bus is window.bus
        assert bar is page.values.bar
    finally:
        window.close()
        assert window.worker.wait(WAIT_MS)
