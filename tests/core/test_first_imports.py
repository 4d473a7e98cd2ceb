"""PyTensor's and Numba's first imports from two threads at once (core/first_imports.py), in
a fresh interpreter each, as the window's threads start: without the lock, the background
compile's Numba set-up and the diagram's line painter failed with a half-initialized module
in every try, the trainer and the graph builder in 1 to 2 tries of 3 (so that pair runs
three times). What the window's thread reads on a user action in the first second (File >
Open, the Sweep dialog) either imports no PyTensor or takes the lock
(tests/ui/test_lazy_imports.py checks every such import)."""

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

def sweep_menu():
    import_pytensor()  # what Train > Sweep does on the window's thread (ui/sweep/launcher.py)
    import xorlab.ui.sweep.dialog

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
    "jobs",
    [("trainer", "graph_builder")] * 3
    + [("numba_setup", "line_painter"), ("trainer", "sweep_menu")],
)
def test_two_threads_importing_first_both_get_the_package(jobs):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *jobs], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


OPEN_FILE = """
import json, sys
from pathlib import Path
from xorlab.core.io.experiment import load_experiment
from xorlab.core.training.shuffle import batch_table
from xorlab.core.training.weights import layer_shapes

experiment = load_experiment(Path(sys.argv[1]))  # what File > Open reads on its thread
spec = experiment.spec
shapes = layer_shapes(spec.network, experiment.dataset.n_inputs, experiment.dataset.n_outputs)
table = batch_table(experiment.dataset.n_samples, spec.training.schedule, 4)
heavy = [name for name in ("pytensor", "numba", "scipy") if name in sys.modules]
print(json.dumps({"heavy": heavy, "shapes": shapes, "steps": table.shape[0]}))
"""


def test_a_saved_experiment_opens_without_importing_pytensor(tmp_path):
    # File > Open reads and checks the file on the window's thread: with no PyTensor import
    # there, it cannot race the worker's first one.
    from xorlab.core.io.experiment import experiment_from_trainer, save_experiment
    from xorlab.core.training.presets import preset_spec
    from xorlab.core.training.trainer import Trainer

    path = tmp_path / "run.xorlab.json"
    save_experiment(path, experiment_from_trainer(Trainer(preset_spec("xor-minimal"))))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", OPEN_FILE, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"heavy": [], "shapes": [[2, 3], [3, 1]], "steps": 1}
