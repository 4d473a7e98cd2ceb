"""Finding nodes in a graph by name or op, and stepping through the matches."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphView, NodeInfo


def node_matches(info: NodeInfo, query: str) -> bool:
    """Ops by what they compute, values by name (``query`` in lower case). An unnamed
    intermediate value is labelled after the op that makes it ('Dot.0'), so its label is not
    searched: it would double every op match."""
    texts = [*info.names, info.op]
    if info.drawn_as == "node":
        texts.append(info.label)
    return query == info.id.lower() or any(query in text.lower() for text in texts if text)


class NodeSearch:
    """The matches of the last query and which one is current; stepping wraps around."""

    def __init__(self) -> None:
        self.query = ""
        self.matches: list[str] = []
        self.index = -1

    def update(
        self, graph: GraphView | None, query: str, selected: str | None = None
    ) -> str | None:
        """Search ``graph``; returns the match to select (the first), or None. When
        ``selected`` is among the matches it stays current and None is returned."""
        self.query = query.strip()
        lowered = self.query.lower()
        self.matches = []
        if lowered and graph is not None:
            self.matches = [i for i, info in graph.nodes.items() if node_matches(info, lowered)]
        if selected in self.matches:
            self.index = self.matches.index(selected)
            return None
        self.index = 0 if self.matches else -1
        return self.matches[0] if self.matches else None

    def step(self, step: int = 1) -> str | None:
        if not self.matches:
            return None
        self.index = (self.index + step) % len(self.matches)
        return self.matches[self.index]

    def label_html(self) -> str:
        if not self.query:
            return ""
        if not self.matches:
            return "<span style='color:#C24E00'>no match</span>"
        return f"{self.index + 1} of {len(self.matches)}"
