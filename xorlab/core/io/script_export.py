"""Export an experiment as a standalone PyTensor program a learner can read and run.

The script is written the tutorials' way (shared weights, one compiled call per step) so it
teaches rather than mirrors xorlab's internals, yet it reproduces xorlab's numbers: the same
RandomState draws, the same graph, the same batch order.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from xorlab.core.io.experiment import atomic_write
from xorlab.core.training.datasets import Dataset
from xorlab.core.training.features import uses_features
from xorlab.core.training.model import ADAM_BETA1, ADAM_BETA2, ADAM_EPS, BCE_CLIP, layer_shapes
from xorlab.core.training.shuffle import SHUFFLE_SALT, shuffles
from xorlab.core.training.spec import COST_LABELS, OPTIMIZER_LABELS, ExperimentSpec
from xorlab.core.training.trainer import batch_table

_ACTIVATION_CODE = {
    "sigmoid": "pt.sigmoid({})",
    "tanh": "pt.tanh({})",
    "relu": "pt.maximum({}, 0.0)",
    "softplus": "pt.softplus({})",
    "linear": "{}",
}

_INIT_CODE = {
    "uniform": "rng.uniform(-1, 1, {shape})",
    "rand": "rng.rand({rows}, {cols})",
    "glorot": "rng.uniform(-np.sqrt(6.0 / {fan}), np.sqrt(6.0 / {fan}), {shape})",
}

_COST_CODE = {
    "sse": "pt.sum((output - y) ** 2)",
    "mse": "pt.mean((output - y) ** 2)",
    "bce": (
        f"-pt.mean(y * pt.log(pt.clip(output, {BCE_CLIP!r}, 1 - {BCE_CLIP!r}))"
        f" + (1 - y) * pt.log(1 - pt.clip(output, {BCE_CLIP!r}, 1 - {BCE_CLIP!r})))"
    ),
}


def _literal(array: np.ndarray) -> str:
    # repr() of a Python float round-trips exactly, so the data is bit-for-bit the same.
    rows = ",\n    ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in array)
    return f"np.array([\n    {rows},\n])"


def _weights_code(spec: ExperimentSpec, dataset: Dataset) -> str:
    lines = [f"rng = np.random.RandomState({spec.network.seed})"]
    shapes = layer_shapes(spec.network, dataset.n_inputs, dataset.n_outputs)
    for i, (rows, cols) in enumerate(shapes, start=1):
        draw = _INIT_CODE[spec.network.init].format(
            shape=f"({rows}, {cols})", rows=rows, cols=cols, fan=rows + cols
        )
        lines.append(f'W{i} = pytensor.shared({draw}, name="W{i}")')
    return "\n".join(lines)


# Each input feature as PyTensor code on the (samples, 1) columns x1 and x2.
_FEATURE_CODE = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1 * x1",
    "x2^2": "x2 * x2",
    "x1*x2": "x1 * x2",
    "sin(x1)": "pt.sin(x1)",
    "sin(x2)": "pt.sin(x2)",
}


def _forward_code(spec: ExperimentSpec, n_layers: int) -> str:
    acts = [*spec.network.activations, spec.network.output_activation]
    lines = ["def forward(X):", "    h = X"]
    if uses_features(spec.network):
        columns = ", ".join(_FEATURE_CODE[name] for name in spec.network.features)
        lines = [
            "def forward(X):",
            "    x1, x2 = X[:, 0:1], X[:, 1:2]",
            f"    h = pt.concatenate([{columns}], axis=1)  # input features",
        ]
    for i, act in enumerate(acts, start=1):
        if spec.network.bias:
            lines.append(
                "    h = pt.concatenate([h, pt.ones((h.shape[0], 1))], axis=1)  # bias unit"
            )
        lines.append(f"    h = {_ACTIVATION_CODE[act].format(f'pt.dot(h, W{i})')}")
    lines.append("    return h")
    return "\n".join(lines)


def _updates_code(spec: ExperimentSpec, n_layers: int) -> str:
    tr = spec.training
    params = ", ".join(f"W{i}" for i in range(1, n_layers + 1))
    lines = [f"params = [{params}]", "grads = pytensor.grad(cost, params)"]
    if tr.optimizer == "sgd":
        lines.append("updates = [(p, p - learning_rate * g) for p, g in zip(params, grads)]")
    elif tr.optimizer == "momentum":
        lines += [
            "velocities = [pytensor.shared(np.zeros_like(p.get_value())) for p in params]",
            "updates = []",
            "for p, g, v in zip(params, grads, velocities):",
            f"    new_v = {tr.momentum!r} * v - learning_rate * g",
            "    updates += [(v, new_v), (p, p + new_v)]",
        ]
    else:
        lines += [
            "m = [pytensor.shared(np.zeros_like(p.get_value())) for p in params]",
            "v = [pytensor.shared(np.zeros_like(p.get_value())) for p in params]",
            "t = pytensor.shared(np.float64(0.0))",
            "t_new = t + 1.0",
            "updates = [(t, t_new)]",
            "for p, g, m_i, v_i in zip(params, grads, m, v):",
            f"    m_new = {ADAM_BETA1!r} * m_i + (1 - {ADAM_BETA1!r}) * g",
            f"    v_new = {ADAM_BETA2!r} * v_i + (1 - {ADAM_BETA2!r}) * g**2",
            f"    m_hat = m_new / (1 - {ADAM_BETA1!r} ** t_new)",
            f"    v_hat = v_new / (1 - {ADAM_BETA2!r} ** t_new)",
            f"    step = learning_rate * m_hat / (pt.sqrt(v_hat) + {ADAM_EPS!r})",
            "    updates += [(m_i, m_new), (v_i, v_new), (p, p - step)]",
        ]
    return "\n".join(lines)


def _cost_code(spec: ExperimentSpec, n_layers: int) -> str:
    code = f"cost = {_COST_CODE[spec.training.cost]}"
    if spec.training.l2 > 0:
        weights = [f"W{i}[:-1]" if spec.network.bias else f"W{i}" for i in range(1, n_layers + 1)]
        penalty = " + ".join(f"pt.sum({w} ** 2)" for w in weights)
        code += f"\ncost = cost + {spec.training.l2!r} * ({penalty})  # L2, bias rows excluded"
    if spec.training.l1 > 0:
        weights = [f"W{i}[:-1]" if spec.network.bias else f"W{i}" for i in range(1, n_layers + 1)]
        penalty = " + ".join(f"pt.sum(pt.abs({w}))" for w in weights)
        code += f"\ncost = cost + {spec.training.l1!r} * ({penalty})  # L1, bias rows excluded"
    return code


def _rows(training) -> str:
    return "order[rows]" if shuffles(training) else "rows"


def _epoch_order_code(spec: ExperimentSpec, dataset: Dataset) -> str:
    """With shuffling, each epoch's sample order, drawn as xorlab draws it."""
    if not shuffles(spec.training):
        return ""
    seed = spec.network.seed
    return (
        f"    # A new order every epoch, from the weight seed and the epoch number.\n"
        f"    order = np.random.default_rng([{seed}, epoch, {SHUFFLE_SALT}])"
        f".permutation({dataset.n_samples})\n"
    )


