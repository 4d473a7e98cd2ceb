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
        target = saved.GRAPH_TARGET.read(s)
        param = saved.GRAPH_PARAM.read(s)
        if tab.target_box.findData(target) >= 0:
            tab.set_choices(target, param if 0 <= param < MAX_PARAM else 0)
        mode = saved.GRAPH_MODE.read(s)
        if mode in MODES:
            tab.set_mode(mode)
        for splitter in self._splitters():
            blob = saved.splitter(splitter.objectName()).read(s)
            if blob is not None:
                splitter.restoreState(blob)  # False (ignored) for a blob that makes no sense
        if self.panel is not None:
            row = saved.GRAPH_VALUES_ROW.read(s)
            if row == ALL_ROWS:
                self.panel.initial_row = None
            elif row >= 0:
                self.panel.initial_row = row  # a row the data lacks falls back to row 1
            if saved.GRAPH_SHOW_VALUES.read(s):
                self.panel.show_box.setChecked(True)

    def _splitters(self) -> tuple[QSplitter, ...]:
        return (self.tab.main_splitter, self.tab.side_splitter)

    # --- slots --------------------------------------------------------------------------------

    @Slot(int)
    def _on_target_changed(self, _index: int) -> None:
        saved.GRAPH_TARGET.write(self.settings, self.tab.target)

    @Slot(int)
    def _on_param_changed(self, index: int) -> None:
        if index >= 0 and self.tab.target == "grad":
            saved.GRAPH_PARAM.write(self.settings, index)

    @Slot(str)
    def _on_mode_changed(self, mode: str) -> None:
        saved.GRAPH_MODE.write(self.settings, mode)

    def _on_splitter_moved(self, splitter: QSplitter) -> None:
        saved.splitter(splitter.objectName()).write(self.settings, splitter.saveState())

    @Slot(bool)
    def _on_show_values_toggled(self, checked: bool) -> None:
        saved.GRAPH_SHOW_VALUES.write(self.settings, checked)

    @Slot(int)
    def _on_row_chosen(self, _index: int) -> None:
        row = self.panel.row_box.currentData() if self.panel is not None else None
        if row is not None:
            saved.GRAPH_VALUES_ROW.write(self.settings, int(row))
