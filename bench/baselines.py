"""Training loops written without xorlab's engine, for bench/engine.py to compare against.

Each ``make_*`` takes (spec, X, y, batches, weights) and returns ``run(n_steps) -> costs``
training its own copy of the weights, plus ``weights() -> list`` of the current ones. Step k
uses rows ``batches[k % len(batches)]`` and returns its cost before the update, like the
engine; the numbers agree with it to rounding.
"""

from __future__ import annotations

from functools import partial

import numpy as np

ADAM = (0.9, 0.999, 1e-8)


def make_tutorial(spec, X, y, batches, weights):
    """(a) The tutorial's way: one compiled PyTensor call per step, updates on shared
    variables (the 28-line Theano XOR script, with the trainer's graph builders)."""
    import pytensor
    import pytensor.tensor as pt

    from xorlab.core.training import model

    params = [pytensor.shared(w.copy()) for w in weights]
    state = [pytensor.shared(s) for s in model.optimizer_state(spec.training, weights)]
    lr = pytensor.shared(np.float64(spec.training.learning_rate))
    xs, ys = pt.matrix("x"), pt.matrix("y")
    cost, new_params, new_state = model.training_step(
        params, state, xs, ys, lr, spec.network, spec.training
    )
    updates = [*zip(params, new_params, strict=True), *zip(state, new_state, strict=True)]
    train = pytensor.function([xs, ys], cost, updates=updates)
    batch_X, batch_y = [X[r] for r in batches], [y[r] for r in batches]
    spe, done = len(batches), [0]

    def run(n):
        costs = np.empty(n)
        k0 = done[0]
        for k in range(n):
            p = (k0 + k) % spe
            costs[k] = train(batch_X[p], batch_y[p])
        done[0] += n
        return costs

    return run, lambda: [p.get_value() for p in params]


def make_numpy(spec, X, y, batches, weights):
    """(b) A plain numpy loop with hand-derived backpropagation."""
    net, tr = spec.network, spec.training
    acts = [*net.activations, net.output_activation]
    W = [w.copy() for w in weights]
    m = [np.zeros_like(w) for w in W]
    v = [np.zeros_like(w) for w in W]
    t = [0]
    bias = net.bias
    batch_X = [np.ascontiguousarray(X[r]) for r in batches]
    batch_y = [np.ascontiguousarray(y[r]) for r in batches]
    ones = [np.ones((len(r), 1)) for r in batches]
    spe, done = len(batches), [0]
    lr = tr.learning_rate

    def step(p):
        h, ins, outs = batch_X[p], [], []
        for w, act in zip(W, acts, strict=True):
            hin = np.hstack([h, ones[p]]) if bias else h
            z = hin @ w
            h = 1 / (1 + np.exp(-z)) if act == "sigmoid" else np.tanh(z)
            ins.append(hin)
            outs.append(h)
        target = batch_y[p]
        if tr.cost == "sse":
            cost, delta = ((h - target) ** 2).sum(), 2 * (h - target)
        else:  # bce
            q = np.clip(h, 1e-12, 1 - 1e-12)
            cost = -(target * np.log(q) + (1 - target) * np.log(1 - q)).mean()
            delta = (-(target / q) + (1 - target) / (1 - q)) / h.size
        grads = [None] * len(W)
        for i in reversed(range(len(W))):
            a = outs[i]
            delta = delta * (a * (1 - a) if acts[i] == "sigmoid" else 1 - a * a)
            grads[i] = ins[i].T @ delta
            if i:
                delta = delta @ W[i].T
                if bias:
                    delta = delta[:, :-1]
        if tr.optimizer == "sgd":
            for w, g in zip(W, grads, strict=True):
                w -= lr * g
        else:  # adam
            b1, b2, eps = ADAM
            t[0] += 1
            for i, g in enumerate(grads):
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g**2
                mh, vh = m[i] / (1 - b1 ** t[0]), v[i] / (1 - b2 ** t[0])
                W[i] -= lr * mh / (np.sqrt(vh) + eps)
        return cost

    def run(n):
        costs = np.empty(n)
        k0 = done[0]
        for k in range(n):
            costs[k] = step((k0 + k) % spe)
        done[0] += n
        return costs

    return run, lambda: [w.copy() for w in W]


