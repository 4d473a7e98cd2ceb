"""Graph records -> DOT text, with pydot, styled for reading rather than debugging.

Every element carries an ``id`` (Graphviz copies it onto the SVG ``<g>`` element) and a
tooltip, so a view can map a click on the SVG back to a NodeInfo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pydot

from xorlab.core.graphs.nodes import EdgeInfo, NodeInfo
from xorlab.core.graphs.ops import FILL_COLOURS

FONT = "Helvetica"
# Above this many drawn nodes, Graphviz's default layout takes seconds to minutes: measured on
# the symbolic graph of f and f' of x**x/x**x/... (quiet, 2 cores), 10 terms (184 ops) took
# 18 s, 20 terms over 60 s. Almost all of it is spline routing and the network-simplex and
# crossing-minimisation iterations; straight edges and capped iterations drew the same graphs
# in 0.19 s and 0.85 s (40 terms, 754 ops: 3.3 s). Smaller graphs keep the curved edges.
LARGE_GRAPH_NODES = 100
QUICK_LAYOUT = {"splines": "line", "nslimit": "0.1", "nslimit1": "0.1", "mclimit": "0.1"}
_CONTROL_PICTURES = {c: 0x2400 + c for c in range(32) if c != ord("\n")} | {127: 0x2421}


def quoted(text: str) -> str:
    """A DOT quoted string. pydot leaves strings that look quoted or like HTML (``<...>``)
    as they are, so every value is quoted here, where the escaping is known to be right."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    # Other control characters (NUL...) cannot appear in the SVG (XML) Graphviz writes:
    # show them as their Unicode control pictures (U+2400 + code), visible and harmless.
    escaped = escaped.translate(_CONTROL_PICTURES)
    return '"' + escaped.replace("\n", "\\n") + '"'


def to_dot(nodes: Mapping[str, NodeInfo], edges: Sequence[EdgeInfo], title: str = "") -> str:
    graph = pydot.Dot(
        "graph",
        graph_type="digraph",
        rankdir="TB",
        fontname=FONT,
        tooltip=quoted(title or "PyTensor graph"),
        bgcolor="white",
        nodesep="0.25",
        ranksep="0.35",
    )
    if sum(node.drawn_as == "node" for node in nodes.values()) > LARGE_GRAPH_NODES:
        for name, value in QUICK_LAYOUT.items():
            graph.set(name, value)
    graph.set_node_defaults(fontname=FONT, fontsize="10", style="filled", penwidth="0.8")
    graph.set_edge_defaults(fontname=FONT, fontsize="8", arrowsize="0.6", color="#555555")
    for node in nodes.values():
        if node.drawn_as == "node":
            graph.add_node(_node(node))
    for edge in edges:
        graph.add_edge(_edge(edge, nodes))
    return graph.to_string()


def _node(info: NodeInfo) -> pydot.Node:
    attrs: dict[str, str] = {
        "id": quoted(info.id),
        "label": quoted(info.label),
        "tooltip": quoted(info.detail),
        "fillcolor": quoted(FILL_COLOURS[info.category]),
    }
    if info.kind == "apply":
        # Roomy margins: the WebAssembly Graphviz sizes boxes with built-in font metrics, and
        # Qt draws the SVG with whatever sans font is installed, which may run wider.
        attrs.update(shape="box", style=quoted("filled,rounded"), margin=quoted("0.18,0.05"))
        if info.category == "fused":
            attrs["penwidth"] = "1.6"
    elif info.kind == "output":
        attrs.update(shape="ellipse", peripheries="2", margin=quoted("0.05,0.02"))
    else:
        attrs.update(shape="ellipse", margin=quoted("0.05,0.02"))
        if info.category == "intermediate":
            attrs.update(style=quoted("filled,dashed"), fontcolor=quoted("#777777"))
    return pydot.Node(info.id, **attrs)


def _edge(edge: EdgeInfo, nodes: Mapping[str, NodeInfo]) -> pydot.Edge:
    variable = nodes[edge.variable]
    attrs: dict[str, str] = {"id": quoted(edge.id)}
    if edge.kind == "update":
        # Drawn against the flow without moving the layout: the loop a training step closes.
        attrs.update(
            style="dashed",
            color=quoted(FILL_COLOURS["update"]),
            constraint="false",
            tooltip=quoted(f"next value of {variable.names[0] or variable.label}"),
        )
        return pydot.Edge(edge.source, edge.target, **attrs)
    tooltip = variable.label.split("\n", 1)[0] if variable.drawn_as == "node" else ""
    tooltip = "\n".join(filter(None, [tooltip or variable.names[0], variable.types[0]]))
    attrs["tooltip"] = quoted(tooltip)
    target = nodes[edge.target]
    parts = []
    if target.kind == "apply" and len(target.inputs) > 1:
        parts.append(str(edge.position))
    if variable.drawn_as == "edge" and variable.names[0]:
        # A named intermediate (X.T, output) keeps its name in view.
        parts.append(variable.names[0])
    if parts:
        attrs["label"] = quoted(" ".join(parts))
    return pydot.Edge(edge.source, edge.target, **attrs)
