"""The formula panel's numbers against the numpy oracle, sample by sample."""

import numpy as np
import pytest

from tests.core.reference import cost_and_grads, forward
from xorlab.core.training.formulas import FormulaTracer, explain
from xorlab.core.training.presets import preset_spec


@pytest.mark.parametrize(
    "spec",
    [
        preset_spec("xor-bias"),
        preset_spec("xor-minimal").with_changes(
            network={"hidden": (4, 2), "activations": ("tanh", "relu"), "bias": True},
            training={"cost": "mse", "l2": 0.01, "l1": 0.005},
        ),
    ],
    ids=["xor-bias", "deeper-l2-l1"],
)
def test_trace_matches_numpy_for_every_sample(trainer_for, spec):
    trainer = trainer_for(spec)
    trainer.run(40)
    tracer = FormulaTracer(trainer)
    weights = trainer.get_weights()
    acts = [*spec.network.activations, spec.network.output_activation]
    for sample in range(trainer.dataset.n_samples):
        trace = tracer.trace(sample)
        X = trainer.dataset.X[sample : sample + 1]
        y = trainer.dataset.y[sample : sample + 1]
        layers, _ = forward(weights, X, acts, spec.network.bias)
        cost, grads = cost_and_grads(
            weights,
            X,
            y,
            acts,
            spec.network.bias,
            spec.training.cost,
            spec.training.l2,
            spec.training.l1,
        )
        assert trace.cost == pytest.approx(cost, abs=1e-12)
        for layer, (hin, z, a), g in zip(trace.layers, layers, grads, strict=True):
            np.testing.assert_allclose(layer.inputs, hin[0], atol=1e-12)
            np.testing.assert_allclose(layer.weighted_sums, z[0], atol=1e-12)
            np.testing.assert_allclose(layer.outputs, a[0], atol=1e-12)
            np.testing.assert_allclose(layer.gradient, g, atol=1e-12)
            np.testing.assert_allclose(layer.step, -trace.learning_rate * g, atol=1e-12)
            if spec.training.l2 == 0:
                # Without L2 each weight's gradient is its input times its neuron's delta.
                np.testing.assert_allclose(np.outer(layer.inputs, layer.deltas), g, atol=1e-12)


def test_explain_writes_the_numbers_out(trainer_for):
    trainer = trainer_for(preset_spec("xor-bias"))
    trace = FormulaTracer(trainer).trace(0)
    lines = explain(trace, bias=True, cost_name="sse")
    text = "\n".join(lines)
    assert f"= {trace.layers[0].weighted_sums[0]:.4g}" in text
    assert "W2[bias,0]" in text and "δ2[0]" in text
    assert f"sum of squared errors) of this sample: {trace.cost:.4g}" in text
    with pytest.raises(IndexError):
        FormulaTracer(trainer).trace(4)


def test_the_trace_runs_on_the_python_linker(trainer_for):
    """No machine code for a trace a person asks for: a Numba compile here would meet the
    fast loop's background compile, or wait behind the compile lock for it."""
    from pytensor.link.basic import JITLinker, PerformLinker

    tracer = FormulaTracer(trainer_for(preset_spec("xor-bias")))
    linker = tracer._fn.function.maker.linker
    assert isinstance(linker, PerformLinker) and not isinstance(linker, JITLinker)
