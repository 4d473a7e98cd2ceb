import csv
import io

import numpy as np
import pytest

from xorlab.core.io.experiment import ExperimentError
from xorlab.core.sweep.report import COLUMNS, sweep_csv, write_sweep_csv
from xorlab.core.sweep.runs import SweepResult
from xorlab.core.training.presets import preset_spec

SPEC = preset_spec("xor-minimal").with_changes(
    network={"seed": 7, "hidden": (4,)}, training={"learning_rate": 0.5}
)
RESULTS = [
    SweepResult("seed=7 lr=0.5", SPEC, 0.1234567890123, 321, 1.0, np.arange(3), np.ones(3)),
    SweepResult("x", SPEC, float("nan"), None, 0.5, np.arange(2), np.ones(2), "diverged at 3"),
]


def test_csv_has_a_row_per_run_at_full_precision(tmp_path):
    rows = list(csv.DictReader(io.StringIO(sweep_csv(RESULTS, 0.05))))
    assert list(rows[0]) == [*COLUMNS, "target_cost"]
    first, second = rows
    assert first["run"] == "seed=7 lr=0.5" and first["seed"] == "7" and first["hidden"] == "4"
    assert float(first["final_cost"]) == 0.1234567890123 and first["epochs_to_target"] == "321"
    assert float(first["learning_rate"]) == 0.5 and first["diverged"] == ""
    assert second["final_cost"] == "nan" and second["epochs_to_target"] == ""
    assert second["diverged"] == "diverged at 3" and second["target_cost"] == "0.05"
    path = tmp_path / "sweep.csv"
    write_sweep_csv(path, RESULTS, 0.05)
    assert path.read_text(encoding="utf-8") == sweep_csv(RESULTS, 0.05)
    with pytest.raises(ExperimentError):
        write_sweep_csv(tmp_path / "missing" / "sweep.csv", RESULTS, 0.05)
