"""Train > Engine: which compiled training loop the worker uses (the app's ``--backend``).

"Auto" lets the core pick by network size (xorlab.core.training.strategies.choose); the others force
one strategy, e.g. to compare speeds on the same network. A change recompiles the current
experiment as a fresh run, so the menu is locked while a run is training or paused, like the
builder. The status bar shows the loop running beside the steps/s: "warming up (numpy)"
until the engine's loop, compiled in the background from Train on, takes over, then "full
speed (fused, auto)".
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QStatusBar, QWidget

from xorlab.app.run_state import UNDER_WAY, RunState
from xorlab.core.training.engines import STRATEGIES, jax_available
from xorlab.ui.runtime.worker import TrainingWorker
from xorlab.ui.shell import settings as saved
from xorlab.ui.widgets.squeeze_label import SqueezeLabel

ENGINE_TEXT = {"auto": "&Auto", "fused": "&Fused loop", "scan": "&Scan", "jax": "&JAX"}
ENGINE_TIPS = {
    "auto": "Pick by network size: the fused loop for tiny nets, else JAX when installed, "
    "else the scan. On a long JAX run, a scan loop already in the compile cache is timed "
    "against JAX on the network itself, and the faster of the two trains on.",
    "fused": "One native loop over the training step unrolled into scalars: by far the fastest "
    "for tiny nets (XOR); compiling grows with the network, so big nets cannot use it.",
    "scan": "PyTensor's scan compiled with Numba: works for every network.",
    "jax": "The training step on JAX (XLA), thousands of steps per call: compiles in a "
    "second or two where the scan takes tens of seconds, and runs as fast or faster.",
}
# The quick tier every run starts on while the engine's loop compiles in the background.
WARM_UP_TIP = (
    "Training starts at once on the training step written out as numpy code (ready in a "
    "fraction of a second, several times slower per step); the engine's loop compiles in "
    "the background from Train on and takes over between chunks with the same weights, "
    "optimizer state and history."
)
LOCKED_STATES = UNDER_WAY


def available_engines() -> list[str]:
    """The strategies this installation can offer (JAX only when it imports)."""
    return [s for s in STRATEGIES if s != "jax" or jax_available()]


class EngineMenu(QObject):
    """The Engine submenu, its status-bar label, and the choice remembered in settings."""

    def __init__(
        self,
        worker: TrainingWorker,
        status_bar: QStatusBar,
        settings: QSettings,
        parent: QWidget,
    ):
        super().__init__(parent)
        self.worker = worker
        self.settings = settings
        self.menu = QMenu("&Engine", parent)
        self.menu.setObjectName("menu.engine")
        self.menu.setToolTipsVisible(True)
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        for name in available_engines():
            action = QAction(ENGINE_TEXT[name], self.menu)
            action.setObjectName(f"action.engine.{name}")
            action.setCheckable(True)
            action.setToolTip(ENGINE_TIPS[name])
            action.setStatusTip(ENGINE_TIPS[name])
            action.triggered.connect(lambda _=False, n=name: self.choose(n))
            self.group.addAction(action)
            self.menu.addAction(action)
            self.actions[name] = action
        self.label = SqueezeLabel()
        self.label.setObjectName("status.engine")
        status_bar.addPermanentWidget(self.label)
        worker.engine_chosen.connect(self._on_engine_chosen)
        worker.fast_loop_failed.connect(self._on_fast_loop_failed)
        worker.state_changed.connect(self._on_state_changed)
        self.chosen = ""  # the strategy compiled last
        self.failure = ""  # why this run's fast loop could not compile
        name = saved.ENGINE.read(settings)
        self.choose(name if name in self.actions else saved.ENGINE.default)

    @property
    def requested(self) -> str:
        action = self.group.checkedAction()
        return action.objectName().removeprefix("action.engine.") if action else "auto"

    def choose(self, name: str, remember: bool = True) -> bool:
        """Train with engine ``name`` from now on; False if this installation lacks it.
        ``remember``: the next session starts with it too (not for a command-line flag)."""
        if name not in self.actions:
            return False
        self.actions[name].setChecked(True)
        if remember:
            saved.ENGINE.write(self.settings, name)
        self.worker.set_strategy(name)
        self._update_label()
        return True

    @Slot(str)
    def _on_engine_chosen(self, name: str) -> None:
        self.chosen = name
        self._update_label()

    @Slot(str)
    def _on_fast_loop_failed(self, reason: str) -> None:
        self.failure = reason
        self._update_label()

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        self.group.setEnabled(state not in LOCKED_STATES)
        if state == RunState.COMPILING:
            self.chosen = ""
            self.failure = ""
            self._update_label()

    def _update_label(self) -> None:
        requested = self.requested
        if not self.chosen:
            self.label.setText("")
            return
        if self.chosen not in ENGINE_TIPS and self.failure:
            self.label.setText(f"slow: quick tier only ({self.chosen})")
            self.label.setToolTip(f"The engine's loop could not compile: {self.failure}")
            return
        if self.chosen not in ENGINE_TIPS:  # the quick tier
            self.label.setText(f"warming up ({self.chosen})")
            self.label.setToolTip(WARM_UP_TIP)
            return
        text = f"full speed ({self.chosen}"
        if requested == "auto":
            text += ", auto"
        self.label.setText(text + ")")
        self.label.setToolTip(
            f"The training loop compiled for this network: {ENGINE_TIPS[self.chosen]} "
            "Change it under Train > Engine."
        )
