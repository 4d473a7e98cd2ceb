"""The shell: builder dock, tabbed views, menus, toolbar and status bar, wired to the worker.

Data flows one way: the builder edits a spec -> the worker compiles and trains it -> its
snapshots update the views. The window itself only routes signals and remembers the layout.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from xorlab.core.datasets import Dataset, PlaneGrid
from xorlab.core.presets import PRESETS
from xorlab.core.spec import COST_LABELS, ExperimentSpec
from xorlab.core.trainer import TrainingSnapshot, batch_table
from xorlab.ui import settings as saved
from xorlab.ui.actions import TrainingActions
from xorlab.ui.banner import MessageBanner
from xorlab.ui.engine_menu import EngineMenu
from xorlab.ui.file_controller import FileController
from xorlab.ui.gui_gc import install as collect_garbage_on_gui_thread
from xorlab.ui.help_dialogs import ABOUT_HTML, ShortcutsDialog
from xorlab.ui.network_views import NetworkViews
from xorlab.ui.replay import ReplayController
from xorlab.ui.speed_control import SpeedControl
from xorlab.ui.status_bar import TrainingStatusBar
from xorlab.ui.sweep_launcher import SweepLauncher
from xorlab.ui.views.boundary import BoundaryView
from xorlab.ui.views.builder import BuilderPanel
from xorlab.ui.views.cost_plot import CostPlot
from xorlab.ui.views.expression_tab import ExpressionTab
from xorlab.ui.views.formula_panel import FormulaPanel
from xorlab.ui.views.graph_tab import GraphTab
from xorlab.ui.views.outputs_plot import OutputsPlot
from xorlab.ui.views.run_overlays import RunOverlays
from xorlab.ui.views.timeline_bar import TimelineBar, training_page
from xorlab.ui.views.truth_table import TruthTable
from xorlab.ui.window_layout import repair_layout
from xorlab.ui.worker import TrainingWorker

DEFAULT_SIZE = (1500, 940)
DOCK_WIDTH = 360  # the builder's combo boxes show their longest choices
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
        self.settings = settings if settings is not None else QSettings()
        self.last_snapshot: TrainingSnapshot | None = None
        self._closing = False
        self._shortcuts_dialog: ShortcutsDialog | None = None

        self.worker = TrainingWorker(self)
        self.builder = BuilderPanel()
        self.cost_plot = CostPlot()
        self.outputs_plot = OutputsPlot()
        self.boundary = BoundaryView()
        self.truth_table = TruthTable()
        self.graph_tab = GraphTab(self.worker)  # builds graphs on the worker's thread
        self.expression_tab = ExpressionTab()
        self.views = (self.cost_plot, self.outputs_plot, self.boundary, self.truth_table)
        # Time travel: the state views show replay.snapshot_shown (live or a stored epoch).
        self.replay = ReplayController(self.worker, parent=self)
        marked = (self.cost_plot.plot_item, self.outputs_plot.plot_item)
        self.timeline_bar = TimelineBar(self.replay, marked)
        self.formula_panel = FormulaPanel(self.worker, self.replay)
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
        self._build_menus_and_toolbar()
        self._connect()
        self.network_views = NetworkViews(self)  # diagram dock, linked selection, live values
        self._restore_settings()

        initial = spec or saved.read_spec(self.settings) or PRESETS["xor-minimal"].spec
        self.worker.start()
        self.load_spec(initial)
        self.experiment_files.mark_unmodified()

    # --- public API ---------------------------------------------------------------------------

    @property
    def spec(self) -> ExperimentSpec:
        """The last valid spec: the one the worker compiles and trains."""
        return self.builder.spec()

    def load_spec(self, spec: ExperimentSpec) -> None:
        """Show ``spec`` in the builder and start compiling it."""
        self.builder.set_spec(spec)
        self.worker.set_spec(self.builder.spec())  # merged with the builder's own emit

    def open_preset(self, name: str) -> None:
        """A new, untitled experiment from the preset ``name``."""
        self.experiment_files.new_experiment(name)

    def open_experiment(self, path: str) -> bool:
        """Open a saved experiment: its network, data, weights and history."""
        return self.experiment_files.open_path(path)

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
        self.add_tab(self.graph_tab, "Graph")
        self.add_tab(self.expression_tab, "Expression")
        self.add_tab(self.formula_panel, "Formulas")

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
        available = self.screen().availableGeometry()
        width = min(DEFAULT_SIZE[0], int(available.width() * 0.94))
        height = min(DEFAULT_SIZE[1], int(available.height() * 0.94))
        self.resize(width, height)
        self.resizeDocks([self.builder_dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)

    def _splitter(self, name: str, orientation: Qt.Orientation, first: QWidget) -> QSplitter:
        splitter = QSplitter(orientation)
        splitter.setObjectName(f"splitter.{name}")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(first)
        return splitter

    def _action(self, name: str, text: str, tip: str, shortcut: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action.{name}")
        action.setStatusTip(tip)
        action.setToolTip(tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def _build_menus_and_toolbar(self) -> None:
        menu_bar = self.menuBar()
        file_menu = menu_bar.addMenu("&File")
        files = self.experiment_files
        file_menu.addActions([files.new_action, files.open_action])
        file_menu.addMenu(files.recent_menu)
        presets_menu = file_menu.addMenu("Open &preset")
        presets_menu.setObjectName("menu.presets")
        for name, preset in PRESETS.items():
            action = self._action(f"preset.{name}", preset.title, preset.description)
            action.triggered.connect(lambda _=False, n=name: files.new_interactively(n))
            presets_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addActions([files.save_action, files.save_as_action])
        file_menu.addSeparator()
        files.exports.add_to_menu(file_menu)
        export_menu = file_menu.addMenu("&Export graph")
        export_menu.setObjectName("menu.export_graph")
        export_menu.addActions(list(self.graph_tab.export_actions.values()))
        file_menu.addSeparator()
        self.quit_action = self._action("quit", "&Quit", "Close xorlab", "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        train_menu = menu_bar.addMenu("&Train")
        train_menu.addActions(self.actions.all())
        train_menu.addSeparator()
        train_menu.addMenu(self.engine.menu)
        train_menu.addMenu(self.speed.menu)
        train_menu.addActions([self.sweeps.action, self.run_overlays.clear_action])

        view_menu = menu_bar.addMenu("&View")
        dock_action = self.builder_dock.toggleViewAction()
        dock_action.setObjectName("action.show_builder")
        dock_action.setText("&Experiment panel")
        dock_action.setStatusTip("Show or hide the experiment builder")
        view_menu.addAction(dock_action)
        self.toolbar = QToolBar("Training")
        self.toolbar.setObjectName("training_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addActions(self.actions.all())
        self.toolbar.addSeparator()
        self.toolbar.addWidget(QLabel(" Speed "))
        self.toolbar.addWidget(self.speed.combo)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        toolbar_action = self.toolbar.toggleViewAction()
        toolbar_action.setObjectName("action.show_toolbar")
        toolbar_action.setText("&Toolbar")
        view_menu.addAction(toolbar_action)
        view_menu.addSeparator()
        self.log_cost_action = self._action(
            "log_cost", "&Log-scale cost", "Show the cost axis on a logarithmic scale", "Ctrl+L"
        )
        self.log_cost_action.setCheckable(True)
        view_menu.addAction(self.log_cost_action)
        view_menu.addSeparator()
        for key, (name, text) in enumerate(
            (("Training", "&Training"), ("Graph", "&Graph"), ("Expression", "E&xpression lab")),
            start=1,
        ):
            show = self._action(f"show_{name.lower()}", text, f"Show the {name} tab", f"Ctrl+{key}")
            show.triggered.connect(lambda _=False, n=name: self.show_tab(n))
            view_menu.addAction(show)

        help_menu = menu_bar.addMenu("&Help")
        shortcuts = self._action(
            "shortcuts", "&Keyboard shortcuts", "List the keyboard shortcuts", "F1"
        )
        shortcuts.triggered.connect(self.show_shortcuts)
        about = self._action("about", "&About xorlab", "What xorlab is")
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(lambda: QMessageBox.about(self, "About xorlab", ABOUT_HTML))
        help_menu.addActions([shortcuts, about])

    def show_shortcuts(self) -> None:
        if self._shortcuts_dialog is None:
            files = self.experiment_files
            file_actions = [files.new_action, files.open_action, files.save_action]
            actions = [*file_actions, files.save_as_action, *self.actions.all()]
            actions += [self.speed.slower_action, self.speed.faster_action]
            actions += [self.log_cost_action, self.quit_action]
            self._shortcuts_dialog = ShortcutsDialog(actions, self)
        if self._shortcuts_dialog.isVisible():
            self._shortcuts_dialog.raise_()
        else:
            self._shortcuts_dialog.show()

    def _connect(self) -> None:
        self.builder.spec_changed.connect(self.worker.set_spec)
        self.builder.validity_changed.connect(self._on_validity_changed)
        self.builder.learning_rate_changed.connect(self.worker.set_learning_rate)
        worker = self.worker
        worker.state_changed.connect(self._on_state_changed)
        worker.run_reset.connect(self._on_run_reset)
        for view in (self.cost_plot, self.outputs_plot):
            worker.snapshot_ready.connect(view.on_snapshot)
        for view in (self.boundary, self.truth_table):
            self.replay.snapshot_shown.connect(view.on_snapshot)
        worker.snapshot_ready.connect(self._on_snapshot_ready)
        worker.progress.connect(self.status.set_progress)
        worker.compiled.connect(self._on_compiled)
        worker.diverged.connect(self._on_diverged)
        worker.failed.connect(self._on_failed)
        actions = self.actions
        actions.train.triggered.connect(self._on_train_triggered)
        actions.pause_resume.triggered.connect(self._on_pause_resume_triggered)
        actions.step.triggered.connect(worker.step)
        actions.stop.triggered.connect(worker.stop)
        actions.reset.triggered.connect(worker.reset)
        self.log_cost_action.toggled.connect(self.cost_plot.set_log_y)
        self.cost_plot.log_y_box.toggled.connect(self.log_cost_action.setChecked)

    # --- slots ---------------------------------------------------------------------------------

    @Slot()
    def _on_train_triggered(self) -> None:
        if self.worker.state == "paused":
            self.worker.resume()
        else:
            self.worker.train()

    @Slot()
    def _on_pause_resume_triggered(self) -> None:
        if self.actions.resumes:
            self.worker.resume()
        else:
            self.worker.pause()

    @Slot(bool)
    def _on_validity_changed(self, valid: bool) -> None:
        self.actions.update(self.worker.state, valid)
        if not valid:
            self.statusBar().showMessage("Fix the fields marked in red to train.", 5000)

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        self.status.set_state(state)
        self.actions.update(state, self.builder.is_valid())
        self.builder.set_training_locked(state in ("training", "paused"))
        if state in ("compiling", "training") and self.banner.kind != "info":
            self.banner.clear()  # a new compile or run answers the last problem

    @Slot(object, object)
    def _on_run_reset(self, dataset: Dataset, grid: PlaneGrid | None) -> None:
        training = self.spec.training
        self.status.steps_per_epoch = batch_table(
            dataset.n_samples, training.schedule, training.batch_size
        ).shape[0]
        self.cost_plot.reset(dataset, COST_LABELS.get(training.cost), training.epochs)
        self.outputs_plot.reset(dataset, training.epochs)
        self.boundary.reset(dataset, grid)
        self.truth_table.reset(dataset)
        self.last_snapshot = None
        self.status.set_cost(None)

    @Slot(object)
    def _on_snapshot_ready(self, snapshot: TrainingSnapshot) -> None:
        self.last_snapshot = snapshot
        self.status.set_cost(snapshot.cost)

    @Slot(float)
    def _on_compiled(self, seconds: float) -> None:
        self.statusBar().showMessage(f"Compiled in {seconds:.2f} s", 4000)

    @Slot(str)
    def _on_diverged(self, message: str) -> None:
        self.banner.show_message("Training diverged.", message, "warning")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.banner.show_message("Something went wrong.", message, "error")

    # --- settings and closing -----------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        if (geometry := saved.read_bytes(s, saved.GEOMETRY)) is not None:
            self.restoreGeometry(geometry)
        if (state := saved.read_bytes(s, saved.WINDOW_STATE)) is not None:
            self.restoreState(state)
        for splitter in (self.training_splitter, self.top_splitter, self.bottom_splitter):
            blob = saved.read_bytes(s, saved.splitter_key(splitter.objectName()))
            if blob is not None:
                splitter.restoreState(blob)
        repair_layout(self)  # a state saved by another version or screen stays usable
        self.log_cost_action.setChecked(saved.read_bool(s, saved.LOG_COST, False))
        self._saved_tab = saved.read_str(s, saved.CURRENT_TAB)
        # Tabs added after construction (Graph, Expression) exist once the loop runs.
        QTimer.singleShot(0, self._restore_tab)

    def _restore_tab(self) -> None:
        if self._saved_tab:
            self.show_tab(self._saved_tab)

    def save_settings(self) -> bool:
        s = self.settings
        s.setValue(saved.GEOMETRY, self.saveGeometry())
        s.setValue(saved.WINDOW_STATE, self.saveState())
        for splitter in (self.training_splitter, self.top_splitter, self.bottom_splitter):
            s.setValue(saved.splitter_key(splitter.objectName()), splitter.saveState())
        s.setValue(saved.LOG_COST, self.log_cost_action.isChecked())
        s.setValue(saved.CURRENT_TAB, self.tab_names()[self.tabs.currentIndex()])
        saved.write_spec(s, self.spec)
        return saved.sync(s)

    def _runners(self):
        """The tabs' background threads (expression compiles, graph rendering)."""
        return (self.graph_tab.runner, self.expression_tab.runner, self.sweeps)

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
            for runner in self._runners():
                runner.request_shutdown()
                runner.finished.connect(self.close)
        stopped = [runner.wait(CLOSE_WAIT_MS) for runner in self._runners()]
        if self.worker.wait(CLOSE_WAIT_MS) and all(stopped):
            if self._shortcuts_dialog is not None:
                self._shortcuts_dialog.close()
            event.accept()
            return
        event.ignore()
        self.hide()
