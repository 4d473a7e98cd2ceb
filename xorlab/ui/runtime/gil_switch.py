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

Measured with a thread standing in for the GUI (bench/gil_share.py: busy 40% of every 30 ms,
in Python or in C without the GIL) beside the real chunks, median of 6 interleaved rounds,
against the chunks with that thread idle, at load 5-7 on 2 cores: beside it busy in Python,
xor-bias 0.52-0.65 at 5 ms and 0.69-0.85 at 1 ms, parity3 0.48-0.69 and 0.73-0.78 (0.5 ms
was no better: 0.65-0.69); beside it busy in C without the GIL, 0.59-0.77 at any interval.
In the window (bench/gui.py --compare-switch-ms 5, segments alternating in one run) the
effect was smaller than the load's noise there (load ~6: xor-bias 0.61 against 0.49,
parity3 0.49 against 0.58).

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
