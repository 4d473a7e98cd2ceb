"""How soon a thread waiting for the GIL gets it while the window trains: the interpreter's
switch interval, lowered from CPython's 5 ms to 1 ms.

PySide6 keeps the GIL through its C++ calls (while QImage.scaled of a 3000 px image ran for
350 ms, another Python thread ran at 5% of its free rate), so the GUI thread holds the GIL
for nearly all of a frame: its Python, pyqtgraph's, and the Qt painting in between. The
training worker computes its chunks without the GIL (the fused loop, the scan loop on Numba,
XLA), but takes it back many times a chunk: when the compiled call returns, after each numpy
call on the chunk's cost arrays that lets it go, after posting a snapshot (a Qt signal, which
also wakes the GUI thread to draw it), at each turn of its event loop. Whenever the GUI
thread is drawing, each of those waits until the GUI thread drops the GIL, which CPython asks
of it only once the waiter has waited the switch interval.

Measured with a thread standing in for the GUI (busy 40% of every 30 ms, in Python or in C
without the GIL) beside xor-bias's real chunks at load ~5 on 2 cores, median of 6
interleaved rounds, against the chunks with that thread idle: busy in C 0.59-0.77, busy in
Python 0.52-0.59 at 5 ms and 0.84-0.85 at 1 ms (0.69 at 0.5 ms, where the two threads trade
the GIL more often than they gain). In the window (bench/gui.py --compare-switch-ms 5,
segments alternating in one run) the steps/s ratio moved by less than the load's noise on
some presets and rose on others: see the README's figures.

The cost: a thread that computes in Python beside another (a background compile beside the
GUI) switches every millisecond instead of every five, a few microseconds each time.
"""

from __future__ import annotations

import sys

SWITCH_INTERVAL_S = 0.001


def share_the_gil_finely() -> None:
    """Lower the process's switch interval to SWITCH_INTERVAL_S (a lower one set on purpose
    is kept). Process-wide: every thread waits at most about that for the GIL."""
    if sys.getswitchinterval() > SWITCH_INTERVAL_S:
        sys.setswitchinterval(SWITCH_INTERVAL_S)
