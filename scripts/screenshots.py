"""Screenshots of every tab with every dock combination at the size of one screen.

For each tab (Training, Graph, Expression, Formulas) and each dock combination (none, the
Experiment dock, the Network dock, both), and for the Graph tab side by side and in focus
mode, the window (trained once, xor-bias) is grabbed into OUT/<tab>-<docks>.png, and a line
is printed: ``tab docks frame=WxH screen=WxH fits`` (or ``OVER`` when the window runs off the
screen or is narrower than its layout needs). Run it once per screen size under a virtual
display, e.g.:

    for s in 1024x700 1366x768 1920x1080; do
      xvfb-run -a -s "-screen 0 ${s}x24" .venv/bin/python scripts/screenshots.py /tmp/shots/$s
    done

The window starts from fresh settings, as on a first launch. The images are not compared
with anything: the tests check the geometry; these are for a person to look at.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from screenshot_support import settle, wait_until

from xorlab.core.training.presets import preset_spec
from xorlab.ui.shell.application import create_application
from xorlab.ui.shell.main_window import MainWindow

DOCKS = {
    "nodocks": (False, False),
    "experiment": (True, False),
    "network": (False, True),
    "both": (True, True),
}


def main(out: Path, preset: str = "xor-bias") -> int:
    app = create_application(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(preset_spec(preset), settings=settings)
    window.show()
    wait_until(lambda: window.worker.state == "ready")
    window.worker.train()
    wait_until(lambda: window.worker.state == "done")
    screen = window.screen().availableGeometry()
    over = 0
    for tab in window.tab_names():
        window.show_tab(tab)
        for name, (builder, network) in DOCKS.items():
            window.builder_dock.setVisible(builder)
            window.network_views.dock.setVisible(network)
            settle(600)
            if tab == "Graph":
                wait_until(lambda: not window.graph_tab.busy())
                settle(300)
            frame = window.frameGeometry()
            # Whole: the window is no narrower than its layout needs (else the tabs are cut).
            fits = screen.contains(frame) and window.minimumSizeHint().width() <= window.width()
            over += not fits
            print(
                f"{tab:<11} {name:<10} frame={frame.width()}x{frame.height()} "
                f"screen={screen.width()}x{screen.height()} {'fits' if fits else 'OVER'}"
            )
            if not fits:
                hints = {
                    "window": window.minimumSizeHint().width(),
                    "central": window.centralWidget().minimumSizeHint().width(),
                    "status": window.statusBar().minimumSizeHint().width(),
                    "page": window.tabs.currentWidget().minimumSizeHint().width(),
                }
                print("   minimum widths:", hints)
            window.grab().save(str(out / f"{tab.lower()}-{name}.png"))
    # The Graph tab's own views: side by side, and focus mode (both docks shown before).
    window.show_tab("Graph")
    tab = window.graph_tab
    for name, mode, focus in (("graph-side", "side", False), ("graph-focus", "optimized", True)):
        window.builder_dock.show()
        window.network_views.dock.show()
        tab.set_mode(mode)
        tab.focus_button.setChecked(focus)
        settle(600)
        wait_until(lambda: not tab.busy())
        settle(300)
        print(f"{name:<22} zoom " + ", ".join(f"{c.zoom():.2f}" for c in tab.canvases.values()))
        window.grab().save(str(out / f"{name}.png"))
    tab.focus_button.setChecked(False)
    window.experiment_files.prompts_enabled = False
    window.close()
    wait_until(lambda: not window.isVisible() and window.worker.wait(0))
    app.processEvents()
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/xorlab-shots")))
