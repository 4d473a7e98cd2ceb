"""The engine against the tutorials' numbers and an independent numpy implementation."""

from __future__ import annotations

import numpy as np
import pytest

from tests.core.reference import cost_and_grads, train_reference
from tests.core.variants import VARIANTS
from xorlab.core.training.model import init_weights
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import DivergenceError, batch_table

TUTORIAL_OUTPUTS = [0.921668, 0.117385, 0.921574, 0.048511]
TUTORIAL_COST = 0.0284190137


def _reference_for(trainer, n_steps):
    spec, ds = trainer.spec, trainer.dataset
    weights = init_weights(spec.network, ds.n_inputs, ds.n_outputs)
    return train_reference(
        spec, np.asarray(ds.X), np.asarray(ds.y), weights, n_steps, trainer.batches
    )


def test_initial_weights_are_the_tutorials_draws():
    minimal = init_weights(preset_spec("xor-minimal").network, 2, 1)
    rng = np.random.RandomState(1234)
    np.testing.assert_array_equal(minimal[0], rng.uniform(-1, 1, (2, 3)))
    np.testing.assert_array_equal(minimal[1], rng.uniform(-1, 1, (3, 1)))
    bias = init_weights(preset_spec("xor-bias").network, 2, 1)
    rng = np.random.RandomState(0)
    np.testing.assert_array_equal(bias[0], rng.rand(3, 3))
    np.testing.assert_array_equal(bias[1], rng.rand(4, 1))


def test_xor_minimal_reproduces_the_28_line_tutorial(minimal_trainer):
    trainer = minimal_trainer
    while not trainer.done:
        trainer.run(25_000)
    outputs, cost = trainer.evaluate()
    assert trainer.step_count == 60_000
    np.testing.assert_allclose(outputs[:, 0], TUTORIAL_OUTPUTS, atol=1e-6)
    assert cost == pytest.approx(TUTORIAL_COST, abs=1e-9)

    ref_weights, ref_costs = _reference_for(trainer, 60_000)
    for w, r in zip(trainer.get_weights(), ref_weights, strict=True):
        np.testing.assert_allclose(w, r, rtol=0, atol=1e-9)
    assert [e for e, _ in trainer.log] == [0, 10_000, 20_000, 30_000, 40_000, 50_000]
    np.testing.assert_allclose([c for _, c in trainer.log], ref_costs[::10_000], atol=1e-12)


def test_xor_bias_matches_per_sample_reference_at_every_printed_epoch(trainer_for):
    trainer = trainer_for(preset_spec("xor-bias"))
    assert trainer.steps_per_epoch == 4
    while not trainer.done:
        trainer.run(8_000)
    ref_weights, ref_costs = _reference_for(trainer, 40_000)
    # The tutorial prints, every 500 epochs, the cost of that epoch's last sample.
    expected = [(epoch, ref_costs[epoch * 4 + 3]) for epoch in range(0, 10_000, 500)]
    assert [e for e, _ in trainer.log] == [e for e, _ in expected]
    np.testing.assert_allclose([c for _, c in trainer.log], [c for _, c in expected], atol=1e-12)
    for w, r in zip(trainer.get_weights(), ref_weights, strict=True):
        np.testing.assert_allclose(w, r, atol=1e-9)
    outputs, _ = trainer.evaluate()
    np.testing.assert_array_equal(outputs[:, 0] > 0.5, [True, True, False, False])


def test_chunking_never_changes_the_numbers(minimal_trainer):
    trainer = minimal_trainer
    for _ in range(100):
        trainer.run(1)
    trainer.run(7)
    trainer.run(893)
    chunked = trainer.get_weights()
    chunked_history = trainer.history.data()
    trainer.reset()
    trainer.run(1000)
    for a, b in zip(chunked, trainer.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-13)
    for a, b in zip(chunked_history, trainer.history.data(), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-13)


def test_one_step_function_equals_a_loop_step(minimal_trainer):
    trainer = minimal_trainer
    ds = trainer.dataset
    cost = trainer.step_fn(ds.X, ds.y)
    after_step_fn = trainer.get_weights()
    trainer.reset()
    result = trainer.run(1)
    assert float(cost) == pytest.approx(result.costs[0], abs=1e-14)
    for a, b in zip(after_step_fn, trainer.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-14)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_other_optimizers_costs_and_schedules_match_numpy(trainer_for, variant):
    spec = preset_spec("xor-minimal").with_changes(**VARIANTS[variant])
    trainer = trainer_for(spec)
    n = 300 * trainer.steps_per_epoch
    result = trainer.run(n)
    ref_weights, ref_costs = _reference_for(trainer, n)
    np.testing.assert_allclose(result.costs, ref_costs, rtol=1e-10, atol=1e-12)
    for w, r in zip(trainer.get_weights(), ref_weights, strict=True):
        np.testing.assert_allclose(w, r, rtol=1e-9, atol=1e-12)


