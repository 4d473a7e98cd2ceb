"""Help menu contents: About, and the keyboard shortcuts listed from the actions themselves."""

from __future__ import annotations

import platform
from html import escape

from PySide6.QtCore import qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QMenuBar,
    QVBoxLayout,
    QWidget,
)

import xorlab

ABOUT_HTML = f"""
<h3>xorlab {escape(getattr(xorlab, "__version__", ""))}</h3>
<p>A lab for learning how neural networks and symbolic differentiation really work.</p>
<p>Build a small network, train it with PyTensor on a worker thread, and watch its cost,
its outputs and its decision boundary change as it learns. It grew from the classic Theano
XOR tutorials, whose numbers it reproduces exactly.</p>
<p>Headless: <code>python main.py train --preset xor-minimal</code>,
<code>python main.py grad</code>, <code>python main.py graph</code>.</p>
"""


def component_versions() -> dict[str, str]:
    """What this copy of xorlab runs on, for the About box and bug reports."""
    from importlib.metadata import version

    import PySide6

    from xorlab.core.graphs.render import graphviz_version

    return {
        "Python": platform.python_version(),
        "PySide6": PySide6.__version__,
        "Qt": qVersion(),
        # Read from the installed package's metadata: importing PyTensor here, on the window's
        # thread, could race the worker's first import of it (core/first_imports.py).
        "PyTensor": version("pytensor"),
        "Graphviz": graphviz_version(),
    }


def about_html(versions: dict[str, str] | None = None) -> str:
    versions = component_versions() if versions is None else versions
    rows = "".join(
        f"<tr><td style='padding-right:12px'>{escape(name)}</td><td>{escape(value)}</td></tr>"
        for name, value in versions.items()
    )
    return f"{ABOUT_HTML}<table cellspacing='2'>{rows}</table>"


def menu_actions(menu_bar: QMenuBar) -> list[QAction]:
    """Every action in ``menu_bar``'s menus and their submenus, in menu order, once each."""
    found: list[QAction] = []

    def walk(menu: QMenu) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu())
            elif not action.isSeparator() and action not in found:
                found.append(action)

    for action in menu_bar.actions():
        if action.menu() is not None:
            walk(action.menu())
    return found


def shortcuts_html(actions: list[QAction]) -> str:
    rows = []
    for action in actions:
        keys = action.shortcut()
        if keys.isEmpty():
            continue
        name = action.text().replace("&", "")
        native = keys.toString(QKeySequence.SequenceFormat.NativeText)
        rows.append(
            f"<tr><td style='padding-right:18px'><b>{escape(native)}</b></td>"
            f"<td style='padding-right:18px'>{escape(name)}</td>"
            f"<td style='color:#666'>{escape(action.statusTip())}</td></tr>"
        )
    return "<table cellspacing='4'>" + "".join(rows) + "</table>"


class ShortcutsDialog(QDialog):
    """Non-modal: it can stay open beside the window while the keys are tried out."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QLabel(shortcuts_html(actions))
        self.table.setObjectName("shortcuts_dialog.table")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
