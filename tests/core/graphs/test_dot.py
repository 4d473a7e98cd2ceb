"""DOT and SVG exports keep every label text: quotes, newlines or NUL never add nodes."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest

from xorlab.core.graphs import render
from xorlab.core.graphs.dot import to_dot
from xorlab.core.graphs.nodes import NodeInfo

HOSTILE = {
    "quotes": 'a"]; evil [label="owned',
    "newline": 'a\nb"\n}\ndigraph x { evil }',
    "carriage return": "a\r] evil [",
    "backslash": 'a\\"; evil\\',
    "nul and controls": "a\x00b\x01c\x1b[31m",
    "html-like": "<b>bold</b> & <script>alert(1)</script>",
    "non-ascii": "données – 数据 ∂",
}


def _node(label: str) -> NodeInfo:
    return NodeInfo(
        id="n0",
        kind="input",
        category="input",
        label=label,
        op="",
        op_class="",
        op_name="",
        types=("float64",),
        names=(label,),
        inputs=(),
        outputs=(),
        detail=label,
        drawn_as="node",
    )


SVG = "{http://www.w3.org/2000/svg}"
needs_renderer = pytest.mark.skipif(not render.available_renderers(), reason="no renderer")


def _svg_nodes(labels: list[str]) -> tuple[list[ET.Element], str]:
    nodes = {f"n{i}": dataclasses.replace(_node(t), id=f"n{i}") for i, t in enumerate(labels)}
    svg = render.render_svg(to_dot(nodes, (), title=labels[0]))
    root = ET.fromstring(svg)  # well-formed XML: no raw NUL or stray markup
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    return groups, " ".join(t.text or "" for t in root.iter(f"{SVG}text"))


@needs_renderer
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_label_is_one_node_that_shows_its_text(case):
    groups, texts = _svg_nodes([HOSTILE[case]])
    assert len(groups) == 1
    shown = HOSTILE[case].replace("\r", "").translate({c: 0x2400 + c for c in range(32) if c != 10})
    assert all(line.strip() in texts for line in shown.split("\n"))


@needs_renderer
def test_the_svg_of_every_hostile_label_together_is_one_node_each():
    groups, texts = _svg_nodes(list(HOSTILE.values()))
    assert len(groups) == len(HOSTILE)
    assert "数据" in texts and "<script>" in texts and "\u2400" in texts


def _written_by_pydot(nodes, edges, title: str) -> str:
    """The DOT text as pydot writes it from the same attributes: the reference to_dot
    reproduces without pydot's slow per-attribute quoting."""
    import pydot

    from xorlab.core.graphs import dot

    graph = pydot.Dot(
        "graph", graph_type="digraph", rankdir="TB", fontname=dot.FONT,
        tooltip=dot.quoted(title or "PyTensor graph"), bgcolor="white", nodesep="0.25",
        ranksep="0.35",
    )  # fmt: skip
    if sum(node.drawn_as == "node" for node in nodes.values()) > dot.LARGE_GRAPH_NODES:
        for name, value in dot.QUICK_LAYOUT.items():
            graph.set(name, value)
    graph.set_node_defaults(fontname=dot.FONT, fontsize="10", style="filled", penwidth="0.8")
    graph.set_edge_defaults(fontname=dot.FONT, fontsize="8", arrowsize="0.6", color="#555555")
    for node in nodes.values():
        if node.drawn_as == "node":
            graph.add_node(pydot.Node(node.id, **dot._node(node)))
    for edge in edges:
        graph.add_edge(pydot.Edge(edge.source, edge.target, **dot._edge(edge, nodes)))
    return graph.to_string()


@pytest.mark.parametrize("text", ["exp(sin(x**2))", "/".join(["x**x"] * 12)])
def test_the_dot_text_is_what_pydot_writes(text):
    from xorlab.core.expression.expression import parse_expression
    from xorlab.core.graphs.view import graph_from_outputs

    expr = parse_expression(text)
    view = graph_from_outputs([expr.f, expr.df], ["f(x)", "f'(x)"], title=text)
    nodes, edges = view.nodes, view.edges
    assert view.dot == _written_by_pydot(nodes, edges, text)
    large = sum(node.drawn_as == "node" for node in nodes.values()) > 100
    assert ("splines=line" in view.dot) == large


def test_hostile_labels_are_written_as_pydot_writes_them():
    nodes = {
        f"n{i}": dataclasses.replace(_node(t), id=f"n{i}") for i, t in enumerate(HOSTILE.values())
    }
    assert to_dot(nodes, (), title="t") == _written_by_pydot(nodes, (), "t")


def test_a_training_step_graph_is_written_as_pydot_writes_it(minimal_trainer):
    from xorlab.core.graphs.build import build_graph

    view = build_graph(minimal_trainer, "train", "symbolic")
    assert any(edge.kind == "update" for edge in view.edges)
    assert view.dot == _written_by_pydot(view.nodes, view.edges, view.title)
