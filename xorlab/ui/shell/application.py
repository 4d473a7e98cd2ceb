"""QApplication set-up (names for QSettings, Fusion style, palette, style sheet) and the run.

The palette is set in code so every widget, including pyqtgraph's, agrees on the colours;
resources/style.qss adds only spacing and the status colours that a palette cannot express.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from xorlab.ui.shell import before_qt  # noqa: F401  (first: see there)

# isort: split
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from xorlab.ui.shell import pyqtgraph_import  # noqa: F401  (before any view: see there)

# isort: split
import xorlab
from xorlab.ui.shell import app_resources
from xorlab.ui.shell.automation import Automation, initial_spec
from xorlab.ui.shell.main_window import MainWindow
from xorlab.ui.shell.quit_signals import close_window_on_signals, exit_code

if TYPE_CHECKING:
    from xorlab.core.training.spec import ExperimentSpec

ORGANIZATION = "xorlab"
APPLICATION = "xorlab"

# A calm light theme matching the plots' white backgrounds; the accent is the plots' blue.
PALETTE = {
    QPalette.ColorRole.Window: "#F3F4F6",
    QPalette.ColorRole.WindowText: "#1F2328",
    QPalette.ColorRole.Base: "#FFFFFF",
    QPalette.ColorRole.AlternateBase: "#F6F8FA",
    QPalette.ColorRole.Text: "#1F2328",
    QPalette.ColorRole.Button: "#FBFBFC",
    QPalette.ColorRole.ButtonText: "#1F2328",
    QPalette.ColorRole.Highlight: "#0072B2",
    QPalette.ColorRole.HighlightedText: "#FFFFFF",
    QPalette.ColorRole.ToolTipBase: "#FFFFFF",
    QPalette.ColorRole.ToolTipText: "#1F2328",
    QPalette.ColorRole.PlaceholderText: "#8C959F",
    QPalette.ColorRole.Link: "#0072B2",
    QPalette.ColorRole.Mid: "#D0D7DE",
    QPalette.ColorRole.Midlight: "#E6E9ED",
    QPalette.ColorRole.Dark: "#AFB8C1",
}
DISABLED_TEXT = "#A0A7AF"


def make_palette() -> QPalette:
    palette = QPalette()
    for role, color in PALETTE.items():
        palette.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT))
    return palette


def style_sheet() -> str:
    """The app's style sheet (shipped in the wheel too), or none when it is missing."""
    return app_resources.read_text(app_resources.STYLE_SHEET)


def set_application_names() -> None:
    """QSettings() reads these; set them before any settings object is made."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(xorlab.__version__)


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setPalette(make_palette())
    font = app.font()
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)


def apply_style_sheet(app: QApplication) -> None:
    """The style sheet, applied once the window is built (``open_window``).

    With an application style sheet in force, Qt polishes a widget's subtree again each
    time it is put into a parent (a layout, splitter, tab, dock or scroll area); set on the
    finished window, the sheet polishes each widget once. From building the window to its
    first paint: 0.63 s of CPU against 0.71 s (medians of 12 runs each, 2 cores, load 3).
    The result on screen is the same.
    """
    app.setStyleSheet(style_sheet())


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    set_application_names()
    QApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationDisplayName("xorlab")
    app.setWindowIcon(app_resources.app_icon())
    # Matches the desktop entry's StartupWMClass and file name, so the taskbar groups the
    # window under the installed launcher and its icon.
    QGuiApplication.setDesktopFileName("xorlab")
    apply_theme(app)
    return app


def open_window(spec: ExperimentSpec | None, settings: QSettings | None = None) -> MainWindow:
    """The main window for ``spec`` (None: the saved or default experiment), built and
    styled, not yet shown: ``run_app``'s steps, which bench/latency.py times."""
    window = MainWindow(spec, settings=settings)
    apply_style_sheet(QApplication.instance())
    return window


def run_app(args: argparse.Namespace) -> int:
    """Show the main window, follow the automation flags, and return the exit code."""
    app = create_application()
    spec, problem = initial_spec(args)
    if problem:
        print(f"xorlab: {problem}", file=sys.stderr)
        if args.quit_when_done:
            return 2
    window = open_window(spec)
    if spec is not None and args.experiment:
        window.open_experiment(args.experiment)  # the weights and history too
    automation = Automation(window, args)
    window.show()
    notice = getattr(args, "startup_notice", None)
    if notice:  # it explains every compile of the session: it stays until dismissed
        window.banner.show_message("Compiled code is not kept.", notice, "info")
    automation.start()
    signals = close_window_on_signals(window)
    code = app.exec()
    # The window normally stopped its threads when it closed; this covers app.quit() too.
    window.stop_threads()
    signals.uninstall()
    if signals.first is not None:
        return exit_code(signals.first)
    return automation.exit_code if automation.active else code
