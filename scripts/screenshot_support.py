"""What the screenshot scripts share: waiting on the real event loop without a test harness."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication

TIMEOUT_MS = 120_000


def wait_until(condition, timeout_ms: int = TIMEOUT_MS) -> None:
    end = time.perf_counter() + timeout_ms / 1000
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("gave up waiting")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(ms: int = 400) -> None:
    """Let the window draw what it was just told to show."""
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        QApplication.processEvents()
        time.sleep(0.01)
