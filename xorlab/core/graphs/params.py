"""Which parts of a graph view belong to which weight matrix, for linked selection.

A weight W has, in any of the network's graphs: its own node, the ops that read it, its
update (training step) or gradient output, and its gradient subgraph: what computes that
update or gradient and is not the forward pass (the ancestors of the cost). Plain functions
on GraphView records: no PyTensor, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from xorlab.core.graphs.view import GraphView


@dataclass(frozen=True)
class ParamParts:
    weight: str | None  # the shared variable's node id
    outputs: frozenset[str]  # its update slot(s) or gradient output slot
    readers: frozenset[str]  # ops that take the weight as an input
    gradient: frozenset[str]  # the backward part computing its update or gradient

    def all(self) -> frozenset[str]:
        own = {self.weight} if self.weight else set()
        return frozenset(own) | self.outputs | self.readers | self.gradient


def ancestors(view: GraphView, start: str) -> set[str]:
    """``start`` and every node it is computed from."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        node_id = stack.pop()
        if node_id in seen or node_id not in view.nodes:
            continue
        seen.add(node_id)
        stack.extend(view.nodes[node_id].inputs)
    return seen


def forward_part(view: GraphView) -> set[str]:
    """The cost and what it is computed from: the named cost variable, else the 'cost'
    output; empty when the graph has no cost (the forward-pass graph)."""
    for node_id, info in view.nodes.items():
        if info.kind == "variable" and info.names and info.names[0] == "cost":
            return ancestors(view, node_id)
    for node_id in view.outputs:
        if view.nodes[node_id].label.split("\n", 1)[0] == "cost":
            return ancestors(view, node_id)
    return set()


def weight_node(view: GraphView, name: str) -> str | None:
    for node_id, info in view.nodes.items():
        if info.category == "shared" and info.names and info.names[0] == name:
            return node_id
    return None


def param_parts(view: GraphView, name: str, forward: set[str] | None = None) -> ParamParts:
    """Everything in ``view`` that belongs to the weight matrix called ``name`` ('W1')."""
    weight = weight_node(view, name)
    outputs = set()
    for node_id in view.outputs:
        info = view.nodes[node_id]
        title = info.label.split("\n", 1)[0]
        if (weight is not None and info.updates == weight) or title == f"d cost / d {name}":
            outputs.add(node_id)
    readers = set()
    if weight is not None:
        readers = {o for o in view.nodes[weight].outputs if view.nodes[o].kind == "apply"}
    forward = forward_part(view) if forward is None else forward
    gradient: set[str] = set()
    for node_id in outputs:
        gradient |= ancestors(view, node_id) - forward
    if weight is not None:
        gradient.discard(weight)
    return ParamParts(weight, frozenset(outputs), frozenset(readers), frozenset(gradient))


def param_of_node(view: GraphView, node_id: str, names: tuple[str, ...]) -> int | None:
    """The weight matrix (index into ``names``) a node belongs to, or None: the weight
    itself, its update or gradient output, an op reading it (or that op's value), or a node
    of exactly one weight's gradient subgraph."""
    info = view.nodes.get(node_id)
    if info is None:
        return None
    index = {name: i for i, name in enumerate(names)}
    if info.category == "shared" and info.names:
        return index.get(info.names[0])
    if info.kind == "output":
        if info.updates:
            return index.get(view.nodes[info.updates].names[0])
        title = info.label.split("\n", 1)[0]
        return index.get(title.removeprefix("d cost / d "))
    op_id = info.inputs[0] if info.kind == "variable" and info.inputs else node_id
    op = view.nodes.get(op_id)
    if op is not None and op.kind == "apply":
        for input_id in op.inputs:
            source = view.nodes[input_id]
            if source.category == "shared" and source.names and source.names[0] in index:
                return index[source.names[0]]
    forward = forward_part(view)
    owners = [
        i for i, name in enumerate(names) if node_id in param_parts(view, name, forward).gradient
    ]
    return owners[0] if len(owners) == 1 else None
