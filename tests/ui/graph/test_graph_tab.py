"""The Graph tab against the core: the graphs, counts and node records it shows are the ones
build_graph makes, clicks select the right records, exports are valid files, and with no
renderer the DOT text is shown instead of an error."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QTextCursor
from PySide6.QtWidgets import QFileDialog, QMessageBox

from xorlab.app.graph_request import GraphRequest, build_bundle
from xorlab.core.graphs.build import STAGES, TARGETS, build_graph
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer
from xorlab.ui.graph.export import ExportError
from xorlab.ui.graph.tab import GraphTab
from xorlab.ui.runtime.worker import TrainingWorker

MINIMAL = preset_spec("xor-minimal")
WAIT_MS = 30_000


class GraphSource(QObject):
    """Stands in for the TrainingWorker: answers requests from a shared trainer, later."""

    graph_ready = Signal(object)
    graph_failed = Signal(str)
    compiled = Signal(float)
    state_changed = Signal(str)

    def __init__(self, trainer: Trainer):
        super().__init__()
        self.trainer = trainer
        self.state = "ready"
        self.requests: list[tuple[str, int]] = []

    def request_graph(self, target: str, param: int = 0) -> None:
        self.requests.append((target, param))
        QTimer.singleShot(0, lambda: self._answer(target, param))

    def _answer(self, target: str, param: int) -> None:
        self.graph_ready.emit(build_bundle(self.trainer, GraphRequest(target, param)))


@pytest.fixture(scope="module")
def trainer() -> Trainer:
    trainer = Trainer(MINIMAL)
    trainer.run(200)  # weights that are not the initial ones
    return trainer


@pytest.fixture
def make_tab(qtbot, trainer):
    tabs: list[GraphTab] = []

    def make(source=None) -> GraphTab:
        tab = GraphTab(source if source is not None else GraphSource(trainer))
        qtbot.addWidget(tab)
        tabs.append(tab)
        tab.resize(1300, 800)
        tab.show()
        wait_drawn(qtbot, tab)
        return tab

    yield make
    for tab in tabs:
        assert tab.shutdown(WAIT_MS)


def wait_drawn(qtbot, tab: GraphTab, target: str | None = None) -> None:
    def done() -> bool:
        bundle = tab.bundle
        return (
            bundle is not None
            and (target is None or bundle.request.target == target)
            and not tab.busy()
        )

    qtbot.waitUntil(done, timeout=WAIT_MS)


def test_every_target_and_stage_shows_the_graph_build_graph_makes(qtbot, make_tab, trainer):
    tab = make_tab()
    assert tab.target == "train" and tab.mode == "optimized"
    for target in TARGETS:
        for param in (0, 1) if target == "grad" else (0,):
            tab.set_target(target, param)
            wait_drawn(qtbot, tab, target)
            if target == "grad":
                assert tab.param_box.isVisible() and tab.param == param
            for stage in STAGES:
                expected = build_graph(trainer, target, stage, param)
                shown = tab.canvases[stage].graph
                assert shown.dot == expected.dot and shown.text == expected.text
                assert shown.stats == expected.stats
                assert tab.canvases[stage].is_drawn()
            sym = build_graph(trainer, target, "symbolic", param).stats
            opt = build_graph(trainer, target, "optimized", param).stats
            summary = tab.summary.text()
            assert f"<b>Symbolic</b>: {sym.apply_nodes} ops, {sym.variables} values" in summary
            assert f"<b>Optimized</b>: {opt.apply_nodes} ops, {opt.variables} values" in summary
            assert f"{sym.apply_nodes} → {opt.apply_nodes} ops" in summary
    # An independent count: the training step that runs is the trainer's step function.
    tab.set_target("train")
    wait_drawn(qtbot, tab, "train")
    ops = len(trainer.step_fn.maker.fgraph.apply_nodes)
    assert tab.canvases["optimized"].graph.stats.apply_nodes == ops
    assert "fused" in tab.summary.text() and "Composite" in tab.summary.text()


def test_stage_buttons_switch_between_one_graph_and_both(qtbot, make_tab):
    tab = make_tab()
    symbolic, optimized = tab.canvases["symbolic"], tab.canvases["optimized"]
    qtbot.mouseClick(tab.stage_buttons["symbolic"], Qt.MouseButton.LeftButton)
    assert tab.mode == "symbolic" and symbolic.isVisible() and not optimized.isVisible()
    assert tab.text.toPlainText() == symbolic.graph.text
    qtbot.mouseClick(tab.stage_buttons["side"], Qt.MouseButton.LeftButton)
    assert symbolic.isVisible() and optimized.isVisible()
    assert symbolic.graph.stats.apply_nodes > optimized.graph.stats.apply_nodes
    # In side-by-side mode the graph last clicked is the one described and searched.
    first_op = next(i for i, n in optimized.graph.nodes.items() if n.kind == "apply")
    qtbot.mouseClick(optimized.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=optimized.viewport_point_of(first_op))  # fmt: skip
    assert tab.active_stage == "optimized" and tab.text.toPlainText() == optimized.graph.text
    assert categories_on_screen(tab) >= {"input", "shared", "blas", "fused"}


def categories_on_screen(tab: GraphTab) -> set[str]:
    return set(tab.legend.categories)


def test_selecting_a_node_shows_its_op_and_highlights_its_debugprint_line(qtbot, make_tab):
    tab = make_tab()
    graph = tab.current_graph()
    dot = next(n for n in graph.nodes.values() if n.op_name == "Dot")
    assert tab.select_node(dot.id)
    assert tab.canvases["optimized"].selected_id == dot.id
    assert tab.details.node_id == dot.id
    html = tab.details.browser.toPlainText()
    assert "Dot" in html and "output types" in html and dot.types[0] in html
    lines = tab.text.toPlainText().splitlines()
    assert tab.text.highlighted and all(f"[id {dot.id}]" in lines[i] for i in tab.text.highlighted)
    # Clicking a line of the text selects the node printed on it.
    other = next(n for n in graph.nodes.values() if n.op_name == "Sigmoid")
    number = next(i for i, line in enumerate(lines) if f"[id {other.id}]" in line)
    tab.text.setTextCursor(QTextCursor(tab.text.document().findBlockByNumber(number)))
    assert tab.canvases["optimized"].selected_id == other.id and tab.details.node_id == other.id


def test_a_real_click_on_a_node_or_edge_selects_it(qtbot, make_tab):
    tab = make_tab()
    canvas = tab.canvases["optimized"]
    graph = canvas.graph
    composite = next(n for n in graph.nodes.values() if n.fused_ops >= 3)
    qtbot.mouseClick(canvas.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=canvas.viewport_point_of(composite.id))  # fmt: skip
    assert canvas.selected_id == composite.id and tab.details.node_id == composite.id
    text = tab.details.browser.toPlainText()
    assert f"{composite.fused_ops} scalar ops" in text
    assert "sigmoid(i1)" in text  # the fused formula, written in the Composite's inputs
    # An edge stands for the value it carries.
    edge = next(e for e in graph.edges if graph.nodes[e.variable].drawn_as == "edge")
    shape = canvas._shapes[edge.id]
    middle = canvas.view.mapFromScene(shape.path.pointAtPercent(0.5))
    qtbot.mouseClick(canvas.view.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    assert canvas.selected_id == edge.variable
    # Empty paper clears the selection.
    qtbot.mouseClick(canvas.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert canvas.selected_id is None and tab.details.node_id is None


def test_the_clickable_shapes_are_found_off_the_gui_thread(qtbot, make_tab, monkeypatch):
    # The spiral's symbolic graph took 130-400 ms to measure, a freeze on the GUI thread.
    import threading

    from xorlab.ui.widgets import graph_canvas, svg_shapes

    on_gui_thread = []
    measure = svg_shapes.find_shapes

    def spy(svg, renderer):
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return measure(svg, renderer)

    monkeypatch.setattr(svg_shapes, "find_shapes", spy)
    monkeypatch.setattr(graph_canvas, "find_shapes", spy)
    tab = make_tab()
    assert on_gui_thread and not any(on_gui_thread)
    for canvas in tab.canvases.values():
        assert canvas.is_drawn()
        here = measure(canvas.svg, canvas._renderer)  # the same SVG, measured here
        assert canvas._shapes.keys() == here.keys() and len(here) > 5
        for key, shape in here.items():
            assert canvas._shapes[key].bounds == shape.bounds
            assert canvas._shapes[key].path == shape.path


def test_links_in_the_details_select_nodes_and_show_current_weights(qtbot, make_tab, trainer):
    tab = make_tab()
    graph = tab.current_graph()
    first_dot = next(n for n in graph.nodes.values() if n.op_name == "Dot")
    tab.select_node(first_dot.id)
    w1 = next(i for i in first_dot.inputs if graph.nodes[i].names[0] == "W1")
    tab.details.browser.anchorClicked.emit(QUrl(f"node:{w1}"))
    assert tab.canvases["optimized"].selected_id == w1
    table = tab.details.value_table
    weights = trainer.params[0].get_value()
    assert (table.rowCount(), table.columnCount()) == weights.shape
    shown = np.array(
        [[float(table.item(r, c).text()) for c in range(weights.shape[1])] for r in range(2)]
    )
    np.testing.assert_allclose(shown, weights, rtol=1e-5)


def test_a_refresh_updates_values_but_keeps_picture_selection_and_text(qtbot, make_tab, trainer):
    tab = make_tab()
    canvas = tab.canvases["optimized"]
    w1 = next(i for i, n in canvas.graph.nodes.items() if n.names[0] == "W1")
    tab.select_node(w1)
    picture, first_line = canvas._item, tab.text.highlighted[0]
    tab.text.verticalScrollBar().setValue(0)  # the reader scrolled away from the highlight
    before = trainer.params[0].get_value().copy()
    trainer.run(50)
    tab.request_graph()
    qtbot.waitUntil(lambda: not np.array_equal(weight(tab, "W1"), before), timeout=WAIT_MS)
    np.testing.assert_array_equal(weight(tab, "W1"), trainer.params[0].get_value())
    assert canvas._item is picture and canvas.selected_id == w1  # not redrawn
    assert tab.text.verticalScrollBar().value() == 0 and tab.text.highlighted[0] == first_line
    table = tab.details.value_table
    assert float(table.item(0, 0).text()) == pytest.approx(trainer.params[0].get_value()[0, 0])


def test_search_selects_and_cycles_through_matches(qtbot, make_tab):
    tab = make_tab()
    graph = tab.current_graph()
    dots = [i for i, n in graph.nodes.items() if n.op_name == "Dot"]
    assert len(dots) >= 2
    assert tab.find("dot") == dots
    assert tab.canvases["optimized"].selected_id == dots[0]
    assert tab.match_label.text() == f"1 of {len(dots)}"
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    assert tab.canvases["optimized"].selected_id == dots[1]
    for _ in range(len(dots) - 1):
        tab.find_next()
    assert tab.canvases["optimized"].selected_id == dots[0]  # wrapped around
    assert tab.find_next(-1) == dots[-1]
    w1 = tab.find("W1")
    assert {graph.nodes[i].names[0] for i in w1} == {"W1", "update of W1"}
    assert tab.find("no such op") == [] and "no match" in tab.match_label.text()


def test_exports_write_valid_files(qtbot, make_tab, tmp_path):
    tab = make_tab()
    graph = tab.current_graph()
    svg = tab.export_to("svg", tmp_path / "g.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    ids = {g.get("id") for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert set(graph.outputs) <= ids  # the node ids survive into the picture
    png = QImage(str(tab.export_to("png", tmp_path / "g.png")))
    assert not png.isNull() and png.width() > 300 and png.height() > 300
    assert tab.export_to("dot", tmp_path / "g.dot").read_text() == graph.dot
    assert tab.export_to("txt", tmp_path / "g.txt").read_text() == graph.text.rstrip() + "\n"
    with pytest.raises(ExportError, match="does not exist"):
        tab.export_to("svg", tmp_path / "missing" / "g.svg")


def test_export_dialog_saves_or_says_why_not(qtbot, make_tab, tmp_path, monkeypatch):
    tab = make_tab()
    target = tmp_path / "step.dot"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    tab.export_actions["dot"].trigger()
    assert target.read_text() == tab.current_graph().dot
    assert str(target) in tab.status.text()
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(blocker / "g.svg"), "")
    )
    assert tab.export_interactively("svg") is None
    assert warnings and "does not exist" in warnings[0]


def test_without_a_renderer_the_dot_text_is_shown(qtbot, make_tab, monkeypatch):
    monkeypatch.setenv("XORLAB_RENDERER", "none")
    tab = make_tab()
    canvas = tab.canvases["optimized"]
    assert not canvas.is_drawn()
    assert "cannot be drawn" in canvas.message.text()
    assert "XORLAB_RENDERER=none" in canvas.message.text()
    assert canvas.dot_text.isVisible()
    assert canvas.dot_text.toPlainText() == canvas.graph.dot
    assert not tab.export_actions["svg"].isEnabled()
    with pytest.raises(ExportError, match="DOT"):
        tab.export_to("png", "unused.png")
    assert tab.find("Dot")  # search and details still work from the records
    assert tab.details.node_id is not None


def test_a_long_dot_text_is_shown_in_part_and_says_so(qtbot, make_tab, monkeypatch):
    from xorlab.ui.widgets import graph_canvas

    monkeypatch.setenv("XORLAB_RENDERER", "none")
    monkeypatch.setattr(graph_canvas, "DOT_TEXT_SHOWN", 600)
    canvas = make_tab().canvases["optimized"]
    dot, shown = canvas.graph.dot, canvas.dot_text.toPlainText()
    assert len(dot) > 2 * 600 and 0 < len(shown) <= 600
    assert dot.startswith(shown) and dot[len(shown) - 1] == "\n"  # whole lines
    assert f"{len(shown):,} of {len(dot):,} characters" in canvas.message.text()


def test_graph_follows_the_worker_spec_and_training(qtbot, trainer):
    worker = TrainingWorker()
    requests: list[tuple] = []
    request_graph = worker.request_graph
    worker.request_graph = lambda *a: (requests.append(a), request_graph(*a))
    worker.start()
    tab = GraphTab(worker)
    qtbot.addWidget(tab)
    try:
        worker.set_spec(MINIMAL.with_changes(training={"epochs": 10_000_000}))
        tab.show()
        qtbot.waitUntil(lambda: worker.state == "ready", timeout=WAIT_MS)
        wait_drawn(qtbot, tab)
        expected = build_graph(trainer, "train", "optimized").stats
        assert tab.canvases["optimized"].graph.stats == expected

        # Training: the weights shown are refreshed a few times a second.
        worker.train()
        qtbot.waitUntil(lambda: tab.refresh_timer.isActive(), timeout=WAIT_MS)
        before = weight(tab, "W1")
        qtbot.waitUntil(lambda: not np.array_equal(weight(tab, "W1"), before), timeout=WAIT_MS)
        worker.stop()
        qtbot.waitUntil(lambda: worker.state == "stopped", timeout=WAIT_MS)
        assert not tab.refresh_timer.isActive()

        # A new network: the tab asks again while visible, and not while hidden.
        worker.set_spec(MINIMAL.with_changes(network={"hidden": (4,)}))
        qtbot.waitUntil(lambda: weight(tab, "W1").shape == (2, 4), timeout=WAIT_MS)
        tab.hide()
        asked = len(requests)
        worker.set_spec(MINIMAL)
        qtbot.waitUntil(lambda: worker.state == "ready", timeout=WAIT_MS)
        qtbot.wait(100)
        assert len(requests) == asked
    finally:
        assert worker.shutdown(WAIT_MS)
        assert tab.shutdown(WAIT_MS)


def weight(tab: GraphTab, name: str) -> np.ndarray:
    """The value of weight ``name`` in the optimized graph on screen."""
    graph = tab.canvases["optimized"].graph
    return next(
        n.value for n in graph.nodes.values() if n.kind == "variable" and n.names[0] == name
    )


def test_a_used_intermediate_is_not_described_as_unused():
    from xorlab.core.expression.expression import parse_expression
    from xorlab.core.graphs.build import graph_of_expression
    from xorlab.ui.widgets.node_details import category_text

    view = graph_of_expression(parse_expression("exp(sin(x**2))"), "both", "symbolic")
    intermediates = [
        n for n in view.nodes.values() if n.kind == "variable" and n.category == "intermediate"
    ]
    used = [n for n in intermediates if n.outputs]
    assert used  # sin(x**2) feeds exp, for one
    for node in used:
        assert "nobody uses" not in node.detail and "nobody uses" not in category_text(node)
        assert "other ops use" in category_text(node)
