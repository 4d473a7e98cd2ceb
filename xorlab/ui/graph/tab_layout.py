"""The Graph tab's widgets and their arrangement; graph_tab.py gives them behaviour.

[graph: target (weight)] [symbolic | optimized | side by side]               [export]
counts before and after the rewrites
+-----------------------------------+---------------------+
| picture(s)                        | find; node details  |
|                                   +---------------------+
| legend                            | debugprint text     |
+-----------------------------------+---------------------+
"""

from __future__ import annotations

from PySide6.QtCore import Qt
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

from xorlab.ui.graph.legend import LegendWidget
from xorlab.ui.graph.text import DebugprintView
from xorlab.ui.widgets.graph_canvas import GraphCanvas
from xorlab.ui.widgets.node_details import NodeDetails

MODE_LABELS = {"symbolic": "Symbolic", "optimized": "Optimized", "side": "Side by side"}
MODE_TIPS = {
    "symbolic": "The graph as the model builds it, before PyTensor rewrites anything",
    "optimized": "The graph as compiled: after the rewrites, what actually runs",
    "side": "Both, side by side: see which ops the rewrites removed, fused or inserted",
}
STYLE = """
QToolButton[segment="true"] { padding: 3px 10px; border: 1px solid #D0D7DE; background: #FBFBFC; }
QToolButton[segment="true"]:checked { background: #0072B2; color: white; border-color: #0072B2; }
QLabel#graph\\.summary { background: #F6F8FA; border: 1px solid #E6E9ED; border-radius: 4px;
    padding: 4px 8px; }
"""


class GraphTabLayout(QWidget):
    def __init__(
        self, target_labels: dict[str, str], target_tips: dict[str, str], parent=None
    ) -> None:
        super().__init__(parent)
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
            "graph.export", "Export", "Save the graph on screen as SVG, PNG, DOT or text"
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
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.canvas_splitter, 1)
        left_layout.addWidget(self.legend)

        self.details_title = QLabel("<b>Node</b>")
        self.details = NodeDetails("graph.details")
        self.text_title = QLabel("<b>Debugprint</b>")
        # Wrapped: the title names the graph and backend, and unwrapped it would hold the
        # side panel (and so the whole window) as wide as that line.
        self.text_title.setWordWrap(True)
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
        self.main_splitter.addWidget(left)
        self.main_splitter.addWidget(self.side_splitter)
        self.main_splitter.setStretchFactor(0, 3)
        self.main_splitter.setStretchFactor(1, 2)
        self.main_splitter.setSizes([640, 400])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.status)
        layout.addWidget(self.main_splitter, 1)


def _tool_button(name: str, text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setObjectName(name)
    button.setText(text)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    return button


def _titled(title: QLabel, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(title)
    layout.addWidget(widget, 1)
    return box
