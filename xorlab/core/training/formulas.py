"""One forward and one backward pass for a single training sample, with the real numbers.

Every value comes from a compiled PyTensor function over the trainer's own weights: the
weighted sums and activations of each layer, the deltas (the cost's gradient with respect to
each weighted sum, from ``pytensor.grad``), each weight's gradient and the plain
gradient-descent step it implies. ``explain`` writes them out as formulas a learner can follow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytensor
import pytensor.tensor as pt

from xorlab.core.training import model
from xorlab.core.training.function_cache import compile_shared
from xorlab.core.training.quick_loop import QUICK_MODE
from xorlab.core.training.spec import COST_LABELS


@dataclass(frozen=True, eq=False)
class LayerTrace:
    activation: str
    inputs: np.ndarray  # this layer's input, with the bias unit's 1 last when there is one
    weights: np.ndarray  # (inputs, neurons)
    weighted_sums: np.ndarray  # z = inputs @ weights
    outputs: np.ndarray  # activation(z)
    deltas: np.ndarray  # d cost / d z
    gradient: np.ndarray  # d cost / d weights, L2 and L1 included
    step: np.ndarray  # -learning_rate * gradient


@dataclass(frozen=True, eq=False)
class SampleTrace:
    sample: int
    x: np.ndarray
    target: np.ndarray
    cost: float  # this sample's cost alone
    learning_rate: float
    layers: tuple[LayerTrace, ...]


class FormulaTracer:
    """Compiled once per trainer; like the trainer, it belongs to the thread that owns it."""

    def __init__(self, trainer):
        self.trainer = trainer
        net, tr = trainer.spec.network, trainer.spec.training
        X = pt.matrix("x_sample", dtype="float64")
        y = pt.matrix("y_sample", dtype="float64")
        layers = model.forward_layers(trainer.params, X, net)
        cost = model.total_cost(trainer.params, X, y, net, tr, output=layers[-1].activations)
        sums = [layer.weighted_sums for layer in layers]
        grads = pytensor.grad(cost, [*sums, *trainer.params])
        outputs = [cost]
        for layer in layers:
            outputs += [layer.inputs, layer.weighted_sums, layer.activations]
        # On the quick tier's Python linker: one sample, traced when the person asks, needs
        # no machine code, and a Numba compile here would meet the fast loop's background
        # compile (two LLVM compiles at once aborted the process in the test suite) or wait
        # for it behind the compile lock, up to ~45 s on a cold cache. Shared with every
        # tracer of the same network (core.function_cache).
        self._fn = compile_shared([X, y], outputs + grads, QUICK_MODE, "formulas")
        self._n = len(layers)

    def trace(self, sample: int) -> SampleTrace:
        ds, n = self.trainer.dataset, self._n
        if not 0 <= sample < ds.n_samples:
            raise IndexError(f"sample {sample} is not in 0..{ds.n_samples - 1}")
        values = self._fn(ds.X[sample : sample + 1], ds.y[sample : sample + 1])
        cost, per_layer = values[0], values[1 : 1 + 3 * n]
        deltas, grads = values[1 + 3 * n : 1 + 4 * n], values[1 + 4 * n :]
        lr = float(self.trainer.learning_rate.get_value())
        net = self.trainer.spec.network
        weights = self.trainer.get_weights()
        layers = tuple(
            LayerTrace(
                activation=act,
                inputs=per_layer[3 * i][0].copy(),
                weights=weights[i],
                weighted_sums=per_layer[3 * i + 1][0].copy(),
                outputs=per_layer[3 * i + 2][0].copy(),
                deltas=np.asarray(deltas[i])[0].copy(),
                gradient=np.asarray(grads[i]).copy(),
                step=-lr * np.asarray(grads[i]),
            )
            for i, act in enumerate([*net.activations, net.output_activation])
        )
        return SampleTrace(
            sample, ds.X[sample].copy(), ds.y[sample].copy(), float(cost), lr, layers
        )


def _n(v: float) -> str:
    return f"{v:.4g}"


def explain(
    trace: SampleTrace, bias: bool, cost_name: str, l2: float = 0.0, l1: float = 0.0
) -> list[str]:
    """The trace as lines of formulas: forward pass, cost, backward pass, weight steps."""
    lines = [
        f"Sample {trace.sample}: x = [{', '.join(_n(v) for v in trace.x)}], "
        f"target = [{', '.join(_n(v) for v in trace.target)}]",
        "",
        "Forward pass",
    ]
    for li, layer in enumerate(trace.layers, start=1):
        for j in range(layer.weighted_sums.size):
            terms = " + ".join(
                f"{_n(layer.weights[i, j])}·{_n(layer.inputs[i])}" for i in range(layer.inputs.size)
            )
            lines.append(f"  z{li}[{j}] = {terms} = {_n(layer.weighted_sums[j])}")
            lines.append(f"  h{li}[{j}] = {layer.activation}(z{li}[{j}]) = {_n(layer.outputs[j])}")
    lines += ["", f"Cost ({COST_LABELS[cost_name]}) of this sample: {_n(trace.cost)}", ""]
    lines.append("Backward pass (δ = ∂cost/∂z, from pytensor.grad)")
    for li in range(len(trace.layers), 0, -1):
        layer = trace.layers[li - 1]
        for j, d in enumerate(layer.deltas):
            lines.append(f"  δ{li}[{j}] = {_n(d)}")
    lines += ["", f"Weight gradients and steps (−{_n(trace.learning_rate)} · ∂cost/∂W)"]
    for li, layer in enumerate(trace.layers, start=1):
        for i in range(layer.gradient.shape[0]):
            for j in range(layer.gradient.shape[1]):
                row = "bias" if bias and i == layer.gradient.shape[0] - 1 else str(i)
                penalty = ""
                if row != "bias":
                    penalty = (f" + 2·{_n(l2)}·W" if l2 else "") + (
                        f" + {_n(l1)}·sign(W)" if l1 else ""
                    )
                lines.append(
                    f"  W{li}[{row},{j}]: ∂cost/∂W = {_n(layer.inputs[i])}·{_n(layer.deltas[j])}"
                    f"{penalty} = {_n(layer.gradient[i, j])}, step {_n(layer.step[i, j])}"
                )
    return lines
