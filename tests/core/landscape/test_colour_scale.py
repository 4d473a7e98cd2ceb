from __future__ import annotations

import numpy as np
import pytest

from xorlab.core.landscape.colour_scale import MAX_DECADES, colour_scale, displayed


def test_a_plain_surface_uses_its_whole_range():
    costs = np.linspace(0.5, 2.0, 16).reshape(4, 4)
    scale = colour_scale(costs)
    assert (scale.low, scale.high, scale.message) == (0.5, 2.0, "")
    np.testing.assert_array_equal(displayed(costs, scale), costs)


def test_log_scale_shows_log10_and_floors_zero():
    costs = np.array([[0.0, 1e-3], [1e-1, 10.0]])
    scale = colour_scale(costs, log=True)
    assert scale.high == pytest.approx(1.0) and scale.low == pytest.approx(-3.0)
    np.testing.assert_allclose(displayed(costs, scale), [[-3.0, -3.0], [-1.0, 1.0]])
    tiny = colour_scale(np.array([1e-30, 1.0]), log=True)
    assert tiny.low == -MAX_DECADES and "decades" in tiny.message


def test_non_finite_points_take_the_top_colour():
    costs = np.array([1.0, np.inf, np.nan, 2.0])
    scale = colour_scale(costs)
    np.testing.assert_array_equal(displayed(costs, scale), [1.0, 2.0, 2.0, 2.0])
    assert "2 points overflow" in scale.message


def test_all_non_finite_or_flat_is_still_drawable():
    for costs in (np.full(4, np.nan), np.full(4, 3.0), np.zeros(4)):
        for log in (False, True):
            scale = colour_scale(costs, log)
            assert scale.high > scale.low
            assert np.isfinite(displayed(costs, scale)).all()


def test_an_outlier_clips_the_linear_scale_and_says_so():
    costs = np.concatenate([np.linspace(0.0, 1.0, 99), [1e9]])
    scale = colour_scale(costs)
    assert scale.high == pytest.approx(np.percentile(costs, 95))
    assert "clipped" in scale.message and "1e+09" in scale.message
    assert displayed(costs, scale).max() == scale.high
