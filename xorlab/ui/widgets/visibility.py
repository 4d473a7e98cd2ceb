"""When a view may skip a redraw: it is out of sight in a window that is on screen.

A view in a tab that is not current, or in a closed dock, keeps only the newest snapshot and
draws it when shown (its showEvent). A view that is not in a shown window at all (built by a
test, or the window not shown yet) draws as usual, so what it holds is always current.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def out_of_sight(widget: QWidget) -> bool:
    """True when ``widget``'s window is shown but ``widget`` is not."""
    return not widget.isVisible() and widget.window().isVisible()
