"""The questions the File menu asks: which file to open or save, and what to do with
unsaved changes. Kept apart from the controller so tests can answer them without a dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

EXPERIMENT_FILTER = "xorlab experiments (*.json);;All files (*)"
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
UNTITLED = "Untitled"  # the name of an experiment never saved
# Platforms that show nothing: a modal question there could never be answered and would
# hang the process (tests, scripted screenshots), so unsaved changes are not asked about.
UNATTENDED_PLATFORMS = ("offscreen", "minimal")


def can_ask() -> bool:
    return QGuiApplication.platformName() not in UNATTENDED_PLATFORMS


def ask_open_path(parent: QWidget, title: str, folder: str, file_filter: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, folder, file_filter)
    return path


def ask_save_path(parent: QWidget, title: str, start: str, file_filter: str, suffix: str) -> str:
    """A path to write, with ``suffix`` added when the name has none; '' when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, start, file_filter)
    if path and not Path(path).suffix:
        path += suffix
    return path


def unsaved_changes_box(parent: QWidget, name: str, doing: str) -> QMessageBox:
    """'Save the changes to run.json before closing?' with Save, Discard and Cancel."""
    box = QMessageBox(parent)
    box.setObjectName("unsaved_changes_prompt")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Unsaved changes")
    if name == UNTITLED:
        box.setText(f"Save this experiment before {doing}?")
        box.setInformativeText(
            "It has never been saved. Discarding loses its network, weights and training."
        )
    else:
        box.setText(f"Save the changes to {name} before {doing}?")
        box.setInformativeText(
            "The network, its weights or its training changed since it was last saved. "
            "Discarding loses those changes."
        )
    box.setStandardButtons(
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel
    )
    box.button(QMessageBox.StandardButton.Discard).setText("&Discard")
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    return box


def ask_to_save(parent: QWidget, name: str, doing: str) -> str:
    """SAVE, DISCARD or CANCEL, asked with a modal message box."""
    box = unsaved_changes_box(parent, name, doing)
    answer = box.exec()
    box.deleteLater()
    if answer == QMessageBox.StandardButton.Save:
        return SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return DISCARD
    return CANCEL
