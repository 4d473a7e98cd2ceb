"""What one graph node is: its op, the types and names of its values, links to the nodes it
reads and feeds, a fused Composite's formula, and a weight's current value as a table."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from xorlab.core.graphs.categories import (
    FILL_COLOURS,
    OP_CATEGORIES,
    VARIABLE_CATEGORIES,
    variable_description,
)

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphView, NodeInfo

LINK_SCHEME = "node"
# Bigger arrays show their shape and first rows/columns; a weight of a lab net is smaller.
MAX_TABLE_ROWS = 24
MAX_TABLE_COLUMNS = 12
EMPTY_TEXT = "Click a node in the graph (or find one by name) to see what it computes."
KIND_WORDS = {"apply": "operation", "variable": "value", "output": "graph output"}


def node_link(node_id: str) -> str:
    return f"{LINK_SCHEME}:{node_id}"


def node_title(info: NodeInfo) -> str:
    """A one-line name for a node: its first label line ('Dot', 'W1', 'cost')."""
    return info.label.split("\n", 1)[0]


def category_text(info: NodeInfo) -> str:
    if info.kind == "variable" and info.category in VARIABLE_CATEGORIES:
        return variable_description(info.category, bool(info.outputs))
    described = {**OP_CATEGORIES, **VARIABLE_CATEGORIES}
    return described.get(info.category, info.category)


class NodeDetails(QWidget):
    """Shows one NodeInfo; ``node_link_activated(id)`` when a linked node is clicked."""

    node_link_activated = Signal(str)

    def __init__(
        self, name: str = "node_details", parent: QWidget | None = None, empty_text: str = ""
    ):
        super().__init__(parent)
        self.setObjectName(name)
        self.empty_text = empty_text or EMPTY_TEXT
        self.graph: GraphView | None = None
        self.node_id: str | None = None
        # Values computed elsewhere (the Graph tab's live values): (graph, node) -> (value,
        # caption) or None; shown instead of the node's own value (a weight's, while time
        # travel shows a past epoch). A None value with a caption says why there is none.
        self.value_source: (
            Callable[[GraphView, NodeInfo], tuple[np.ndarray | None, str] | None] | None
        ) = None
        self._html = ""
        self.browser = QTextBrowser()
        self.browser.setObjectName(f"{name}.text")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_anchor_clicked)
        self.value_label = QLabel()
        self.value_label.setObjectName(f"{name}.value_label")
        self.value_table = QTableWidget()
        self.value_table.setObjectName(f"{name}.values")
        self.value_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.value_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.value_table.verticalHeader().setDefaultSectionSize(22)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser, 3)
        layout.addWidget(self.value_label)
        layout.addWidget(self.value_table, 2)
        self.show_node(None, None)

    def show_node(self, graph: GraphView | None, node_id: str | None) -> None:
        """Describe ``node_id`` of ``graph`` (None: say how to pick one)."""
        self.graph = graph
        info = graph.nodes.get(node_id) if graph is not None and node_id else None
        self.node_id = info.id if info is not None else None
        if info is None:
            self._set_html(f"<p style='color:#57606A'>{html.escape(self.empty_text)}</p>")
            self._show_value(None, None)
            return
        self._set_html(self._describe(graph, info))
        live = self.value_source(graph, info) if self.value_source is not None else None
        if live is not None:
            self._show_value(info, live[0], live[1])
        else:
            self._show_value(info, info.value)

    def _set_html(self, text: str) -> None:
        # Refreshing the same node (new weight values, twice a second in training) must not
        # reset where the reader scrolled to.
        if text != self._html:
            self._html = text
            self.browser.setHtml(text)

    def refresh(self, graph: GraphView | None) -> None:
        """The same node in a newer copy of the graph (fresh weight values)."""
        self.show_node(graph, self.node_id)

    def _describe(self, graph: GraphView, info: NodeInfo) -> str:
        colour = FILL_COLOURS.get(info.category, "#ffffff")
        kind = KIND_WORDS.get(info.kind, info.kind)
        parts = [
            f"<h3 style='margin:0'>{html.escape(node_title(info))}"
            f" <span style='font-weight:normal;color:#57606A'>({info.id})</span></h3>",
            f"<p style='margin-top:4px'><span style='background:{colour}'>&nbsp;&nbsp;&nbsp;"
            f"</span>&nbsp;{kind}: {html.escape(category_text(info))}</p>",
            "<table cellspacing='0' cellpadding='2'>",
        ]
        if info.op:
            parts.append(_row("op", f"<code>{html.escape(info.op)}</code>"))
            parts.append(_row("class", html.escape(info.op_class)))
        elif info.op_class:
            parts.append(_row("class", html.escape(info.op_class)))
        label = "output types" if info.kind == "apply" else "type"
        parts.append(_row(label, "<br>".join(html.escape(t) for t in info.types)))
        names = [n for n in info.names if n]
        if names:
            parts.append(_row("names" if len(names) > 1 else "name", html.escape(", ".join(names))))
        if info.kind == "apply":
            parts.append(_row("inputs", self._links(graph, info.inputs, numbered=True)))
            parts.append(_row("outputs", self._links(graph, info.outputs)))
        elif info.kind == "variable":
            made_by = self._links(graph, info.inputs) if info.inputs else "— (a graph input)"
            parts.append(_row("made by", made_by))
            parts.append(_row("used by", self._links(graph, info.outputs) or "— (nothing)"))
        else:
            parts.append(_row("value", self._links(graph, info.inputs)))
            if info.updates:
                parts.append(_row("overwrites", self._links(graph, (info.updates,))))
        parts.append("</table>")
        if info.fused_ops:
            formulas = fused_formulas(info)
            parts.append(
                f"<p><b>Fused Composite</b>: {info.fused_ops} scalar ops run in one pass over "
                "the arrays, per element, with i0, i1, … its inputs in order:</p>"
                + "".join(
                    f"<p style='background:#FFF6DA;font-family:monospace;margin:2px 0'>"
                    f"{html.escape(f)}</p>"
                    for f in formulas
                )
            )
        return "".join(parts)

    def _links(self, graph: GraphView, ids: tuple[str, ...], numbered: bool = False) -> str:
        items = []
        for position, node_id in enumerate(ids):
            other = graph.nodes.get(node_id)
            if other is None:
                continue
            text = html.escape(node_title(other))
            note = f" <span style='color:#57606A'>({html.escape(other.category)})</span>"
            prefix = f"{position}: " if numbered else ""
            items.append(f"{prefix}<a href='{node_link(node_id)}'>{text}</a>{note}")
        return "<br>".join(items)

    def _show_value(
        self, info: NodeInfo | None, value: np.ndarray | None, caption: str = ""
    ) -> None:
        table = self.value_table
        if info is None or value is None:
            self.value_label.setText(caption)
            self.value_label.setVisible(info is not None and bool(caption))
            table.hide()
            table.clear()
            return
        array = np.atleast_2d(np.asarray(value))
        if array.ndim > 2:
            array = array.reshape(array.shape[0], -1)
        what = "current value" if info.category == "shared" and not caption else "value"
        shape = "×".join(map(str, np.shape(value))) or "scalar"
        text = f"<b>{what}</b> ({shape}, {value.dtype})"
        self.value_label.setText(text + (f"<br>{caption}" if caption else ""))
        rows, columns = min(array.shape[0], MAX_TABLE_ROWS), min(array.shape[1], MAX_TABLE_COLUMNS)
        table.setRowCount(rows)
        table.setColumnCount(columns)
        for r in range(rows):
            for c in range(columns):
                item = table.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    table.setItem(r, c, item)
                item.setText(_number(array[r, c]))
        table.setHorizontalHeaderLabels([str(c) for c in range(columns)])
        table.setVerticalHeaderLabels([str(r) for r in range(rows)])
        table.setMaximumHeight(26 + 22 * rows + 4)
        self.value_label.show()
        table.show()

    @Slot(QUrl)
    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == LINK_SCHEME:
            self.node_link_activated.emit(url.path())


def fused_formulas(info: NodeInfo) -> list[str]:
    """A fused Composite's formulas ('out 0 = ...'), from the lines its detail lists them on."""
    lines = info.detail.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("fuses ")), len(lines))
    return [line.strip() for line in lines[start + 1 :] if line.strip()]


def _row(key: str, value: str) -> str:
    return (
        f"<tr><td style='color:#57606A;padding-right:8px' valign='top'>{key}</td>"
        f"<td>{value}</td></tr>"
    )


def _number(value: object) -> str:
    try:
        return f"{float(value):.6g}"
    except (TypeError, ValueError):
        return str(value)
