"""Any PyTensor graph -> a GraphView: DOT text, debugprint text, stats and a record per node.

graphs.py picks which graph to show (the network's targets, the expression lab); this module
turns a list of symbolic outputs, or a compiled function, into the view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pytensor.compile import Function
from pytensor.compile.maker import FunctionMaker
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Apply, AtomicVariable, Variable
from pytensor.graph.traversal import graph_inputs, toposort
from pytensor.printing import debugprint

from xorlab.core.graphs.dot import to_dot
from xorlab.core.graphs.nodes import EdgeInfo, NodeInfo, OutputSlot, collect
from xorlab.core.graphs.stats import GraphStats, graph_stats


class GraphError(ValueError):
    """An unknown target, stage or parameter; the message says what is valid."""


@dataclass(frozen=True, eq=False)
class GraphView:
    """One graph, ready to draw and inspect. Plain data: safe to hand to another thread."""

    title: str
    target: str  # a TARGETS key, 'expression', or 'custom'
    stage: str  # a STAGES key
    dot: str  # DOT source; ids of nodes and edges as in ``nodes`` / ``edges``
    # pytensor debugprint; its "[id ...]" tags are the node ids. '' when built with
    # ``with_text=False`` (the expression tab shows the DOT source, never this text).
    text: str
    stats: GraphStats
    # id -> record (treat as read-only): variables, then ops in topological order, then
    # output slots
    nodes: dict[str, NodeInfo]
    edges: tuple[EdgeInfo, ...]
    outputs: tuple[str, ...]  # ids of the output slots, in output order
    _edge_index: dict[str, EdgeInfo] = field(default_factory=dict, repr=False)

    def element(self, element_id: str) -> NodeInfo | None:
        """The record behind an SVG element id: a node's own record, or for an edge the
        variable it carries. Graphviz wraps tooltips in anchors with ids "a_<id>"; those
        work too. None for anything else (the graph's own <g>, clusters)."""
        if element_id not in self.nodes and element_id not in self._edge_index:
            element_id = element_id.removeprefix("a_")
        if element_id in self.nodes:
            return self.nodes[element_id]
        edge = self._edge_index.get(element_id)
        return self.nodes[edge.variable] if edge is not None else None


# --- generic builders --------------------------------------------------------------------------


def graph_from_outputs(
    outputs: Sequence[Variable],
    names: Sequence[str] | None = None,
    *,
    updates: Sequence[SharedVariable | None] | None = None,
    title: str = "",
    target: str = "custom",
    with_text: bool = True,
) -> GraphView:
    """The symbolic graph of ``outputs``, labelled ``names``; ``updates[i]``, when given, is
    the shared variable output i becomes the new value of. ``with_text=False`` leaves out the
    debugprint text (half the time of a 1,900-op view: debugprint re-walks shared inputs)."""
    outputs = list(outputs)
    names = (
        list(names) if names is not None else [_default_name(o, i) for i, o in enumerate(outputs)]
    )
    updates = list(updates) if updates is not None else [None] * len(outputs)
    # The view's records point at the very variables (and shared weights) the model uses,
    # and nothing is modified. The inputs and the order are those a FunctionGraph of the
    # outputs (clone=False, no features) gives; building one only to read them was a fifth of
    # the view of a 1,894-op expression (it registers every node's clients).
    inputs = [v for v in graph_inputs(outputs) if not isinstance(v, AtomicVariable)]
    slots = [OutputSlot(v, n, u) for v, n, u in zip(outputs, names, updates, strict=True)]
    return _view(
        inputs,
        list(toposort(outputs)),
        slots,
        outputs,
        title,
        target,
        "symbolic",
        with_text,
    )


def graph_from_function(
    fn: Function | FunctionMaker,
    names: Sequence[str] | None = None,
    *,
    select: Sequence[int] | None = None,
    title: str = "",
    target: str = "custom",
    with_text: bool = True,
) -> GraphView:
    """The optimized graph of a compiled function, or of a FunctionMaker (rewritten, never
    linked: no machine code). ``names`` label its outputs (updates are labelled 'update of
    <shared name>' on their own); ``select`` keeps only the part of the graph that computes
    those output indices. ``with_text`` as for graph_from_outputs."""
    fgraph = fn.fgraph if isinstance(fn, FunctionMaker) else fn.maker.fgraph
    n_outputs = len(fgraph.outputs) - len(fgraph.update_mapping)
    names = list(names) if names is not None else []
    slots = []
    for i, var in enumerate(fgraph.outputs):
        updated = fgraph.update_mapping.get(i)
        if updated is not None:
            shared = fgraph.inputs[updated]
            slots.append(OutputSlot(var, f"update of {shared.name or 'state'}", shared))
        else:
            slots.append(OutputSlot(var, names[i] if i < len(names) else _default_name(var, i)))
    chosen = list(range(len(slots))) if select is None else list(select)
    for i in chosen:
        if not 0 <= i < len(slots):
            raise GraphError(f"output {i} does not exist: the function has {n_outputs}")
    slots = [slots[i] for i in chosen]
    keep = _ancestor_applies([s.variable for s in slots])
    order = [node for node in fgraph.toposort() if node in keep]
    whole = select is None
    inputs = fgraph.inputs
    if not whole:
        # A part of the graph shows only the inputs that part reads (or returns).
        used = {v for node in order for v in node.inputs} | {s.variable for s in slots}
        inputs = [v for v in fgraph.inputs if v in used]
    return _view(
        inputs,
        order,
        slots,
        (fn if isinstance(fn, Function) else fgraph) if whole else [s.variable for s in slots],
        title,
        target,
        "optimized",
        with_text,
    )


def _default_name(var: Variable, index: int) -> str:
    return var.name or f"output {index}"


def _ancestor_applies(outputs: Sequence[Variable]) -> set[Apply]:
    seen: set[Apply] = set()
    stack = [v.owner for v in outputs if v.owner is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(v.owner for v in node.inputs if v.owner is not None)
    return seen


def _view(
    inputs: Sequence[Variable],
    order: Sequence[Apply],
    slots: Sequence[OutputSlot],
    printable: Any,
    title: str,
    target: str,
    stage: str,
    with_text: bool = True,
) -> GraphView:
    records = collect(inputs, order, slots)
    text = _debug_text(printable, records.ids, slots, records.outputs) if with_text else ""
    return GraphView(
        title=title,
        target=target,
        stage=stage,
        dot=to_dot(records.nodes, records.edges, title),
        text=text,
        stats=graph_stats(records.nodes),
        nodes=records.nodes,
        edges=records.edges,
        outputs=records.outputs,
        _edge_index={e.id: e for e in records.edges},
    )


def _debug_text(
    printable: Any, ids: dict[object, str], slots: Sequence[OutputSlot], slot_ids: Sequence[str]
) -> str:
    # Seeding debugprint's ids with ours makes "[id a3]" in the text name node a3 of the view.
    used_ids: dict[Any, str] = {
        obj: f"[id {node_id}]"
        for obj, node_id in ids.items()
        if isinstance(obj, Apply) or obj.owner is None
    }
    lines = ["Outputs, in the order printed below:"]
    for slot_id, slot in zip(slot_ids, slots, strict=True):
        lines.append(f"  {slot_id}  {slot.label}")
    body = debugprint(printable, file="str", used_ids=used_ids)
    return "\n".join(lines) + "\n\n" + str(body)
