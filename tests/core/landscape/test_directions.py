"""Each kind of direction, and the projection of the path onto the plane they span."""

from __future__ import annotations

import numpy as np
import pytest

from xorlab.core.landscape.directions import (
    DirectionError,
    WeightPick,
    filter_normalise,
    flatten,
    gradient_direction,
    parse_picks,
    pca_directions,
    random_directions,
    weight_directions,
)
from xorlab.core.landscape.projection import project

CENTRE = [np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]]), np.array([[1.0], [-2.0], [0.25]])]


def test_parse_picks_reads_the_apps_weight_names():
    assert parse_picks("W1[0,1],W2[2,0]") == (WeightPick(0, 0, 1), WeightPick(1, 2, 0))
    assert parse_picks(" w1[ 1 , 2 ] , W2[0,0] ")[0] == WeightPick(0, 1, 2)


@pytest.mark.parametrize(
    "text", ["W1[0,1]", "W1[0,1],W2[0,0],W1[1,1]", "W0[0,0],W1[0,0]", "W1[a,b],W2[0,0]", "x,y"]
)
def test_parse_picks_rejects_with_a_message(text):
    with pytest.raises(DirectionError):
        parse_picks(text)


def test_weight_directions_are_the_two_weights_axes():
    d1, d2 = weight_directions(CENTRE, WeightPick(0, 1, 2), WeightPick(1, 2, 0))
    assert flatten(d1).sum() == 1.0 and d1[0][1, 2] == 1.0
    assert flatten(d2).sum() == 1.0 and d2[1][2, 0] == 1.0
    # A path in which only those weights moved projects onto exactly their offsets.
    moved = [w.copy() for w in CENTRE]
    moved[0][1, 2] += 0.3
    moved[1][2, 0] -= 1.25
    proj = project([moved], CENTRE, [d1, d2])
    np.testing.assert_allclose(proj.coords, [[0.3, -1.25]], atol=1e-15)
    assert proj.residuals[0] == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize(
    "picks",
    [(WeightPick(2, 0, 0), WeightPick(0, 0, 0)), (WeightPick(0, 2, 0), WeightPick(0, 0, 0))],
)
def test_weight_directions_outside_the_network_are_a_message(picks):
    with pytest.raises(DirectionError, match="W"):
        weight_directions(CENTRE, *picks)


def test_the_same_weight_twice_is_a_message():
    with pytest.raises(DirectionError, match="twice"):
        weight_directions(CENTRE, WeightPick(0, 0, 0), WeightPick(0, 0, 0))


def test_random_directions_are_seeded_and_filter_normalised():
    a = random_directions(CENTRE, seed=5)
    b = random_directions(CENTRE, seed=5)
    c = random_directions(CENTRE, seed=6)
    for d_a, d_b in zip(a, b, strict=True):
        np.testing.assert_array_equal(flatten(d_a), flatten(d_b))
    assert not np.allclose(flatten(a[0]), flatten(c[0]))
    for direction in a:
        for d, w in zip(direction, CENTRE, strict=True):
            # Each neuron's incoming weights (a column, bias row included) keep its norm.
            np.testing.assert_allclose(np.linalg.norm(d, axis=0), np.linalg.norm(w, axis=0))
    assert not np.allclose(flatten(a[0]), flatten(a[1]))


def test_filter_normalise_gives_a_dead_neuron_no_direction():
    centre = [np.array([[0.0, 1.0], [0.0, 1.0]])]
    (d,) = filter_normalise([np.ones((2, 2))], centre)
    np.testing.assert_array_equal(d[:, 0], 0.0)
    assert np.linalg.norm(d[:, 1]) == pytest.approx(np.sqrt(2))


def _plane_path(n=12, off_plane=0.0):
    rng = np.random.default_rng(3)
    u, v = (rng.standard_normal(flatten(CENTRE).size) for _ in range(2))
    t = np.linspace(0, 1, n)
    points = [flatten(CENTRE) + (1 - s) * 3 * u + np.sin(4 * s) * v for s in t]
    points[3] = points[3] + off_plane * rng.standard_normal(points[3].size)
    from xorlab.core.landscape.directions import unflatten

    return [unflatten(p, CENTRE) for p in points]


def test_pca_directions_put_a_planar_path_in_the_plane():
    path = _plane_path()
    principal = pca_directions(CENTRE, path)
    d1, d2 = principal.directions
    assert np.linalg.norm(flatten(d1)) == pytest.approx(1.0)
    assert flatten(d1) @ flatten(d2) == pytest.approx(0.0, abs=1e-12)
    proj = project(path, CENTRE, principal.directions)
    np.testing.assert_allclose(proj.residuals, 0.0, atol=1e-10)
    assert sum(principal.explained) == pytest.approx(1.0)
    assert proj.coords[0, 0] < 0  # the start lies on the negative side: a steady picture
    # The projected path keeps the distances between snapshots (it lies in the plane).
    steps_in_plane = np.linalg.norm(np.diff(proj.coords, axis=0), axis=1)
    steps_real = np.linalg.norm(np.diff([flatten(w) for w in path], axis=0), axis=1)
    np.testing.assert_allclose(steps_in_plane, steps_real, rtol=1e-9)


def test_projection_reports_how_far_a_snapshot_is_off_the_plane():
    path = _plane_path(off_plane=0.5)
    principal = pca_directions(CENTRE, path)
    residuals = project(path, CENTRE, principal.directions).residuals
    assert residuals[3] > 0.1 and residuals[3] == residuals.max()


@pytest.mark.parametrize("n", [0, 1, 2])
def test_pca_needs_a_path(n):
    with pytest.raises(DirectionError, match="at least 3"):
        pca_directions(CENTRE, _plane_path()[:n])


def test_pca_of_a_straight_path_is_a_message():
    line = [[w * s for w in CENTRE] for s in (0.0, 0.5, 2.0, 3.0)]
    with pytest.raises(DirectionError, match="straight line"):
        pca_directions(CENTRE, line)


def test_gradient_direction_is_unit_and_downhill():
    grad = [np.array([[3.0, 0.0]]), np.array([[4.0]])]
    direction, norm = gradient_direction(grad)
    assert norm == 5.0
    np.testing.assert_allclose(flatten(direction), [-0.6, 0.0, -0.8])
    with pytest.raises(DirectionError, match="zero"):
        gradient_direction([np.zeros((2, 2))])
    with pytest.raises(DirectionError, match="NaN"):
        gradient_direction([np.array([[np.nan]])])
