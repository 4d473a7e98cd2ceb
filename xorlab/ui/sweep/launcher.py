"""Train > Sweep…: the menu action, the (lazily built, non-modal) sweep dialog and the
SweepRunner behind it; the window's closeEvent stops it like its other background runners."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from xorlab.core.first_imports import import_pytensor
from xorlab.core.training.spec import ExperimentSpec
from xorlab.ui.sweep.runner import SweepRunner
from xorlab.ui.training.run_overlays import RunOverlays

if TYPE_CHECKING:
    from xorlab.ui.sweep.dialog import SweepDialog


class SweepLauncher(QObject):
    """Train > Sweep…: opens the dialog; stops the sweep thread when the window closes."""

    finished = Signal()  # the sweep thread has stopped after a shutdown

    def __init__(
        self,
        window: QWidget,
        spec_source: Callable[[], ExperimentSpec],
        overlays: RunOverlays | None = None,
    ):
        super().__init__(window)
        self.window = window
        self.spec_source = spec_source
        self.overlays = overlays
        self.runner = SweepRunner(self)
        self.runner.finished.connect(self.finished)
        self.dialog: SweepDialog | None = None
        self.action = QAction("S&weep…", self)
        self.action.setObjectName("action.sweep")
        tip = "Train a grid of seeds, learning rates and hidden sizes and compare the runs"
        self.action.setStatusTip(tip)
        self.action.setToolTip(tip)
        self.action.triggered.connect(self.open)

    @Slot()
    def open(self) -> SweepDialog:
        import_pytensor()  # this thread too: see core.first_imports
        from xorlab.ui.sweep.dialog import SweepDialog

        if self.dialog is None:  # its module imports the sweep's trainers (PyTensor): not at start
            self.dialog = SweepDialog(self.spec_source, self.runner, self.overlays, self.window)
        elif not self.runner.is_running():
            self.dialog.reset_fields()
        if self.dialog.isVisible():
            self.dialog.raise_()  # already open, perhaps behind the window
        else:
            self.dialog.show()
        return self.dialog

    def request_shutdown(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.runner.request_shutdown()

    def wait(self, timeout_ms: int | None = None) -> bool:
        return self.runner.wait(timeout_ms)
