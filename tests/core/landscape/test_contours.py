from __future__ import annotations

import numpy as np
import pytest

from xorlab.core.landscape.contours import contour_segments, surface_drawing


def test_circles_of_a_paraboloid():
    axis = np.linspace(-2, 2, 81)
    a, b = np.meshgrid(axis, axis, indexing="ij")
    segments = contour_segments(a**2 + b**2, [1.0], axis, axis)
    radii = np.linalg.norm(segments.reshape(-1, 2), axis=1)
    np.testing.assert_allclose(radii, 1.0, atol=2e-3)  # every end lies on the unit circle
    length = np.linalg.norm(segments[:, 1] - segments[:, 0], axis=1).sum()
    assert length == pytest.approx(2 * np.pi, rel=2e-3)


def test_a_plane_gives_straight_lines_at_the_right_place():
    axis = np.linspace(0, 1, 5)
    a, _ = np.meshgrid(axis, axis, indexing="ij")
    segments = contour_segments(a, [0.3, 0.6], axis, axis)
    xs = segments[..., 0]
    assert set(np.round(np.unique(xs), 12)) == {0.3, 0.6}
    assert len(segments) == 8  # one per cell row, per level


def test_a_saddle_cell_and_no_crossing():
    axis = np.array([0.0, 1.0])
    saddle = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert contour_segments(saddle, [0.5], axis, axis).shape == (2, 2, 2)
    assert contour_segments(saddle, [5.0], axis, axis).shape == (0, 2, 2)


def test_drawing_of_non_finite_costs_is_finite():
    axis = np.linspace(-1, 1, 4)
    costs = np.array([[np.nan, 1, 2, np.inf]] * 4)
    for log in (False, True):
        drawing = surface_drawing(costs, axis, axis, log)
        assert np.isfinite(drawing.values).all() and np.isfinite(drawing.contours).all()
