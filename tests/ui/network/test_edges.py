"""The diagram's lines as one item: every line drawn exactly once, with its own pen, in the
order dimmed -> lit and thin -> wide; the drawLines calls over the sorted array put each line
where its segment says; a repaint that is not about the lines reuses the cached picture; a
picture rasterized on a background thread has each line where and as its pen says, and is
blitted."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from xorlab.ui.network import style
from xorlab.ui.network.edge_pictures import KIND, PAINT_SHARE, EdgePictures
from xorlab.ui.network.edges import NO_KEY, EdgePicture, EdgesItem, ViewKey
from xorlab.ui.runtime.background import BackgroundRunner


def keys_for(weights: np.ndarray) -> np.ndarray:
    scale = style.weight_scale(float(np.abs(weights).max()))
    return style.pen_keys(weights, scale, style.max_width(weights.size))


def horizontal_lines(n: int) -> np.ndarray:
    """n horizontal lines 20 units apart: none crosses another."""
    ys = 20.0 * np.arange(n) + 10
    return np.column_stack([np.full(n, 10.0), ys, np.full(n, 190.0), ys])


def test_runs_draw_every_line_once_with_its_own_pen_in_order():
    rng = np.random.default_rng(3)
    weights = rng.normal(0, 1, 40)
    edges = EdgesItem(horizontal_lines(40), style.PenCache())
    assert all(key == NO_KEY for *_, key, _lit in edges.runs())
    keys = keys_for(weights)
    assert edges.set_keys(keys) == 40
    assert edges.set_keys(keys) == 0  # nothing changed: nothing to repaint
    edges.set_lit(np.array([3, 17, 30]))
    order = edges.drawing_order()
    assert sorted(order.tolist()) == list(range(40))  # each line exactly once
    runs = edges.runs()
    assert runs[0][0] == 0 and runs[-1][1] == 40
    assert all(a[1] == b[0] for a, b in zip(runs, runs[1:], strict=False))  # contiguous
    for start, stop, key, lit in runs:
        lines = order[start:stop]
        assert (keys[lines] == key).all()
        assert all((i in (3, 17, 30)) == lit for i in lines.tolist())
    # Dimmed lines first, then the selection; thin and faint before wide and strong.
    drawn = [(lit, key) for _a, _b, key, lit in runs]
    assert drawn == sorted(drawn)
    assert [edges.opacity_of(i) for i in (3, 4)] == [1.0, style.DIMMED_OPACITY]
    edges.set_lit(None)
    assert {edges.opacity_of(i) for i in range(40)} == {1.0}
    with pytest.raises(ValueError):
        edges.set_keys(keys[:-1])


def render(edges: EdgesItem, antialiased: bool = False) -> QImage:
    scene = QGraphicsScene()
    scene.addItem(edges)
    image = QImage(200, 20 * len(edges) + 20, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialiased)
    rect = QRectF(0, 0, image.width(), image.height())
    scene.render(painter, rect, rect)
    painter.end()
    scene.removeItem(edges)
    return image


def test_each_line_is_drawn_where_its_segment_is_in_its_signs_colour():
    weights = np.array([1.0, -0.8, 0.5, -1.0, 0.9, 0.2, -0.3, 0.7])
    segments = horizontal_lines(len(weights))
    edges = EdgesItem(segments, style.PenCache())
    edges.set_keys(keys_for(weights))
    edges.set_lit(np.array([0, 1]))
    image = render(edges)
    for i, w in enumerate(weights):
        x, y = int(segments[i, 0] + segments[i, 2]) // 2, int(segments[i, 1])
        pixel = image.pixelColor(x, y)
        assert pixel != QColor("white"), i
        if w >= 0:
            assert pixel.red() > pixel.blue(), (i, pixel.name())
        else:
            assert pixel.blue() > pixel.red(), (i, pixel.name())
        # Halfway between two lines nothing is drawn.
        assert image.pixelColor(x, y + 10) == QColor("white")
    # A dimmed line is paler than a lit one of a weight as large.
    lit = image.pixelColor(100, int(segments[0, 1]))
    dim = image.pixelColor(100, int(segments[3, 1]))
    assert lit.saturationF() > dim.saturationF()


def test_a_repaint_not_about_the_lines_reuses_their_picture(qtbot):
    scene = QGraphicsScene()
    edges = EdgesItem(horizontal_lines(10), style.PenCache())
    scene.addItem(edges)
    view = QGraphicsView(scene)
    qtbot.addWidget(view)
    view.resize(260, 260)
    view.show()
    qtbot.waitUntil(lambda: edges.paints >= 1)  # once the scene has taken the item in
    weights = np.linspace(-1, 1, 10)
    edges.set_keys(keys_for(weights))
    painted = edges.paints
    view.viewport().repaint()
    assert edges.paints == painted + 1
    painted = edges.paints
    scene.addRect(QRectF(0, 0, 5, 5))  # another item changes: the lines are blitted
    view.viewport().repaint()
    assert edges.paints == painted
    edges.set_keys(keys_for(-weights))  # new pens: drawn again
    view.viewport().repaint()
    assert edges.paints > painted
    # Antialiasing changed: the cached picture must be redrawn with it.
    painted = edges.paints
    view.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    edges.update()
    view.viewport().repaint()
    assert edges.paints > painted


def test_pictures_painted_on_a_thread_are_the_lines_and_are_blitted(qtbot):
    scene = QGraphicsScene()
    edges = EdgesItem(horizontal_lines(12), style.PenCache())
    scene.addItem(edges)
    view = QGraphicsView(scene)
    qtbot.addWidget(view)
    view.resize(260, 300)
    runner = BackgroundRunner("test-diagram-lines")
    pictures = EdgePictures(runner)
    try:
        pictures.attach(edges)
        view.show()
        weights = np.linspace(-1, 1, 12)
        edges.set_keys(keys_for(weights))
        # Before the first picture, a dozen lines are painted here rather than missing.
        qtbot.waitUntil(lambda: edges.paints + edges.blits >= 1)
        qtbot.waitUntil(edges.picture_is_current)
        picture = edges.picture
        assert picture.version == edges.version and pictures.pictures >= 1
        # Each line's middle, in the picture's pixels, has its pen's colour and alpha.
        to_view = QTransform(*picture.view.transform)
        for i, w in enumerate(weights):
            x1, y1, x2, y2 = edges.segments[i]
            at = to_view.map(QPointF((x1 + x2) / 2, y1)).toPoint()
            pixel, pen = picture.image.pixelColor(at), edges.pen(i).color()
            assert abs(pixel.alphaF() - pen.alphaF()) < 0.01, i
            assert abs(pixel.redF() - pen.redF()) < 0.02 and abs(pixel.blueF() - pen.blueF()) < 0.02
            assert (pixel.red() > pixel.blue()) == (w >= 0)
        assert picture.image.pixelColor(0, 0).alpha() == 0  # transparent around the lines
        # Repaints blit it; new pens show the old picture until the new one comes.
        paints, blits = edges.paints, edges.blits
        view.viewport().repaint()
        assert (edges.paints, edges.blits) == (paints, blits + 1)
        edges.set_keys(keys_for(-weights))
        assert not edges.picture_is_current()
        qtbot.waitUntil(edges.picture_is_current)
        assert edges.paints == paints and edges.picture.version == edges.version
        # In the picture's pixels, the first line's middle (weight 1, once -1) is now orange.
        x1, y1, x2, y2 = horizontal_lines(12)[0]
        at = QTransform(*edges.picture.view.transform).map(QPointF((x1 + x2) / 2, y1))
        pixel = edges.picture.image.pixelColor(at.toPoint())
        assert pixel.red() > pixel.blue()
    finally:
        assert runner.shutdown(30_000)


def test_pictures_follow_each_other_no_more_often_than_painting_allows(qtbot):
    runner = BackgroundRunner("test-diagram-pacing")
    try:
        pictures = EdgePictures(runner)
        edges = EdgesItem(horizontal_lines(3), style.PenCache())
        pictures.attach(edges)
        assert pictures.interval() == pytest.approx(1 / 30)
        image = QImage(4, 4, QImage.Format.Format_ARGB32_Premultiplied)
        view = ViewKey((1.0, 0, 0, 0, 1.0, 0, 0, 0, 1.0), 4, 4, 1.0, False)
        # Pictures that take half a second to paint come at most every 2 s (a quarter).
        pictures._on_job_finished(KIND, EdgePicture(edges.version, view, image, 0.5))
        assert pictures.interval() == pytest.approx(0.5 / PAINT_SHARE)
        assert pictures.render_seconds == 0.5
    finally:
        assert runner.shutdown(30_000)
