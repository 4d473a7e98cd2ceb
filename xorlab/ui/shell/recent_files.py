"""File > Open Recent: the last experiments opened or saved, kept in QSettings.

The list is read defensively (an INI file stores a one-item list as plain text, and hand
edits can leave anything there) and written with a sync whose failure is logged, not raised:
a read-only settings file must not stop anyone from opening a file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from xorlab.ui.shell import settings as saved

log = logging.getLogger(__name__)

MAX_RECENT = 8


class RecentFiles:
    """The most recently used paths, newest first, at most ``limit``."""

    def __init__(self, settings: QSettings, limit: int = MAX_RECENT):
        self.settings = settings
        self.limit = limit

    def paths(self) -> list[str]:
        return saved.RECENT_FILES.read(self.settings)[: self.limit]

    def add(self, path: str) -> None:
        path = str(Path(path).absolute())
        self._write([path, *(p for p in self.paths() if p != path)])

    def remove(self, path: str) -> None:
        self._write([p for p in self.paths() if p != path])

    def clear(self) -> None:
        self._write([])

    def _write(self, paths: list[str]) -> None:
        saved.RECENT_FILES.write(self.settings, paths[: self.limit])
        saved.sync(self.settings)  # a read-only file is logged there; the list lives on in memory


class RecentFilesMenu(QMenu):
    """Rebuilt each time it opens, so it always shows the current list."""

    path_chosen = Signal(str)

    def __init__(self, recent: RecentFiles, parent: QWidget | None = None):
        super().__init__("Open &Recent", parent)
        self.setObjectName("menu.recent")
        self.recent = recent
        self.clear_action = QAction("&Clear the list", self)
        self.clear_action.setObjectName("action.clear_recent")
        self.clear_action.setStatusTip("Forget the recently used experiments")
        self.clear_action.triggered.connect(self._on_clear_triggered)
        self._end = self.addSeparator()
        self.addAction(self.clear_action)
        self._entries: list[QAction] = []
        self.aboutToShow.connect(self.rebuild)
        self.rebuild()

    @Slot()
    def rebuild(self) -> None:
        # Only the entries are replaced: with PySide6, an action removed from a menu and
        # added again loses its connections (and clear() would delete the Clear action).
        for action in self._entries:
            self.removeAction(action)
            action.deleteLater()
        paths = self.recent.paths()
        self._entries = []
        for number, path in enumerate(paths, start=1):
            # An '&' in a file name would otherwise turn into a shortcut marker.
            name = Path(path).name.replace("&", "&&")
            action = QAction(f"&{number} {name}", self)
            action.setObjectName(f"action.recent.{number}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self.path_chosen.emit(p))
            self._entries.append(action)
        if not paths:
            empty = QAction("No recent experiments", self)
            empty.setEnabled(False)
            self._entries.append(empty)
        self.insertActions(self._end, self._entries)
        self.clear_action.setEnabled(bool(paths))

    def entries(self) -> list[QAction]:
        """The actions that open a file, newest first."""
        return [a for a in self.actions() if isinstance(a.data(), str) and a.data()]

    @Slot()
    def _on_clear_triggered(self) -> None:
        self.recent.clear()
        self.rebuild()
