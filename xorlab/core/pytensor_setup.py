"""PyTensor settings xorlab needs, applied once by the modules that build graphs.

PyTensor records on every variable it creates the stack of Python lines that made it
(``traceback__limit``, 8 frames), so its error messages can point at the user's code. xorlab
builds every graph itself and never shows those traces, and recording them was ~30% of
building a graph (profiled: a 2-23-31-17-1 network's step and gradient, a 30-term
expression's derivative): it is turned off unless PYTENSOR_FLAGS sets it.

DimShuffle ops are made without reading their C files from disk each time (c_code_once.py),
and Elemwise nodes without building a throw-away scalar node each time (elemwise_types.py).

``INSPECT_MODE`` is the mode of functions called a few times a second at most (a graph's node
values, the neurons' maps): FAST_COMPILE's rewrites on the plain Python linker.
"""

from __future__ import annotations

import os

import pytensor
from pytensor.compile.mode import Mode

from xorlab.core import c_code_once, elemwise_types

# FAST_COMPILE's own linker ("vm") imports PyTensor's C lazy linker even with C ops off, and
# on an empty compile dir that first builds it with g++ (4-15 s here): a first map or node
# value would wait for it. The Python linker runs the same ops' numpy ``perform``, so the
# numbers are the same, and it compiles in milliseconds.
INSPECT_MODE = Mode(linker="py", optimizer="fast_compile")


def apply() -> None:
    if "traceback__limit" not in os.environ.get("PYTENSOR_FLAGS", ""):
        pytensor.config.traceback__limit = 0
    c_code_once.install()
    elemwise_types.install()


apply()
