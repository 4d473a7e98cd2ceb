"""The training engines a user can choose, known without importing PyTensor: the window's
Engine menu is built before PyTensor loads (strategies/ builds the loops themselves)."""

from __future__ import annotations

import importlib.util

STRATEGIES = ("auto", "fused", "scan", "jax")


def jax_available() -> bool:
    return importlib.util.find_spec("jax") is not None
