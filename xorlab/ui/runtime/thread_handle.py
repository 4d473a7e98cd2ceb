"""Waiting for and stopping the private QThread of a GUI-side object (the training worker,
the background job runner): one implementation, so closing the window treats them alike."""

from __future__ import annotations

from PySide6.QtCore import QThread


class ThreadHandle:
    """Mixed into a QObject that owns ``self._thread`` and implements ``request_shutdown``
    (ask the thread to end and return at once)."""

    _thread: QThread

    def request_shutdown(self) -> None:
        raise NotImplementedError

    def wait(self, timeout_ms: int | None = None) -> bool:
        """Wait for the thread to end; True when it has (or never started)."""
        if timeout_ms is None:
            return self._thread.wait()
        return self._thread.wait(max(0, int(timeout_ms)))

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        """``request_shutdown`` then ``wait``."""
        self.request_shutdown()
        return self.wait(timeout_ms)

    def is_running(self) -> bool:
        return self._thread.isRunning()
