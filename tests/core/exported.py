"""The exported script as a reference: written from a trainer's spec and data, run in its
own process, its outputs and cost must be the app's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from xorlab.core.io.script_export import write_script
from xorlab.core.training.trainer import Trainer


def assert_script_reproduces(folder: Path, trainer: Trainer) -> dict:
    """Export ``trainer``'s experiment, run it with --json, check its outputs and cost
    against the trainer's (1e-9), and return what it printed."""
    outputs, cost = trainer.evaluate()
    path = folder / "experiment.py"
    write_script(path, trainer.spec, trainer.dataset)
    result = subprocess.run(
        [sys.executable, str(path), "--json"], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.splitlines()[-1])
    np.testing.assert_allclose(data["outputs"], outputs, rtol=0, atol=1e-9)
    assert data["cost"] == pytest.approx(cost, abs=1e-9)
    return data
