"""The main window reads well at realistic sizes and from any saved state: docks keep readable
widths, the truth table shows every column, the time-travel slider spans its row, the
decision map fills its plot, and the network diagram never draws text over text."""

from __future__ import annotations

import base64

import pytest
from PySide6.QtCore import QByteArray, QRect, QRectF, QSettings, Qt
from PySide6.QtWidgets import QComboBox, QGraphicsSimpleTextItem

from tests.ui.windows import step
from xorlab.core.training.datasets import load_dataset, plane_grid
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import DatasetSpec
from xorlab.ui.network.layout import TITLE_LEVELS, Architecture
from xorlab.ui.network.scene import NetworkScene
from xorlab.ui.network.view import NetworkView
from xorlab.ui.shell import screen_fit
from xorlab.ui.shell import settings as saved
from xorlab.ui.training.boundary import BoundaryView

MINIMAL = preset_spec("xor-minimal")
# A window state saved by an earlier version (on a 1280-wide window): the Experiment dock
# squeezed to 75 pixels and the Network dock to 163.
SQUEEZED_STATE = (
    "AAAA/wAAAAD9AAAAAgAAAAAAAABLAAADT/wCAAAAAfsAAAAYAGIAdQBpAGwAZABlAHIAXwBkAG8AYwBrAQAAAEIAAAN"
    "PAAAAYQD///8AAAABAAAAowAAA0/8AgAAAAH7AAAAGABuAGUAdAB3AG8AcgBrAF8AZABvAGMAawEAAABCAAADTwAAAM"
    "wA////AAAEAwAAA08AAAAEAAAABAAAAAgAAAAI/AAAAAEAAAACAAAAAQAAACAAdAByAGEAaQBuAGkAbgBnAF8AdABv"
    "AG8AbABiAGEAcgEAAAAA/////wAAAAAAAAAA"
)
SQUEEZED_GEOMETRY = (
    "AdnQywADAAAAAAABAAAAGQAABP0AAAPEAAAAAQAAABkAAAT9AAADxAAAAAAAAAAABkAAAAABAAAAGQAABP0AAAPE"
)
ROOMY = (1504, 940)  # the window's first size on a 1600 x 1000 screen


@pytest.fixture(autouse=True)
def roomy_screen(monkeypatch):
    """These windows are sized for a 1600 x 1000 screen (the offscreen one is 800 x 800, which
    the window would shrink to fit, as it must on a real screen of that size)."""
    screen = QRect(0, 0, 1600, 1000)
    monkeypatch.setattr(screen_fit, "available_rect", lambda _window: screen)


def settle(qtbot) -> None:
    qtbot.wait(50)  # queued layout requests and the repair after show


def test_a_squeezed_saved_state_restores_readable_docks(qtbot, make_window, tmp_path):
    path = str(tmp_path / "squeezed.ini")
    settings = QSettings(path, QSettings.Format.IniFormat)
    settings.setValue(saved.WINDOW_STATE.key, QByteArray(base64.b64decode(SQUEEZED_STATE)))
    settings.setValue(saved.GEOMETRY.key, QByteArray(base64.b64decode(SQUEEZED_GEOMETRY)))
    settings.sync()
    window = make_window(MINIMAL, wait_until=None, settings_path=path)
    settle(qtbot)
    builder = window.builder_dock
    assert builder.isVisible() and window.network_views.dock.isVisible()
    # Every field at least as wide as its own minimum: nothing cut to "XOR, th".
    assert builder.width() >= builder.widget().minimumSizeHint().width() >= 290
    for combo in window.builder.findChildren(QComboBox):
        if combo.isVisibleTo(window.builder):
            assert combo.width() >= combo.minimumSizeHint().width()
    assert window.network_views.dock.width() >= 200


def roomy_window(qtbot, make_window, spec=MINIMAL):
    window = make_window(spec)
    window.resize(*ROOMY)
    window.network_views.dock.show()
    settle(qtbot)
    return window


def test_truth_table_shows_every_column_at_the_default_size(qtbot, make_window):
    window = roomy_window(qtbot, make_window)
    step(qtbot, window)  # outputs: the widest text the table shows
    settle(qtbot)
    view = window.truth_table.view
    header = view.horizontalHeader()
    names = [view.model().headerData(i, Qt.Orientation.Horizontal) for i in range(header.count())]
    assert names == ["x1", "x2", "target", "output", "right?"]
    for i in range(header.count()):
        right = header.sectionViewportPosition(i) + header.sectionSize(i)
        assert header.sectionViewportPosition(i) >= 0 and right <= view.viewport().width()
        text = view.fontMetrics().horizontalAdvance(names[i])
        assert header.sectionSize(i) >= text
    assert not view.horizontalScrollBar().isVisible()
    # The time-travel slider spans most of its row rather than a thumb's width.
    bar = window.timeline_bar
    assert bar.slider.width() >= 0.4 * bar.width()


