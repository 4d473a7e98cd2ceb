"""`python main.py train` as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.core.reference import cost_and_grads, train_reference
from xorlab.core.training.datasets import load_dataset
from xorlab.core.training.model import init_weights
from xorlab.core.training.presets import preset_spec

ROOT = Path(__file__).resolve().parents[2]


def _main(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


def test_train_prints_the_tutorial_progress_and_outputs():
    result = _main("train", "--preset", "xor-minimal")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "epoch       0  cost 1.0682484369"
    assert lines[5] == "epoch   50000  cost 0.0409162325"
    assert "outputs: [0.921668, 0.117385, 0.921574, 0.048511]" in lines
    assert "cost: 0.0284190137" in lines


def test_train_json_for_the_bias_tutorial():
    result = _main("train", "--preset", "xor-bias", "--epochs", "1000", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["steps"] == 4000 and [e for e, _ in data["log"]] == [0, 500]
    assert data["log"][0][1] == pytest.approx(0.7173490472057528, abs=1e-12)
    assert len(data["outputs"]) == 4 and data["diverged"] is None


def test_train_steps_seed_and_lr_options():
    result = _main("train", "--steps", "10", "--seed", "3", "--lr", "0.5", "--json")
    data = json.loads(result.stdout)
    spec = preset_spec("xor-minimal").with_changes(
        network={"seed": 3}, training={"learning_rate": 0.5}
    )
    ds = load_dataset(spec.dataset)
    weights = init_weights(spec.network, 2, 1)
    final, costs = train_reference(spec, ds.X, ds.y, weights, 10, [np.arange(4)])
    assert data["steps"] == 10
    assert data["log"] == [[0, pytest.approx(costs[0], abs=1e-12)]]
    expected_cost, _ = cost_and_grads(final, ds.X, ds.y, ["sigmoid", "sigmoid"], False)
    assert data["cost"] == pytest.approx(expected_cost, abs=1e-12)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--lr", "-1"], "training.learning_rate"),
        (["--steps", "0"], "--steps: must be at least 1"),
        (["--epochs", "0"], "training.epochs"),
        (["--preset", "nope"], "invalid choice"),
    ],
)
def test_bad_options_exit_2_with_a_message(args, message):
    result = _main("train", *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_divergence_exits_1_with_an_explanation():
    result = _main("train", "--lr", "1e6", "--steps", "50")
    assert result.returncode == 1
    assert "diverged at step 1" in result.stderr and "learning rate" in result.stderr


def test_save_then_continue_reproduces_the_uninterrupted_tutorial(tmp_path):
    path = tmp_path / "half.json"
    first = _main("train", "--steps", "30000", "--save", str(path), "--json")
    assert first.returncode == 0, first.stderr
    second = _main("train", "--experiment", str(path), "--steps", "30000", "--json")
    data = json.loads(second.stdout)
    assert data["steps"] == 60000
    np.testing.assert_allclose(data["outputs"], [0.921668, 0.117385, 0.921574, 0.048511], atol=1e-6)
    assert data["cost"] == pytest.approx(0.0284190137, abs=1e-9)
    assert [e for e, _ in data["log"]] == [0, 10000, 20000, 30000, 40000, 50000]


def test_broken_experiment_and_unwritable_save_give_messages(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "xorlab-experiment", "version": 1')
    result = _main("train", "--experiment", str(bad))
    assert result.returncode == 2 and "not valid JSON" in result.stderr
    result = _main("train", "--steps", "5", "--save", str(tmp_path / "missing" / "x.json"))
    assert result.returncode == 1 and "cannot write" in result.stderr
