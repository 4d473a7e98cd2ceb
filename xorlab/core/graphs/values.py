"""The value of every node of a network graph, for chosen training rows: live numbers on the
Graph tab.

The values are those of the SYMBOLIC graph (graphs.build_graph(..., "symbolic")): the
expressions as model.py builds them, before PyTensor's rewrites. Its variables are the very
ones the view numbers (the same outputs walked by graph_nodes.collect give the same ids), so
"v13" here is "v13" on screen. One function computing all of its intermediate variables at
once is compiled per trainer and graph, with FAST_COMPILE's rewrites on the Python linker (the
default Numba backend would JIT every one of the dozens of ops on the first call, tens of
seconds; FAST_COMPILE's own linker builds PyTensor's C module with g++ on a cold cache). The
optimized graph's values are not computed: its variables live inside a compiled function,
and the numbers are the same expressions' anyway.

Shared variables (the weights, the optimizer state, the learning rate) show their current
value, or a snapshot's (``at=``: a replayed epoch); the 'update of W1' output of the training
step shows W1 after one step on the rows. The compiled function takes them as inputs (each
shared variable is replaced by an input of its type), so values for any snapshot come from
the same function, and the trainer's shared variables are only read, never written.

Threads: call on the thread that owns the trainer (it reads the live weights).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pytensor
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Constant, Variable
from pytensor.graph.fg import FunctionGraph

from xorlab.core.graphs.build import symbolic_outputs
from xorlab.core.graphs.nodes import NodeInfo, OutputSlot, collect
from xorlab.core.graphs.view import GraphError, GraphView
from xorlab.core.pytensor_setup import INSPECT_MODE  # the Python linker: see there
from xorlab.core.training.trainer import Trainer, TrainingSnapshot

# Arrays up to this many elements are written out in full in a summary.
INLINE_SIZE = 6


class GraphValuesError(GraphError):
    """The graph asked for does not match the network's (it changed since it was drawn)."""


@dataclass(frozen=True, eq=False)
class GraphValues:
    """Node id -> value (plain copies) of one symbolic graph for ``rows`` of the training set.

    ``values`` holds every variable (v...) and output slot (o...); an op's value is its
    output's (see ``node_value``)."""

    target: str
    param: int
    rows: tuple[int, ...]
    step: int  # the step of the weights used: the trainer's, or the replayed snapshot's
    values: dict[str, np.ndarray]
    epoch: int = 0  # the epoch of the weights used
    replayed: bool = False  # computed for a snapshot (time travel), not the live weights

    def node_value(self, info: NodeInfo) -> np.ndarray | None:
        """The value a node shows: a variable's or output slot's own, an op's single output."""
        if info.kind == "apply":
            outputs = [o for o in info.outputs if o in self.values]
            return self.values[outputs[0]] if len(outputs) == 1 else None
        return self.values.get(info.id)


@dataclass(frozen=True, eq=False)
class _Program:
    """One graph's variables by id and the function computing the intermediate ones."""

    labels: dict[str, str]  # id -> drawn label, to check against the view on screen
    computed: tuple[str, ...]  # ids of the function's outputs, in order
    fn: pytensor.compile.Function  # (X, y, *shared values in ``shared``'s order) -> computed
    shared: dict[str, SharedVariable]
    constants: dict[str, np.ndarray]
    X_id: str | None
    y_id: str | None
    slots: dict[str, str]  # output slot id -> id of the variable it shows


