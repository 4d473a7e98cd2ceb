"""PyTensor settings xorlab needs, applied once by the modules that build graphs.

PyTensor records on every variable it creates the stack of Python lines that made it
(``traceback__limit``, 8 frames), so its error messages can point at the user's code. xorlab
builds every graph itself and never shows those traces, and recording them was ~30% of
building a graph (profiled: a 2-23-31-17-1 network's step and gradient, a 30-term
expression's derivative): it is turned off unless PYTENSOR_FLAGS sets it.
"""

from __future__ import annotations

import os

import pytensor


def apply() -> None:
    if "traceback__limit" not in os.environ.get("PYTENSOR_FLAGS", ""):
        pytensor.config.traceback__limit = 0


apply()
