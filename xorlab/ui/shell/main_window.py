"""The shell: builder dock, tabbed views, menus, toolbar and status bar, wired to the worker.

Data flows one way: the builder edits the lab state's spec -> the worker compiles and trains
it -> its snapshots come back into the lab state and update the views. The window owns that
state (``xorlab.app.lab_state.LabState``: spec, run state, newest and replayed snapshot,
selection, saved baseline) and hands it to the parts that bind to it; it only lays out its
parts and remembers the layout: window_menus builds the menus and toolbar, window_routing
routes the signals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from xorlab.app.lab_state import LabState
from xorlab.core.training.presets import PRESETS
from xorlab.core.training.spec import ExperimentSpec
from xorlab.ui.builder.panel import BuilderPanel
from xorlab.ui.expression.tab import ExpressionTab
from xorlab.ui.formulas.panel import FormulaPanel
from xorlab.ui.runtime.gui_gc import install as collect_garbage_on_gui_thread
from xorlab.ui.runtime.replay import ReplayController
from xorlab.ui.runtime.selection import SelectionBus
from xorlab.ui.runtime.worker import TrainingWorker
from xorlab.ui.shell import screen_fit
from xorlab.ui.shell import settings as saved
from xorlab.ui.shell.actions import TrainingActions
from xorlab.ui.shell.app_resources import app_icon
from xorlab.ui.shell.banner import COMPACT_BELOW_HEIGHT, MessageBanner
from xorlab.ui.shell.engine_menu import EngineMenu
from xorlab.ui.shell.file_controller import FileController
from xorlab.ui.shell.first_paint import AfterFirstPaint
from xorlab.ui.shell.graph_page import GraphPage
from xorlab.ui.shell.help_dialogs import ShortcutsDialog, menu_actions
from xorlab.ui.shell.landscape_page import LandscapePage
from xorlab.ui.shell.network_views import DOCK_WIDTH as NETWORK_DOCK_WIDTH
from xorlab.ui.shell.network_views import SMALL_SCREEN, NetworkViews
from xorlab.ui.shell.screen_fit import ScreenFit
from xorlab.ui.shell.speed_control import SpeedControl
from xorlab.ui.shell.status_bar import TrainingStatusBar
from xorlab.ui.shell.window_layout import repair_layout
from xorlab.ui.shell.window_menus import MenuParts, build_menus_and_toolbar
from xorlab.ui.shell.window_routing import RoutedParts, WindowRouter
from xorlab.ui.sweep.launcher import SweepLauncher
from xorlab.ui.training.boundary import BoundaryView
from xorlab.ui.training.cost_plot import CostPlot
from xorlab.ui.training.log_view import LogView
from xorlab.ui.training.outputs_plot import OutputsPlot
from xorlab.ui.training.run_overlays import RunOverlays
from xorlab.ui.training.timeline_bar import TimelineBar, training_page
from xorlab.ui.training.truth_table import TruthTable
from xorlab.ui.widgets.stacking_page import StackingPage

if TYPE_CHECKING:
    from xorlab.core.training.trainer import TrainingSnapshot
    from xorlab.ui.graph.tab import GraphTab
    from xorlab.ui.landscape.landscape_tab import LandscapeTab
    from xorlab.ui.shell.landscape_tab_settings import LandscapeTabSettings

DEFAULT_SIZE = (1500, 940)
DOCK_WIDTH = 360  # the builder's combo boxes show their longest choices
# What the tabs keep beside both docks on a first start: the Training tab's plots, map and
# table side by side, and its tab bar whole.
TABS_WIDTH = 700
# How long closing waits for the worker before hiding and finishing in the background.
CLOSE_WAIT_MS = 250


class MainWindow(QMainWindow):
    def __init__(
        self,
        spec: ExperimentSpec | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        collect_garbage_on_gui_thread()  # see gui_gc: Qt garbage must not die on the worker
        self.setObjectName("main_window")
        self.setWindowTitle("xorlab")
        self.setWindowIcon(app_icon())
        self.settings = settings if settings is not None else QSettings()
        self._closing = False
        self._shortcuts_dialog: ShortcutsDialog | None = None

        # The one state the views bind to; the builder writes its spec, the replay its snapshots.
        self.state = LabState()
        self.worker = TrainingWorker(self)
        self.builder = BuilderPanel(state=self.state)
        self.cost_plot = CostPlot()
        self.outputs_plot = OutputsPlot()
        self.boundary = BoundaryView()
        self.truth_table = TruthTable()
        self.expression_tab = ExpressionTab()
        self.views = (self.cost_plot, self.outputs_plot, self.boundary, self.truth_table)
        # Time travel: the state views show replay.snapshot_shown (live or a stored epoch).
        self.replay = ReplayController(self.worker, parent=self, state=self.state)
        # The selection the linked views share (diagram, Graph tab, landscape).
        self.bus = SelectionBus(self, state=self.state)
        marked = (self.cost_plot.plot_item, self.outputs_plot.plot_item)
        self.timeline_bar = TimelineBar(self.replay, marked)
        self.formula_panel = FormulaPanel(self.worker, self.replay)
        self.log_view = LogView(self.worker)  # the tutorials' printed progress lines
        self.run_overlays = RunOverlays(self.cost_plot, lambda: self.spec, self.worker, parent=self)
        self.sweeps = SweepLauncher(self, lambda: self.spec, self.run_overlays)
        self.banner = MessageBanner()
        self.status = TrainingStatusBar()
        self.setStatusBar(self.status)
        self.engine = EngineMenu(self.worker, self.status, self.settings, self)  # Train > Engine
        self.speed = SpeedControl(self.worker, self.settings, self)  # Train > Speed, toolbar
        self.actions = TrainingActions(self)
        self.experiment_files = FileController(self)  # File menu, title, unsaved changes

        self._build_layout()
        menus = build_menus_and_toolbar(
            self,
            MenuParts(
                files=self.experiment_files,
                actions=self.actions,
                engine_menu=self.engine.menu,
                speed=self.speed,
                train_extras=(self.sweeps.action, self.run_overlays.clear_action),
                builder_dock=self.builder_dock,
                graph_export_actions=tuple(self.graph_page.exporter.actions.values()),
                show_tab=self.show_tab,
                show_shortcuts=self.show_shortcuts,
            ),
        )
        self.toolbar = menus.toolbar
        self.quit_action = menus.quit_action
        self.log_cost_action = menus.log_cost_action
        routed = RoutedParts(
            self.state,
            self.builder,
            self.worker,
            self.replay,
            self.cost_plot,
            self.outputs_plot,
            self.boundary,
            self.truth_table,
            self.status,
            self.banner,
            self.actions,
            self.log_cost_action,
        )
        self.router = WindowRouter(routed, self)  # builder -> worker -> views, status, banner
        self.network_views = NetworkViews(self)  # diagram dock, linked selection, live values
        available = screen_fit.available_rect(self)
        if available.width() < SMALL_SCREEN:  # the dock's sizing kept to 0.94 of its width
            self.resize(available.width(), self.height())
        self._share_width_with_docks()
        # The cost surface around the shown weights; weights picked in the diagram or the
        # Graph tab can be its axes. Built when first shown (landscape_page).
        self.landscape_page = LandscapePage(
            self.worker, self.replay, self.bus, lambda: self.spec, self.settings
        )
        self.add_tab(self.landscape_page, "Landscape")
        # Within the screen whatever is shown: the Network dock tabifies when room runs out.
        self.fit_guard = ScreenFit(self, self.builder_dock, self.network_views.dock, self.tabs)
        self._restore_settings()
        self.fit_guard.fit()

        initial = spec or saved.read_spec(self.settings) or PRESETS["xor-minimal"].spec
        # The worker (and its first compile) starts once the window has painted: see first_paint.
        self.worker_start = AfterFirstPaint(self, self.tabs, self.worker.start)
        self.load_spec(initial)
        self.experiment_files.mark_unmodified()

    # --- public API ---------------------------------------------------------------------------

    @property
    def last_snapshot(self) -> TrainingSnapshot | None:
        """The newest snapshot of the current run; None until the first one."""
        return self.state.latest

    @property
    def spec(self) -> ExperimentSpec:
        """The last valid spec: the one the worker compiles and trains."""
        return self.state.spec

    def load_spec(self, spec: ExperimentSpec) -> None:
        """Show ``spec`` in the builder and start compiling it."""
        self.builder.set_spec(spec)  # the builder checks it: only a valid spec is in force
        self.worker.set_spec(self.state.spec)  # merged with the state's own request

    def open_preset(self, name: str) -> None:
        """A new, untitled experiment from the preset ``name``."""
        self.experiment_files.new_experiment(name)

    def open_experiment(self, path: str) -> bool:
        """Open a saved experiment: its network, data, weights and history."""
        return self.experiment_files.open_path(path)

    @property
    def graph_tab(self) -> GraphTab:
        """The Graph tab (built now if it was never shown)."""
        return self.graph_page.tab

    @property
    def landscape_tab(self) -> LandscapeTab:
        """The Landscape tab (built now if it was never shown)."""
        return self.landscape_page.page()

    @property
    def landscape_settings(self) -> LandscapeTabSettings:
        self.landscape_page.page()
        return self.landscape_page.settings

    def start_training(self) -> None:
        """Train now, or as soon as the compile in progress ends (automation uses this)."""
        self.worker.train()

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a view as a tab beside Training (e.g. Graph, Expression); returns its index."""
        return self.tabs.addTab(widget, title)

    def tab_names(self) -> list[str]:
        return [self.tabs.tabText(i).replace("&", "") for i in range(self.tabs.count())]

    def show_tab(self, name: str) -> bool:
        """Switch to the tab titled ``name`` (any case); False when there is none."""
        for i, title in enumerate(self.tab_names()):
            if title.lower() == name.strip().lower():
                self.tabs.setCurrentIndex(i)
                return True
        return False

    # --- building -----------------------------------------------------------------------------

    def _build_layout(self) -> None:
        self.builder_dock = QDockWidget("Experiment", self)
        self.builder_dock.setObjectName("builder_dock")
        self.builder_dock.setWidget(self.builder)
        self.builder_dock.setAllowedAreas(
            Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.builder_dock)

        self.top_splitter = self._splitter("top", Qt.Orientation.Horizontal, self.cost_plot)
        self.top_splitter.addWidget(self.outputs_plot)
        self.bottom_splitter = self._splitter("bottom", Qt.Orientation.Horizontal, self.boundary)
        self.bottom_splitter.addWidget(self.truth_table)
        self.training_splitter = self._splitter(
            "training", Qt.Orientation.Vertical, self.top_splitter
        )
        self.training_splitter.addWidget(self.bottom_splitter)
        self.training_splitter.setObjectName("training_tab")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("main_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(training_page(self.training_splitter, self.timeline_bar), "Training")
        # The graphs, built when the tab is first shown (graph_page).
        self.graph_page = GraphPage(
            self.worker,
            self.replay,
            self.bus,
            self.settings,
            self.tabs,
            lambda: [self.builder_dock, self.network_views.dock],
        )
        self.add_tab(self.graph_page, "Graph")
        # Its plots beside its graph: at 1366x768 with both docks the Network dock makes room
        # (at 1024x700 it goes into a tab beside the Experiment dock: screen_fit); stacked, the
        # graph was below the fold. The page scrolls where even that is too short.
        page = StackingPage(
            self.expression_tab, self.expression_tab.splitter, side_by_side_minimum=True
        )
        self.add_tab(page, "Expression")
        self.add_tab(self.formula_panel, "Formulas")
        self.add_tab(self.log_view, "Log")

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._size_for_screen()

    def _size_for_screen(self) -> None:
        """A roomy first size that still fits the screen; saved geometry replaces it."""
        available = screen_fit.available_rect(self)
        # A small screen's height is the plots': the banner keeps to one line there.
        self.banner.set_compact(available.height() < COMPACT_BELOW_HEIGHT)
        # A laptop's screen gives its whole width: at 0.94 of 1024 pixels the Training tab's
        # map and table split 60 pixels less, and the map was ~50 pixels tall.
        share = 0.94 if available.width() >= SMALL_SCREEN else 1.0
        width = min(DEFAULT_SIZE[0], int(available.width() * share))
        height = min(DEFAULT_SIZE[1], int(available.height() * 0.94))
        self.resize(width, height)
        # On a laptop's screen the tabs need the room more than the builder's longest choices
        # (cut with "…", whole in their tooltips): at 1024x700 the dock's 360 pixels left the
        # Expression tab 580, too few for its plots beside its graph.
        dock_width = DOCK_WIDTH if available.width() >= SMALL_SCREEN else 1  # 1: its minimum
        self.resizeDocks([self.builder_dock], [dock_width], Qt.Orientation.Horizontal)

    def _share_width_with_docks(self) -> None:
        """A first start's dock widths: each dock its own (DOCK_WIDTH, the diagram's) where the
        window has room, else both narrower so the tabs keep TABS_WIDTH; saved state replaces
        it. The docks' own widths at 1366x768 left the Training tab 524 pixels: its tab bar
        scrolled and the decision map's colour bar was cut."""
        network = self.network_views.dock
        if network.isHidden():
            return
        spare = self.width() - TABS_WIDTH
        if spare >= DOCK_WIDTH + NETWORK_DOCK_WIDTH:
            return
        builder_width = max(1, min(DOCK_WIDTH, spare // 2))  # 1: its minimum
        network_width = max(1, spare - builder_width)
        self.resizeDocks(
            [self.builder_dock, network],
            [builder_width, network_width],
            Qt.Orientation.Horizontal,
        )

    def _splitter(self, name: str, orientation: Qt.Orientation, first: QWidget) -> QSplitter:
        splitter = QSplitter(orientation)
        splitter.setObjectName(f"splitter.{name}")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(first)
        return splitter

    def show_shortcuts(self) -> None:
        if self._shortcuts_dialog is None:
            # Every menu's, in menu order: a hand-made list had left out the View menu's
            # (Ctrl+Shift+N, Ctrl+1...) and F1 itself. Find lives on the Graph tab, built
            # when first shown: named here by its key.
            find = QAction("Find a node", self)
            find.setShortcut(QKeySequence.StandardKey.Find)
            find.setStatusTip("On the Graph tab: select the nodes whose name or op matches")
            self._shortcuts_dialog = ShortcutsDialog([*menu_actions(self.menuBar()), find], self)
        if self._shortcuts_dialog.isVisible():
            self._shortcuts_dialog.raise_()
        else:
            self._shortcuts_dialog.show()

    # --- settings and closing -----------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        if (geometry := saved.GEOMETRY.read(s)) is not None:
            self.restoreGeometry(geometry)
        if (state := saved.WINDOW_STATE.read(s)) is not None:
            self.restoreState(state)
        for splitter in (self.training_splitter, self.top_splitter, self.bottom_splitter):
            blob = saved.splitter(splitter.objectName()).read(s)
            if blob is not None:
                splitter.restoreState(blob)
        repair_layout(self)  # a state saved by another version or screen stays usable
        self.log_cost_action.setChecked(saved.LOG_COST.read(s))
        self._saved_tab = saved.CURRENT_TAB.read(s)
        # Tabs added after construction (Graph, Expression) exist once the loop runs.
        QTimer.singleShot(0, self._restore_tab)

    def _restore_tab(self) -> None:
        if self._saved_tab:
            self.show_tab(self._saved_tab)

    def save_settings(self) -> bool:
        self.graph_page.leave_focus()  # the docks hidden by focus mode are saved as shown
        s = self.settings
        saved.GEOMETRY.write(s, self.saveGeometry())
        saved.WINDOW_STATE.write(s, self.saveState())
        for splitter in (self.training_splitter, self.top_splitter, self.bottom_splitter):
            saved.splitter(splitter.objectName()).write(s, splitter.saveState())
        saved.LOG_COST.write(s, self.log_cost_action.isChecked())
        saved.CURRENT_TAB.write(s, self.tab_names()[self.tabs.currentIndex()])
        saved.write_spec(s, self.spec)
        return saved.sync(s)

    def background_runners(self):
        """The background threads (expression compiles, graph rendering, landscapes, the
        diagram's lines)."""
        runners = [self.expression_tab.runner]
        for page in (self.graph_page, self.landscape_page):
            if page.is_built():  # a tab never shown has no thread to stop
                runners.append(page.page().runner)
        return (*runners, self.sweeps, self.network_views.runner)

    def stop_threads(self) -> None:
        """Stop the worker and every background thread and wait for each to end, however
        long its job in progress takes: for the moment the event loop has returned (app.quit,
        a script that closed the window). A process that exits while one of them runs is
        aborted by Qt ("QThread: Destroyed while thread ... is still running")."""
        self.worker.request_shutdown()
        runners = self.background_runners()
        for runner in runners:
            runner.request_shutdown()
        self.worker.wait()
        for runner in runners:
            runner.wait()
        self.expression_tab.lab.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the worker before the window goes. A compile step in progress cannot be cut
        short: the window hides at once and closes for good when the step ends."""
        if not self._closing and not self.experiment_files.may_close():
            event.ignore()  # cancelled, or closing once the changes are saved
            return
        if not self._closing:
            self._closing = True
            self.save_settings()
            self.worker.request_shutdown()
            self.worker.finished.connect(self.close)
            for runner in self.background_runners():
                runner.request_shutdown()
                runner.finished.connect(self.close)
        stopped = [runner.wait(CLOSE_WAIT_MS) for runner in self.background_runners()]
        if self.worker.wait(CLOSE_WAIT_MS) and all(stopped):
            # The expression lab's Graphviz thread is its own, not a runner's: ended here, or
            # the interpreter's exit waits for it.
            self.expression_tab.lab.close()
            if self._shortcuts_dialog is not None:
                self._shortcuts_dialog.close()
            event.accept()
            return
        event.ignore()
        self.hide()