_PROGRAMS: weakref.WeakKeyDictionary[Trainer, dict[tuple[str, int], _Program]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


def _program(trainer: Trainer, target: str, param: int) -> _Program:
    key = (target, param if target == "grad" else 0)
    with _LOCK:
        program = _PROGRAMS.setdefault(trainer, {}).get(key)
    if program is not None:
        return program
    outputs, names, updates = symbolic_outputs(trainer, target, key[1])
    fgraph = FunctionGraph(outputs=outputs, clone=False)
    slots = [OutputSlot(v, n, u) for v, n, u in zip(fgraph.outputs, names, updates, strict=True)]
    records = collect(fgraph.inputs, fgraph.toposort(), slots)
    sym = trainer.symbolic
    computed: list[tuple[str, Variable]] = []
    shared: dict[str, SharedVariable] = {}
    constants: dict[str, np.ndarray] = {}
    for obj, node_id in records.ids.items():
        if not isinstance(obj, Variable):
            continue
        if isinstance(obj, SharedVariable):
            shared[node_id] = obj
        elif isinstance(obj, Constant):
            constants[node_id] = np.array(obj.data, copy=True)
        elif obj.owner is not None:
            computed.append((node_id, obj))
    computed.sort(key=lambda item: int(item[0][1:]))
    # The shared variables become inputs: one compiled function serves the live weights and
    # every replayed snapshot's.
    given = {var: var.type(name=f"{var.name}_shown") for var in shared.values()}
    fn = pytensor.function(
        [sym.X, sym.y, *given.values()],
        [var for _, var in computed],
        givens=list(given.items()),
        mode=INSPECT_MODE,
        on_unused_input="ignore",
        name=f"graph_values_{target}",
    )
    program = _Program(
        labels={node_id: info.label for node_id, info in records.nodes.items()},
        computed=tuple(node_id for node_id, _ in computed),
        fn=fn,
        shared=shared,
        constants=constants,
        X_id=records.ids.get(sym.X),
        y_id=records.ids.get(sym.y),
        slots={slot_id: records.nodes[slot_id].inputs[0] for slot_id in records.outputs},
    )
    with _LOCK:
        _PROGRAMS[trainer][key] = program
    return program


def graph_values(
    trainer: Trainer,
    target: str,
    param: int = 0,
    rows: Sequence[int] | None = None,
    view: GraphView | None = None,
    at: TrainingSnapshot | None = None,
) -> GraphValues:
    """Every node's value in ``target``'s symbolic graph with training ``rows`` as the batch
    (None: the whole training set). ``view``, the symbolic view on screen, is checked to be
    the same graph (GraphValuesError if not). ``at``: use that snapshot's weights, optimizer
    state and learning rate instead of the trainer's current ones (GraphValuesError when it
    does not fit this network). The first call per graph compiles (~0.1-0.3 s)."""
    n = trainer.dataset.n_samples
    chosen = tuple(range(n)) if rows is None else tuple(int(r) for r in rows)
    if not chosen or any(not 0 <= r < n for r in chosen):
        raise IndexError(f"rows must be between 0 and {n - 1}, got {list(chosen) or 'none'}")
    program = _program(trainer, target, param)
    if view is not None and _differs(program, view):
        raise GraphValuesError(f"the graph on screen is not {target}'s symbolic graph any more")
    X = np.asarray(trainer.dataset.X)[list(chosen)]
    y = np.asarray(trainer.dataset.y)[list(chosen)]
    shown = _shared_values(trainer, at)
    lost = [var.name for var in program.shared.values() if var not in shown]
    if lost:
        raise GraphValuesError(
            f"the snapshot at epoch {at.epoch if at else 0:,} did not keep {', '.join(lost)}"
        )
    inputs = [shown[var] for var in program.shared.values()]
    values: dict[str, np.ndarray] = {}
    results = program.fn(X, y, *inputs)
    for node_id, value in zip(program.computed, results, strict=True):
        values[node_id] = np.array(value, copy=True)
    for node_id, value in zip(program.shared, inputs, strict=True):
        values[node_id] = np.array(value, copy=True)
    for node_id, value in program.constants.items():
        values[node_id] = value
    if program.X_id is not None:
        values[program.X_id] = X
    if program.y_id is not None:
        values[program.y_id] = y
    for slot_id, var_id in program.slots.items():
        values[slot_id] = values[var_id]
    return GraphValues(
        target=target,
        param=param if target == "grad" else 0,
        rows=chosen,
        step=trainer.step_count if at is None else at.step,
        values=values,
        epoch=trainer.epoch if at is None else at.epoch,
        replayed=at is not None,
    )


def _shared_values(
    trainer: Trainer, at: TrainingSnapshot | None
) -> dict[SharedVariable, np.ndarray]:
    """Each shared variable's value: the trainer's current one, or the snapshot's (those the
    snapshot did not keep are left out)."""
    if at is None:
        shared = (*trainer.params, *trainer.state, trainer.learning_rate)
        return {var: var.get_value(borrow=True) for var in shared}
    shapes = [np.shape(p.get_value(borrow=True)) for p in trainer.params]
    if [np.shape(w) for w in at.weights] != shapes:
        raise GraphValuesError(f"the weights at epoch {at.epoch:,} belong to another network")
    shown: dict[SharedVariable, np.ndarray] = dict(zip(trainer.params, at.weights, strict=True))
    if len(at.optimizer_state) == len(trainer.state):
        shown.update(zip(trainer.state, at.optimizer_state, strict=True))
    if at.learning_rate is not None:
        shown[trainer.learning_rate] = np.float64(at.learning_rate)
    return {var: np.asarray(value, dtype=np.float64) for var, value in shown.items()}


def _differs(program: _Program, view: GraphView) -> bool:
    if view.stage != "symbolic" or len(view.nodes) != len(program.labels):
        return True
    return any(program.labels.get(i) != info.label for i, info in view.nodes.items())


def summarize(value: np.ndarray | None, compact: bool = False) -> str:
    """A value in a few characters: a number, a small array written out, or its shape with
    min, max and mean (``compact``: 3 significant digits, and only the mean of a larger array:
    a label on the graph)."""
    if value is None:
        return ""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        return str(array.dtype)
    digits = 3 if compact else 4
    if array.size == 1:
        return _number(array.reshape(()).item(), digits)
    shape = "×".join(map(str, array.shape))
    if array.size == 0:
        return f"{shape} (empty)"
    if array.size <= INLINE_SIZE:
        if array.ndim == 2 and array.shape[0] > 1:
            rows = "; ".join(" ".join(_number(x, digits) for x in row) for row in array.tolist())
            return f"[{rows}]"
        return "[" + " ".join(_number(x, digits) for x in array.ravel().tolist()) + "]"
    data = array.astype(np.float64)
    if compact:
        return f"{shape} μ {_number(data.mean(), 3)}"
    return (
        f"{shape}: min {_number(data.min())}, max {_number(data.max())}, "
        f"mean {_number(data.mean())}"
    )


def _number(x: float | int, digits: int = 4) -> str:
    if isinstance(x, int | np.integer):
        return str(int(x))
    return f"{float(x):.{digits}g}"
