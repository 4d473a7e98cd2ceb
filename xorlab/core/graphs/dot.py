"""Graph records -> DOT text, styled for reading rather than debugging.

Every element carries an ``id`` (Graphviz copies it onto the SVG ``<g>`` element) and a
tooltip, so a view can map a click on the SVG back to a NodeInfo.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from xorlab.core.graphs.categories import FILL_COLOURS
from xorlab.core.graphs.nodes import EdgeInfo, NodeInfo

FONT = "Helvetica"
# Above this many drawn nodes, Graphviz's default layout takes seconds to minutes: measured on
# the symbolic graph of f and f' of x**x/x**x/... (quiet, 2 cores), 10 terms (184 ops) took
# 18 s, 20 terms over 60 s. Almost all of it is spline routing and the network-simplex and
# crossing-minimisation iterations; straight edges and capped iterations drew the same graphs
# in 0.19 s and 0.85 s (40 terms, 754 ops: 3.3 s). Smaller graphs keep the curved edges.
# nslimit caps the network simplex that places nodes across (its iterations are nslimit x the
# nodes); a cap that rounds to none keeps its starting placement. Graphviz 2.43, load 4-6:
# the 367-op symbolic graph of 10 nested compositions and f' 0.56 -> 0.29 s of CPU, a 447-op
# sum of products 0.92 -> 0.37 s, the spiral's training step 0.55 -> 0.47 s; the pictures
# looked the same (the 45 iterations it had moved few nodes).
LARGE_GRAPH_NODES = 100
QUICK_LAYOUT = {"splines": "line", "nslimit": "1e-9", "nslimit1": "0.1", "mclimit": "0.1"}
_CONTROL_PICTURES = {c: 0x2400 + c for c in range(32) if c != ord("\n")} | {127: 0x2421}


# What quoted() changes: most labels, ids and tooltips hold none of it (and a 1,900-op view
# quotes ~24,000 strings).
_NEEDS_ESCAPING = re.compile(r'[\\"\x00-\x1f\x7f]')


def quoted(text: str) -> str:
    """A DOT quoted string. pydot leaves strings that look quoted or like HTML (``<...>``)
    as they are, so every value is quoted here, where the escaping is known to be right."""
    if _NEEDS_ESCAPING.search(text) is None:
        return '"' + text + '"'
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    # Other control characters (NUL...) cannot appear in the SVG (XML) Graphviz writes:
    # show them as their Unicode control pictures (U+2400 + code), visible and harmless.
    escaped = escaped.translate(_CONTROL_PICTURES)
    return '"' + escaped.replace("\n", "\\n") + '"'


def to_dot(nodes: Mapping[str, NodeInfo], edges: Sequence[EdgeInfo], title: str = "") -> str:
    """The DOT text of a graph, as pydot would write it (tests/core/graphs/test_dot.py checks
    that): written directly, since pydot's per-attribute quoting checks took 1.1 s of a
    1,900-op expression graph's view (quiet), more than building the rest of it."""
    graph_attrs = {
        "rankdir": "TB",
        "fontname": FONT,
        "tooltip": quoted(title or "PyTensor graph"),
        "bgcolor": "white",
        "nodesep": "0.25",
        "ranksep": "0.35",
    }
    if sum(node.drawn_as == "node" for node in nodes.values()) > LARGE_GRAPH_NODES:
        graph_attrs.update(QUICK_LAYOUT)
    node_defaults = {"fontname": FONT, "fontsize": "10", "style": "filled", "penwidth": "0.8"}
    edge_defaults = {"fontname": FONT, "fontsize": "8", "arrowsize": "0.6", "color": "#555555"}
    lines = ['digraph "graph" {']
    lines += [f"{name}={_value(value)};" for name, value in graph_attrs.items()]
    lines.append(f"node {_attributes(node_defaults)};")
    lines.append(f"edge {_attributes(edge_defaults)};")
    # A gradient's graph repeats the same op, type and constant hundreds of times: a node's
    # attributes after its id are written once per distinct look, and an edge's tooltip once
    # per variable (the 100-term quotient's 1,894 ops: 26 -> 12 ms).
    looks: dict[tuple, str] = {}
    for node in nodes.values():
        if node.drawn_as != "node":
            continue
        key = (node.kind, node.category, node.label, node.detail)
        rest = looks.get(key)
        if rest is None:
            rest = looks[key] = _attributes(_node(node))[len(f"[id={quoted(node.id)}") :]
        lines.append(f"{node.id} [id={quoted(node.id)}{rest};")
    tooltips: dict[str, str] = {}
    for edge in edges:
        if edge.kind != "data":
            attributes = _attributes(_edge(edge, nodes))
        else:
            tooltip = tooltips.get(edge.variable)
            if tooltip is None:
                tooltip = tooltips[edge.variable] = quoted(_data_tooltip(nodes[edge.variable]))
            label = _data_label(edge, nodes)
            label = f", label={quoted(label)}" if label else ""
            attributes = f"[id={quoted(edge.id)}, tooltip={tooltip}{label}]"
        lines.append(f"{edge.source} -> {edge.target} {attributes};")
    lines.append("}")
    return "\n".join(lines) + "\n"


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|-?(?:\d+\.?\d*|\.\d+)")


def _value(value: str) -> str:
    """A value as pydot writes it: already-quoted strings, names and numbers as they are,
    anything else quoted."""
    if value.startswith('"') or _PLAIN.fullmatch(value):
        return value
    return quoted(value)


def _attributes(attrs: Mapping[str, str]) -> str:
    return "[" + ", ".join(f"{name}={_value(value)}" for name, value in attrs.items()) + "]"


def _node(info: NodeInfo) -> dict[str, str]:
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
    return attrs


def _edge(edge: EdgeInfo, nodes: Mapping[str, NodeInfo]) -> dict[str, str]:
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
        return attrs
    attrs["tooltip"] = quoted(_data_tooltip(variable))
    label = _data_label(edge, nodes)
    if label:
        attrs["label"] = quoted(label)
    return attrs


def _data_tooltip(variable: NodeInfo) -> str:
    """The tooltip of a data edge carrying ``variable``."""
    tooltip = variable.label.split("\n", 1)[0] if variable.drawn_as == "node" else ""
    return "\n".join(filter(None, [tooltip or variable.names[0], variable.types[0]]))


def _data_label(edge: EdgeInfo, nodes: Mapping[str, NodeInfo]) -> str:
    """A data edge's label: its input position (when its op has several) and, for a named
    intermediate (X.T, output), its name, kept in view; '' for none."""
    variable, target = nodes[edge.variable], nodes[edge.target]
    parts = []
    if target.kind == "apply" and len(target.inputs) > 1:
        parts.append(str(edge.position))
    if variable.drawn_as == "edge" and variable.names[0]:
        parts.append(variable.names[0])
    return " ".join(parts)
