"""Ctrl+C and SIGTERM in a headless run: ask the loop to stop between chunks.

Python's default SIGINT handler raises KeyboardInterrupt wherever the interpreter is,
which inside a compiled loop's wrapper ends in a traceback (or Numba's TypeError) and loses
the work. Here a signal only sets a flag; the loop checks it between chunks, reports the
progress so far, saves if asked and exits with the shell's code for the signal.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# The exit status a shell reports for a process ended by the signal: 128 + its number.
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
NAMES = {signal.SIGINT: "Ctrl+C (SIGINT)", signal.SIGTERM: "SIGTERM"}


@dataclass
class StopRequest:
    """Which signal asked the run to stop (None: none yet)."""

    signal: int | None = None

    @property
    def requested(self) -> bool:
        return self.signal is not None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.signal, 1) if self.signal is not None else 0

    @property
    def name(self) -> str:
        return NAMES.get(self.signal, f"signal {self.signal}") if self.signal else ""


@contextmanager
def stop_on_signals() -> Iterator[StopRequest]:
    """Within the block, SIGINT and SIGTERM set the yielded request instead of raising.

    A second signal of the same kind restores the default behaviour, so a run stuck in a
    long compile can still be ended at once by pressing Ctrl+C again.
    """
    request = StopRequest()
    previous = {}

    def on_signal(number: int, _frame: object) -> None:
        if request.signal is not None:
            signal.signal(number, previous[number])
            signal.raise_signal(number)
            return
        request.signal = number

    for number in EXIT_CODES:
        previous[number] = signal.signal(number, on_signal)
    try:
        yield request
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
