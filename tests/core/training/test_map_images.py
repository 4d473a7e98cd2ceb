"""Map pictures and the decision contour against what they must be, point by point."""

from __future__ import annotations

import numpy as np
import pytest

from xorlab.core.training.map_images import (
    colorize,
    contour_segments,
    round_pictures,
    value_range,
)

PALETTE = np.stack([np.arange(256)] * 3 + [np.full(256, 255)], axis=1).astype(np.uint8)


def edge_value(values, xs, ys, x, y):
    """The value at a point on a cell edge, linear along that edge (what marching squares
    assumes); fails when the point is on no edge."""
    on_column = np.isclose(xs, x, rtol=0, atol=1e-12)
    on_row = np.isclose(ys, y, rtol=0, atol=1e-12)
    if on_column.any():  # a vertical edge at column j
        j = int(np.argmax(on_column))
        i = int(np.clip(np.searchsorted(ys, y) - 1, 0, len(ys) - 2))
        t = (y - ys[i]) / (ys[i + 1] - ys[i])
        return values[i, j] + t * (values[i + 1, j] - values[i, j])
    assert on_row.any(), f"({x}, {y}) is on no cell edge"
    i = int(np.argmax(on_row))
    j = int(np.clip(np.searchsorted(xs, x) - 1, 0, len(xs) - 2))
    t = (x - xs[j]) / (xs[j + 1] - xs[j])
    return values[i, j] + t * (values[i, j + 1] - values[i, j])


def test_a_linear_field_gives_the_straight_line_where_it_equals_the_level():
    xs, ys = np.linspace(-1, 2, 13), np.linspace(0, 1, 7)
    values = np.broadcast_to(xs, (7, 13)) * 0.5 + 0.2  # 0.5 where x = 0.6
    segments = contour_segments(values, xs, ys, 0.5)
    assert segments.shape == (6, 4)  # one per row of cells
    np.testing.assert_allclose(segments[:, [0, 2]], 0.6, rtol=0, atol=1e-12)
    assert sorted(segments[:, 1]) == pytest.approx(ys[:-1]) or sorted(
        segments[:, 3]
    ) == pytest.approx(ys[:-1])
    np.testing.assert_allclose(np.abs(segments[:, 3] - segments[:, 1]), ys[1] - ys[0])


def test_a_circle_every_end_on_an_edge_at_the_level_and_a_segment_per_cut_cell():
    xs = ys = np.linspace(-1, 1, 41)
    gx, gy = np.meshgrid(xs, ys)
    values = np.hypot(gx, gy)
    level = 0.61
    segments = contour_segments(values, xs, ys, level)
    for x1, y1, x2, y2 in segments:
        assert edge_value(values, xs, ys, x1, y1) == pytest.approx(level, abs=1e-12)
        assert edge_value(values, xs, ys, x2, y2) == pytest.approx(level, abs=1e-12)
    above = values > level
    above = above.astype(int)
    corners = above[:-1, :-1] + above[:-1, 1:] + above[1:, :-1] + above[1:, 1:]
    cut = (corners > 0) & (corners < 4)
    assert len(segments) == int(cut.sum())  # no saddles on a circle
    # ...and the line is near the circle (the grid's error, not a wrong place).
    radius = np.hypot(segments[:, 0::2], segments[:, 1::2])
    assert np.abs(radius - level).max() < (xs[1] - xs[0]) / 4


def as_pairs(segments):
    """Segments as a set of unordered end-point pairs, rounded."""
    return {
        frozenset({(round(x1, 9), round(y1, 9)), (round(x2, 9), round(y2, 9))})
        for x1, y1, x2, y2 in segments
    }


def test_a_saddle_is_split_as_its_centre_says():
    xs = ys = np.array([0.0, 1.0])
    # values[row = y, column = x]: (0,0) and (1,1) high, (1,0) and (0,1) low.
    # Centre 0.55 > 0.5: the high corners join, so each low corner is cut off on its own.
    joined = contour_segments(np.array([[1.0, 0.1], [0.1, 1.0]]), xs, ys, 0.5)
    a, b = 0.5 / 0.9, 0.4 / 0.9
    assert as_pairs(joined) == as_pairs([(a, 0.0, 1.0, b), (0.0, a, b, 1.0)])
    # Centre 0.45 < 0.5: the low corners join; each high corner is cut off.
    apart = contour_segments(np.array([[0.9, 0.0], [0.0, 0.9]]), xs, ys, 0.5)
    c = 0.4 / 0.9
    assert as_pairs(apart) == as_pairs([(c, 0.0, 0.0, c), (1.0, 1 - c, 1 - c, 1.0)])


def test_nan_and_flat_maps_give_no_segments():
    xs = ys = np.linspace(0, 1, 5)
    assert contour_segments(np.full((5, 5), 0.2), xs, ys, 0.5).shape == (0, 4)
    values = np.full((5, 5), np.nan)
    assert contour_segments(values, xs, ys, 0.5).shape == (0, 4)
    assert contour_segments(np.zeros((1, 5)), xs, ys[:1], 0.5).shape == (0, 4)


def test_colorize_maps_the_range_onto_the_palette():
    values = np.array([[0.0, 0.5, 1.0], [-3.0, 7.0, np.nan]])
    rgba = colorize(values, 0.0, 1.0, PALETTE)
    assert rgba.dtype == np.uint8 and rgba.shape == (2, 3, 4)
    np.testing.assert_array_equal(rgba[..., 0], [[0, 127, 255], [0, 255, 127]])
    # Per-map ranges broadcast: one lookup for a stack of maps.
    stack = np.stack([values, values * 2])
    low, high = np.array([0.0, 0.0])[:, None, None], np.array([1.0, 2.0])[:, None, None]
    both = colorize(stack, low, high, PALETTE)
    np.testing.assert_array_equal(both[0], rgba)
    np.testing.assert_array_equal(both[1], rgba)


@pytest.mark.parametrize(
    "activation, values, expected",
    [
        ("sigmoid", np.array([0.2, 0.3]), (0.0, 1.0)),
        ("tanh", np.array([0.2]), (-1.0, 1.0)),
        ("input", np.array([2.0, 5.0]), (2.0, 5.0)),
        ("input", np.array([2.0, 2.0]), (1.0, 3.0)),
        ("relu", np.array([0.0, 3.0, -4.0]), (-4.0, 4.0)),
        ("linear", np.array([0.0, np.nan, 2.0]), (-2.0, 2.0)),
        ("relu", np.zeros(3), (-1.0, 1.0)),
    ],
)
def test_value_range_by_activation(activation, values, expected):
    assert value_range(activation, values) == expected


def test_round_pictures_clear_the_corners_and_keep_the_disc():
    rgba = np.full((2, 8, 6, 4), 200, dtype=np.uint8)
    out = round_pictures(rgba)
    assert out is rgba  # in place
    rows, cols = np.indices((8, 6)) + 0.5
    inside = np.hypot((rows / 8 - 0.5), (cols / 6 - 0.5)) <= 0.5
    assert inside.sum() not in (0, 48)
    for picture in out:
        np.testing.assert_array_equal(picture[..., 3], np.where(inside, 200, 0))
        np.testing.assert_array_equal(picture[..., :3], 200)  # colours untouched
