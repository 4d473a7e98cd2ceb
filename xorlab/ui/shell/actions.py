"""The training actions (menu, toolbar and shortcuts share them) and when each is allowed;
``make_action``, how every menu action in the shell is made."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

from xorlab.app.run_state import SETTLED, STEPPABLE, RunState

# States in which a compiled run exists that Train can start or continue.
TRAINABLE = SETTLED
STOPPABLE = (RunState.TRAINING, RunState.PAUSED)
RESETTABLE = (RunState.PAUSED, RunState.DONE, RunState.STOPPED, RunState.DIVERGED)


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
class ActionText:
    text: str
    shortcut: str
    tip: str


TEXTS = {
    "train": ActionText(
        "&Train",
        "Ctrl+Return",
        "Train the network: continue a paused run, or start a fresh one after Done or Stop.",
    ),
    "pause": ActionText("&Pause", "Space", "Pause training; the weights stay as they are."),
    "resume": ActionText("Res&ume", "Space", "Continue the paused run."),
    "step": ActionText(
        "&Step", "Ctrl+Right", "Train to the end of the next epoch, then pause."
    ),
    "stop": ActionText(
        "St&op", "Ctrl+.", "End this run early, keeping its weights and curves."
    ),
    "reset": ActionText(
        "&Reset", "Ctrl+R", "Back to the initial weights; clears the curves."
    ),
}  # fmt: skip


class TrainingActions:
    """Train, Pause/Resume, Step, Stop and Reset, enabled by the worker's state."""

    def __init__(self, parent: QWidget):
        style = parent.style()
        icons = {
            "train": QStyle.StandardPixmap.SP_MediaPlay,
            "pause": QStyle.StandardPixmap.SP_MediaPause,
            "step": QStyle.StandardPixmap.SP_MediaSkipForward,
            "stop": QStyle.StandardPixmap.SP_MediaStop,
            "reset": QStyle.StandardPixmap.SP_BrowserReload,
        }
        self.play_icon = style.standardIcon(icons["train"])
        self.pause_icon = style.standardIcon(icons["pause"])
        self.actions: dict[str, QAction] = {}
        for name in ("train", "pause", "step", "stop", "reset"):
            action = QAction(style.standardIcon(icons[name]), "", parent)
            action.setObjectName(f"action.{name}")
            self.actions[name] = action
            self._set_text(action, TEXTS[name])
        self.train, self.pause_resume = self.actions["train"], self.actions["pause"]
        self.step, self.stop, self.reset = (
            self.actions["step"],
            self.actions["stop"],
            self.actions["reset"],
        )
        self.pause_resume.setObjectName("action.pause_resume")
        self.update(RunState.IDLE, valid=True)

    @staticmethod
    def _set_text(action: QAction, text: ActionText) -> None:
        action.setText(text.text)
        action.setShortcut(QKeySequence(text.shortcut))
        native = QKeySequence(text.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{text.tip} ({native})")
        action.setStatusTip(text.tip)

    @property
    def resumes(self) -> bool:
        """Whether the Pause/Resume action currently resumes."""
        return self.pause_resume.text() == TEXTS["resume"].text

    def update(self, state: str, valid: bool) -> None:
        """Enable what makes sense in ``state``; nothing trains while the builder is invalid."""
        self.train.setEnabled(valid and state in TRAINABLE)
        paused = state == RunState.PAUSED
        self._set_text(self.pause_resume, TEXTS["resume" if paused else "pause"])
        self.pause_resume.setIcon(self.play_icon if paused else self.pause_icon)
        self.pause_resume.setEnabled(state == RunState.TRAINING or (paused and valid))
        self.step.setEnabled(valid and state in STEPPABLE)
        self.stop.setEnabled(state in STOPPABLE)
        self.reset.setEnabled(state in RESETTABLE)

    def all(self) -> list[QAction]:
        return [self.train, self.pause_resume, self.step, self.stop, self.reset]
