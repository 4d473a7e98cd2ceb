"""The Graph tab's page, built the first time the tab is shown (see lazy_page).

Building the tab with the window (its toolbar, two graph canvases, legend, node panel,
debugprint view, values bar, and the style each of them is polished with) put 0.05-0.1 s of
CPU before the window's first paint, and importing its modules as much again, for a tab most
sessions open later or never. Until the tab is built, the page keeps what its parts would
have followed from the start: the current run's dataset (the values bar lists its rows) and
the loop training runs on (the tab names it beside the compile it shows).
The selection is the lab state's (the link reads it when built), the replayed epoch is the
replay controller's, and a graph is asked for whenever the tab is shown, so nothing else
needs keeping.

The File menu's "Export graph" actions exist from the start: the page owns the exporter and
hands it to the tab when built; before that there is no graph to save, and the exporter says
so ("Open the Graph tab and wait for the graph"). The tab's own modules are imported when it
is built: ~0.045 s of CPU (2 cores, load 3) that the window's start no longer pays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Slot
from PySide6.QtWidgets import QDockWidget, QTabWidget

from xorlab.app.run_state import RunState
from xorlab.ui.graph.export import GraphExporter
from xorlab.ui.shell.lazy_page import LazyPage

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphView
    from xorlab.core.training.datasets import Dataset
    from xorlab.ui.graph.focus_mode import FocusMode
    from xorlab.ui.graph.links import GraphSelectionLink
    from xorlab.ui.graph.tab import GraphTab
    from xorlab.ui.graph.values_panel import GraphValuesPanel
    from xorlab.ui.runtime.replay import ReplayController
    from xorlab.ui.runtime.selection import SelectionBus
    from xorlab.ui.runtime.worker import TrainingWorker
    from xorlab.ui.shell.graph_tab_settings import GraphTabSettings


class GraphPage(LazyPage):
    """The Graph tab (``tab``) with its selection link, live values bar, saved choices and
    focus mode, all made when the page is first shown or asked for. ``focus_docks`` gives
    the docks Focus hides (they exist by the time the tab is built)."""

    def __init__(
        self,
        worker: TrainingWorker,
        replay: ReplayController,
        bus: SelectionBus,
        settings: QSettings,
        tabs: QTabWidget,
        focus_docks: Callable[[], list[QDockWidget]],
    ):
        super().__init__("graph_tab", self._build_tab)
        self.worker, self.replay, self.bus, self.saved = worker, replay, bus, settings
        self.tabs, self.focus_docks = tabs, focus_docks
        self.exporter = GraphExporter(self, self._shown_picture)
        self.link: GraphSelectionLink | None = None
        self.values: GraphValuesPanel | None = None
        self.settings: GraphTabSettings | None = None
        self.focus: FocusMode | None = None
        self._dataset: Dataset | None = None
        self._loop = ""  # the worker's last engine_chosen for this network
        worker.run_reset.connect(self._on_run_reset)
        worker.engine_chosen.connect(self._on_engine_chosen)
        worker.state_changed.connect(self._on_state_changed)

    @property
    def tab(self) -> GraphTab:
        """The Graph tab (built now if it was never shown)."""
        return self.page()

    @property
    def values_panel(self) -> GraphValuesPanel:
        """The live values bar (the tab is built now if it was never shown)."""
        self.page()
        return self.values

    def leave_focus(self) -> None:
        """Bring back what Focus hid (the window saves its docks as shown)."""
        if self.focus is not None:
            self.focus.set_on(False)

    @Slot(object, object)
    def _on_run_reset(self, dataset: Dataset, _grid) -> None:
        self._dataset = dataset

    @Slot(str)
    def _on_engine_chosen(self, name: str) -> None:
        self._loop = name

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        if state == RunState.COMPILING:  # a new network: its loop is chosen at Train
            self._loop = ""

    def _shown_picture(self) -> tuple[GraphView | None, str | None]:
        return self.tab.shown_picture() if self.is_built() else (None, None)

    def _build_tab(self) -> GraphTab:
        # Here, not at the top: the start does not import what only the tab uses.
        from xorlab.ui.graph.focus_mode import FocusMode
        from xorlab.ui.graph.links import GraphSelectionLink
        from xorlab.ui.graph.tab import GraphTab
        from xorlab.ui.graph.values_panel import GraphValuesPanel
        from xorlab.ui.shell.graph_tab_settings import GraphTabSettings

        self.worker.run_reset.disconnect(self._on_run_reset)
        self.worker.engine_chosen.disconnect(self._on_engine_chosen)
        self.worker.state_changed.disconnect(self._on_state_changed)
        tab = GraphTab(self.worker, exporter=self.exporter)  # builds graphs on the worker
        tab.set_running_loop(self._loop)
        self.link = GraphSelectionLink(tab, self.bus)
        # Live values follow time travel; the tab's choices are remembered between sessions.
        self.values = GraphValuesPanel(tab, self.worker, self.replay)
        self.settings = GraphTabSettings(tab, self.saved, self.values)
        if self._dataset is not None:  # the run began before the tab was built
            self.values.on_run_reset(self._dataset)
            self._dataset = None
        # The tab's Focus button: the graph gets the whole window.
        self.focus = FocusMode(tab, self.tabs, self.focus_docks())
        return tab
