"""Focus mode for the Graph tab: the graph gets the whole window.

The docks (Experiment, Network) and the tab's side panel (node details, debugprint) hide
while the Graph tab's Focus button is on; they come back as they were when it is turned off
or the user leaves the tab. The legend stays: it says what the colours mean.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QDockWidget, QTabWidget, QWidget

from xorlab.ui.graph.tab import GraphTab


class FocusMode(QObject):
    def __init__(self, tab: GraphTab, tabs: QTabWidget, docks: list[QDockWidget]):
        super().__init__(tab)
        self.tab = tab
        self.tabs = tabs
        self.docks = docks
        self.hidden: list[QWidget] = []  # what focus hid, to show again
        tab.focus_button.toggled.connect(self.set_on)
        tabs.currentChanged.connect(self._on_tab_changed)

    @property
    def on(self) -> bool:
        return bool(self.hidden) or self.tab.focus_button.isChecked()

    @Slot(bool)
    def set_on(self, on: bool) -> None:
        if self.tab.focus_button.isChecked() != on:
            self.tab.focus_button.setChecked(on)  # comes back here
            return
        if on:
            side = self.tab.side_splitter
            shown = [d for d in self.docks if d.isVisible() and not d.isFloating()]
            self.hidden = [*shown, side] if side.isVisible() else shown
            for widget in self.hidden:
                widget.hide()
        else:
            hidden, self.hidden = self.hidden, []
            for widget in hidden:
                widget.show()
        for canvas in self.tab.canvases.values():
            if canvas.auto_view:
                canvas.readable_fit()  # the first view again, in the new room

    @Slot(int)
    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is not self.tab and self.tab.focus_button.isChecked():
            self.set_on(False)
