"""Python's cycle collector, run on the GUI thread only.

Automatic collection runs on whichever thread allocates when a threshold is crossed. When
that is the training thread and the garbage holds Qt objects (a closed window's widgets,
pyqtgraph items), their C++ destructors run there: ~QObject takes Qt's connection locks and
then calls back into Python, needing the GIL, while the GUI thread holds the GIL and waits
for those locks in a destructor of its own. The churn test in tests/ui/test_robustness.py
hung that way. So automatic collection is switched off and a timer on the GUI thread collects
with the same thresholds (pyqtgraph's GarbageCollector does the same). Objects without cycles
are still freed at once by reference counting, on any thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500
OBJECT_NAME = "xorlab.gui_garbage_collector"


class GuiGarbageCollector(QObject):
    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect)
        gc.disable()
        self.timer.start()

    def collect(self) -> int:
        """Collect the generations whose counts passed their thresholds; objects found."""
        counts = gc.get_count()
        found = 0
        for generation in range(3):
            if counts[generation] <= self.thresholds[generation]:
                break
            found += gc.collect(generation)
        return found


def install() -> GuiGarbageCollector | None:
    """Start collecting on the GUI thread (once per application); None without an app."""
    app = QCoreApplication.instance()
    if app is None:
        return None
    existing = app.findChild(GuiGarbageCollector, OBJECT_NAME)
    return existing or GuiGarbageCollector(app)
