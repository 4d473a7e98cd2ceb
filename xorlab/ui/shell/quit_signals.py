"""Ctrl+C, SIGTERM and SIGHUP to the window: close it as a person would, without losing work.

Python's default SIGINT handler raises KeyboardInterrupt in whatever Python code the GUI
thread runs next: a timer's slot (the garbage collector's, whose timer then never restarted),
a paint, or Qt's exit path, which crashed the process (exit 139, seen with the spiral
training). SIGTERM and SIGHUP ended it at once, unsaved experiment and settings included.
Here a signal only writes its number to a socket (``signal.set_wakeup_fd``), which a
QSocketNotifier reads on the GUI thread, so it is handled between events even while no Python
runs. A second signal of the same kind restores the default behaviour, so a window stuck in a
long compile can still be ended at once.
"""

from __future__ import annotations

import signal
import socket

from PySide6.QtCore import QObject, QSocketNotifier, Signal, Slot

SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def exit_code(number: int) -> int:
    """What a shell reports for a process ended by the signal: 128 + its number."""
    return 128 + number


def signal_name(number: int) -> str:
    names = {signal.SIGINT: "Ctrl+C (SIGINT)"}
    return names.get(number) or signal.Signals(number).name


class QuitSignals(QObject):
    """While installed, the signals above arrive as ``received(number)`` on the GUI thread."""

    received = Signal(int)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.first: int | None = None  # the signal that asked the window to close
        self._previous: dict[int, object] = {}
        self._previous_fd: int | None = None
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_readable)

    def install(self) -> None:
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        for number in SIGNALS:
            self._previous[number] = signal.signal(number, self._on_signal)

    def uninstall(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()
        if self._previous_fd is not None:
            signal.set_wakeup_fd(self._previous_fd)
            self._previous_fd = None
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()

    def _on_signal(self, number: int, _frame: object) -> None:
        # Python runs this on the main thread when it next can; the wakeup byte has already
        # woken the event loop. A repeat of the signal that is being handled: default now.
        if self.first == number:
            signal.signal(number, signal.SIG_DFL)
            signal.raise_signal(number)

    @Slot()
    def _on_readable(self) -> None:
        try:
            data = self._reader.recv(64)
        except (BlockingIOError, InterruptedError):
            return
        for number in data:
            if number in SIGNALS and self.first is None:
                self.first = number
                self.received.emit(number)


def close_window_on_signals(window, say=None) -> QuitSignals:
    """Install the handlers so a signal closes ``window`` as keep_and_close does (unsaved
    work kept in the recovery folder); what was kept, or why nothing could be, is said through
    ``say`` (stderr by default: the person who sent the signal is at a terminal)."""
    import sys

    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    signals = QuitSignals(window)
    files = window.experiment_files

    def on_signal(number: int) -> None:
        say(f"xorlab: {signal_name(number)}: closing the window")
        files.keep_and_close(signal.Signals(number).name)

    def on_kept(path: str) -> None:
        say(f"xorlab: the unsaved experiment is kept in {path} (File > Open Recent)")

    def on_failed(message: str) -> None:
        if signals.first is not None:
            say(f"xorlab: could not keep the unsaved experiment: {message}")

    signals.received.connect(on_signal)
    files.kept.connect(on_kept)
    files.save_failed.connect(on_failed)
    signals.install()
    return signals