def make_numba_xor(spec, X, y, batches, weights):
    """(d) A hand-fused Numba loop for the 28-line tutorial's net: 2-3-1 sigmoid, no bias,
    SSE, full-batch gradient descent. Only that net: it is written by hand."""
    import numba

    net, tr = spec.network, spec.training
    assert net.hidden == (3,) and not net.bias and tr.optimizer == "sgd" and tr.cost == "sse"
    assert len(batches) == 1 and X.shape == (4, 2)

    @numba.njit(cache=True, error_model="numpy")
    def loop(W1, W2, X, y, lr, n, costs):
        h = np.empty(3)
        dW1 = np.empty((2, 3))
        dW2 = np.empty(3)
        for k in range(n):
            cost = 0.0
            dW1[:] = 0.0
            dW2[:] = 0.0
            for s in range(4):
                for j in range(3):
                    h[j] = 1.0 / (1.0 + np.exp(-(X[s, 0] * W1[0, j] + X[s, 1] * W1[1, j])))
                o = 1.0 / (1.0 + np.exp(-(h[0] * W2[0, 0] + h[1] * W2[1, 0] + h[2] * W2[2, 0])))
                e = o - y[s, 0]
                cost += e * e
                d = 2.0 * e * o * (1.0 - o)
                for j in range(3):
                    dW2[j] += h[j] * d
                    dh = d * W2[j, 0] * h[j] * (1.0 - h[j])
                    dW1[0, j] += X[s, 0] * dh
                    dW1[1, j] += X[s, 1] * dh
            costs[k] = cost
            for j in range(3):
                W2[j, 0] -= lr * dW2[j]
                W1[0, j] -= lr * dW1[0, j]
                W1[1, j] -= lr * dW1[1, j]

    W1, W2 = weights[0].copy(), weights[1].copy()
    Xc, yc = np.ascontiguousarray(X), np.ascontiguousarray(y)

    def run(n):
        costs = np.empty(n)
        loop(W1, W2, Xc, yc, tr.learning_rate, n, costs)
        return costs

    run(0)  # compile
    return run, lambda: [W1.copy(), W2.copy()]


def make_jax(spec, X, y, batches, weights, block: int):
    """JAX by hand: jax.grad of the cost and lax.scan over ``block`` steps per call."""
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    net, tr = spec.network, spec.training
    acts = [*net.activations, net.output_activation]
    Xs, ys = jnp.asarray(X[batches]), jnp.asarray(y[batches])
    spe = len(batches)

    def cost_fn(W, xb, yb):
        h = xb
        for w, act in zip(W, acts, strict=True):
            if net.bias:
                h = jnp.concatenate([h, jnp.ones((h.shape[0], 1))], axis=1)
            z = h @ w
            h = jax.nn.sigmoid(z) if act == "sigmoid" else jnp.tanh(z)
        if tr.cost == "sse":
            return jnp.sum((h - yb) ** 2)
        q = jnp.clip(h, 1e-12, 1 - 1e-12)
        return -jnp.mean(yb * jnp.log(q) + (1 - yb) * jnp.log(1 - q))

    b1, b2, eps = ADAM

    def step(carry, pos):
        W, m, v, t = carry
        c, g = jax.value_and_grad(cost_fn)(W, Xs[pos], ys[pos])
        if tr.optimizer == "sgd":
            W = tuple(w - tr.learning_rate * gi for w, gi in zip(W, g, strict=True))
            return (W, m, v, t), c
        t = t + 1.0
        m = tuple(b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=True))
        v = tuple(b2 * vi + (1 - b2) * gi**2 for vi, gi in zip(v, g, strict=True))
        W = tuple(
            w - tr.learning_rate * (mi / (1 - b1**t)) / (jnp.sqrt(vi / (1 - b2**t)) + eps)
            for w, mi, vi in zip(W, m, v, strict=True)
        )
        return (W, m, v, t), c

    @partial(jax.jit, static_argnames="length")
    def chunk(carry, start, length):
        return jax.lax.scan(step, carry, (start + jnp.arange(length)) % spe)

    zeros = tuple(jnp.zeros_like(jnp.asarray(w)) for w in weights)
    carry = [(tuple(jnp.asarray(w) for w in weights), zeros, zeros, jnp.float64(0.0))]
    done = [0]

    def run(n):
        # Whole blocks, then the rest in one call (its length compiles once, untimed if the
        # caller warms up with it).
        out = []
        for length in [block] * (n // block) + ([n % block] if n % block else []):
            carry[0], costs = chunk(carry[0], done[0] % spe, length)
            done[0] += length
            out.append(costs)
        return np.concatenate([np.asarray(c) for c in out]) if out else np.empty(0)

    run(block)  # compile
    done[0] = 0
    carry[0] = (tuple(jnp.asarray(w) for w in weights), zeros, zeros, jnp.float64(0.0))
    return run, lambda: [np.asarray(w) for w in carry[0][0]]
