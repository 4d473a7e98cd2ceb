"""An exported script, run as a separate program, reproduces the app's numbers."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import numpy as np
import pytest

from tests.core.exported import assert_script_reproduces
from xorlab.core.io.script_export import export_script, write_script
from xorlab.core.training.datasets import load_dataset
from xorlab.core.training.presets import preset_spec

CASES = {
    "xor-minimal": preset_spec("xor-minimal"),
    "xor-bias": preset_spec("xor-bias").with_changes(training={"epochs": 2000}),
    "adam-minibatch-l2-glorot": preset_spec("xor-minimal").with_changes(
        dataset={"name": "parity3"},
        network={"hidden": (5, 4), "activations": ("tanh", "relu"), "bias": True, "init": "glorot"},
        training={
            "optimizer": "adam",
            "cost": "bce",
            "learning_rate": 0.02,
            "l2": 0.001,
            "l1": 0.002,
            "schedule": "minibatch",
            "batch_size": 3,
            "epochs": 300,
            "log_every": 50,
        },
    ),
    "momentum-mse-per-sample": preset_spec("xor-minimal").with_changes(
        network={"activations": ("softplus",), "output_activation": "linear"},
        training={
            "optimizer": "momentum",
            "cost": "mse",
            "learning_rate": 0.05,
            "schedule": "sample",
            "epochs": 500,
            "log_every": 100,
        },
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_exported_script_reproduces_the_app(tmp_path, trainer_for, case):
    trainer = trainer_for(CASES[case])
    while not trainer.done:
        trainer.run(20_000)
    data = assert_script_reproduces(tmp_path, trainer)
    assert [e for e, _ in data["log"]] == [e for e, _ in trainer.log]
    np.testing.assert_allclose([c for _, c in data["log"]], [c for _, c in trainer.log], atol=1e-9)


def test_script_is_plain_readable_python():
    source = export_script(CASES["xor-bias"], load_dataset(CASES["xor-bias"].dataset))
    tree = ast.parse(source)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert imported == {"json", "sys", "numpy", "pytensor", "pytensor.tensor"}
    assert "bias unit" in source and "rng.rand(3, 3)" in source and "rng.rand(4, 1)" in source


# --- text from files never becomes code (issue 10) --------------------------------------

HOSTILE_NAMES = {
    "newline": "data\nimport pathlib; pathlib.Path({marker!r}).touch()\n",
    "carriage return": "data\rimport pathlib; pathlib.Path({marker!r}).touch()\r",
    "quotes": "d'a\"ta'''\"\"\"\nimport pathlib; pathlib.Path({marker!r}).touch()",
    "triple quotes": '"""\nimport pathlib; pathlib.Path({marker!r}).touch()\n"""',
    "nul": "da\x00ta\nimport pathlib; pathlib.Path({marker!r}).touch()",
    "non-ascii": "données – 数据 \u2028import pathlib; pathlib.Path({marker!r}).touch()",
}


def _hostile_dataset(name: str):
    from xorlab.core.training.datasets import Dataset

    xor = load_dataset(preset_spec("xor-minimal").dataset)
    return Dataset(name, xor.X.copy(), xor.y.copy(), (name, "x2"), (f"y{name}",))


@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_names_from_files_stay_strings_in_the_script(tmp_path, case):
    name = HOSTILE_NAMES[case].format(marker=str(tmp_path / "marker"))
    source = export_script(preset_spec("xor-minimal"), _hostile_dataset(name))
    tree = ast.parse(source)  # also proves it compiles
    assigned = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id in ("dataset_name", "input_names", "target_names")
    }
    assert assigned == {
        "dataset_name": name,
        "input_names": [name, "x2"],
        "target_names": [f"y{name}"],
    }
    # No statement beyond those a benign name gives: nothing was injected.
    benign = ast.parse(export_script(preset_spec("xor-minimal"), _hostile_dataset("data")))
    assert [type(n) for n in tree.body] == [type(n) for n in benign.body]


def test_running_a_script_with_every_hostile_name_runs_no_injected_code(tmp_path):
    marker = tmp_path / "marker"
    name = "".join(v.format(marker=str(marker)) for v in HOSTILE_NAMES.values())
    spec = preset_spec("xor-minimal").with_changes(training={"epochs": 2, "log_every": 1})
    path = tmp_path / "hostile.py"
    write_script(path, spec, _hostile_dataset(name))
    env = {**__import__("os").environ, "PYTENSOR_FLAGS": "mode=FAST_COMPILE"}
    result = subprocess.run(
        [sys.executable, str(path), "--json"], capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout.splitlines()[-1])["log"]) == 2
    assert not marker.exists()
