"""The total cost at many weight sets in one compiled call.

The graph is the model's own ``total_cost`` (the one training and the Training tab use: cost
kind, bias units, L2 and whatever terms the model grows), built on weight matrices and then
vectorized by PyTensor (``vectorize_graph``) so each weight matrix gains a leading batch axis
(G, rows, cols) and every grid point is one row of that batch. Nothing here re-derives the
network by hand, so the landscape cannot drift from the cost it claims to show.

It is compiled with FAST_COMPILE (the Python linker calling numpy): it compiles in about a
second, cold, and the batched matrix products run as numpy ``matmul`` over the whole batch.
Numba would compile for a minute and run slower on these batch shapes (measured in
bench/landscape.py's notes). The compiled function is shared through ``function_cache`` by
every caller with the same network and cost.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.basic import Constant
from pytensor.graph.fg import FunctionGraph
from pytensor.graph.replace import vectorize_graph
from pytensor.scalar.basic import Clip
from pytensor.tensor.basic import Alloc, Join
from pytensor.tensor.elemwise import Elemwise
from pytensor.tensor.math import Dot

from xorlab.core.training import model
from xorlab.core.training.function_cache import SharedFunction, compile_shared
from xorlab.core.training.spec import NetworkSpec, TrainingSpec

MODE = "FAST_COMPILE"

# Weight sets evaluated per call: the batch is cut into blocks whose widest intermediate
# (samples x widest layer x block) stays near this size, so memory stays bounded whatever the
# network and data. The tutorial's whole 41x41 grid is one call. The spiral's (512 samples,
# layers of 16) runs in 29 blocks of 60: one call would hold 110 MB per intermediate and
# peaks at 218 MB against 8 MB in blocks, and is no faster (372 ms against 311 ms, a quiet
# run of bench/landscape.py: the blocks stay in cache). A 64-wide net on 2,000 points in one
# call would need 1.7 GB per intermediate.
BLOCK_BYTES = 4 * 2**20


class CostFunctions:
    """The compiled batched cost and the gradient at one weight set, for one network. The
    gradient (only the 1-D mode needs it) compiles on first use: it would double the
    compile time of every plane."""

    def __init__(self, shapes, batched: SharedFunction, gradient_graph: tuple, widest: int):
        self.shapes: tuple[tuple[int, int], ...] = shapes
        self.batched = batched  # (X, y, *W of shape (G, r, c)) -> (G,) costs
        self.widest = widest  # the widest layer input, bias unit included: sizes the blocks
        self._gradient_graph = gradient_graph
        self._gradient: SharedFunction | None = None
        self._lock = threading.Lock()

    @property
    def gradient(self) -> SharedFunction:
        """(X, y, *W) -> list of dcost/dW."""
        with self._lock:
            if self._gradient is None:
                inputs, grads = self._gradient_graph
                self._gradient = compile_shared(inputs, grads, MODE, "landscape_gradient")
            return self._gradient


@functools.lru_cache(maxsize=16)
def cost_functions(net: NetworkSpec, training: TrainingSpec, n_inputs: int, n_outputs: int):
    """Compile (or take from the shared cache) the landscape's functions for this network.

    Memoized on the (frozen) specs as well: building and vectorizing the graph, then finding
    it in the function cache, takes ~70 ms, longer than the tutorial's whole grid, and the
    Landscape tab asks again at every refresh."""
    shapes = tuple(model.layer_shapes(net, n_inputs, n_outputs))
    X = pt.matrix("X", dtype="float64")
    y = pt.matrix("y", dtype="float64")
    weights = [pt.matrix(f"W{i + 1}", dtype="float64", shape=s) for i, s in enumerate(shapes)]
    cost = _bias_as_addition([X, y, *weights], model.total_cost(weights, X, y, net, training))
    batch = [
        pt.tensor(f"W{i + 1}_batch", dtype="float64", shape=(None, *s))
        for i, s in enumerate(shapes)
    ]
    batched = _numpy_friendly(
        [X, y, *batch], vectorize_graph(cost, dict(zip(weights, batch, strict=True)))
    )
    grads = pytensor.grad(cost, weights)
    widest = max(max(r, c) for r, c in shapes)
    return CostFunctions(
        shapes,
        compile_shared([X, y, *batch], batched, MODE, "landscape_cost"),
        ([X, y, *weights], grads),
        widest,
    )


def _bias_as_addition(inputs, output):
    """The same graph with each bias unit's ``dot(concatenate([h, ones]), W)`` spelled
    ``dot(h, W[:-1]) + W[-1]``: equal up to rounding (the bias term is added once instead of
    inside the product), but batched over G weight sets it skips building a (G, samples,
    width + 1) copy of every layer's input, about a third of the spiral's grid time."""
    graph = FunctionGraph(inputs, [output], clone=False)
    for node in list(graph.toposort()):
        if not isinstance(node.op, Dot):
            continue
        h_with_ones, w = node.inputs
        join = h_with_ones.owner
        if join is None or not isinstance(join.op, Join) or len(join.inputs) != 3:
            continue
        axis, h, ones = join.inputs
        if not (_constant_is(axis, 1) and _is_ones_column(ones)):
            continue
        graph.replace(node.outputs[0], pt.dot(h, w[:-1]) + w[-1])
    return graph.outputs[0]


def _constant_is(var, value: float) -> bool:
    return isinstance(var, Constant) and np.all(np.asarray(var.data) == value)


def _is_ones_column(var) -> bool:
    node = var.owner
    return (
        node is not None
        and isinstance(node.op, Alloc)
        and _constant_is(node.inputs[0], 1.0)
        and len(node.inputs) == 3
        and _constant_is(node.inputs[2], 1)
    )


def _numpy_friendly(inputs, output):
    """The same graph with ``clip`` spelled as maximum-then-minimum: the Python linker runs
    an elementwise op without a numpy twin one element at a time (clip took 0.37 s of a
    1.4 s spiral grid), while maximum and minimum are single numpy calls. Same values."""
    graph = FunctionGraph(inputs, [output], clone=False)
    for node in list(graph.toposort()):
        if isinstance(node.op, Elemwise) and isinstance(node.op.scalar_op, Clip):
            x, low, high = node.inputs
            graph.replace(node.outputs[0], pt.minimum(pt.maximum(x, low), high))
    return graph.outputs[0]


def block_size(n_samples: int, widest: int) -> int:
    return max(1, BLOCK_BYTES // (8 * max(1, n_samples) * max(1, widest)))


def gradient(
    functions: CostFunctions, X: np.ndarray, y: np.ndarray, weights: Sequence[np.ndarray]
) -> list[np.ndarray]:
    """d total cost / d each weight matrix at ``weights``."""
    with np.errstate(all="ignore"):
        return [np.asarray(g) for g in functions.gradient(X, y, *weights)]
