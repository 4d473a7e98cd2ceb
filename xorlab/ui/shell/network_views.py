"""Puts the network diagram and the linked-view features into the main window.

The diagram lives in a dock ("Network", right of the tabs by default) so it stays on screen
beside the Training plots and the Graph tab alike: a selection made in either shows in the
other (the Graph tab's side of the link is made with the tab: graph_page.py). The window only
has to create this (before restoring its saved layout, so the dock's place is restored too).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from xorlab.ui.network.diagram import NetworkDiagram
from xorlab.ui.runtime.background import BackgroundRunner
from xorlab.ui.runtime.selection import SelectionBus
from xorlab.ui.shell import screen_fit
from xorlab.ui.shell.structure_edits import StructureEdits

DOCK_WIDTH = 400
SCREEN_SHARE = 0.94  # the window never grows past this share of the screen
SMALL_SCREEN = 1100  # narrower screens start with the dock hidden


class NetworkViews:
    """The diagram dock, on the window's selection bus (its own for a stand-in window)."""

    def __init__(self, window: QMainWindow):
        # The selection is the lab state's (a stand-in window in tests may have none).
        bus = getattr(window, "bus", None)
        self.bus = bus or SelectionBus(window, state=getattr(window, "state", None))
        # The diagram shows what the time-travel bar shows, like the other state views.
        replay = getattr(window, "replay", None)
        # The diagram's lines are painted on this thread (the window shuts it down on close).
        # The lines' pictures need Numba only (imported through core.first_imports).
        self.runner = BackgroundRunner("xorlab-diagram", window, imports_pytensor=False)
        self.diagram = NetworkDiagram(window.worker, self.bus, replay=replay, runner=self.runner)
        self.dock = QDockWidget("Network", window)
        self.dock.setObjectName("network_dock")
        self.dock.setWidget(self.diagram)
        self.dock.setAllowedAreas(
            Qt.DockWidgetArea.LeftDockWidgetArea
            | Qt.DockWidgetArea.RightDockWidgetArea
            | Qt.DockWidgetArea.BottomDockWidgetArea
        )
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        # Room for the dock without squeezing the plots, where the screen has it (a saved
        # geometry, restored after this, wins).
        screen_width = screen_fit.available_rect(window).width()
        window.resize(
            int(min(window.width() + DOCK_WIDTH, screen_width * SCREEN_SHARE)), window.height()
        )
        window.resizeDocks([self.dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)
        if screen_width < SMALL_SCREEN:
            self.dock.hide()  # View > Network diagram shows it; the plots need the room
        # +/- on the diagram edit the builder's layer list, as a user would there.
        builder = getattr(window, "builder", None)
        if builder is not None:
            self.structure_edits = StructureEdits(builder, self.diagram.structure)
        # The cost after a weight edit is marked on the cost plot, as the status bar says it.
        cost_plot = getattr(window, "cost_plot", None)
        if cost_plot is not None:
            self.diagram.weight_edited.connect(lambda _edit: cost_plot.expect_edit())

        self.show_action = self.dock.toggleViewAction()
        self.show_action.setObjectName("action.show_network")
        self.show_action.setText("&Network diagram")
        self.show_action.setStatusTip("Show or hide the network diagram")
        self.show_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        view_menu = _menu(window, "View")
        if view_menu is not None:
            actions = view_menu.actions()
            after = next((a for a in actions if a.objectName() == "action.show_builder"), None)
            index = actions.index(after) + 1 if after is not None else 0
            before = actions[index] if index < len(actions) else None
            view_menu.insertAction(before, self.show_action)


def _menu(window: QMainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title and action.menu() is not None:
            return action.menu()
    return None