def test_reference_gradients_agree_with_finite_differences():
    # The oracle itself is checked, so a shared mistake cannot hide.
    rng = np.random.RandomState(3)
    X, y = rng.rand(5, 2), (rng.rand(5, 1) > 0.5).astype(float)
    weights = [rng.randn(3, 4), rng.randn(5, 1)]
    acts = ["tanh", "sigmoid"]
    for cost in ("sse", "mse", "bce"):
        _, grads = cost_and_grads(weights, X, y, acts, True, cost, l2=0.1)
        for i, W in enumerate(weights):
            numeric = np.zeros_like(W)
            for idx in np.ndindex(W.shape):
                for sign in (1, -1):
                    bumped = [w.copy() for w in weights]
                    bumped[i][idx] += sign * 1e-6
                    numeric[idx] += sign * cost_and_grads(bumped, X, y, acts, True, cost, 0.1)[0]
            np.testing.assert_allclose(grads[i], numeric / 2e-6, rtol=1e-5, atol=1e-7)


def test_divergence_stops_at_the_failing_step_and_keeps_good_weights(trainer_for):
    spec = preset_spec("xor-minimal").with_changes(training={"learning_rate": 1e6})
    trainer = trainer_for(spec)
    with pytest.raises(DivergenceError, match="learning rate") as info:
        trainer.run(500)
    assert info.value.step == 0
    assert trainer.step_count == 0
    for w, w0 in zip(trainer.get_weights(), trainer.initial_weights, strict=True):
        np.testing.assert_array_equal(w, w0)


def test_nan_cost_is_divergence_too(trainer_for):
    spec = preset_spec("xor-minimal").with_changes(
        network={"activations": ("linear",), "output_activation": "linear"},
        training={"learning_rate": 5.0},
    )
    trainer = trainer_for(spec)
    with pytest.raises(DivergenceError) as info:
        trainer.run(10_000)
    assert info.value.step >= 1
    assert trainer.step_count == info.value.step
    assert all(np.isfinite(w).all() and np.abs(w).max() <= 1e4 for w in trainer.get_weights())


def test_learning_rate_changes_take_effect_without_recompiling(minimal_trainer):
    trainer = minimal_trainer
    loop = trainer.loop_fn
    trainer.set_learning_rate(0.5)
    trainer.run(10)
    assert trainer.loop_fn is loop
    spec = preset_spec("xor-minimal").with_changes(training={"learning_rate": 0.5})
    ds = trainer.dataset
    ref, _ = train_reference(
        spec, np.asarray(ds.X), np.asarray(ds.y), list(trainer.initial_weights), 10, trainer.batches
    )
    np.testing.assert_allclose(trainer.get_weights()[0], ref[0], atol=1e-13)


def test_training_stops_at_the_epoch_limit(trainer_for):
    trainer = trainer_for(preset_spec("xor-minimal").with_changes(training={"epochs": 30}))
    assert trainer.run(1000).steps == 30
    assert trainer.done and trainer.run(5).steps == 0


def test_batch_table_covers_every_sample_each_epoch():
    np.testing.assert_array_equal(batch_table(4, "full", 1), [[0, 1, 2, 3]])
    np.testing.assert_array_equal(batch_table(3, "sample", 1), [[0], [1], [2]])
    np.testing.assert_array_equal(batch_table(5, "minibatch", 2), [[0, 1], [2, 3], [4, 0]])


def test_snapshot_is_an_independent_copy(minimal_trainer):
    trainer = minimal_trainer
    trainer.run(5)
    snap = trainer.snapshot()
    trainer.run(5)
    assert snap.step == 5 and list(snap.history_steps) == [0, 1, 2, 3, 4]
    assert not np.array_equal(snap.weights[0], trainer.get_weights()[0])
    assert trainer.snapshot().history_steps.tolist() == [5, 6, 7, 8, 9]


def test_reseed_draws_new_initial_weights_without_recompiling(trainer_for):
    trainer = trainer_for(preset_spec("xor-minimal").with_changes(network={"seed": 11}))
    loop = trainer.loop_fn
    trainer.run(50)
    trainer.reseed(99)
    assert trainer.loop_fn is loop and trainer.step_count == 0 and trainer.spec.network.seed == 99
    expected = init_weights(trainer.spec.network, 2, 1)
    for w, e in zip(trainer.get_weights(), expected, strict=True):
        np.testing.assert_array_equal(w, e)
    trainer.run(200)
    ref_weights, _ = _reference_for(trainer, 200)
    for w, r in zip(trainer.get_weights(), ref_weights, strict=True):
        np.testing.assert_allclose(w, r, atol=1e-12)
