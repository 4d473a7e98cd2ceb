"""The Graph tab's live values bar: "Live values for" [row chooser] [Show on the graph] note.

Only the widgets and the row list; GraphValuesPanel (graph_values_panel.py) puts the bar on
the tab, asks for the values and writes the note.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from xorlab.core.training.datasets import Dataset
from xorlab.ui.graph.values_text import row_text
from xorlab.ui.widgets.elided_combo import ElidedComboBox

ALL_ROWS = -1  # the row chooser's data for "all N rows"
NOTE_MIN_WIDTH = 120
ROW_TIP = "The training rows fed through the graph as its batch"
ROW_BOX_CHARACTERS = 20  # "row 12: x1=0.5757, x" and an ellipsis; the list shows rows whole


class GraphValuesBar(QWidget):
    """The row chooser (``row_box``), ``show_box``, the ``title`` and the ``note``."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("graph.values_bar")
        self.row_box = ElidedComboBox()
        self.row_box.setObjectName("graph.values_row")
        # The tooltip names the chosen row whole: the closed box cuts a long one.
        self.row_box.currentIndexChanged.connect(self._name_row_in_tooltip)
        self._name_row_in_tooltip()
        # At least a row's usual length, up to the longest row's where there is room: sized
        # to its contents (~44 characters for a regression row), the chooser widened the
        # window past a 1024-pixel screen whenever the Graph tab was shown. A row longer
        # than the box is cut in the box and shown whole in its list.
        self.row_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.row_box.setMinimumContentsLength(ROW_BOX_CHARACTERS)
        self.row_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.show_box = QCheckBox("Show on the graph")
        self.show_box.setObjectName("graph.show_values")
        self.show_box.setToolTip(
            "Label every node of the symbolic graph with its value for the chosen rows"
        )
        self.note = QLabel()
        self.note.setObjectName("graph.values_note")
        self.note.setStyleSheet("color: #57606A;")
        self.note.setTextFormat(Qt.TextFormat.RichText)
        # Wrapped, never cut ("symbolic grapl"): a narrow tab gives it a second line.
        self.note.setWordWrap(True)
        self.note.setMinimumWidth(NOTE_MIN_WIDTH)
        self.note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.title = QLabel("Live values for")
        self.title.setObjectName("graph.values_title")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.row_box, 1)  # shares the room with the note, up to its rows
        layout.addSpacing(8)
        layout.addWidget(self.show_box)
        layout.addSpacing(8)
        layout.addWidget(self.note, 1)

    def fill_rows(self, dataset: Dataset, initial_row: int | None) -> None:
        """List "all N rows" and each row of ``dataset``, keeping the chosen row when it
        still exists (first time: ``initial_row``, None for all), without emitting."""
        box = self.row_box
        box.blockSignals(True)
        previous = box.currentData()
        box.clear()
        box.addItem(f"all {dataset.n_samples} rows", ALL_ROWS)
        for i in range(dataset.n_samples):
            box.addItem(row_text(dataset, i), i)
        wanted = previous if previous is not None else initial_row
        index = box.findData(ALL_ROWS if wanted is None else wanted)
        box.setCurrentIndex(index if index >= 0 else 1)
        box.blockSignals(False)
        self._name_row_in_tooltip()  # its signal was blocked
        self._fit_rows()

    def _name_row_in_tooltip(self, *_index) -> None:
        chosen = self.row_box.currentText()
        tip = ROW_TIP if not chosen else f"{chosen}\n{ROW_TIP}"
        self.row_box.setToolTip(tip)

    def _fit_rows(self) -> None:
        """Let the chooser grow no wider than its longest row needs (its frame and arrow: the
        size hint's width beyond its ROW_BOX_CHARACTERS characters)."""
        box = self.row_box
        metrics = box.fontMetrics()
        frame = box.sizeHint().width() - metrics.horizontalAdvance("X" * ROW_BOX_CHARACTERS)
        longest = max(metrics.horizontalAdvance(box.itemText(i)) for i in range(box.count()))
        box.setMaximumWidth(max(box.sizeHint().width(), longest + frame))
