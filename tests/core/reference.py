"""An independent numpy implementation of xorlab's networks, written from the math alone
(hand-derived backpropagation), to check every number the PyTensor engine produces."""

from __future__ import annotations

import numpy as np

ACT = {
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda a, z: a * (1 - a)),
    "tanh": (np.tanh, lambda a, z: 1 - a**2),
    "relu": (lambda z: np.maximum(z, 0), lambda a, z: (z > 0).astype(float)),
    "softplus": (lambda z: np.log1p(np.exp(z)), lambda a, z: 1 / (1 + np.exp(-z))),
    "linear": (lambda z: z, lambda a, z: np.ones_like(z)),
}


def _with_bias(h, bias):
    return np.hstack([h, np.ones((h.shape[0], 1))]) if bias else h


def forward(weights, X, activations, bias):
    """Returns the per-layer (input-with-bias, pre-activation, activation) and the output."""
    h, layers = X, []
    for W, act in zip(weights, activations, strict=True):
        hin = _with_bias(h, bias)
        z = hin @ W
        h = ACT[act][0](z)
        layers.append((hin, z, h))
    return layers, h


def cost_and_grads(weights, X, y, activations, bias, cost="sse", l2=0.0, l1=0.0):
    layers, out = forward(weights, X, activations, bias)
    if cost == "sse":
        c, dout = ((out - y) ** 2).sum(), 2 * (out - y)
    elif cost == "mse":
        c, dout = ((out - y) ** 2).mean(), 2 * (out - y) / out.size
    else:  # bce
        p = np.clip(out, 1e-12, 1 - 1e-12)
        c = -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean()
        dout = (-(y / p) + (1 - y) / (1 - p)) / out.size
    grads = [None] * len(weights)
    delta = dout
    for i in reversed(range(len(weights))):
        hin, z, a = layers[i]
        delta = delta * ACT[activations[i]][1](a, z)
        grads[i] = hin.T @ delta
        delta = delta @ weights[i].T
        if bias:
            delta = delta[:, :-1]
    if l2:
        for i, W in enumerate(weights):
            mask = np.ones_like(W)
            if bias:
                mask[-1] = 0
            c += l2 * ((W * mask) ** 2).sum()
            grads[i] = grads[i] + 2 * l2 * W * mask
    if l1:
        for i, W in enumerate(weights):
            mask = np.ones_like(W)
            if bias:
                mask[-1] = 0
            c += l1 * np.abs(W * mask).sum()
            grads[i] = grads[i] + l1 * np.sign(W) * mask
    return c, grads


class ReferenceOptimizer:
    def __init__(self, kind, lr, weights, momentum=0.9):
        self.kind, self.lr, self.mu = kind, lr, momentum
        self.v = [np.zeros_like(w) for w in weights]
        self.m = [np.zeros_like(w) for w in weights]
        self.t = 0

    def step(self, weights, grads):
        if self.kind == "sgd":
            return [w - self.lr * g for w, g in zip(weights, grads, strict=True)]
        if self.kind == "momentum":
            self.v = [self.mu * v - self.lr * g for v, g in zip(self.v, grads, strict=True)]
            return [w + v for w, v in zip(weights, self.v, strict=True)]
        self.t += 1
        b1, b2, eps = 0.9, 0.999, 1e-8
        self.m = [b1 * m + (1 - b1) * g for m, g in zip(self.m, grads, strict=True)]
        self.v = [b2 * v + (1 - b2) * g**2 for v, g in zip(self.v, grads, strict=True)]
        new = []
        for w, m, v in zip(weights, self.m, self.v, strict=True):
            m_hat, v_hat = m / (1 - b1**self.t), v / (1 - b2**self.t)
            new.append(w - self.lr * m_hat / (np.sqrt(v_hat) + eps))
        return new


def train_reference(spec, X, y, weights, n_steps, batches):
    """Train like the engine: step k uses batch rows batches[k % len(batches)].

    Returns the final weights and each step's cost before its update."""
    net, tr = spec.network, spec.training
    acts = [*net.activations, net.output_activation]
    opt = ReferenceOptimizer(tr.optimizer, tr.learning_rate, weights, tr.momentum)
    costs = []
    for k in range(n_steps):
        rows = batches[k % len(batches)]
        c, g = cost_and_grads(weights, X[rows], y[rows], acts, net.bias, tr.cost, tr.l2, tr.l1)
        costs.append(c)
        weights = opt.step(weights, g)
    return weights, np.array(costs)


def assert_trained_like_reference(spec, trainer, n_steps, costs=None):
    """``trainer``'s weights (and, given, the step ``costs`` it returned) after ``n_steps``
    from its initial weights are the reference's, to 1e-12."""
    ds = trainer.dataset
    weights, ref_costs = train_reference(
        spec, np.asarray(ds.X), np.asarray(ds.y), trainer.initial_weights, n_steps, trainer.batches
    )
    if costs is not None:
        np.testing.assert_allclose(costs, ref_costs, rtol=0, atol=1e-12)
    for w, r in zip(trainer.get_weights(), weights, strict=True):
        np.testing.assert_allclose(w, r, rtol=0, atol=1e-12)


def inscribed_disc(m: int) -> np.ndarray:
    """(m, m) booleans: the pixels whose centre is within the disc inscribed in the square."""
    rows, cols = np.indices((m, m)) + 0.5
    return np.hypot(rows - m / 2, cols - m / 2) <= m / 2