def test_the_graph_gets_the_larger_share_of_the_graph_tab_with_both_docks_open(qtbot, make_window):
    window = roomy_window(qtbot, make_window)
    window.show_tab("graph")
    tab = window.graph_tab
    qtbot.waitUntil(lambda: not tab.busy(), timeout=30_000)  # the long Debugprint title is set
    settle(qtbot)
    graph, side = tab.main_splitter.sizes()
    assert graph > side
    assert tab.side_splitter.minimumSizeHint().width() < 300


def test_a_narrow_time_travel_bar_puts_its_notice_on_a_row_of_its_own(qtbot, make_window):
    window = roomy_window(qtbot, make_window)  # both docks open: the bar is ~720 px wide
    bar = window.timeline_bar
    assert not bar.one_row and bar.slider.width() >= 0.6 * bar.width()
    window.builder_dock.hide()
    window.network_views.dock.hide()
    settle(qtbot)
    assert bar.one_row and bar.slider.width() >= 240
    assert bar.notice.width() >= bar.notice_reserve  # dragging the slider cannot move it


def test_decision_map_fills_the_plot_at_any_shape(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    dataset = load_dataset(DatasetSpec("xor"))
    grid = plane_grid(dataset, 64)
    view.reset(dataset, grid)
    view.show()
    rect = view.pixel_rect()
    for size in ((700, 360), (360, 700), (500, 500)):
        view.resize(*size)
        qtbot.wait(20)
        (x0, x1), (y0, y1) = view.plot_item.getViewBox().viewRange()
        margin = 0.02 * rect.width()
        assert abs(x0 - rect.left()) < margin and abs(x1 - rect.right()) < margin
        assert abs(y0 - rect.top()) < margin and abs(y1 - rect.bottom()) < margin
    assert rect.left() == pytest.approx(grid.x_range[0] - (grid.x_range[1] - grid.x_range[0]) / 126)


def visible_text_rects(view: NetworkView) -> list[tuple[str, QRectF]]:
    rects = []
    for item in view.network.items():
        if isinstance(item, QGraphicsSimpleTextItem) and item.isVisible():
            rect = item.deviceTransform(view.viewportTransform()).mapRect(item.boundingRect())
            rects.append((item.text(), rect))
    return rects


@pytest.mark.parametrize(
    ("sizes", "bias", "activations", "shape"),
    [
        ((2, 3, 1), False, ("sigmoid", "sigmoid"), (200, 520)),
        ((2, 3, 1), True, ("sigmoid", "sigmoid"), (200, 260)),
        ((2, 16, 16, 16, 1), True, ("tanh", "tanh", "tanh", "sigmoid"), (200, 700)),
        ((3, 8, 1), True, ("relu", "sigmoid"), (230, 180)),
    ],
)
def test_no_two_diagram_captions_overlap_in_a_small_view(qtbot, sizes, bias, activations, shape):
    names = tuple(f"x{i + 1}" for i in range(sizes[0]))
    arch = Architecture(sizes, bias, names, ("y",), activations)
    scene = NetworkScene()
    view = NetworkView(scene)
    qtbot.addWidget(view)
    view.resize(*shape)
    view.show()
    qtbot.waitExposed(view)
    scene.build(arch, shape[0] / shape[1])
    view.fit()
    rects = visible_text_rects(view)
    assert any(text in ("in", "input", "x1") for text, _ in rects)  # not simply all hidden
    for i, (text, rect) in enumerate(rects):
        for other, other_rect in rects[i + 1 :]:
            if text == "1" or other == "1":
                continue  # a bias unit's "1" sits inside its square
            assert not rect.intersects(other_rect), f"{text!r} overlaps {other!r}"
    # Titles are shortened before they are dropped, and come back in a roomy view.
    view.resize(900, 700)
    scene.build(arch, 900 / 700)  # as the diagram re-lays out for a new shape
    view.fit()
    assert scene.title_level < TITLE_LEVELS and all(t.isVisible() for t in scene.titles)
    if len(sizes) == 3:
        assert (
            scene.title_level == 0
            and scene.titles[1].text() == f"hidden\n{sizes[1]} × {activations[0]}"
        )
