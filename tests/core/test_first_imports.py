"""PyTensor's and Numba's first imports from two threads at once (core/first_imports.py), in
a fresh interpreter each, as the window's threads start: without the lock, the background
compile's Numba set-up and the diagram's line painter failed with a half-initialized module
in every try, the trainer and the graph builder in 1 to 2 tries of 3 (so that pair runs
three times)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import json, sys, threading
from xorlab.core.first_imports import import_pytensor

assert "pytensor" not in sys.modules and "numba" not in sys.modules
start = threading.Barrier(2)
errors = []

def trainer():
    import_pytensor()  # what the training worker does before its first command
    import xorlab.core.training.trainer

def graph_builder():
    import_pytensor()  # what a background runner does before its first job
    import xorlab.core.graphs.build

def numba_setup():
    import_pytensor()  # the fast loop's compile thread starts from a compiled trainer
    from xorlab.core.compile_lock import COMPILE_LOCK
    from xorlab.core.training.strategies.numba_setup import prepare_numba
    with COMPILE_LOCK:  # as the background compile holds it (tiers.py)
        prepare_numba()

def line_painter():
    from xorlab.ui.network import line_raster
    line_raster._compile()

def run(job):
    start.wait()
    try:
        job()
    except BaseException as error:
        errors.append(repr(error))

threads = [threading.Thread(target=run, args=(globals()[name],)) for name in sys.argv[1:]]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(errors))
"""


@pytest.mark.parametrize(
    "jobs", [("trainer", "graph_builder")] * 3 + [("numba_setup", "line_painter")]
)
def test_two_threads_importing_first_both_get_the_package(jobs):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *jobs], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
