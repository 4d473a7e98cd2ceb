"""The Graph tab: the network's PyTensor graphs (forward pass, cost, gradient, training step),
symbolic, optimized or side by side, with what the rewrites changed, a node inspector, the
debugprint text, search, a colour legend and export:

[graph: target (weight)] [symbolic | optimized | side by side]               [export]
counts before and after the rewrites
+-----------------------------------+---------------------+
| picture(s)                        | find; node details  |
|                                   +---------------------+
|                                   | debugprint text     |
+-----------------------------------+---------------------+
legend

Graphs are built on the training worker's thread (``source.request_graph``) and drawn by a
background runner (DOT -> SVG), so the GUI thread only shows results. The tab follows the
spec (graph_feed.py): a newly compiled network is re-requested while the tab is visible, and
during training the weights shown refresh twice a second, only while the tab is visible.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from xorlab.app.graph_request import GraphBundle
from xorlab.app.run_state import RunState
from xorlab.core.graphs.choices import TARGETS
from xorlab.ui.graph.canvas_link import CanvasLink
from xorlab.ui.graph.compile_note import compile_note_html, compile_note_tooltip
from xorlab.ui.graph.export import GraphExporter
from xorlab.ui.graph.feed import GraphFeed
from xorlab.ui.graph.legend import LegendWidget, present_categories, summary_html
from xorlab.ui.graph.pictures import GraphPictures
from xorlab.ui.graph.search import NodeSearch
from xorlab.ui.graph.text import DebugprintView
from xorlab.ui.widgets import segments
from xorlab.ui.widgets.graph_canvas import GraphCanvas
from xorlab.ui.widgets.menu_arrow import hidden_indicator, with_arrow
from xorlab.ui.widgets.node_details import NodeDetails, node_title
from xorlab.ui.widgets.svg_view import ElidedLabel

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphView

STAGES = ("symbolic", "optimized")
MODES = ("symbolic", "optimized", "side")
TARGET_LABELS = {
    "output": "Forward pass",
    "cost": "Cost",
    "grad": "Gradient",
    "train": "Training step",
}
MODE_LABELS = {"symbolic": "Symbolic", "optimized": "Optimized", "side": "Side by side"}
MODE_TIPS = {
    "symbolic": "The graph as the model builds it, before PyTensor rewrites anything",
    "optimized": "The graph as compiled: after the rewrites, what actually runs",
    "side": "Both, side by side: see which ops the rewrites removed, fused or inserted",
}
EXPORT_TEXT = with_arrow("Export")  # widgets/menu_arrow.py says why
STYLE = (
    segments.STYLE
    + hidden_indicator("graph.export")
    + """
QLabel#graph\\.summary { background: #F6F8FA; border: 1px solid #E6E9ED; border-radius: 4px;
    padding: 4px 8px; }
