"""Screenshots of time travel, the Formulas tab and a sweep, for docs/.

Run under a display server, e.g.:
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/beyond_screenshots.py docs
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QApplication
from screenshot_support import settle, wait_until

from xorlab.core.training.presets import preset_spec
from xorlab.ui.shell.main_window import MainWindow


def framed_over(back: QPixmap, front: QPixmap, title: str) -> QPixmap:
    """``front`` in a plain window frame with a shadow, over the bottom right of ``back``:
    without a window manager a dialog has no frame of its own to show."""
    bar, margin = 26, 22
    x = back.width() - front.width() - margin
    y = back.height() - front.height() - bar - margin - 30
    painter = QPainter(back)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for spread in range(12, 0, -2):  # a soft shadow
        painter.fillRect(
            x - spread + 6, y - spread + 8, front.width() + 2 * spread,
            front.height() + bar + 2 * spread, QColor(0, 0, 0, 10),
        )  # fmt: skip
    painter.fillRect(x, y, front.width(), bar, QColor("#E4E7EB"))
    painter.setPen(QColor("#303030"))
    font = QFont()
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(x + 10, y, front.width() - 20, bar, Qt.AlignmentFlag.AlignVCenter, title)
    painter.drawPixmap(x, y + bar, front)
    painter.setPen(QColor("#9AA0A6"))
    painter.drawRect(x, y, front.width() - 1, front.height() + bar - 1)
    painter.end()
    return back


def main(out: Path) -> int:
    app = QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName("xorlab-screenshots")
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    out.mkdir(parents=True, exist_ok=True)

    # A first run at a lower learning rate, then the tutorial: the first stays faded behind.
    spec = preset_spec("xor-bias")
    window = MainWindow(spec.with_changes(training={"learning_rate": 0.05}), settings=settings)
    window.resize(1500, 940)
    window.show()
    states: list[str] = []
    window.worker.state_changed.connect(states.append)
    wait_until(lambda: window.worker.state == "ready")
    for run in range(2):
        if run:
            window.load_spec(spec)
        states.clear()
        window.start_training()
        wait_until(lambda: "training" in states and window.worker.state == "done")
    settle()

    replay = window.replay
    target = next(i for i, e in enumerate(replay.timeline.epochs()) if e >= 1500)
    window.timeline_bar.slider.setValue(target)
    settle(600)
    window.grab().save(str(out / "timetravel.png"))

    window.replay.go_live()
    window.show_tab("Formulas")
    window.formula_panel.set_sample(2)
    settle(300)
    wait_until(lambda: not window.formula_panel.busy())
    settle(300)
    window.grab().save(str(out / "formulas.png"))

    window.show_tab("Training")
    dialog = window.sweeps.open()
    dialog.set_values(seeds="0, 1, 2", learning_rates="0.1, 0.5", target_cost="0.1", epochs="3000")
    dialog.start()
    wait_until(lambda: not window.sweeps.runner.is_running())
    dialog.table.sortItems(1)
    dialog.resize(600, 560)
    settle(800)
    framed_over(window.grab(), dialog.grab(), "Sweep").save(str(out / "sweep.png"))

    window.experiment_files.prompts_enabled = False  # no unsaved-changes question
    window.close()
    wait_until(lambda: not window.isVisible() and window.worker.wait(0))
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")))
