"""From a spec to a symbolic PyTensor network: weights, forward pass, cost and updates.

The graph builders are pure functions of symbolic parameters so the same code builds the
one-step training function (on shared variables) and the body of the in-graph loop (on scan
state). Gradients always come from ``pytensor.grad``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import pytensor
import pytensor.tensor as pt
from pytensor.tensor.variable import TensorVariable

from xorlab.core import pytensor_setup  # noqa: F401  (settings applied on import)
from xorlab.core.training.features import feature_graph, uses_features
from xorlab.core.training.spec import NetworkSpec, TrainingSpec

# The numbers a network starts from live in weights.py, which imports no PyTensor (the window
# reads them on its own thread); importable from here as before.
from xorlab.core.training.weights import (  # noqa: F401
    init_weights,
    layer_shapes,
    optimizer_state,
)

ADAM_BETA1 = 0.9
ADAM_BETA2 = 0.999
ADAM_EPS = 1e-8
# Keeps log() finite when a sigmoid saturates to exactly 0 or 1 in float64.
BCE_CLIP = 1e-12


def activate(z: TensorVariable, name: str) -> TensorVariable:
    if name == "sigmoid":
        return pt.sigmoid(z)
    if name == "tanh":
        return pt.tanh(z)
    if name == "relu":
        return pt.maximum(z, 0.0)
    if name == "softplus":
        return pt.softplus(z)
    if name == "linear":
        return z
    raise ValueError(f"unknown activation '{name}'")


@dataclass(frozen=True)
class LayerGraph:
    """One layer's symbolic pieces: its input (with the bias unit), weighted sums, output."""

    inputs: TensorVariable
    weighted_sums: TensorVariable
    activations: TensorVariable


def forward_layers(
    params: Sequence[TensorVariable], X: TensorVariable, net: NetworkSpec
) -> list[LayerGraph]:
    """The forward pass layer by layer, for a batch X of shape (samples, inputs); with
    input features, the first layer's input is the features computed from X."""
    h = feature_graph(X, net.features) if uses_features(net) else X
    # The tutorial's bias unit: a constant 1 appended to each layer's input. One column for
    # every layer, its rows counted on X: pt.ones infers its static shape by rewriting the
    # graph of its size, and sized by each layer's h that walked the whole network so far,
    # layer after layer (~1 s of building a spiral-sized network's evaluation, profiled).
    ones = pt.ones((X.shape[0], 1), dtype="float64") if net.bias else None
    layers = []
    for W, act in zip(params, [*net.activations, net.output_activation], strict=True):
        if ones is not None:
            h = pt.concatenate([h, ones], axis=1)
        z = pt.dot(h, W)
        a = activate(z, act)
        layers.append(LayerGraph(h, z, a))
        h = a
    return layers


def forward(
    params: Sequence[TensorVariable], X: TensorVariable, net: NetworkSpec
) -> TensorVariable:
    """The network's output for a batch X of shape (samples, inputs)."""
    return forward_layers(params, X, net)[-1].activations


def data_cost(output: TensorVariable, y: TensorVariable, cost: str) -> TensorVariable:
    if cost == "sse":
        return pt.sum((output - y) ** 2)
    if cost == "mse":
        return pt.mean((output - y) ** 2)
    if cost == "bce":
        p = pt.clip(output, BCE_CLIP, 1 - BCE_CLIP)
        return -pt.mean(y * pt.log(p) + (1 - y) * pt.log(1 - p))
    raise ValueError(f"unknown cost '{cost}'")


def l2_penalty(params: Sequence[TensorVariable], net: NetworkSpec, l2: float) -> TensorVariable:
    """The L2 penalty on the weights; bias rows are not penalised."""
    return l2 * sum(pt.sum((W[:-1] if net.bias else W) ** 2) for W in params)


def l1_penalty(params: Sequence[TensorVariable], net: NetworkSpec, l1: float) -> TensorVariable:
    """The L1 penalty on the weights (it pushes small weights to exactly 0); bias rows are
    not penalised."""
    return l1 * sum(pt.sum(pt.abs(W[:-1] if net.bias else W)) for W in params)


