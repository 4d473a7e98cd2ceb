"""Keeps the Graph tab's graphs current with the training worker.

The tab asks for its target's graphs (built on the worker's thread, ``source.request_graph``;
requests merge, so only the latest is built) and shows the answer when it still matches
what is chosen. A newly compiled network is re-requested while the tab is visible, and during
training the weights shown refresh twice a second, only while the tab is visible.
"""

from __future__ import annotations

import html
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QComboBox

from xorlab.app.graph_request import GraphBundle
from xorlab.app.run_state import SETTLED, RunState
from xorlab.ui.runtime.job_request import JobRequest

REFRESH_MS = 500  # weights shown refresh at 2 Hz while training, if the tab is visible
REFRESH_STATES = SETTLED


class GraphShower(Protocol):
    """What the feed needs of the Graph tab: the choice on screen and where answers go."""

    bundle: GraphBundle | None
    target_box: QComboBox

    @property
    def target(self) -> str: ...

    @property
    def param(self) -> int: ...

    def isVisible(self) -> bool: ...

    def set_status(self, text: str) -> None: ...

    def apply_bundle(self, bundle: GraphBundle) -> None: ...


class GraphFeed(QObject):
    """Requests graphs for ``tab`` from ``source`` (the TrainingWorker, or anything with
    ``request_graph(target, param)``, a ``state`` and the signals graph_ready, graph_failed,
    compiled and state_changed) and applies the answers."""

    def __init__(self, tab: GraphShower, source: QObject | None, parent: QObject | None = None):
        super().__init__(parent)
        self.tab = tab
        self.source = source
        # One graph request out at a time; asks meanwhile merge into one more (job_request).
        self.job = JobRequest(self._send, parent=self)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self._on_refresh_timeout)
        if source is not None:
            source.graph_ready.connect(self._on_graph_ready)
            source.graph_failed.connect(self._on_graph_failed)
            source.compiled.connect(self._on_compiled)
            source.state_changed.connect(self._on_state_changed)

    @property
    def awaiting(self) -> bool:
        """A request is out and not yet answered, or one is due."""
        return self.job.busy()

    def request(self) -> None:
        """Ask the worker for the current target's graphs (merged: only the latest is built)."""
        if self.source is None:
            return
        tab = self.tab
        shown = tab.bundle is not None and tab.bundle.request.target == tab.target
        if not shown:
            tab.set_status(f"Building the {tab.target_box.currentText().lower()} graph…")
        self.job.ask()

    def _send(self) -> bool:
        self.source.request_graph(self.tab.target, self.tab.param)
        return True

    def sync_refresh_timer(self) -> None:
        training = getattr(self.source, "state", None) == RunState.TRAINING
        if training and self.tab.isVisible():
            if not self.refresh_timer.isActive():
                self.refresh_timer.start()
        else:
            self.refresh_timer.stop()

    @Slot(object)
    def _on_graph_ready(self, bundle: GraphBundle) -> None:
        self.job.answer(bundle)
        tab = self.tab
        if bundle.request.target != tab.target:
            return  # the user moved on; the newer request is on its way
        if tab.target == "grad" and bundle.request.param != tab.param:
            if tab.param < len(bundle.param_names):
                return
        tab.apply_bundle(bundle)

    @Slot(str)
    def _on_graph_failed(self, message: str) -> None:
        self.job.fail(message)
        self.tab.set_status(f"<span style='color:#C24E00'>{html.escape(message)}</span>")

    @Slot(float)
    def _on_compiled(self, _seconds: float) -> None:
        if self.tab.isVisible():
            self.request()

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        self.sync_refresh_timer()
        if state in REFRESH_STATES and self.tab.isVisible():
            self.request()  # the weights changed (a step, a reset, the end of a run)

    @Slot()
    def _on_refresh_timeout(self) -> None:
        if self.tab.isVisible():
            self.request()
