"""Dashed curves cut into their dashes: the pieces are where the pen's pattern is "on",
measured along the curve, and lie on the curve; a plot's dashed curves are drawn so."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QTransform

from xorlab.ui.widgets import plot_style
from xorlab.ui.widgets.dashed_curve import DashedSegmentsCurve, dash_pieces


def test_a_straight_line_is_cut_by_the_pattern_from_its_start():
    pieces = dash_pieces(np.array([0.0, 30.0]), np.array([5.0, 5.0]), np.array([8.0, 4.0]))
    np.testing.assert_allclose(pieces, [[0, 5, 8, 5], [12, 5, 20, 5], [24, 5, 30, 5]])


def test_dashes_run_on_round_corners_and_lie_on_the_curve():
    # An L: 10 px right, then 10 px up; pattern 3 on, 2 off, 1 on, 2 off (dash-dot).
    x, y = np.array([0.0, 10.0, 10.0]), np.array([0.0, 0.0, 10.0])
    pattern = np.array([3.0, 2.0, 1.0, 2.0])
    pieces = dash_pieces(x, y, pattern)
    # Oracle: sample the L densely by arc length and keep the "on" samples.
    s = np.linspace(0, 20, 200_001)[:-1]
    phase = s % 8.0
    on = (phase < 3) | ((phase >= 5) & (phase < 6))
    assert np.sum(np.hypot(pieces[:, 2] - pieces[:, 0], pieces[:, 3] - pieces[:, 1])) == (
        pytest.approx(on.mean() * 20, abs=1e-3)
    )
    # Every piece is on one leg of the L.
    for x1, y1, x2, y2 in pieces:
        assert (y1 == y2 == 0 and 0 <= x1 <= x2 <= 10) or (x1 == x2 == 10 and 0 <= y1 <= y2 <= 10)
    # The dash that turns the corner (arc 8..11) is two pieces meeting at it.
    assert [10, 0, 10, 1] in pieces.tolist() and [8, 0, 10, 0] in pieces.tolist()


def test_pieces_skip_points_that_are_not_finite():
    x = np.array([0.0, 10.0, np.nan, 20.0, 30.0])
    y = np.zeros(5)
    pieces = dash_pieces(x, y, np.array([4.0, 1.0]))
    assert np.isfinite(pieces).all() and len(pieces) > 0
    assert not ((pieces[:, 0] < 20) & (pieces[:, 2] > 10)).any()  # nothing across the gap
    assert dash_pieces(np.array([1.0]), np.array([1.0]), np.array([4.0, 1.0])).shape == (0, 4)


def test_a_plots_dashed_curve_is_drawn_as_dash_pieces_of_its_own_points(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    pen = plot_style.curve_pen(plot_style.PALETTE[1], dashed=True)
    curve = widget.plot(np.arange(50.0), np.linspace(0, 1, 50), pen=pen, antialias=True)
    plot_style.stroke_as_segments(curve)
    assert isinstance(curve.curve, DashedSegmentsCurve) and curve.curve.cuts_dashes()
    np.testing.assert_array_equal(curve.getData()[0], np.arange(50.0))
    painter = mock.MagicMock()
    painter.transform.return_value = QTransform.fromScale(4.0, -100.0)  # data -> pixels
    curve.curve.paint(painter, None, None)
    assert painter.drawLines.call_count == 1 and painter.drawPath.call_count == 0
    # As many pieces as the curve's points, mapped to pixels, cut by the pen's pattern.
    _lines, count = painter.drawLines.call_args.args
    x, y = curve.getData()
    pattern = np.array(pen.dashPattern()) * pen.widthF()
    assert count == len(dash_pieces(4.0 * x, -100.0 * y, pattern)) > 0
    # A solid pen, a translucent one or a 1 px one: pyqtgraph's own painting.
    thin = plot_style.curve_pen(plot_style.PALETTE[1], width=1.0, dashed=True)
    curve.setPen(thin)
    assert not curve.curve.cuts_dashes()
