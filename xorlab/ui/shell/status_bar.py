"""The status bar: what the worker is doing, how far training got, the cost, and the speed."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from xorlab.app.run_state import RunState
from xorlab.ui.widgets.squeeze_label import SqueezeLabel
from xorlab.ui.widgets.steady_box import SteadyBox

STATE_TEXT = {
    RunState.IDLE: "Idle",
    RunState.COMPILING: "Compiling…",
    RunState.READY: "Ready",
    RunState.TRAINING: "Training",
    RunState.PAUSED: "Paused",
    RunState.STOPPED: "Stopped",
    RunState.DONE: "Done",
    RunState.DIVERGED: "Diverged",
    RunState.ERROR: "Error",
}
STATE_TIPS = {
    RunState.IDLE: "No experiment yet.",
    RunState.COMPILING: "PyTensor is compiling the network's training loop on the worker thread.",
    RunState.READY: "Compiled: press Train (Ctrl+Return).",
    RunState.TRAINING: "Training on the worker thread; Space pauses.",
    RunState.PAUSED: "Paused: Space resumes, Ctrl+Right trains one more epoch.",
    RunState.STOPPED: "Stopped early: Train starts a fresh run.",
    RunState.DONE: "Reached the epoch limit: Train starts a fresh run.",
    RunState.DIVERGED: "Training blew up; the last good weights are kept. Lower the learning rate.",
    RunState.ERROR: "Something went wrong: see the message above the plots.",
}
STOP_TEXT = {"target_cost": "target cost reached", "plateau": "cost plateau"}
PROGRESS_RESOLUTION = 1000  # QProgressBar takes ints: large step counts are scaled
MESSAGE_MARGIN = 12  # pixels between a message and the first permanent label


def format_count(n: int) -> str:
    return f"{n:,}"


def format_rate(steps_per_second: float) -> str:
    if steps_per_second <= 0:
        return ""
    if steps_per_second >= 1e6:
        return f"{steps_per_second / 1e6:.2f} M steps/s"
    if steps_per_second >= 1e3:
        return f"{steps_per_second / 1e3:.1f} k steps/s"
    return f"{steps_per_second:.0f} steps/s"


class TrainingStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("status_bar")
        self.message_text = ""  # the last message whole (showMessage may shorten it)
        self._message_until: float | None = None  # when it times out (monotonic seconds)
        self.state_label = self._label("status.state", "What the training worker is doing.")
        self.epoch_label = self._label("status.epoch", "Completed epochs of the epoch limit.")
        self.cost_label = self._label(
            "status.cost", "The cost of the current weights on the whole training set."
        )
        self.rate_label = self._label(
            "status.rate", "Training steps per second, on the worker thread."
        )
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("status.progress")
        self.progress_bar.setRange(0, PROGRESS_RESOLUTION)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setMinimumWidth(40)
        self.progress_bar.setToolTip("Progress toward the epoch limit.")
        # The epoch, cost and speed change at every snapshot: in steady boxes, their new
        # texts repaint them without laying out the window again (see steady_box).
        self.steady_boxes = [
            SteadyBox(label) for label in (self.epoch_label, self.cost_label, self.rate_label)
        ]
        for widget in (*self.steady_boxes, self.progress_bar):
            self.addPermanentWidget(widget)
        self.insertPermanentWidget(0, self.state_label)
        self.state_label.installEventFilter(self)  # see eventFilter
        self.state = RunState.IDLE
        self.stop_rule: str | None = None
        self.stop_reason: str | None = None
        self.steps_per_epoch = 1
        self.set_state(RunState.IDLE)
        self.set_cost(None)

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 (Qt's name)
        """Qt clips a message at the first permanent label ("Compiled in 0.10 s" read "Con"
        at 1024x700): it ends in "…" instead, its whole text in the tooltip, and is fitted
        again when the bar is laid out anew."""
        self.message_text = text
        self._message_until = time.monotonic() + timeout / 1000 if timeout > 0 else None
        self._show_fitted(new=True)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        # The first permanent label moves when the bar is resized or the labels' texts grow
        # ("Epoch 2,989 of 100,000,000 · step 47,824"): fit the message to its new room,
        # once the layout has placed it.
        if watched is self.state_label and event.type() == QEvent.Type.Move:
            if self.currentMessage():
                QTimer.singleShot(0, self, self._show_fitted)
        return super().eventFilter(watched, event)

    def _show_fitted(self, new: bool = False) -> None:
        text = self.message_text
        if not text or (not new and not self.currentMessage()):
            return  # ended (timed out or cleared) since
        remaining = 0
        if self._message_until is not None:
            remaining = round((self._message_until - time.monotonic()) * 1000)
            if remaining <= 0:
                return
        room = self.state_label.geometry().left() - MESSAGE_MARGIN
        if room > 0:  # 0 before the first layout: then it is fitted at the first resize
            text = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room)
        self.setToolTip(self.message_text if text != self.message_text else "")
        if new or text != self.currentMessage():
            super().showMessage(text, remaining)

    def _label(self, name: str, tip: str) -> QLabel:
        label = SqueezeLabel()  # ends in "…" on a narrow window rather than widening it
        label.setObjectName(name)
        label.setToolTip(tip)
        return label

    def set_state(self, state: str) -> None:
        self.state = state
        text, tip = STATE_TEXT.get(state, state), STATE_TIPS.get(state, "")
        if state == RunState.DONE and self.stop_reason:
            # Which stop rule ended the run before its epoch limit.
            text = f"Done: {STOP_TEXT.get(self.stop_rule, self.stop_rule)}"
            tip = f"Stopped early: {self.stop_reason}. Train starts a fresh run."
        self.state_label.setText(text)
        self.state_label.setToolTip(tip)
        # The style sheet colours the state by this property.
        self.state_label.setProperty("state", state)
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)
        if state not in (RunState.TRAINING, RunState.DONE):
            self.rate_label.setText("")

    def set_stop_reason(self, rule: str | None, reason: str | None) -> None:
        """Why the run ended early (a stop rule and its message), or None; shown once done."""
        if (rule, reason) != (self.stop_rule, self.stop_reason):
            self.stop_rule, self.stop_reason = rule, reason
            self.set_state(self.state)

    def set_progress(self, step: int, total_steps: int, steps_per_second: float) -> None:
        spe = max(self.steps_per_epoch, 1)
        epoch, epochs = step // spe, total_steps // spe
        text = f"Epoch {format_count(epoch)} of {format_count(epochs)}"
        if spe > 1:
            text += f" · step {format_count(step)}"
        self.epoch_label.setText(text)
        fraction = step / total_steps if total_steps > 0 else 0.0
        self.progress_bar.setValue(round(min(max(fraction, 0.0), 1.0) * PROGRESS_RESOLUTION))
        self.progress_bar.setToolTip(f"{100 * fraction:.1f}% of the epoch limit")
        if self.state in (RunState.TRAINING, RunState.DONE):
            self.rate_label.setText(format_rate(steps_per_second))

    def set_cost(self, cost: float | None) -> None:
        self.cost_label.setText("cost —" if cost is None else f"cost {cost:.10g}")
