"""Train > Speed and the toolbar's speed box: how fast training may go, to watch it learn.

The tutorial network learns XOR in under a second at full speed; at 1,000 steps/s the same
run takes a minute and the outputs can be seen separating. The cap applies to the next
chunk, during a run too, and never changes the numbers trained (only the chunk sizes).
Slower/Faster step through the choices with Ctrl+[ and Ctrl+]. The choice is remembered;
a command-line run that quits when done trains at full speed unless ``--speed`` says else.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QMenu, QWidget

from xorlab.app.speed_limit import RATES, SPEEDS
from xorlab.ui.runtime.worker import TrainingWorker
from xorlab.ui.shell import settings as saved

TIP = (
    "How fast training may go. Full speed trains as fast as the engine can; a cap in steps "
    "per second lets you watch the outputs and the boundary change. The numbers trained are "
    "the same at every speed."
)


class SpeedControl(QObject):
    """The Speed submenu, the toolbar box and the remembered choice; drives the worker."""

    speed_changed = Signal(str)  # the key chosen

    def __init__(self, worker: TrainingWorker, settings: QSettings, parent: QWidget):
        super().__init__(parent)
        self.worker = worker
        self.settings = settings
        self.menu = QMenu("Spee&d", parent)
        self.menu.setObjectName("menu.speed")
        self.menu.setToolTipsVisible(True)
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        for key, _rate, text in SPEEDS:
            action = QAction(text, self.menu)
            action.setObjectName(f"action.speed.{key}")
            action.setCheckable(True)
            action.setStatusTip(TIP)
            action.triggered.connect(lambda _=False, k=key: self.choose(k))
            self.group.addAction(action)
            self.menu.addAction(action)
            self.actions[key] = action
        self.menu.addSeparator()
        self.slower_action = self._step_action("slower", "&Slower", "Ctrl+[", +1)
        self.faster_action = self._step_action("faster", "F&aster", "Ctrl+]", -1)

        self.combo = QComboBox()
        self.combo.setObjectName("speed_combo")
        self.combo.setToolTip(TIP)
        self.combo.setStatusTip(TIP)
        for key, _rate, text in SPEEDS:
            self.combo.addItem(text.replace("&", ""), key)
        self.combo.activated.connect(self._on_combo_activated)

        self.key = ""
        self.choose(saved.SPEED.read(settings), remember=False)

    @property
    def rate(self) -> float | None:
        return RATES[self.key]

    def choose(self, key: str, remember: bool = True) -> bool:
        """Train at speed ``key`` (a key of RATES) from the next chunk; False if unknown.
        ``remember``: the next session starts with it too (not for a command-line flag)."""
        if key not in RATES:
            return False
        self.actions[key].setChecked(True)
        self.combo.setCurrentIndex(self.combo.findData(key))
        if remember:
            saved.SPEED.write(self.settings, key)
        if key != self.key:
            self.key = key
            self.worker.set_speed(RATES[key])
            self.speed_changed.emit(key)
        self._update_step_actions()
        return True

    def _step_action(self, name: str, text: str, shortcut: str, offset: int) -> QAction:
        action = QAction(text, self.menu)
        action.setObjectName(f"action.speed.{name}")
        action.setShortcut(QKeySequence(shortcut))
        native = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        tip = f"Train {name} ({native})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda: self._move(offset))
        self.menu.addAction(action)
        return action

    def _move(self, offset: int) -> None:
        keys = list(RATES)  # in menu order, fastest first
        index = min(max(keys.index(self.key) + offset, 0), len(keys) - 1)
        self.choose(keys[index])

    def _update_step_actions(self) -> None:
        keys = list(RATES)  # in menu order, fastest first
        self.slower_action.setEnabled(self.key != keys[-1])
        self.faster_action.setEnabled(self.key != keys[0])

    @Slot(int)
    def _on_combo_activated(self, index: int) -> None:
        self.choose(self.combo.itemData(index))
