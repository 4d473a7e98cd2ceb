"""One Numba import or compile at a time in the process, whichever thread asks.

Numba/LLVM compiles on several threads at once aborted the process (an LLVM assertion) in
the test suite, and a first ``import numba`` on two threads at once leaves one of them a
partially initialized numba (numba's modules import each other; Python's per-module import
locks then hand the second thread a half-built module): "cannot import name ... from
partially initialized module numba.core.utils", or "Unknown attribute 'shape' of type array"
while typing, as the network diagram's picture thread met beside the training loop's
background compile. Every thread that imports or compiles Numba code holds this lock. It
lives here, importing nothing, so a thread that draws can take it without importing PyTensor.
"""

from __future__ import annotations

import threading

COMPILE_LOCK = threading.Lock()
