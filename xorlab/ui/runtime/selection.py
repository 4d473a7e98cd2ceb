"""The shared selection as a Qt signal: a thin bridge over the lab state's ``selection``.

The selection itself (``xorlab.app.selection.SelectionRef``) lives in ``LabState``; the
linked views (network diagram, Graph tab, landscape) hold a SelectionBus to publish to it
and to hear ``selection_changed`` when any of them changed it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from xorlab.app.lab_state import LabState
from xorlab.app.selection import NOTHING, SelectionRef
from xorlab.ui.runtime.state_binding import bind


class SelectionBus(QObject):
    """The state's selection; ``selection_changed(ref)`` when it changes. Without a state
    (a view on its own, in a test) it keeps one of its own."""

    selection_changed = Signal(object)  # SelectionRef

    def __init__(self, parent: QObject | None = None, state: LabState | None = None):
        super().__init__(parent)
        self.state = state if state is not None else LabState()
        bind(self.state, "selection", self, self.selection_changed.emit)

    @property
    def current(self) -> SelectionRef:
        return self.state.selection

    def select(self, ref: SelectionRef | None) -> bool:
        """Make ``ref`` (None: nothing) the selection; True if that changed it. Re-selecting
        the current selection emits nothing, so views echoing it back cannot loop."""
        ref = ref if ref is not None else NOTHING
        if ref == self.state.selection:
            return False
        self.state.selection = ref
        return True

    def clear(self) -> None:
        self.select(NOTHING)
