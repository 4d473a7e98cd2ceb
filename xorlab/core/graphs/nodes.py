"""Walks a PyTensor graph into plain records: one NodeInfo per op, variable and output slot.

Everything the graph view shows (DOT, stats, the node inspector) is built from these records,
so ids, counts and drawing cannot disagree. Ids are stable for the same graph: apply nodes
are ``a0, a1, ...`` in topological order, variables ``v0, v1, ...`` in order of first use
(graph inputs first) and output slots ``o0, o1, ...`` in output order.

Intermediate values are drawn as edges between the ops that make and use them, the way a
reader follows a dataflow diagram; inputs, weights and constants are drawn as nodes, and each
output gets its own marker node ("cost", "update of W1") so a value that is both an output and
used further on still reads clearly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Apply, Constant, Variable
from pytensor.tensor.elemwise import Elemwise

from xorlab.core.graphs import ops as graph_ops

# Constants with more elements than this show their shape instead of their value.
CONSTANT_LABEL_SIZE = 6
# Fused formulas longer than this are shortened in the box (the tooltip keeps them whole).
FORMULA_LABEL_CHARS = 48


@dataclass(frozen=True, eq=False)
class NodeInfo:
    """One element of the graph view, as the node inspector shows it.

    kind is 'apply' (an op), 'variable' (a value) or 'output' (an output slot of the graph).
    category is one of graph_ops.OP_CATEGORIES for ops, 'input' / 'shared' / 'constant' /
    'intermediate' for variables and 'output' / 'update' for output slots.
    inputs / outputs are ids to navigate by: an op's input and output variables; a
    variable's producing op and the ops (and output slots) that use it; an output slot's
    variable.
    """

    id: str
    kind: str
    category: str
    label: str  # what the drawn node shows (may span lines)
    op: str  # str(op) for ops; '' otherwise
    op_class: str  # the Python class: 'Elemwise', 'Dot', 'TensorSharedVariable', ...
    op_name: str  # histogram key for ops ('Sigmoid', 'Composite', 'Sum'); '' otherwise
    types: tuple[str, ...]  # PyTensor types (dtype and static shape) of the values
    names: tuple[str, ...]  # variable names ('' where unnamed)
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    detail: str  # tooltip text: op, class, types, fused formulas, value
    drawn_as: str  # 'node' or 'edge' (intermediate values are edges)
    fused_ops: int = 0  # scalar ops inside a fused Composite
    value: np.ndarray | None = None  # a copy: current value of a shared variable, or constant
    updates: str = ""  # for an 'update' output slot: the id of the shared variable it updates


@dataclass(frozen=True)
class EdgeInfo:
    """A drawn edge: ``variable`` flows from ``source`` into input ``position`` of ``target``.

    An 'update' edge runs from an update slot back to its shared variable: the value that
    variable holds at the next call.
    """

    id: str
    source: str
    target: str
    variable: str
    position: int  # input position at the target; -1 for an update edge
    kind: str = "data"  # 'data', or 'update': an update slot back to the weight it overwrites


@dataclass(frozen=True)
class OutputSlot:
    """How one graph output is labelled; ``updates`` is the shared variable it overwrites."""

    variable: Variable
    label: str
    updates: Variable | None = None


@dataclass(frozen=True)
class GraphRecords:
    nodes: dict[str, NodeInfo]
    edges: tuple[EdgeInfo, ...]
    outputs: tuple[str, ...]  # output slot ids in output order
    ids: dict[object, str]  # PyTensor Apply / Variable -> id, for debugprint


def collect(
    inputs: Sequence[Variable], order: Sequence[Apply], slots: Sequence[OutputSlot]
) -> GraphRecords:
    """Records for the ops ``order`` (topologically sorted) between ``inputs`` and ``slots``."""
    ids: dict[object, str] = {}
    var_order: list[Variable] = []

    def var_id(var: Variable) -> str:
        if var not in ids:
            ids[var] = f"v{len(var_order)}"
            var_order.append(var)
        return ids[var]

    for var in inputs:
        var_id(var)
    for k, node in enumerate(order):
        for var in node.inputs:
            var_id(var)
        ids[node] = f"a{k}"
        for var in node.outputs:
            var_id(var)
    for slot in slots:
        var_id(slot.variable)
        if slot.updates is not None:
            var_id(slot.updates)

    users: dict[str, list[str]] = {ids[v]: [] for v in var_order}
    edges: list[EdgeInfo] = []
    for node in order:
        target = ids[node]
        for position, var in enumerate(node.inputs):
            users[ids[var]].append(target)
            edges.append(_edge(ids, var, target, position))
    slot_ids = tuple(f"o{i}" for i in range(len(slots)))
    for slot_id, slot in zip(slot_ids, slots, strict=True):
        users[ids[slot.variable]].append(slot_id)
        edges.append(_edge(ids, slot.variable, slot_id, 0))
        if slot.updates is not None:
            target = ids[slot.updates]
            edges.append(EdgeInfo(f"u_{slot_id}_{target}", slot_id, target, target, -1, "update"))
    for var in var_order:
        # An op output nobody uses (the spare output of a multi-output op) is drawn as a
        # node hanging off its op, so it still shows.
        if var.owner is not None and not users[ids[var]] and _drawn_as_edge(var):
            vid, owner = ids[var], ids[var.owner]
            edges.append(EdgeInfo(edge_id(vid, vid, 0), owner, vid, vid, 0))

    nodes: dict[str, NodeInfo] = {}
    # A gradient's graph repeats equal ops and unnamed values of one type hundreds of times:
    # what a record says about them is worked out once per distinct op (or value kind).
    looks: dict[object, dict] = {}
    for var in var_order:
        nodes[ids[var]] = _variable_info(var, ids, users[ids[var]], looks)
    for node in order:
        nodes[ids[node]] = _apply_info(node, ids, looks)
    for slot_id, slot in zip(slot_ids, slots, strict=True):
        nodes[slot_id] = _slot_info(slot_id, slot, ids)
    return GraphRecords(nodes, tuple(edges), slot_ids, ids)


def edge_id(variable: str, target: str, position: int) -> str:
    return f"e_{variable}_{target}_{position}"


def _edge(ids: dict[object, str], var: Variable, target: str, position: int) -> EdgeInfo:
    vid = ids[var]
    source = ids[var.owner] if _drawn_as_edge(var) else vid
    return EdgeInfo(edge_id(vid, target, position), source, target, vid, position)


def _drawn_as_edge(var: Variable) -> bool:
    return var.owner is not None and not isinstance(var, Constant | SharedVariable)


def short_type(var: Variable) -> str:
    """'float64 (?, ?)' for a matrix of unknown shape; the real shape for shared values."""
    dtype = getattr(var.type, "dtype", "")
    if isinstance(var, SharedVariable):
        shape = np.shape(var.get_value(borrow=True))
    else:
        shape = getattr(var.type, "shape", None)
    if shape is None:
        return str(var.type)
    dims = ", ".join("?" if d is None else str(d) for d in shape)
    return f"{dtype} ({dims}{',' if len(shape) == 1 else ''})"


def _value_of(var: Variable) -> np.ndarray | None:
    if isinstance(var, SharedVariable):
        return np.array(var.get_value(borrow=True), copy=True)
    if isinstance(var, Constant):
        return np.array(var.data, copy=True)
    return None


def _constant_text(value: np.ndarray) -> str:
    if value.ndim == 0 and value.dtype.kind in "biuf":
        return f"{value.item():g}"
    if value.size > CONSTANT_LABEL_SIZE:
        return f"array {'x'.join(map(str, value.shape))}"
    return np.array2string(value, precision=4, separator=", ", suppress_small=True)


def _printed(value: np.ndarray) -> str:
    """``np.array2string(value, precision=4, suppress_small=True)``, remembered by value for
    numbers: a gradient's graph repeats a few constants hundreds of times (the 100-term
    quotient's has 301): its records took 77 ms against 91 ms printing each (best of 8
    runs each, interleaved in one process)."""
    if value.dtype.kind not in "biufc":
        return np.array2string(value, precision=4, suppress_small=True)
    return _printed_number(value.dtype.str, value.shape, value.tobytes())


@lru_cache(maxsize=1024)
def _printed_number(dtype: str, shape: tuple[int, ...], data: bytes) -> str:
    value = np.frombuffer(data, dtype=dtype).reshape(shape)
    return np.array2string(value, precision=4, suppress_small=True)


def _variable_info(
    var: Variable, ids: dict[object, str], users: list[str], looks: dict | None = None
) -> NodeInfo:
    vid = ids[var]
    value = _value_of(var)
    as_edge = _drawn_as_edge(var) and bool(users)
    name = var.name or ""
    # Of a value computed by an op (not a constant or shared one), the texts follow from its
    # title, type and whether it is used; a constant prints its own value.
    key = None
    if looks is not None and value is None and var.owner is not None:
        title = name or str(var)
        key = ("variable", title, str(var.type), type(var), bool(users))
        look = looks.get(key)
        if look is not None:
            return NodeInfo(
                id=vid,
                inputs=(ids[var.owner],),
                outputs=tuple(dict.fromkeys(users)),
                names=(name,),
                drawn_as="edge" if as_edge else "node",
                value=None,
                **look,
            )
    category = graph_ops.variable_category(var)
    if isinstance(var, Constant) and value is not None:
        title = name or _constant_text(value)
    else:
        title = name or (str(var) if var.owner is not None else "input")
    label = f"{title}\n{short_type(var)}"
    described = graph_ops.variable_description(category, bool(users))
    detail = f"{title}\n{described}\ntype: {var.type}"
    # Shared values change as training runs, so only constants print theirs into the
    # (cached) drawing; NodeInfo.value always holds the current value.
    if isinstance(var, Constant) and value is not None and value.size <= 64:
        detail += f"\nvalue: {_printed(value)}"
    look = {
        "kind": "variable",
        "category": category,
        "label": label,
        "op": "",
        "op_class": type(var).__name__,
        "op_name": "",
        "types": (str(var.type),),
        "detail": detail,
    }
    if key is not None:
        looks[key] = look
    return NodeInfo(
        id=vid,
        inputs=(ids[var.owner],) if var.owner is not None else (),
        outputs=tuple(dict.fromkeys(users)),
        names=(name,),
        drawn_as="edge" if as_edge else "node",
        value=value,
        **look,
    )


def _shorten(text: str, limit: int = FORMULA_LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _apply_info(node: Apply, ids: dict[object, str], looks: dict | None = None) -> NodeInfo:
    # Equal ops (interchangeable, by PyTensor's definition) with outputs of equal types are
    # described alike. An elementwise op that fuses nothing is all in its text and class
    # (comparing two ops by their properties took longer than describing one).
    op = node.op
    types = tuple(str(out.type) for out in node.outputs)
    if isinstance(op, Elemwise) and graph_ops.fused_op_count(op) == 0:
        key = ("apply", type(op), str(op), types)
    else:
        key = ("apply", op, types)
    look = looks.get(key) if looks is not None else None
    if look is None:
        look = _apply_look(node)
        if looks is not None:
            looks[key] = look
    return NodeInfo(
        id=ids[node],
        names=tuple(out.name or "" for out in node.outputs),
        inputs=tuple(ids[v] for v in node.inputs),
        outputs=tuple(ids[v] for v in node.outputs),
        drawn_as="node",
        **look,
    )


def _apply_look(node: Apply) -> dict:
    """What an op's record says that does not depend on where it is in the graph."""
    op = node.op
    category = graph_ops.op_category(op)
    name = graph_ops.op_name(op)
    formulas = graph_ops.fused_expressions(op)
    fused = graph_ops.fused_op_count(op)
    types = graph_ops.node_types(node)
    if formulas:
        label = "\n".join([f"Composite ({fused} ops)", *(_shorten(f) for f in formulas[:3])])
        if len(formulas) > 3:
            label += f"\n+{len(formulas) - 3} more outputs"
    else:
        label = _shorten(str(op))
    detail_lines = [
        str(op),
        f"class: {type(op).__name__} ({graph_ops.OP_CATEGORIES[category]})",
        *(f"out {i}: {t}" for i, t in enumerate(types)),
    ]
    if formulas:
        detail_lines.append(f"fuses {fused} scalar ops:")
        detail_lines += [f"  out {i} = {f}" for i, f in enumerate(formulas)]
    return {
        "kind": "apply",
        "category": category,
        "label": label,
        "op": str(op),
        "op_class": type(op).__name__,
        "op_name": name,
        "types": types,
        "detail": "\n".join(detail_lines),
        "fused_ops": fused,
    }


def _slot_info(slot_id: str, slot: OutputSlot, ids: dict[object, str]) -> NodeInfo:
    var = slot.variable
    category = "update" if slot.updates is not None else "output"
    detail = f"{slot.label}\n{graph_ops.VARIABLE_CATEGORIES[category]}\ntype: {var.type}"
    return NodeInfo(
        id=slot_id,
        kind="output",
        category=category,
        label=f"{slot.label}\n{short_type(var)}",
        op="",
        op_class="",
        op_name="",
        types=(str(var.type),),
        names=(slot.label,),
        inputs=(ids[var],),
        outputs=(),
        detail=detail,
        drawn_as="node",
        updates=ids[slot.updates] if slot.updates is not None else "",
    )
