"""File > Open experiment and Save experiment: versioned JSON files (xorlab.core.experiment).

Opening reads the file on the GUI thread (it is plain JSON, at most 64 MiB) and hands it to
the worker, which compiles the network and restores the weights there; saving is done by the
worker between chunks, so the weights and the history written belong together.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QWidget

from xorlab.core.experiment import ExperimentError, load_experiment

FILE_FILTER = "xorlab experiments (*.json);;All files (*)"


class ExperimentFiles(QObject):
    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self.open_action = self._action(
            "open_experiment", "&Open experiment…", "Open a saved experiment", "Ctrl+O"
        )
        self.open_action.triggered.connect(self._on_open_triggered)
        self.save_action = self._action(
            "save_experiment",
            "&Save experiment…",
            "Save the network, its data, weights and cost history as JSON",
            "Ctrl+S",
        )
        self.save_action.triggered.connect(self._on_save_triggered)
        window.worker.experiment_saved.connect(self._on_experiment_saved)
        self.last_folder = ""

    def _action(self, name: str, text: str, tip: str, shortcut: str) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(f"action.{name}")
        action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        return action

    def open_path(self, path: str) -> bool:
        """Load ``path`` into the builder and the worker; a bad file shows a message."""
        try:
            experiment = load_experiment(Path(path))
        except ExperimentError as exc:
            self.window.banner.show_message("Cannot open the experiment.", str(exc), "error")
            return False
        self.last_folder = str(Path(path).parent)
        self.window.builder.set_spec(experiment.spec)
        self.window.worker.open_experiment(experiment)  # supersedes the builder's own request
        self.window.statusBar().showMessage(f"Opened {Path(path).name}", 4000)
        return True

    def save_path(self, path: str) -> None:
        self.last_folder = str(Path(path).parent)
        self.window.worker.save_experiment(path)

    @Slot()
    def _on_open_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open experiment", self.last_folder, FILE_FILTER
        )
        if path:
            self.open_path(path)

    @Slot()
    def _on_save_triggered(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save experiment", self.last_folder, FILE_FILTER
        )
        if path:
            if not Path(path).suffix:
                path += ".json"
            self.save_path(path)

    @Slot(str)
    def _on_experiment_saved(self, path: str) -> None:
        self.window.statusBar().showMessage(f"Saved {path}", 5000)
