"""`python main.py train` as a user runs it."""

import json
import os
import stat
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
        (["--lr", "-1"], "--lr: must be in (0, 1e+06], got -1"),
        (["--lr", "-1e-3"], "--lr: must be in (0, 1e+06], got -0.001"),  # parsed, then refused
        (["--steps", "0"], "--steps: must be at least 1"),
        (["--steps", "100000001"], "--steps: must be at most 100000000, got 100000001"),
        (["--epochs", "0"], "--epochs: must be in [1, 1e+08], got 0"),
        (["--epochs", "100000001"], "--epochs: must be in [1, 1e+08], got 100000001"),
        (["--epochs", "1" + "0" * 400], "--epochs: must be at most 1e+08, got 401 digits"),
        (["--seed", "-1e3"], "invalid int value: '-1e3'"),
        (["--preset", "nope"], "invalid choice"),
        (["--save", ""], "no file name given"),
        (["--save", "."], "'.' names a folder"),
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
    # checked before training: a usage error, with no progress printed
    assert result.returncode == 2 and "cannot write" in result.stderr and not result.stdout


def test_save_onto_a_device_is_refused_before_training_and_left_intact(tmp_path):
    # A device node of our own (the same as /dev/null): a regression must never get to
    # replace the machine's real /dev/null.
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    link = tmp_path / "link.json"
    link.symlink_to(device)
    for target in (device, link):
        result = _main("train", "--steps", "5", "--save", str(target))
        assert result.returncode == 2 and not result.stdout
        assert "is a character device; it was left as it was" in result.stderr
    assert stat.S_ISCHR(os.stat(device).st_mode) and link.is_symlink()


def test_training_a_finished_experiment_says_nothing_trained(tmp_path):
    path = tmp_path / "done.json"
    assert _main("train", "--epochs", "3", "--save", str(path)).returncode == 0
    result = _main("train", "--experiment", str(path))
    assert result.returncode == 0, result.stderr
    assert "nothing to train: the experiment has run all its 3 steps" in result.stdout
    assert "steps/s" not in result.stdout  # used to claim billions of steps per second
    data = json.loads(_main("train", "--experiment", str(path), "--json").stdout)
    assert data["steps"] == 3 and data["trained_steps"] == 0


# --- Ctrl+C and SIGTERM: stop between chunks, report, save, exit 128 + signal -------------


def _interrupted(tmp_path, number, *args):
    saved = tmp_path / "stopped.json"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "train", *args, "--save", str(saved)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    first = process.stdout.readline()  # a progress line: training is under way
    assert first.startswith("epoch"), first + process.stderr.read()
    process.send_signal(number)
    # Read on from the same buffered reader: communicate() would skip what it holds.
    out, err = process.stdout.read(), process.stderr.read()
    process.wait(timeout=300)
    process.stdout.close()
    process.stderr.close()
    return process.returncode, first + out, err, saved


@pytest.mark.parametrize(("name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_stops_at_the_next_chunk_reports_and_saves(tmp_path, name, code):
    import signal

    from xorlab.core.io.experiment import load_experiment

    # A named engine compiles before training: every chunk is CHUNK_STEPS long (with "auto" the
    # first ones run on the quick tier, QUICK_CHUNK_STEPS each).
    rc, out, err, saved = _interrupted(
        tmp_path,
        getattr(signal, name),
        "--preset",
        "xor-minimal",
        "--backend",
        "fused",
        "--epochs",
        "100000000",
    )
    assert rc == code, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "stopped by" in err and "saved to" in err
    exp = load_experiment(saved)
    assert 0 < exp.step < 100_000_000
    assert exp.step % 20_000 == 0  # whole chunks: never cut mid-call
    lines = out.splitlines()
    assert lines[0] == "epoch       0  cost 1.0682484369"
    assert f"trained {exp.step} steps" in out and "cost: " in out
    printed = [line for line in lines if line.startswith("epoch")]
    assert printed == [f"epoch {e:>7}  cost {c:.10f}" for e, c in exp.log], out


def test_ctrl_c_in_the_spiral_scan_loop_has_no_numba_error(tmp_path):
    import signal

    from xorlab.core.io.experiment import load_experiment

    rc, out, err, saved = _interrupted(
        tmp_path, signal.SIGINT, "--preset", "spiral", "--backend", "scan", "--epochs", "1000000"
    )
    assert rc == 130, err
    assert "Traceback" not in err and "TypeError" not in err
    assert load_experiment(saved).step > 0 and "outputs: [" in out
