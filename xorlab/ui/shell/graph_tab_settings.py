"""The Graph tab's choices kept between sessions: which graph (and gradient weight), which
stage (symbolic, optimized, side by side), the live values' rows and "Show values", and the
tab's splitters.

Each choice is written when it changes (the window writes the file to disk when it closes)
and read back when a window is made. A saved value that is unknown, of the wrong type or
corrupt is ignored and the default stays: settings files get hand-edited and outlive
versions of the app.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtWidgets import QSplitter

from xorlab.ui.graph.tab import MODES, GraphTab
from xorlab.ui.graph.values_panel import ALL_ROWS, GraphValuesPanel
from xorlab.ui.shell import settings as saved

MAX_PARAM = 64  # more weight matrices than any network the builder can make


class GraphTabSettings(QObject):
    """Restores ``tab``'s (and its values ``panel``'s) saved choices, then keeps them saved."""

    def __init__(
        self,
        tab: GraphTab,
        settings: QSettings,
        panel: GraphValuesPanel | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent if parent is not None else tab)
        self.tab = tab
        self.panel = panel
        self.settings = settings
        self.restore()
        tab.target_box.currentIndexChanged.connect(self._on_target_changed)
        tab.param_box.currentIndexChanged.connect(self._on_param_changed)
        tab.mode_changed.connect(self._on_mode_changed)
        for splitter in self._splitters():
            splitter.splitterMoved.connect(
                lambda _pos, _index, s=splitter: self._on_splitter_moved(s)
            )
        if panel is not None:
            panel.show_box.toggled.connect(self._on_show_values_toggled)
            panel.row_box.currentIndexChanged.connect(self._on_row_chosen)

    def restore(self) -> None:
        s, tab = self.settings, self.tab
        target = saved.read_str(s, saved.GRAPH_TARGET)
        param = saved.read_int(s, saved.GRAPH_PARAM, 0)
        if tab.target_box.findData(target) >= 0:
            tab.set_choices(target, param if 0 <= param < MAX_PARAM else 0)
        mode = saved.read_str(s, saved.GRAPH_MODE)
        if mode in MODES:
            tab.set_mode(mode)
        for splitter in self._splitters():
            blob = saved.read_bytes(s, saved.splitter_key(splitter.objectName()))
            if blob is not None:
                splitter.restoreState(blob)  # False (ignored) for a blob that makes no sense
        if self.panel is not None:
            row = saved.read_int(s, saved.GRAPH_VALUES_ROW, 0)
            if row == ALL_ROWS:
                self.panel.initial_row = None
            elif row >= 0:
                self.panel.initial_row = row  # a row the data lacks falls back to row 1
            if saved.read_bool(s, saved.GRAPH_SHOW_VALUES, False):
                self.panel.show_box.setChecked(True)

    def _splitters(self) -> tuple[QSplitter, ...]:
        return (self.tab.main_splitter, self.tab.side_splitter)

    # --- slots --------------------------------------------------------------------------------

    @Slot(int)
    def _on_target_changed(self, _index: int) -> None:
        self.settings.setValue(saved.GRAPH_TARGET, self.tab.target)

    @Slot(int)
    def _on_param_changed(self, index: int) -> None:
        if index >= 0 and self.tab.target == "grad":
            self.settings.setValue(saved.GRAPH_PARAM, index)

    @Slot(str)
    def _on_mode_changed(self, mode: str) -> None:
        self.settings.setValue(saved.GRAPH_MODE, mode)

    def _on_splitter_moved(self, splitter: QSplitter) -> None:
        self.settings.setValue(saved.splitter_key(splitter.objectName()), splitter.saveState())

    @Slot(bool)
    def _on_show_values_toggled(self, checked: bool) -> None:
        self.settings.setValue(saved.GRAPH_SHOW_VALUES, checked)

    @Slot(int)
    def _on_row_chosen(self, _index: int) -> None:
        row = self.panel.row_box.currentData() if self.panel is not None else None
        if row is not None:
            self.settings.setValue(saved.GRAPH_VALUES_ROW, int(row))
