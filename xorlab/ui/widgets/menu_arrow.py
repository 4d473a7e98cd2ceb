"""A tool button's menu arrow, drawn as part of its text.

The style's own menu indicator is drawn in the button's corner over the text's last letter,
as no room is made for it (seen on the Graph tab's Export and the Expression tab's Save
graph…): such a button hides it with ``hidden_indicator`` and ends its text in ``ARROW``.
"""

from __future__ import annotations

ARROW = "▾"


def with_arrow(text: str) -> str:
    return f"{text} {ARROW}"


def hidden_indicator(object_name: str) -> str:
    """The style-sheet rule hiding the menu indicator of the tool button ``object_name``."""
    escaped = object_name.replace(".", "\\.")
    return f"QToolButton#{escaped}::menu-indicator {{ image: none; width: 0px; }}\n"
