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