"""
)


class GraphTab(QWidget):
    """``source`` is the TrainingWorker (or anything with ``request_graph(target, param)``,
    a ``state`` and the signals graph_ready, graph_failed, compiled and state_changed)."""

    graph_applied = Signal(object)  # GraphBundle: a newer bundle is on screen
    drawn = Signal(str)  # stage: its picture (or the message why there is none) is shown
    mode_changed = Signal(str)  # 'symbolic', 'optimized' or 'side' was chosen

    def __init__(
        self,
        source: QObject | None = None,
        parent: QWidget | None = None,
        exporter: GraphExporter | None = None,
    ):
        """``exporter``: the Export menu to use, when it must exist before the tab (the
        window's File menu offers it; see shell/graph_page.py); else the tab makes its own."""
        super().__init__(parent)
        self._build_widgets(TARGET_LABELS, TARGETS)
        self.source = source
        self.bundle: GraphBundle | None = None
        self.mode = "optimized"
        # The weight asked for before the first graph lists the weights (a restored choice).
        self.initial_param = 0
        self.active_stage = "optimized"
        self.loop_running = ""  # the engine's loop now (worker.engine_chosen); "" before Train
        self.node_search = NodeSearch()
        self.pictures = GraphPictures(self.canvases, "xorlab-graph-render", self)
        self.pictures.drawn.connect(self._on_drawn)
        self.runner = self.pictures.runner
        self.exporter = exporter or GraphExporter(self, self.shown_picture)
        self.exporter.saved.connect(lambda path: self.set_status(f"Saved {path}"))
        self.export_button.setMenu(self.exporter.menu)
        self.export_actions = self.exporter.actions
        self._connect()
        # Asks the worker for graphs and applies the answers.
        self.feed = GraphFeed(self, source, parent=self)
        self.refresh_timer = self.feed.refresh_timer
        # Side by side, both panes zoom and scroll together.
        self.canvas_link = CanvasLink(self.canvases["symbolic"], self.canvases["optimized"], self)
        self.set_mode(self.mode)

    def _build_widgets(self, target_labels: dict[str, str], target_tips: dict[str, str]) -> None:
        self.setObjectName("graph_tab")
        self.setStyleSheet(STYLE)

        self.target_box = QComboBox()
        self.target_box.setObjectName("graph.target")
        for target, label in target_labels.items():
            self.target_box.addItem(label, target)
            index = self.target_box.count() - 1
            self.target_box.setItemData(
                index, target_tips.get(target, ""), Qt.ItemDataRole.ToolTipRole
            )
        self.target_box.setCurrentIndex(self.target_box.findData("train"))
        self.target_box.setToolTip("Which computation to show")
        self.target_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.param_label = QLabel("with respect to")
        self.param_box = QComboBox()
        self.param_box.setObjectName("graph.param")
        self.param_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.param_box.setToolTip("The gradient of the cost with respect to this weight matrix")
        self.param_label.hide()
        self.param_box.hide()

        self.stage_group = QButtonGroup(self)
        self.stage_group.setExclusive(True)
        self.stage_buttons: dict[str, QToolButton] = {}
        for mode, label in MODE_LABELS.items():
            button = QToolButton()
            button.setObjectName(f"graph.stage.{mode}")
            button.setText(label)
            button.setToolTip(MODE_TIPS[mode])
            button.setCheckable(True)
            button.setProperty("segment", True)
            self.stage_group.addButton(button)
            self.stage_buttons[mode] = button

        self.search = QLineEdit()
        self.search.setObjectName("graph.search")
        self.search.setPlaceholderText("Find a node: name or op (W1, Dot, Composite…)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(120)
        self.search.setToolTip("Type to select matching nodes; Enter jumps to the next (Ctrl+F)")
        self.previous_button = _tool_button("graph.search_previous", "◀", "Previous match")
        self.next_button = _tool_button("graph.search_next", "▶", "Next match (Enter)")
        self.match_label = QLabel()
        self.match_label.setObjectName("graph.matches")
        self.match_label.setMinimumWidth(56)
        self.match_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.export_button = _tool_button(
            "graph.export", EXPORT_TEXT, "Save the graph on screen as SVG, PNG, DOT or text"
        )
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_button.setAutoRaise(False)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Graph of"))
        bar.addWidget(self.target_box)
        bar.addWidget(self.param_label)
        bar.addWidget(self.param_box)
        bar.addSpacing(12)
        segments = QHBoxLayout()
        segments.setSpacing(0)
        for button in self.stage_buttons.values():
            segments.addWidget(button)
        bar.addLayout(segments)
        bar.addStretch(1)
        self.focus_button = _tool_button(
            "graph.focus",
            "Focus",
            "Give the graph the whole window: hide the Experiment and Network panels and the "
            "node details while this is on",
        )
        self.focus_button.setCheckable(True)
        self.focus_button.setAutoRaise(False)
        bar.addWidget(self.focus_button)
        bar.addWidget(self.export_button)
        find_row = QHBoxLayout()
        find_row.setSpacing(2)
        find_row.addWidget(self.search, 1)
        find_row.addWidget(self.previous_button)
        find_row.addWidget(self.next_button)
        find_row.addWidget(self.match_label)

        self.summary = QLabel()
        self.summary.setObjectName("graph.summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Which compile the optimized graph is, and which loop training runs (compile_note).
        self.compile_note = QLabel()
        self.compile_note.setObjectName("graph.compile_note")
        self.compile_note.setWordWrap(True)
        self.compile_note.setStyleSheet("color: #57606A;")
        self.compile_note.hide()
        self.status = QLabel()
        self.status.setObjectName("graph.status")
        self.status.setWordWrap(True)
        self.status.hide()

        self.canvases = {
            "symbolic": GraphCanvas("graph.canvas.symbolic"),
            "optimized": GraphCanvas("graph.canvas.optimized"),
        }
        self.canvas_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.canvas_splitter.setObjectName("graph.canvas_splitter")
        for canvas in self.canvases.values():
            self.canvas_splitter.addWidget(canvas)
        self.legend = LegendWidget("graph.legend")

        self.details_title = PaneTitle("Node", "graph.details_title")
        self.details = NodeDetails("graph.details")
        # One line, cut with "…" and whole in its tooltip: the title names the graph and
        # backend, and wrapped it took three lines of the debugprint's at 1024x700 (unwrapped
        # and uncut, it would hold the side panel, and the window, as wide as that line).
        self.text_title = PaneTitle("Debugprint", "graph.text_title")
        self.text = DebugprintView("graph.text")
        self.side_splitter = QSplitter(Qt.Orientation.Vertical)
        self.side_splitter.setObjectName("graph.side_splitter")
        details_box = _titled(self.details_title, self.details)
        details_box.layout().insertLayout(0, find_row)
        self.side_splitter.addWidget(details_box)
        self.side_splitter.addWidget(_titled(self.text_title, self.text))
        self.side_splitter.setSizes([380, 320])
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.setObjectName("graph.main_splitter")
        self.main_splitter.setChildrenCollapsible(False)
        self.main_splitter.addWidget(self.canvas_splitter)
        self.main_splitter.addWidget(self.side_splitter)
        self.main_splitter.setStretchFactor(0, 3)
        self.main_splitter.setStretchFactor(1, 2)
        self.main_splitter.setSizes([640, 400])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.compile_note)
        layout.addWidget(self.status)
        layout.addWidget(self.main_splitter, 1)
        # Under both columns, not the picture's alone: in that column's width it wrapped to
        # five rows at 1024x700 and left the graph a 150-pixel strip.
        layout.addWidget(self.legend)

    # --- public API ---------------------------------------------------------------------------

    @property
    def target(self) -> str:
        return self.target_box.currentData()

    @property
    def param(self) -> int:
        index = self.param_box.currentIndex()
        return index if index >= 0 else self.initial_param

    def set_target(self, target: str, param: int = 0) -> None:
        self.target_box.setCurrentIndex(self.target_box.findData(target))
        if self.param_box.count() > param:
            self.param_box.setCurrentIndex(param)
        elif self.param_box.count() == 0:
            self.initial_param = param  # no graph yet lists the weights
        self.request_graph()

    def set_choices(self, target: str, param: int = 0) -> None:
        """Choose the target (and gradient weight) quietly, as restored settings do: asked for
        when the tab is next shown. An unknown target is ignored."""
        index = self.target_box.findData(target)
        if index < 0:
            return
        self.target_box.blockSignals(True)
        self.target_box.setCurrentIndex(index)
        self.target_box.blockSignals(False)
        self.param_label.setVisible(target == "grad")
        self.param_box.setVisible(target == "grad")
        self.initial_param = max(int(param), 0)
        if 0 <= param < self.param_box.count():
            self.param_box.setCurrentIndex(param)
        if self.isVisible():
            self.request_graph()

    def set_mode(self, mode: str) -> None:
        """'symbolic', 'optimized' or 'side' (both, side by side)."""
        self.mode = mode
        self.stage_buttons[mode].setChecked(True)
        for stage, canvas in self.canvases.items():
            canvas.setVisible(mode in (stage, "side"))
        if mode != "side":
            self._activate(mode)
        else:
            half = max(self.canvas_splitter.width() // 2, 100)
            self.canvas_splitter.setSizes([half, half])
        self.canvas_link.set_enabled(mode == "side")
        self._update_legend()
        self.mode_changed.emit(mode)

    def request_graph(self) -> None:
        """Ask the worker for the current target's graphs (merged: only the latest is built)."""
        self.feed.request()

    def busy(self) -> bool:
        """A graph is being built or drawn (automation waits for this before a screenshot)."""
        return self.feed.awaiting or self.runner.is_busy()

    def apply_bundle(self, bundle: GraphBundle) -> None:
        """Show a bundle (normally from the worker's graph_ready)."""
        self.bundle = bundle
        self._update_params(bundle.param_names, bundle.request.param)
        self.summary.setText(
            summary_html(bundle.symbolic.stats, bundle.optimized.stats, bundle.comparison)
        )
        self.set_status("")
        self._update_compile_note()
        for stage in STAGES:
            self.pictures.show(stage, bundle.stage(stage))
        self._activate(self.active_stage)
        self._update_legend()
        if self.search.text():
            self._update_matches(keep_selection=True)
        self.graph_applied.emit(bundle)

    def current_graph(self) -> GraphView | None:
        return self.canvases[self.active_stage].graph

    def select_node(self, node_id: str | None, stage: str | None = None) -> bool:
        """Select a node in ``stage``'s graph (default: the active one) and describe it."""
        stage = stage or self.active_stage
        found = self.canvases[stage].select(node_id)
        self._activate(stage)
        return found

    def find(self, text: str) -> list[str]:
        """Search the active graph by name, op or id; selects the first match."""
        self.search.setText(text)
        return list(self.node_search.matches)

    def find_next(self, step: int = 1) -> str | None:
        """Select the next (or, with step -1, the previous) match."""
        node_id = self.node_search.step(step)
        if node_id is not None:
            self.select_node(node_id)
        self.match_label.setText(self.node_search.label_html())
        return node_id

    def export_to(self, fmt: str, path: str | Path) -> Path:
        """Save the active graph as ``fmt`` (svg, png, dot, txt); ExportError when impossible."""
        return self.exporter.export_to(fmt, path)

    def export_interactively(self, fmt: str) -> Path | None:
        """Ask for a file name, save, and say so (or why not)."""
        return self.exporter.export_interactively(fmt)

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        """Stop the renderer thread (closeEvent); True when it has stopped."""
        self.refresh_timer.stop()
        return self.runner.shutdown(timeout_ms)

    # --- wiring -------------------------------------------------------------------------------

    def _connect(self) -> None:
        self.target_box.currentIndexChanged.connect(self._on_target_changed)
        self.param_box.activated.connect(lambda _=0: self.request_graph())
        for mode, button in self.stage_buttons.items():
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
        for stage, canvas in self.canvases.items():
            canvas.node_selected.connect(lambda node_id, s=stage: self._on_canvas_selected(s))
        self.details.node_link_activated.connect(self._on_link_activated)
        self.text.node_clicked.connect(self._on_text_clicked)
        self.search.textChanged.connect(lambda _: self._update_matches())
        self.search.returnPressed.connect(self.find_next)
        self.next_button.clicked.connect(lambda: self.find_next(1))
        self.previous_button.clicked.connect(lambda: self.find_next(-1))
        find_action = QAction(self)
        find_action.setShortcut(QKeySequence.StandardKey.Find)
        find_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find_action.triggered.connect(lambda: self.search.setFocus())
        self.addAction(find_action)
        if hasattr(self.source, "engine_chosen"):  # the worker (tests may give a stand-in)
            self.source.engine_chosen.connect(self.set_running_loop)
            self.source.state_changed.connect(self._on_state_changed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.request_graph()
        self.feed.sync_refresh_timer()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.refresh_timer.stop()

    # --- slots --------------------------------------------------------------------------------

    @Slot(str)
    def set_running_loop(self, name: str) -> None:
        """The loop training runs on now (the worker's engine_chosen; "" for none yet)."""
        self.loop_running = name
        self._update_compile_note()

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        if state == RunState.COMPILING:  # a new network: its loop is chosen at Train
            self.loop_running = ""
            self._update_compile_note()

    @Slot(int)
    def _on_target_changed(self, _index: int) -> None:
        grad = self.target == "grad"
        self.param_label.setVisible(grad)
        self.param_box.setVisible(grad)
        self.request_graph()

    def _on_canvas_selected(self, stage: str) -> None:
        self._activate(stage)

    @Slot(str)
    def _on_link_activated(self, node_id: str) -> None:
        self.select_node(node_id)

    @Slot(str)
    def _on_text_clicked(self, node_id: str) -> None:
        self.canvases[self.active_stage].select(node_id)
        self.details.show_node(self.current_graph(), node_id)

    @Slot(str)
    def _on_drawn(self, stage: str) -> None:
        self.exporter.set_pictures_available(self.pictures.render_problem is None)
        if self.mode == "side":
            self.canvas_link.set_enabled(True)  # the new picture joins the other's view
        self.drawn.emit(stage)

    # --- internals ----------------------------------------------------------------------------

    def _activate(self, stage: str) -> None:
        """Make ``stage``'s graph the one described, searched and exported."""
        self.active_stage = stage
        canvas = self.canvases[stage]
        for other, widget in self.canvases.items():
            widget.setProperty("active", other == stage)
        graph = canvas.graph
        same_text = self.text.graph is not None and graph is not None
        same_text = same_text and self.text.graph.text == graph.text
        if not (same_text and self.text.selected == canvas.selected_id):
            # A refresh of the same graph leaves the text where the reader scrolled it.
            self.text.set_graph(graph)
            self.text.highlight(canvas.selected_id)
        self.text.graph = graph
        self.details.show_node(graph, canvas.selected_id)
        title = graph.title if graph is not None else ""
        self.text_title.set_detail(title)
        node = graph.nodes.get(canvas.selected_id or "") if graph is not None else None
        self.details_title.set_detail(node_title(node) if node is not None else "")

    def shown_picture(self) -> tuple[GraphView | None, str | None]:
        """The active graph and its SVG (None when it could not be drawn): what Export saves."""
        canvas = self.canvases[self.active_stage]
        return canvas.graph, canvas.svg

    def _update_compile_note(self) -> None:
        bundle = self.bundle
        text = tip = ""
        if bundle is not None:
            text = compile_note_html(bundle.compiled_as, bundle.planned_loop, self.loop_running)
            tip = compile_note_tooltip(bundle.planned_loop, self.loop_running)
        self.compile_note.setText(text)
        self.compile_note.setToolTip(tip)
        self.compile_note.setVisible(bool(text))

    def set_status(self, text: str) -> None:
        """A line above the graphs (rich text); empty hides it."""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _update_params(self, names: tuple[str, ...], param: int) -> None:
        current = [self.param_box.itemText(i) for i in range(self.param_box.count())]
        if current != list(names):
            self.param_box.blockSignals(True)
            self.param_box.clear()
            self.param_box.addItems(list(names))
            self.param_box.blockSignals(False)
            current = list(names)
        if self.target == "grad":
            self.param_box.setCurrentIndex(param)

    def _update_legend(self) -> None:
        shown = [c.graph for s, c in self.canvases.items() if self.mode in (s, "side")]
        categories = present_categories(shown)
        self.legend.set_categories(categories)

    def _update_matches(self, keep_selection: bool = False) -> None:
        selected = self.canvases[self.active_stage].selected_id if keep_selection else None
        first = self.node_search.update(self.current_graph(), self.search.text(), selected)
        if first is not None:
            self.select_node(first)
        self.match_label.setText(self.node_search.label_html())


def _tool_button(name: str, text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setObjectName(name)
    button.setText(text)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    return button


class PaneTitle(QWidget):
    """A side pane's title: its name in bold, then what it shows now on the same line, cut
    with "…" when the pane is narrow (and then whole in the tooltip)."""

    def __init__(self, name: str, object_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.name = QLabel(f"<b>{html.escape(name)}</b>")
        self.detail = ElidedLabel()
        self.detail.setObjectName(f"{object_name}.detail")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.name)
        layout.addWidget(self.detail, 1)

    def set_detail(self, text: str) -> None:
        self.detail.setText(f" — {text}" if text else "")

    def text(self) -> str:
        return self.name.text() + html.escape(self.detail.text())


def _titled(title: QWidget, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(title)
    layout.addWidget(widget, 1)
    return box
