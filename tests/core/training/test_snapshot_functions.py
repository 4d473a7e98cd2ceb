"""What a snapshot shows (outputs and cost on the training and test sets, predictions on any
points) comes from generated numpy code (function_cache.NUMPY_CODE): checked against the
independent numpy network, and the generated functions behave as compiled PyTensor ones."""

from __future__ import annotations

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from tests.core.reference import cost_and_grads, forward
from tests.core.variants import VARIANTS
from xorlab.core.training import function_cache
from xorlab.core.training.features import feature_values, uses_features
from xorlab.core.training.presets import preset_spec

MINIMAL = preset_spec("xor-minimal")
SPECS = {
    **{name: MINIMAL.with_changes(**changes) for name, changes in VARIANTS.items()},
    "regression-held-out": preset_spec("regression").with_changes(network={"hidden": (3, 2)}),
    "features-l1": preset_spec("circle-features").with_changes(training={"l1": 0.01}),
    "parity3": preset_spec("parity3"),
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_evaluation_and_prediction_equal_the_numpy_network(trainer_for, name):
    spec = SPECS[name]
    trainer = trainer_for(spec)
    trainer.start_tiered(background=False)  # the quick tier: no fast loop compiled for this
    trainer.run(3 * trainer.steps_per_epoch)  # weights that are not the initial ones
    net, tr = spec.network, spec.training
    acts = [*net.activations, net.output_activation]
    weights = trainer.get_weights()
    assert function_cache.NUMPY_CODE == trainer.evaluate_fn._entry.mode

    def inputs(X):
        return feature_values(X, net.features) if uses_features(net) else X

    sets = [(trainer.dataset.X, trainer.dataset.y, trainer.evaluate())]
    if trainer.test_dataset is not None:
        out, cost, _ = trainer.evaluate_test()
        sets.append((trainer.test_dataset.X, trainer.test_dataset.y, (out, cost)))
    for X, y, (out, cost) in sets:
        _, expected = forward(weights, inputs(X), acts, net.bias)
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-13)
        ref_cost, _ = cost_and_grads(weights, inputs(X), y, acts, net.bias, tr.cost, tr.l2, tr.l1)
        assert cost == pytest.approx(ref_cost, rel=1e-12, abs=1e-13)
    points = np.random.RandomState(5).uniform(-2, 2, (7, trainer.dataset.n_inputs))
    _, expected = forward(weights, inputs(points), acts, net.bias)
    predicted, _ = trainer.evaluate(points.tolist())  # a list is taken as a float matrix
    np.testing.assert_allclose(predicted, expected, rtol=1e-12, atol=1e-13)


def test_a_snapshot_s_outputs_are_its_own_copies(trainer_for):
    trainer = trainer_for(preset_spec("xor-bias"))
    first = trainer.snapshot()
    kept = first.outputs.copy()
    first.outputs[:] = -1.0  # a view drawing in place must not reach the next snapshot
    np.testing.assert_array_equal(trainer.snapshot().outputs, kept)


def test_numpy_code_functions_read_shared_values_check_inputs_and_copy_outputs():
    x = pt.dmatrix("x")
    w = pytensor.shared(np.array([[2.0], [3.0]]), name="w_numpy_code")
    f = function_cache.compile_shared([x], [pt.dot(x, w), x], function_cache.NUMPY_CODE, "f")
    again = function_cache.compile_shared([x], [pt.dot(x, w), x], function_cache.NUMPY_CODE, "f")
    assert again.function is f.function  # the same computation is made once
    given = np.array([[1.0, 1.0]])
    product, same = f(given)
    np.testing.assert_array_equal(product, [[5.0]])
    same[0, 0] = 99.0  # the output that is the input is a copy
    assert given[0, 0] == 1.0
    w.set_value(np.array([[1.0], [1.0]]))
    np.testing.assert_array_equal(f([[1, 2]])[0], [[3.0]])  # ints cast to float64, new w
    with pytest.raises(TypeError):
        f(np.ones(2))  # a vector where a matrix is expected, as pytensor.function says


def test_a_snapshot_finished_on_another_thread_is_the_evaluation_of_its_own_step(trainer_for):
    # The training worker copies a snapshot's parts, trains on, and a thread evaluates the
    # copies (app/snapshot_pipeline.py): the outputs and costs are those of the copied
    # step's weights, whatever the trainer holds by then, and equal the numpy network's.
    import threading

    spec = SPECS["regression-held-out"]  # a held-out set: its outputs and cost too
    trainer = trainer_for(spec)
    trainer.start_tiered(background=False)
    trainer.reset()
    trainer.run(2 * trainer.steps_per_epoch)
    parts = trainer.snapshot_parts()
    weights = [w.copy() for w in trainer.get_weights()]
    assert parts.step == trainer.step_count and len(parts.history_steps) == 2
    trainer.run(3 * trainer.steps_per_epoch)  # trains on: the live weights move
    finished = []
    thread = threading.Thread(target=lambda: finished.append(trainer.finish_snapshot(parts)))
    thread.start()
    thread.join()
    snap = finished[0]
    net, tr = spec.network, spec.training
    acts = [*net.activations, net.output_activation]
    for X, y, out, cost in [
        (trainer.dataset.X, trainer.dataset.y, snap.outputs, snap.cost),
        (trainer.test_dataset.X, trainer.test_dataset.y, snap.test_outputs, snap.test_cost),
    ]:
        _, expected = forward(weights, X, acts, net.bias)
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-13)
        ref_cost, _ = cost_and_grads(weights, X, y, acts, net.bias, tr.cost, tr.l2, tr.l1)
        assert cost == pytest.approx(ref_cost, rel=1e-12, abs=1e-13)
    assert snap.step == parts.step and snap.weights == parts.weights
    np.testing.assert_array_equal(snap.history_steps, parts.history_steps)
    # The next snapshot carries the cost points after the copied ones, none twice.
    later = trainer.snapshot()
    assert later.step == trainer.step_count
    np.testing.assert_array_equal(later.history_steps, [2, 3, 4])
    live_out, live_cost = trainer.evaluate()
    np.testing.assert_array_equal(later.outputs, live_out)
    assert later.cost == live_cost
