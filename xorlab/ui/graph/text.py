"""The graph as text (PyTensor's debugprint), beside the picture: the selected node's lines
are highlighted, and clicking a line that names a node selects that node."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphView


HIGHLIGHT_COLOR = "#D6E8F4"
FIRST_HIGHLIGHT_COLOR = "#A9CFEA"
_ID = re.compile(r"\[id ([A-Za-z0-9_]+)\]")
_SLOT = re.compile(r"^\s{2}(o\d+)\s{2}")  # the "  o0  cost" lines above the tree


def text_id_of(graph: GraphView, node_id: str) -> str:
    """The id that stands for ``node_id`` in debugprint: a value drawn as an edge is printed
    as the op that makes it."""
    info = graph.nodes.get(node_id)
    if info is not None and info.drawn_as == "edge" and info.inputs:
        return info.inputs[0]
    return node_id


def lines_of(text: str, node_id: str) -> list[int]:
    """Indices of the debugprint lines that print ``node_id``."""
    tag = f"[id {node_id}]"
    found = []
    for number, line in enumerate(text.splitlines()):
        slot = _SLOT.match(line)
        if tag in line or (slot is not None and slot.group(1) == node_id):
            found.append(number)
    return found


class DebugprintView(QPlainTextEdit):
    """Read-only debugprint text; ``node_clicked(id)`` when a line naming a node is clicked."""

    node_clicked = Signal(str)

    def __init__(self, name: str = "graph_text", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = QFont("monospace", 9)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self.graph: GraphView | None = None
        self.highlighted: list[int] = []
        self.selected: str | None = None  # the node last highlighted
        self._moving = False
        self.cursorPositionChanged.connect(self._on_cursor_position_changed)

    def set_graph(self, graph: GraphView | None) -> None:
        text = graph.text if graph is not None else ""
        self.graph = graph
        if text != self.toPlainText():
            self._moving = True
            self.setPlainText(text)
            self._moving = False
            self.highlighted = []

    def highlight(self, node_id: str | None) -> list[int]:
        """Highlight the lines of ``node_id`` and scroll to the first; returns their numbers."""
        graph = self.graph
        self.selected = node_id
        numbers = (
            lines_of(self.toPlainText(), text_id_of(graph, node_id)) if graph and node_id else []
        )
        selections = []
        for k, number in enumerate(numbers):
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(FIRST_HIGHLIGHT_COLOR if k == 0 else HIGHLIGHT_COLOR))
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.format = fmt
            cursor = QTextCursor(self.document().findBlockByNumber(number))
            selection.cursor = cursor
            selections.append(selection)
        self.setExtraSelections(selections)
        self.highlighted = numbers
        if numbers:
            self._moving = True
            self.setTextCursor(QTextCursor(self.document().findBlockByNumber(numbers[0])))
            self.centerCursor()
            self._moving = False
        return numbers

    @Slot()
    def _on_cursor_position_changed(self) -> None:
        if self._moving or self.graph is None:
            return
        line = self.textCursor().block().text()
        slot = _SLOT.match(line)
        match = _ID.search(line)
        node_id = slot.group(1) if slot else match.group(1) if match else None
        if node_id is not None and node_id in self.graph.nodes:
            self.node_clicked.emit(node_id)