def export_script(spec: ExperimentSpec, dataset: Dataset) -> str:
    """Python source that trains ``spec`` on ``dataset`` with PyTensor and prints the result."""
    tr = spec.training
    n_layers = len(spec.network.hidden) + 1
    batches = batch_table(dataset.n_samples, tr.schedule, tr.batch_size)
    sizes = " -> ".join(str(s) for s in (dataset.n_inputs, *spec.network.hidden, dataset.n_outputs))
    return f'''"""A network exported from xorlab: {sizes}, {COST_LABELS[tr.cost]},
{OPTIMIZER_LABELS[tr.optimizer]} at learning rate {tr.learning_rate!r}, {tr.epochs} epochs.

Run it with Python 3.11, numpy and pytensor: `python this_file.py` (add --json for a JSON
summary). It prints the cost every {tr.log_every} epochs, as the tutorials do.
"""

import json
import sys

import numpy as np
import pytensor
import pytensor.tensor as pt

# The training data: inputs, then targets. Every name read from a file is written with
# repr(), so no text in a dataset or file name can end a line and become code.
dataset_name = {dataset.name!r}
input_names = {list(dataset.input_names)!r}
target_names = {list(dataset.target_names)!r}
X_data = {_literal(dataset.X)}
y_data = {_literal(dataset.y)}

# Initial weights, drawn layer by layer from one seeded generator.
{_weights_code(spec, dataset)}

X = pt.matrix("X")
y = pt.matrix("y")
learning_rate = {tr.learning_rate!r}


{_forward_code(spec, n_layers)}


output = forward(X)
{_cost_code(spec, n_layers)}
{_updates_code(spec, n_layers)}

train = pytensor.function([X, y], cost, updates=updates)
evaluate = pytensor.function([X, y], [output, cost])

# Sample rows of each step of an epoch ({tr.schedule} schedule).
batches = {batches.tolist()!r}
log = []
for epoch in range({tr.epochs}):
{_epoch_order_code(spec, dataset)}    for rows in batches:
        step_cost = train(X_data[{_rows(tr)}], y_data[{_rows(tr)}])
    if epoch % {tr.log_every} == 0:
        log.append([epoch, float(step_cost)])
        if "--json" not in sys.argv:
            print(f"epoch {{epoch:>7}}  cost {{float(step_cost):.10f}}")

outputs, final_cost = evaluate(X_data, y_data)
if "--json" in sys.argv:
    print(json.dumps({{"outputs": outputs.tolist(), "cost": float(final_cost), "log": log}}))
else:
    print("outputs:", outputs.ravel())
    print("cost:", float(final_cost))
'''


def write_script(path: Path, spec: ExperimentSpec, dataset: Dataset) -> None:
    atomic_write(Path(path), export_script(spec, dataset).encode("utf-8"))