def total_cost(
    params: Sequence[TensorVariable],
    X: TensorVariable,
    y: TensorVariable,
    net: NetworkSpec,
    training: TrainingSpec,
    output: TensorVariable | None = None,
) -> TensorVariable:
    """Data cost plus the L2 and L1 penalties; ``output`` reuses an already built forward
    pass. A penalty of 0 is left out of the graph, so the tutorials' graphs stay as they were."""
    if output is None:
        output = forward(params, X, net)
    cost = data_cost(output, y, training.cost)
    if training.l2 > 0:
        cost = cost + l2_penalty(params, net, training.l2)
    if training.l1 > 0:
        cost = cost + l1_penalty(params, net, training.l1)
    return cost


def apply_updates(
    params: Sequence[TensorVariable],
    grads: Sequence[TensorVariable],
    state: Sequence[TensorVariable],
    lr: TensorVariable,
    training: TrainingSpec,
) -> tuple[list[TensorVariable], list[TensorVariable]]:
    """New parameters and new optimizer state after one step."""
    if training.optimizer == "sgd":
        return [p - lr * g for p, g in zip(params, grads, strict=True)], []
    if training.optimizer == "momentum":
        velocity = [training.momentum * v - lr * g for v, g in zip(state, grads, strict=True)]
        return [p + v for p, v in zip(params, velocity, strict=True)], velocity
    if training.optimizer == "adam":
        n = len(params)
        m_old, v_old, t_old = state[:n], state[n : 2 * n], state[2 * n]
        t = t_old + 1.0
        m = [ADAM_BETA1 * m + (1 - ADAM_BETA1) * g for m, g in zip(m_old, grads, strict=True)]
        v = [ADAM_BETA2 * v + (1 - ADAM_BETA2) * g**2 for v, g in zip(v_old, grads, strict=True)]
        m_hat = [mi / (1 - ADAM_BETA1**t) for mi in m]
        v_hat = [vi / (1 - ADAM_BETA2**t) for vi in v]
        new = [
            p - lr * mh / (pt.sqrt(vh) + ADAM_EPS)
            for p, mh, vh in zip(params, m_hat, v_hat, strict=True)
        ]
        return new, [*m, *v, t]
    raise ValueError(f"unknown optimizer '{training.optimizer}'")


def training_step(
    params: Sequence[TensorVariable],
    state: Sequence[TensorVariable],
    X: TensorVariable,
    y: TensorVariable,
    lr: TensorVariable,
    net: NetworkSpec,
    training: TrainingSpec,
) -> tuple[TensorVariable, list[TensorVariable], list[TensorVariable]]:
    """One descent step: (cost before the step, new parameters, new optimizer state)."""
    cost = total_cost(params, X, y, net, training)
    grads = pytensor.grad(cost, list(params))
    new_params, new_state = apply_updates(params, grads, state, lr, training)
    return cost, new_params, new_state


@dataclass(frozen=True)
class SymbolicModel:
    """The network's graph on named symbolic inputs and shared weights, for inspection."""

    X: TensorVariable
    y: TensorVariable
    params: tuple  # shared variables W1, W2, ...
    output: TensorVariable
    cost: TensorVariable

    @cached_property
    def grads(self) -> tuple:
        """d cost / d W for each weight matrix; built on first use (the Graph tab), since a
        snapshot's evaluation needs none and a large net's gradient graph takes a while."""
        grads = pytensor.grad(self.cost, list(self.params))
        for p, g in zip(self.params, grads, strict=True):
            g.name = f"d cost / d {p.name}"
        return tuple(grads)


def symbolic_model(params: Sequence, net: NetworkSpec, training: TrainingSpec) -> SymbolicModel:
    X = pt.matrix("X", dtype="float64")
    y = pt.matrix("y", dtype="float64")
    output = forward(params, X, net)
    output.name = "output"
    cost = total_cost(params, X, y, net, training)
    cost.name = "cost"
    return SymbolicModel(X, y, tuple(params), output, cost)
