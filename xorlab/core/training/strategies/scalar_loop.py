"""The training step unrolled into scalars and run in one generated Numba loop.

For a tiny net the matrix graph is mostly overhead: arrays of 3 or 4 numbers, BLAS calls on
them, temporaries. Here the same PyTensor graph (``model.training_step``, gradients from
``pytensor.grad``) is evaluated once on scalar symbols, so each weight becomes one float
variable and each step a few dozen flops with no array at all. With ``fold_data`` each batch
position gets its own copy of the step with the sample values folded in as constants (XOR's
zeros and ones vanish); otherwise one copy reads them from a table.

Code size grows with batch size x weights (x positions when folding), and Numba's compile
time with code size, so this suits tiny nets only: ``choose`` decides from ``node_count``.
"""

from __future__ import annotations

import numpy as np
import pytensor.tensor as pt

from xorlab.core.training import model
from xorlab.core.training.strategies.base import LoopProblem, StrategyUnavailable, TrainingLoop
from xorlab.core.training.strategies.scalar_codegen import compile_source, loop_source
from xorlab.core.training.strategies.scalar_graph import ScalarGraph, Sym
from xorlab.core.training.strategies.unroll import unroll

# Unrolled operations beyond which the generated code would take too long to compile; the
# estimate is checked first, as unrolling a large net would itself take long.
MAX_NODES = 20_000
MAX_ESTIMATED_NODES = 4 * MAX_NODES


class FusedScalarLoop(TrainingLoop):
    """One Numba function: a loop over steps whose body is the unrolled step."""

    name = "fused"
    releases_gil = True  # the generated loop is compiled with nogil=True

    def __init__(self, problem: LoopProblem, fold_data: bool | None = None):
        super().__init__(problem)
        check_size(problem)
        if fold_data is None:
            fold_data = problem.steps_per_epoch <= 8 and not problem.shuffle
        if fold_data and problem.shuffle:
            raise ValueError("a shuffled order needs the sample values in a table")
        self.fold_data = fold_data
        self._shapes = [v.get_value(borrow=True).shape for v in (*problem.params, *problem.state)]
        graph, variants, data_names = self._unroll()
        self.node_count = len(graph)
        if self.node_count > MAX_NODES:
            raise StrategyUnavailable(
                f"the unrolled step has {self.node_count} operations (limit {MAX_NODES})"
            )
        source = loop_source(
            graph, variants, sum(int(np.prod(s)) for s in self._shapes), data_names
        )
        self.source = source
        self._train = compile_source(source)
        X, y = problem.batch_data()
        table = np.concatenate([X.reshape(len(X), -1), y.reshape(len(y), -1)], axis=1)
        self._data = np.ascontiguousarray(table if data_names else np.zeros((1, 1)))
        self._data_names = data_names
        self.run(0, 0)  # Numba compiles (or loads its cache) on the first call

    def _unroll(self) -> tuple[ScalarGraph, list[list], list[str]]:
        p = self.problem
        net, tr = p.spec.network, p.spec.training
        graph = ScalarGraph()
        # The step as a PyTensor graph on inputs of known shape.
        ins = [pt.tensor(shape=s, dtype="float64") for s in self._shapes]
        n_params = len(p.params)
        X = pt.tensor(shape=(p.batch_size, p.X.shape[1]), dtype="float64")
        y = pt.tensor(shape=(p.batch_size, p.y.shape[1]), dtype="float64")
        lr = pt.dscalar("lr")
        cost, new_params, new_state = model.training_step(
            ins[:n_params], ins[n_params:], X, y, lr, net, tr
        )
        outs = [cost, *new_params, *new_state]
        counter = iter(range(10**9))
        state_values = [_symbols(graph, s, "s", counter) for s in self._shapes]
        lr_value = np.array(graph.input("lr"), dtype=object)
        if self.fold_data:
            Xs, ys = p.batch_data()
            data_values = [[Xs[i], ys[i]] for i in range(p.steps_per_epoch)]
            data_names: list[str] = []
        else:
            counter = iter(range(10**9))
            Xv = _symbols(graph, X.type.shape, "d", counter)
            yv = _symbols(graph, y.type.shape, "d", counter)
            data_values = [[Xv, yv]]
            data_names = [graph.names[s.id] for s in (*Xv.ravel(), *yv.ravel())]
        variants = []
        for Xp, yp in data_values:
            values = unroll(graph, [*ins, X, y, lr], [*state_values, Xp, yp, lr_value], outs)
            variants.append(_flat_outputs(values))
        return graph, variants, data_names

    def set_batch_data(self, X: np.ndarray, y: np.ndarray) -> None:
        if self.fold_data:
            raise ValueError("this loop has the sample values folded into its code")
        table = np.concatenate([X.reshape(len(X), -1), y.reshape(len(y), -1)], axis=1)
        self._data = np.ascontiguousarray(table, dtype=np.float64)

    def run(self, position: int, n_steps: int) -> np.ndarray:
        flat = np.concatenate([np.ravel(v) for v in self.read_state()]).astype(np.float64)
        costs = np.empty(max(n_steps, 0))
        lr = float(self.problem.learning_rate.get_value())
        self._train(flat, self._data, lr, int(position), int(n_steps), costs)
        values, start = [], 0
        for shape in self._shapes:
            size = int(np.prod(shape))
            values.append(flat[start : start + size].reshape(shape).copy())
            start += size
        self.write_state(values)
        return costs


def check_size(problem: LoopProblem) -> None:
    """Raise StrategyUnavailable when the estimate says the unrolled step is too large, before
    anything is unrolled or compiled."""
    estimate = estimate_nodes(problem)
    if estimate > MAX_ESTIMATED_NODES:
        raise StrategyUnavailable(
            f"the unrolled step would have about {estimate} operations "
            f"(limit {MAX_ESTIMATED_NODES})"
        )


def estimate_nodes(problem: LoopProblem) -> int:
    """A cheap upper estimate of the fused loop's unrolled operations (no unrolling)."""
    net = problem.spec.network
    shapes = model.layer_shapes(net, problem.X.shape[1], problem.y.shape[1])
    weights = sum(a * b for a, b in shapes)
    units = sum(b for _, b in shapes)
    # Per sample: forward, back-propagated deltas and gradient terms, each a multiply-add per
    # weight, plus a few operations per unit; then the optimizer's few per weight.
    per_step = problem.batch_size * (6 * weights + 8 * units) + 16 * weights
    copies = problem.steps_per_epoch if problem.steps_per_epoch <= 8 else 1
    return copies * per_step


def _symbols(graph: ScalarGraph, shape: tuple, prefix: str, counter) -> np.ndarray:
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(*shape):
        out[idx] = graph.input(f"{prefix}{next(counter)}")
    return out


def _flat_outputs(values: list[np.ndarray]) -> list:
    """cost, then every element of the new weights and state, in the flat state order."""
    flat: list = []
    for k, v in enumerate(values):
        v = np.asarray(v, dtype=object)
        if k == 0:
            flat.append(v.item() if v.ndim == 0 else v.ravel()[0])
        else:
            flat.extend(x if isinstance(x, Sym) else float(x) for x in v.ravel())
    return flat
