"""Binding a Qt object to a field of the Qt-free lab state (``xorlab.app.lab_state``).

The state is a plain Python object and may outlive a widget (a closed dialog, a test's
diagram): a bound callback stops being called, and is dropped, once its owner's C++ object
is gone, so a change never reaches a deleted widget.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject

from xorlab.app.evented import Evented


def bind(state: Evented, name: str, owner: QObject, callback: Callable[[object], object]) -> None:
    """Call ``callback(value)`` on each change of ``state.<name>`` while ``owner`` lives."""

    def call(value: object) -> None:
        if shiboken6.isValid(owner):
            callback(value)
        else:
            state.remove_callback(name, call)

    state.add_callback(name, call)
