"""Links the Graph tab to the shared selection (selection.SelectionBus).

A weight, weight matrix or neuron selected elsewhere (the network diagram) highlights, in
every graph on screen, its weight matrix's node, the ops that read it, its gradient subgraph
and its update (graph_params.param_parts); the matrix's node is also selected, so the node
panel shows its values with the chosen weight's cell current. A node clicked in the graph
selects the weight matrix it belongs to (graph_params.param_of_node), which the diagram then
highlights. Wraps the tab through its public API; neither view imports the other.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from xorlab.app.selection import SelectionRef
from xorlab.core.first_imports import import_pytensor
from xorlab.ui.graph.overlay import CanvasOverlay
from xorlab.ui.graph.tab import GraphTab
from xorlab.ui.runtime.selection import SelectionBus

LINK_COLOUR = "#CC79A7"  # Okabe-Ito reddish purple: apart from the canvas's blue selection


class GraphSelectionLink(QObject):
    def __init__(self, tab: GraphTab, bus: SelectionBus):
        super().__init__(tab)
        self.tab = tab
        self.bus = bus
        self.overlays = {stage: CanvasOverlay(c) for stage, c in tab.canvases.items()}
        self.highlighted: dict[str, frozenset[str]] = {
            stage: frozenset() for stage in self.overlays
        }
        self._publishing = False
        bus.selection_changed.connect(self._on_selection_changed)
        tab.drawn.connect(self._on_drawn)
        tab.graph_applied.connect(lambda _bundle: self._refresh(select=False))
        for stage, canvas in tab.canvases.items():
            canvas.node_selected.connect(
                lambda node_id, s=stage: self._on_node_selected(s, node_id)
            )

    def param_names(self) -> tuple[str, ...]:
        bundle = self.tab.bundle
        return bundle.param_names if bundle is not None else ()

    @Slot(object)
    def _on_selection_changed(self, _ref: SelectionRef) -> None:
        self._refresh(select=not self._publishing)

    @Slot(str)
    def _on_drawn(self, _stage: str) -> None:
        self._refresh(select=False)

    def _on_node_selected(self, stage: str, node_id: str) -> None:
        import_pytensor()  # this thread too: see core.first_imports
        from xorlab.core.graphs.params import param_of_node

        graph = self.tab.canvases[stage].graph
        ref = None
        if graph is not None and node_id:
            param = param_of_node(graph, node_id, self.param_names())
            if param is not None:
                ref = SelectionRef.matrix(param)
        self._publishing = True
        try:
            self.bus.select(ref)
        finally:
            self._publishing = False

    def _refresh(self, select: bool) -> None:
        """Redraw the highlights for the bus's selection; with ``select`` also select the
        weight's node in the active graph (not when the user's own click made the selection:
        that would move their selection away from the node they clicked)."""
        import_pytensor()  # this thread too: see core.first_imports
        from xorlab.core.graphs.params import param_parts

        ref = self.bus.current
        names = self.param_names()
        params = ref.params(len(names))
        for stage, overlay in self.overlays.items():
            overlay.clear()
            graph = self.tab.canvases[stage].graph
            ids: set[str] = set()
            strong: set[str] = set()
            if graph is not None:
                for p in params:
                    parts = param_parts(graph, names[p])
                    ids |= parts.all()
                    strong |= {parts.weight} if parts.weight else set()
                    strong |= parts.outputs
            for node_id in sorted(ids):
                overlay.add_box(node_id, LINK_COLOUR, node_id in strong)
            self.highlighted[stage] = frozenset(ids)
        if select and params:
            self._select_weight(names[params[0]], ref)

    def _select_weight(self, name: str, ref: SelectionRef) -> None:
        import_pytensor()  # this thread too: see core.first_imports
        from xorlab.core.graphs.params import weight_node

        graph = self.tab.current_graph()
        if graph is None:
            return
        weight = weight_node(graph, name)
        if weight is None:
            return
        self.tab.select_node(weight)
        if ref.kind == "weight":
            table = self.tab.details.value_table
            if ref.row < table.rowCount() and ref.col < table.columnCount():
                table.setCurrentCell(ref.row, ref.col)
