"""`python main.py landscape`, run in-process (the compiled functions are shared)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.core.reference import cost_and_grads
from xorlab.cli import main
from xorlab.core.io.experiment import experiment_from_trainer, save_experiment
from xorlab.core.training.presets import preset_spec


def _json(capsys, *args):
    code = main(["landscape", *args, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_the_tutorials_landscape_as_json(capsys):
    doc = _json(capsys, "--preset", "xor-minimal", "--grid", "5", "--directions", "pca")
    assert doc["epochs"] == 60_000
    assert doc["centre_cost"] == pytest.approx(0.0284190137, abs=1e-10)
    assert doc["trained_cost"] == pytest.approx(doc["centre_cost"], rel=1e-12)
    assert np.array(doc["costs"]).shape == (5, 5)
    traj = np.array(doc["trajectory"])
    assert traj.shape[1] == 2 and traj.shape[0] == len(doc["trajectory_epochs"]) > 100
    np.testing.assert_allclose(traj[-1], 0.0, atol=1e-9)  # the path ends at the centre
    # costs[i][j] is the total cost at centre + alphas[i] d1 + betas[j] d2 (numpy oracle).
    centre = [np.array(w) for w in doc["weights"]]
    d1, d2 = ([np.array(w) for w in d] for d in doc["directions"])
    ds_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    ds_y = np.array([[0], [1], [1], [0]], float)
    for i, j in ((0, 0), (1, 3), (4, 2)):
        weights = [
            w + doc["alphas"][i] * a + doc["betas"][j] * b
            for w, a, b in zip(centre, d1, d2, strict=True)
        ]
        expected, _ = cost_and_grads(weights, ds_X, ds_y, ["sigmoid", "sigmoid"], False)
        assert doc["costs"][i][j] == pytest.approx(expected, rel=1e-10)


def test_two_weights_as_axes_and_a_picture(capsys, tmp_path):
    out = tmp_path / "land.png"
    doc = _json(
        capsys, "--preset", "xor-bias", "--epochs", "300", "--grid", "7", "--span", "2",
        "--directions", "weights:W1[0,1],W2[3,0]", "-o", str(out),
    )  # fmt: skip
    assert doc["alphas"][0] == -2.0 and doc["betas"][-1] == 2.0
    assert doc["axes"][0].startswith("W1[0,1]")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The path's coordinates are the two weights' offsets from their final values.
    assert doc["trajectory_off_plane"][-1] == pytest.approx(0.0)


def test_a_spec_file_and_an_experiment_file(capsys, tmp_path):
    spec = preset_spec("xor-minimal").with_changes(training={"epochs": 200})
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec.to_dict()))
    doc = _json(capsys, "--spec", str(spec_file), "--grid", "3", "--directions", "gradient")
    assert doc["epochs"] == 200 and doc["betas"] is None and doc["step"] > 0

    from xorlab.core.training.trainer import Trainer

    trainer = Trainer(spec)
    trainer.run(50)
    saved = tmp_path / "run.json"
    save_experiment(saved, experiment_from_trainer(trainer))
    doc = _json(capsys, "--experiment", str(saved), "--grid", "3")
    assert doc["epochs"] == 50
    assert doc["centre_cost"] == pytest.approx(trainer.evaluate()[1], rel=1e-12)


def test_seed_and_learning_rate_train_as_train_does(capsys):
    doc = _json(capsys, "--epochs", "30", "--seed", "7", "--lr", "0.5", "--grid", "3")
    from xorlab.core.training.trainer import Trainer

    spec = preset_spec("xor-minimal").with_changes(
        network={"seed": 7}, training={"epochs": 30, "learning_rate": 0.5}
    )
    trainer = Trainer(spec)
    trainer.run(30)
    assert doc["centre_cost"] == pytest.approx(trainer.evaluate()[1], rel=1e-12)


def test_text_output_names_the_centre_cost(capsys):
    assert main(["landscape", "--preset", "xor-minimal", "--epochs", "100", "--grid", "3"]) == 0
    out = capsys.readouterr().out
    assert "cost at the centre" in out and "path:" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--directions", "sideways"], "unknown directions"),
        (["--directions", "weights:W1[0,0]"], "two weights"),
        (["--directions", "weights:W9[0,0],W1[0,0]"], "W1 to W2"),
        (["--grid", "1"], "grid"),
        (["--span", "-1"], "span"),
        (["--lr", "-1"], "--lr"),  # named by the flag, as train names it
        (["--cost-on", "test"], "no test samples"),
        (["--spec", "/nonexistent/spec.json"], "cannot read"),
        (["--experiment", "/nonexistent/run.json"], "cannot read"),
    ],
)
def test_bad_options_are_messages(capsys, args, message):
    code = main(["landscape", "--epochs", "10", *args] if "--spec" not in args else
                ["landscape", *args])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and message in err


def test_pca_of_an_experiment_without_a_path_is_a_message(capsys, tmp_path):
    from xorlab.core.training.trainer import Trainer

    trainer = Trainer(preset_spec("xor-minimal"))
    saved = tmp_path / "run.json"
    save_experiment(saved, experiment_from_trainer(trainer))
    assert main(["landscape", "--experiment", str(saved), "--directions", "pca"]) == 2
    assert "at least 3" in capsys.readouterr().err


def test_a_bad_spec_file_is_a_message(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"network": {"hidden": [0]}}')
    assert main(["landscape", "--spec", str(bad)]) == 2
    assert "network.hidden" in capsys.readouterr().err


def test_the_test_samples_landscape_is_the_test_cost_train_reports(capsys):
    """--cost-on test: the held-out samples' cost along the same directions; its centre is
    the test cost `train` prints for the same run."""
    common = ["--preset", "overfitting", "--epochs", "30"]
    assert main(["train", *common, "--json"]) == 0
    trained = json.loads(capsys.readouterr().out)
    on_test = _json(capsys, *common, "--grid", "5", "--cost-on", "test")
    on_training = _json(capsys, *common, "--grid", "5")
    assert (on_test["cost_on"], on_test["samples"], on_training["samples"]) == ("test", 30, 30)
    assert on_test["centre_cost"] == pytest.approx(trained["test_cost"], rel=1e-10)
    assert on_training["centre_cost"] == pytest.approx(trained["cost"], rel=1e-10)
    assert on_test["directions"] == on_training["directions"]
    assert on_test["costs"] != on_training["costs"]
