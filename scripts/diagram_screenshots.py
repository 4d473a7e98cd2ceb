"""Screenshots of the network diagram and its linked views, for docs/.

docs/diagram.png: xor-bias trained, the Graph tab's forward pass with live values for one
row, and W1[0,1] picked in the diagram (linked: W1, the op reading it, its cell current).
docs/diagram-circle.png: the circle preset trained, the diagram beside the Training plots.

Run under a display server, e.g.:
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/diagram_screenshots.py docs
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication
from screenshot_support import settle, wait_until

from xorlab.core.training.presets import preset_spec
from xorlab.ui.runtime.selection import SelectionRef
from xorlab.ui.shell.main_window import MainWindow


def trained_window(preset: str) -> MainWindow:
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(preset_spec(preset), settings=settings)
    window.show()
    window.network_views.dock.show()
    wait_until(lambda: window.worker.state == "ready")
    window.worker.train()
    wait_until(lambda: window.worker.state == "done")
    diagram = window.network_views.diagram
    wait_until(lambda: diagram.maps_data is not None and diagram.maps_data.step > 0)
    return window


def close(window: MainWindow) -> None:
    window.experiment_files.prompts_enabled = False  # no unsaved-changes question
    window.close()
    wait_until(lambda: not window.isVisible() and window.worker.wait(0))


def main(out: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName("xorlab-screenshots")
    out.mkdir(parents=True, exist_ok=True)

    window = trained_window("xor-bias")
    views, tab = window.network_views, window.graph_tab
    window.show_tab("Graph")
    tab.set_target("output")
    wait_until(lambda: tab.bundle is not None and tab.bundle.request.target == "output")
    wait_until(lambda: not tab.busy())
    tab.set_mode("symbolic")
    views.graph_values.set_row(1)
    views.graph_values.show_box.setChecked(True)
    wait_until(lambda: views.graph_values.values is not None)
    wait_until(lambda: views.graph_values.values.rows == (1,))
    views.diagram.select(SelectionRef.weight(0, 0, 1))
    settle(500)
    window.grab().save(str(out / "diagram.png"))
    close(window)

    window = trained_window("circle")
    window.show_tab("Training")
    settle(500)
    window.grab().save(str(out / "diagram-circle.png"))
    close(window)
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")))
