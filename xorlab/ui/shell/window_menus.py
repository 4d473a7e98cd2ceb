"""The main window's menu bar (File, Train, View, Help) and training toolbar.

Building them is separate from the window so the shell only routes signals; the actions
themselves belong to their features (files, training, engine, speed, sweeps) and are only
placed here (``MenuParts`` names them). Every action gets an ``action.<name>`` objectName for
tests and automation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QMessageBox, QToolBar

from xorlab.core.training.presets import PRESETS
from xorlab.ui.shell.actions import TrainingActions, make_action
from xorlab.ui.shell.file_controller import FileController
from xorlab.ui.shell.help_dialogs import about_html
from xorlab.ui.shell.speed_control import SpeedControl

# View > tab entries: (tab title, menu text); their shortcuts are Ctrl+1, Ctrl+2, ...
SHOWN_TABS = (
    ("Training", "&Training"),
    ("Graph", "&Graph"),
    ("Expression", "E&xpression lab"),
    ("Formulas", "&Formulas"),
    ("Log", "L&og"),
    ("Landscape", "Lan&dscape"),
)


@dataclass(frozen=True)
class MenuParts:
    """The actions and menus the features own, which the menus and toolbar place."""

    files: FileController  # File: new, open, recent, save, exports
    actions: TrainingActions  # Train and the toolbar: train, pause, step, stop, reset
    engine_menu: QMenu  # Train > Engine
    speed: SpeedControl  # Train > Speed, and the toolbar's speed box
    train_extras: tuple[QAction, ...]  # the rest of Train (sweeps, clear earlier runs)
    builder_dock: QDockWidget  # View > Experiment panel
    graph_export_actions: tuple[QAction, ...]  # File > Export graph
    show_tab: Callable[[str], None]  # View > Training, Graph, Expression lab
    show_shortcuts: Callable[[], None]  # Help > Keyboard shortcuts


@dataclass(frozen=True)
class WindowMenus:
    """The pieces of the menus and toolbar the window keeps a handle on."""

    toolbar: QToolBar
    quit_action: QAction
    log_cost_action: QAction


def build_menus_and_toolbar(window: QMainWindow, parts: MenuParts) -> WindowMenus:
    """Fill ``window``'s menu bar with ``parts`` and add its training toolbar."""
    menu_bar = window.menuBar()
    quit_action = _build_file_menu(window, parts, menu_bar.addMenu("&File"))

    train_menu = menu_bar.addMenu("&Train")
    train_menu.addActions(parts.actions.all())
    train_menu.addSeparator()
    train_menu.addMenu(parts.engine_menu)
    train_menu.addMenu(parts.speed.menu)
    train_menu.addActions(list(parts.train_extras))

    view_menu = menu_bar.addMenu("&View")
    dock_action = parts.builder_dock.toggleViewAction()
    dock_action.setObjectName("action.show_builder")
    dock_action.setText("&Experiment panel")
    dock_action.setStatusTip("Show or hide the experiment builder")
    view_menu.addAction(dock_action)
    toolbar = _build_toolbar(window, parts)
    toolbar_action = toolbar.toggleViewAction()
    toolbar_action.setObjectName("action.show_toolbar")
    toolbar_action.setText("&Toolbar")
    toolbar_action.setStatusTip("Show or hide the toolbar (Train, Pause, Step, Stop, Reset, Speed)")
    view_menu.addAction(toolbar_action)
    view_menu.addSeparator()
    log_cost_action = make_action(
        window, "log_cost", "&Log-scale cost", "Show the cost axis on a logarithmic scale", "Ctrl+L"
    )
    log_cost_action.setCheckable(True)
    view_menu.addAction(log_cost_action)
    view_menu.addSeparator()
    for key, (name, text) in enumerate(SHOWN_TABS, start=1):
        show = make_action(
            window, f"show_{name.lower()}", text, f"Show the {name} tab", f"Ctrl+{key}"
        )
        show.triggered.connect(lambda _=False, n=name: parts.show_tab(n))
        view_menu.addAction(show)

    _build_help_menu(window, parts, menu_bar.addMenu("&Help"))
    return WindowMenus(toolbar, quit_action, log_cost_action)


def _build_file_menu(window: QMainWindow, parts: MenuParts, file_menu: QMenu) -> QAction:
    """File: new/open/recent/presets, save, exports, quit; returns the Quit action."""
    files = parts.files
    file_menu.addActions([files.new_action, files.open_action])
    file_menu.addMenu(files.recent_menu)
    presets_menu = file_menu.addMenu("Open &preset")
    presets_menu.setObjectName("menu.presets")
    for name, preset in PRESETS.items():
        action = make_action(window, f"preset.{name}", preset.title, preset.description)
        action.triggered.connect(lambda _=False, n=name: files.new_interactively(n))
        presets_menu.addAction(action)
    file_menu.addSeparator()
    file_menu.addActions([files.save_action, files.save_as_action])
    file_menu.addSeparator()
    files.exports.add_to_menu(file_menu)
    export_menu = file_menu.addMenu("&Export graph")
    export_menu.setObjectName("menu.export_graph")
    export_menu.addActions(list(parts.graph_export_actions))
    file_menu.addSeparator()
    quit_action = make_action(window, "quit", "&Quit", "Close xorlab", "Ctrl+Q")
    quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    quit_action.triggered.connect(window.close)
    file_menu.addAction(quit_action)
    return quit_action


def _build_toolbar(window: QMainWindow, parts: MenuParts) -> QToolBar:
    toolbar = QToolBar("Training")
    toolbar.setObjectName("training_toolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.addActions(parts.actions.all())
    toolbar.addSeparator()
    toolbar.addWidget(QLabel(" Speed "))
    toolbar.addWidget(parts.speed.combo)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    return toolbar


def _build_help_menu(window: QMainWindow, parts: MenuParts, help_menu: QMenu) -> None:
    shortcuts = make_action(
        window, "shortcuts", "&Keyboard shortcuts", "List the keyboard shortcuts", "F1"
    )
    shortcuts.triggered.connect(parts.show_shortcuts)
    about = make_action(window, "about", "&About xorlab", "What xorlab is")
    about.setMenuRole(QAction.MenuRole.AboutRole)
    # Versions read when asked (`dot -V` takes a few milliseconds), not at every start.
    about.triggered.connect(lambda: QMessageBox.about(window, "About xorlab", about_html()))
    help_menu.addActions([shortcuts, about])
