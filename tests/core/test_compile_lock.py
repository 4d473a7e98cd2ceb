"""Every Numba user in the process shares one compile lock."""

from __future__ import annotations

import subprocess
import sys

from xorlab.core import compile_lock
from xorlab.core.training import tiers


def test_the_training_compiles_share_the_process_lock():
    # (tests/ui/network/test_line_raster.py: the diagram's pictures take it too)
    assert tiers.COMPILE_LOCK is compile_lock.COMPILE_LOCK


def test_taking_the_lock_imports_neither_numba_nor_pytensor():
    code = (
        "import sys; import xorlab.core.compile_lock; "
        "print(sorted(m for m in ('numba', 'pytensor') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
