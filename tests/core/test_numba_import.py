"""Numba's first import from two threads at once (core/numba_import.py): the background
compile's Numba set-up and the diagram's line painter, started together in a fresh
interpreter, as the window does on its first run. Without the lock one of them failed with
a half-initialized module in every try."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import json, sys, threading
from xorlab.core.training.strategies.numba_setup import prepare_numba
from xorlab.ui.network import line_raster

assert "numba" not in sys.modules
start = threading.Barrier(2)
errors = []

def run(job):
    start.wait()
    try:
        job()
    except BaseException as error:
        errors.append(repr(error))

jobs = (prepare_numba, line_raster._compile)
threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(errors))
"""


def test_two_threads_importing_numba_first_both_get_it():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
