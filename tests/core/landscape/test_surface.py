"""Whole landscapes as the CLI and the app ask for them: orientation of costs[i][j], the
1-D step against a real training step, and extreme values."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from xorlab.core.landscape.colour_scale import colour_scale, displayed
from xorlab.core.landscape.directions import DirectionError, WeightPick
from xorlab.core.landscape.surface import LandscapeRequest, RecordedPath, compute_landscape
from xorlab.core.training.model import init_weights

from ..reference import cost_and_grads
from .conftest import functions_for, variant_spec


def _setup(name="xor-bias"):
    spec = variant_spec(name)
    functions, ds = functions_for(spec)
    return spec, functions, ds, init_weights(spec.network, ds.n_inputs, ds.n_outputs)


def _numpy_cost(spec, ds, weights):
    acts = [*spec.network.activations, spec.network.output_activation]
    return cost_and_grads(
        weights, ds.X, ds.y, acts, spec.network.bias, spec.training.cost, spec.training.l2
    )[0]


def test_costs_i_j_are_at_alphas_i_betas_j():
    spec, functions, ds, centre = _setup()
    picks = (WeightPick(0, 0, 1), WeightPick(1, 3, 0))
    request = LandscapeRequest("weights", grid=5, span=2.0, picks=picks)
    land = compute_landscape(functions, ds.X, ds.y, centre, request)
    for i in (0, 1, 4):
        for j in (0, 3):
            weights = [w.copy() for w in centre]
            weights[0][0, 1] += land.alphas[i]
            weights[1][3, 0] += land.betas[j]
            assert land.costs[i, j] == pytest.approx(_numpy_cost(spec, ds, weights), rel=1e-11)
    assert land.centre_cost == pytest.approx(_numpy_cost(spec, ds, centre), rel=1e-12)
    assert land.costs[2, 2] == pytest.approx(land.centre_cost, rel=1e-12)


def test_json_has_what_the_issue_names():
    _, functions, ds, centre = _setup()
    path = RecordedPath((0, 5, 9), tuple(tuple(w * s for w in centre) for s in (0.2, 0.7, 1.0)))
    land = compute_landscape(functions, ds.X, ds.y, centre, LandscapeRequest(grid=7), path)
    doc = json.loads(json.dumps(land.to_json(), allow_nan=False))
    for key in ("weights", "directions", "alphas", "betas", "costs", "trajectory"):
        assert key in doc
    assert len(doc["directions"]) == 2 and len(doc["directions"][0]) == len(centre)
    assert np.array(doc["costs"]).shape == (7, 7)
    assert np.array(doc["trajectory"]).shape == (3, 2)
    np.testing.assert_allclose(doc["trajectory"][-1], [0.0, 0.0], atol=1e-12)


def test_the_fitted_span_holds_the_whole_path():
    _, functions, ds, centre = _setup()
    far = tuple(w + 3.0 for w in centre)
    path = RecordedPath((0, 1), (far, tuple(centre)))
    land = compute_landscape(functions, ds.X, ds.y, centre, LandscapeRequest(grid=5), path)
    assert np.abs(land.path_coords).max() < land.span


def test_one_step_lands_where_gradient_descent_goes(trainer_for):
    spec = variant_spec("xor-minimal")  # full-batch gradient descent: one step is lr * grad
    trainer = trainer_for(spec)
    trainer.run(500)
    functions, ds = functions_for(spec)
    lr = spec.training.learning_rate
    land = compute_landscape(
        functions, ds.X, ds.y, trainer.get_weights(), LandscapeRequest("gradient", grid=9),
        learning_rate=lr,
    )  # fmt: skip
    assert land.betas is None and land.costs.shape == (9,)
    before = [w.copy() for w in trainer.get_weights()]
    trainer.run(1)
    assert land.step_cost == pytest.approx(trainer.snapshot().cost, rel=1e-10)
    # A gradient descent step moves the weights by lr * gradient: |gradient| is that over lr.
    after = trainer.get_weights()
    moved = np.sqrt(sum(np.sum((a - b) ** 2) for a, b in zip(after, before, strict=True)))
    assert land.gradient_norm == pytest.approx(moved / lr, rel=1e-8)
    assert land.step == pytest.approx(moved, rel=1e-8)
    assert land.step_cost < land.centre_cost
    assert land.alphas[-1] == pytest.approx(2 * land.step)


def test_pca_landscape_of_a_real_run(trainer_for):
    spec = variant_spec("xor-minimal")
    trainer = trainer_for(spec)
    epochs, weights = [], []
    for _ in range(6):
        trainer.run(400)
        epochs.append(trainer.epoch)
        weights.append(tuple(trainer.get_weights()))
    path = RecordedPath(tuple(epochs), tuple(weights))
    functions, ds = functions_for(spec)
    land = compute_landscape(
        functions, ds.X, ds.y, weights[-1], LandscapeRequest("pca", grid=5), path
    )
    assert land.explained[0] >= land.explained[1] > 0
    assert land.path_residuals.max() < 0.05 * np.abs(land.path_coords).max()


def test_a_diverged_centre_gives_a_message_and_a_drawable_scale():
    _, functions, ds, centre = _setup("adam-bce-minibatch-l2")  # relu: unbounded
    huge = [w * 1e200 for w in centre]
    land = compute_landscape(functions, ds.X, ds.y, huge, LandscapeRequest(grid=5, span=1e6))
    assert any("infinite or NaN" in note for note in land.notes)
    for log in (False, True):
        scale = colour_scale(land.costs, log)
        shown = displayed(land.costs, scale)
        assert np.isfinite(shown).all() and scale.high > scale.low and scale.message


@pytest.mark.parametrize("name", ["sgd-sse-linear-output-per-sample", "xor-bias"])
def test_a_huge_span_still_draws_a_surface(name):
    _, functions, ds, centre = _setup(name)
    land = compute_landscape(functions, ds.X, ds.y, centre, LandscapeRequest(grid=21, span=1e6))
    assert np.isfinite(land.costs).all()
    for log in (False, True):
        shown = displayed(land.costs, colour_scale(land.costs, log))
        assert np.isfinite(shown).all() and np.ptp(shown) > 0  # not one flat colour


@pytest.mark.parametrize(
    "request_",
    [
        LandscapeRequest("sideways"),
        LandscapeRequest(grid=2),
        LandscapeRequest(grid=1000),
        LandscapeRequest(span=0.0),
        LandscapeRequest(span=float("nan")),
        LandscapeRequest("weights"),
        LandscapeRequest("pca"),
    ],
)
def test_bad_requests_are_messages(request_):
    _, functions, ds, centre = _setup()
    with pytest.raises(DirectionError):
        compute_landscape(functions, ds.X, ds.y, centre, request_)


def test_weights_of_another_network_are_a_message():
    _, functions, ds, centre = _setup()
    with pytest.raises(DirectionError, match="do not fit"):
        compute_landscape(functions, ds.X, ds.y, centre[:1], LandscapeRequest(grid=3))


@pytest.mark.parametrize("kind", ["weights", "gradient"])
def test_cost_on_other_samples_keeps_the_directions_and_is_their_numpy_cost(kind):
    """The test set's landscape: the same plane (the 1-D mode: the training gradient, the
    step training takes), every value the cost of those other samples."""
    spec, functions, ds, centre = _setup()
    other = replace(ds, X=ds.X[::-1] * 0.5 + 0.25, y=1.0 - ds.y)  # any other samples
    picks = (WeightPick(0, 0, 1), WeightPick(1, 3, 0))
    request = LandscapeRequest(kind, grid=5, span=1.5, picks=picks if kind == "weights" else None)
    on_training = compute_landscape(functions, ds.X, ds.y, centre, request, learning_rate=0.5)
    on_other = compute_landscape(
        functions, ds.X, ds.y, centre, request, learning_rate=0.5, cost_on=(other.X, other.y)
    )
    for a, b in zip(on_training.directions[0], on_other.directions[0], strict=True):
        np.testing.assert_array_equal(a, b)
    assert on_other.step == on_training.step
    assert on_other.centre_cost == pytest.approx(_numpy_cost(spec, other, centre), rel=1e-12)
    if kind == "weights":
        weights = [w.copy() for w in centre]
        weights[0][0, 1] += on_other.alphas[0]
        weights[1][3, 0] += on_other.betas[4]
        assert on_other.costs[0, 4] == pytest.approx(_numpy_cost(spec, other, weights), rel=1e-11)
    else:
        direction = on_other.directions[0]
        weights = [w + on_other.alphas[1] * d for w, d in zip(centre, direction, strict=True)]
        assert on_other.costs[1] == pytest.approx(_numpy_cost(spec, other, weights), rel=1e-11)
    assert on_other.centre_cost != pytest.approx(on_training.centre_cost)
