"""One Numba compile at a time in the process, whichever thread compiles.

Numba/LLVM compiles on several threads at once aborted the process (an LLVM assertion) in
the test suite, and the network diagram's picture thread, compiling its line kernel while the
training loop's background compile ran, failed to type it ("Unknown attribute 'shape' of
type array(float32, 3d, C)": its lines never drew) even with Numba fully imported
(core/first_imports). Every thread that compiles Numba code holds this lock. It lives here,
importing nothing, so a thread that draws can take it without importing PyTensor.
"""

from __future__ import annotations

import threading

COMPILE_LOCK = threading.Lock()
