"""Finds the app's resource files (style sheet, icon, desktop entry) wherever it is installed.

The top-level ``resources/`` folder is their source; ``xorlab/resources`` links to it, so a
wheel (``pip install .``, ``pipx install``) carries them as package data inside ``xorlab``,
and a source checkout or editable install reads them from the folder itself.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtGui import QIcon

STYLE_SHEET = "style.qss"
ICON = "xorlab.svg"
DESKTOP_ENTRY = "xorlab.desktop"
SOURCE_FOLDER = Path(__file__).resolve().parents[3] / "resources"


def resource_path(name: str) -> Path | None:
    """The file ``name`` of the app's resources, or None when it is not installed."""
    packaged = resources.files("xorlab").joinpath("resources", name)
    try:
        if packaged.is_file():
            return Path(str(packaged))  # a wheel unpacks to files on disk
    except OSError:
        pass
    source = SOURCE_FOLDER / name
    return source if source.is_file() else None


def read_text(name: str) -> str:
    """The text of resource ``name``, or "" when it is missing or unreadable."""
    path = resource_path(name)
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def app_icon() -> QIcon:
    """The window and taskbar icon; an empty icon when the file is missing."""
    path = resource_path(ICON)
    return QIcon(str(path)) if path is not None else QIcon()
