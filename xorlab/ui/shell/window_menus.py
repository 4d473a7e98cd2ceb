"""The main window's menu bar (File, Train, View, Help) and training toolbar.

Building them is separate from the window so the shell only routes signals; the actions
themselves belong to their features (files, training, engine, speed, sweeps) and are only
placed here. Every action gets an ``action.<name>`` objectName for tests and automation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox, QToolBar

from xorlab.core.training.presets import PRESETS
from xorlab.ui.shell.help_dialogs import about_html

if TYPE_CHECKING:
    from xorlab.ui.shell.main_window import MainWindow

# View > tab entries: (tab title, menu text); their shortcuts are Ctrl+1, Ctrl+2, ...
SHOWN_TABS = (("Training", "&Training"), ("Graph", "&Graph"), ("Expression", "E&xpression lab"))


def make_action(parent: QObject, name: str, text: str, tip: str, shortcut: str = "") -> QAction:
    """An action named ``action.<name>`` whose tip shows in the status bar and as a tooltip."""
    action = QAction(text, parent)
    action.setObjectName(f"action.{name}")
    action.setStatusTip(tip)
    action.setToolTip(tip)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    return action


@dataclass(frozen=True)
class WindowMenus:
    """The pieces of the menus and toolbar the window keeps a handle on."""

    toolbar: QToolBar
    quit_action: QAction
    log_cost_action: QAction


def build_menus_and_toolbar(window: MainWindow) -> WindowMenus:
    """Fill ``window``'s menu bar and add its training toolbar."""
    menu_bar = window.menuBar()
    quit_action = _build_file_menu(window, menu_bar.addMenu("&File"))

    train_menu = menu_bar.addMenu("&Train")
    train_menu.addActions(window.actions.all())
    train_menu.addSeparator()
    train_menu.addMenu(window.engine.menu)
    train_menu.addMenu(window.speed.menu)
    train_menu.addActions([window.sweeps.action, window.run_overlays.clear_action])

    view_menu = menu_bar.addMenu("&View")
    dock_action = window.builder_dock.toggleViewAction()
    dock_action.setObjectName("action.show_builder")
    dock_action.setText("&Experiment panel")
    dock_action.setStatusTip("Show or hide the experiment builder")
    view_menu.addAction(dock_action)
    toolbar = _build_toolbar(window)
    toolbar_action = toolbar.toggleViewAction()
    toolbar_action.setObjectName("action.show_toolbar")
    toolbar_action.setText("&Toolbar")
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
        show.triggered.connect(lambda _=False, n=name: window.show_tab(n))
        view_menu.addAction(show)

    _build_help_menu(window, menu_bar.addMenu("&Help"))
    return WindowMenus(toolbar, quit_action, log_cost_action)


def _build_file_menu(window: MainWindow, file_menu: QMenu) -> QAction:
    """File: new/open/recent/presets, save, exports, quit; returns the Quit action."""
    files = window.experiment_files
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
    export_menu.addActions(list(window.graph_tab.export_actions.values()))
    file_menu.addSeparator()
    quit_action = make_action(window, "quit", "&Quit", "Close xorlab", "Ctrl+Q")
    quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    quit_action.triggered.connect(window.close)
    file_menu.addAction(quit_action)
    return quit_action


def _build_toolbar(window: MainWindow) -> QToolBar:
    toolbar = QToolBar("Training")
    toolbar.setObjectName("training_toolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.addActions(window.actions.all())
    toolbar.addSeparator()
    toolbar.addWidget(QLabel(" Speed "))
    toolbar.addWidget(window.speed.combo)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    return toolbar


def _build_help_menu(window: MainWindow, help_menu: QMenu) -> None:
    shortcuts = make_action(
        window, "shortcuts", "&Keyboard shortcuts", "List the keyboard shortcuts", "F1"
    )
    shortcuts.triggered.connect(window.show_shortcuts)
    about = make_action(window, "about", "&About xorlab", "What xorlab is")
    about.setMenuRole(QAction.MenuRole.AboutRole)
    # Versions read when asked (`dot -V` takes a few milliseconds), not at every start.
    about.triggered.connect(lambda: QMessageBox.about(window, "About xorlab", about_html()))
    help_menu.addActions([shortcuts, about])
