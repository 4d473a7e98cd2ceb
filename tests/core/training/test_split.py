"""The train/test split: which samples are held out, the loops train on the rest only, and
the test cost and accuracy equal a numpy recomputation from the weights and the split."""

from __future__ import annotations

import json

import numpy as np
import pytest

from xorlab.core.io.experiment import experiment_from_trainer, load_experiment, save_experiment
from xorlab.core.training.datasets import load_dataset, parse_csv
from xorlab.core.training.held_out import held_out_interval
from xorlab.core.training.model import init_weights
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import DatasetSpec, ExperimentSpec, validate
from xorlab.core.training.split import SPLIT_SEED_SALT, held_out_rows, split_dataset
from xorlab.core.training.trainer import Trainer

from ..reference import forward, train_reference
from .cli_run import train_spec_json

# Small enough for the fused loop (so both loops that "auto" can pick are checked).
SMALL = ExperimentSpec.from_dict(
    {
        "dataset": {
            "name": "gaussians",
            "size": 12,
            "noise": 0.4,
            "seed": 5,
            "test_fraction": 0.25,
        },
        "network": {"hidden": [2], "activations": ["tanh"], "bias": True, "seed": 3},
        "training": {"cost": "mse", "optimizer": "sgd", "learning_rate": 0.3, "epochs": 1200},
    }
)


def reference_test_rows(n: int, fraction: float, seed: int) -> np.ndarray:
    """The documented rule: round(n * fraction) rows of a seeded permutation, sorted."""
    n_test = min(round(n * fraction), n - 1)
    rng = np.random.RandomState((seed ^ SPLIT_SEED_SALT) % 2**32)
    return np.sort(rng.permutation(n)[:n_test])


def numpy_cost(spec, weights, X, y) -> float:
    acts = [*spec.network.activations, spec.network.output_activation]
    _, out = forward(weights, X, acts, spec.network.bias)
    if spec.training.cost == "sse":
        return float(((out - y) ** 2).sum())
    if spec.training.cost == "mse":
        return float(((out - y) ** 2).mean())
    p = np.clip(out, 1e-12, 1 - 1e-12)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())


def numpy_accuracy(spec, weights, X, y) -> float:
    acts = [*spec.network.activations, spec.network.output_activation]
    _, out = forward(weights, X, acts, spec.network.bias)
    return float(((out >= 0.5) == (y >= 0.5)).mean())


def test_split_holds_out_a_seeded_share_and_keeps_every_sample_once():
    spec = preset_spec("circle").dataset
    full = load_dataset(spec)
    for fraction, seed in ((0.2, 0), (0.5, 7), (0.9, 1)):
        ds = spec.__class__(**{**spec.__dict__, "test_fraction": fraction, "seed": seed})
        train = split_dataset(load_dataset(ds), ds)
        full = load_dataset(ds)
        rows = reference_test_rows(full.n_samples, fraction, seed)
        np.testing.assert_array_equal(held_out_rows(full.n_samples, fraction, seed), rows)
        np.testing.assert_array_equal(train.test.X, full.X[rows])
        keep = np.setdiff1d(np.arange(full.n_samples), rows)
        np.testing.assert_array_equal(train.X, full.X[keep])
        np.testing.assert_array_equal(train.y, full.y[keep])
        assert train.test.n_samples == round(full.n_samples * fraction)
    assert not np.array_equal(held_out_rows(200, 0.2, 0), held_out_rows(200, 0.2, 1))


def test_both_parts_of_a_split_csv_keep_each_samples_line():
    # Blank lines between the rows make a sample's line differ from its index.
    text = "a,b,y\n" + "".join(f"{i},{-i},{i % 2}\n" + "\n" * (i % 3) for i in range(10))
    full = parse_csv(text)
    spec = DatasetSpec("csv", test_fraction=0.3, seed=2)
    train = split_dataset(full, spec)
    for part in (train, train.test):
        assert len(part.row_lines) == part.n_samples
        for x, line in zip(part.X[:, 0], part.row_lines, strict=True):
            assert full.row_lines[int(x)] == line  # sample i was written as "i,-i,..."


def test_no_split_for_a_zero_fraction_nor_for_truth_tables():
    spec = preset_spec("xor-minimal")
    full = load_dataset(spec.dataset)
    assert split_dataset(full, spec.dataset) is full
    xor = spec.dataset.__class__("xor", test_fraction=0.5)
    assert split_dataset(load_dataset(xor), xor).test is None
    assert Trainer(spec).test_dataset is None


def test_test_fraction_is_checked():
    for bad in (-0.1, 0.95, float("nan")):
        spec = preset_spec("circle").with_changes(dataset={"test_fraction": bad})
        assert [e.field for e in validate(spec)] == ["dataset.test_fraction"]


@pytest.mark.parametrize("strategy", ["fused", "scan"])
def test_loops_train_on_the_training_part_and_test_points_match_numpy(strategy):
    t = Trainer(SMALL, strategy=strategy)
    assert t.strategy_name == strategy
    train, test = t.dataset, t.test_dataset
    assert (train.n_samples, test.n_samples) == (9, 3)
    while not t.done:
        t.run(250)  # chunks that do not line up with the test interval
    weights0 = init_weights(SMALL.network, 2, 1)
    ref_weights, ref_costs = train_reference(
        SMALL, train.X, train.y, weights0, t.step_count, t.batches
    )
    np.testing.assert_allclose(t.history.data()[1], ref_costs, rtol=0, atol=1e-12)
    for a, b in zip(t.get_weights(), ref_weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    # Every test point is the test cost of that epoch's weights.
    epochs, costs, accuracy = t.test_history.data()
    interval = held_out_interval(SMALL.training.epochs)
    assert list(epochs) == list(range(0, SMALL.training.epochs + 1, interval))
    for k in (0, 1, len(epochs) // 2, len(epochs) - 1):
        weights, _ = train_reference(
            SMALL, train.X, train.y, weights0, int(epochs[k]) * t.steps_per_epoch, t.batches
        )
        assert costs[k] == pytest.approx(numpy_cost(SMALL, weights, test.X, test.y), abs=1e-12)
        assert accuracy[k] == numpy_accuracy(SMALL, weights, test.X, test.y)


def test_snapshots_carry_the_new_test_points_once():
    t = Trainer(SMALL)
    first = t.snapshot()
    assert first.test_steps.tolist() == [0] and first.test_cost == first.test_costs[0]
    t.run(40 * held_out_interval(SMALL.training.epochs))
    second = t.snapshot()
    assert second.test_steps[0] > 0 and len(second.test_steps) == 40
    assert second.test_outputs.shape == (3, 1)


def test_saved_experiment_test_cost_recomputed_with_numpy(tmp_path):
    spec = preset_spec("circle").with_changes(
        dataset={"test_fraction": 0.3, "seed": 4}, training={"epochs": 150}
    )
    t = Trainer(spec)
    t.run(t.total_steps)
    path = tmp_path / "run.json"
    save_experiment(path, experiment_from_trainer(t))
    doc = json.loads(path.read_text())

    def array(d):
        return np.array(d["data"]).reshape(d["shape"])

    X, y = array(doc["dataset"]["X"]), array(doc["dataset"]["y"])
    assert X.shape == (200, 2)  # all samples are saved, the split is made again
    weights = [array(w) for w in doc["weights"]]
    rows = reference_test_rows(200, 0.3, 4)
    _, cost, accuracy = t.evaluate_test()
    assert cost == pytest.approx(numpy_cost(spec, weights, X[rows], y[rows]), abs=1e-12)
    assert accuracy == numpy_accuracy(spec, weights, X[rows], y[rows])
    reopened = Trainer(spec, load_experiment(path).dataset)
    np.testing.assert_array_equal(reopened.test_dataset.X, X[rows])


def test_cli_spec_file_json_reports_test_cost_and_accuracy(tmp_path):
    spec = SMALL.with_changes(training={"epochs": 300})
    data, doc = train_spec_json(tmp_path, spec, save=True)
    X = np.array(doc["dataset"]["X"]["data"]).reshape(doc["dataset"]["X"]["shape"])
    y = np.array(doc["dataset"]["y"]["data"]).reshape(doc["dataset"]["y"]["shape"])
    weights = [np.array(w["data"]).reshape(w["shape"]) for w in doc["weights"]]
    rows = reference_test_rows(12, 0.25, 5)
    assert data["test_cost"] == pytest.approx(
        numpy_cost(spec, weights, X[rows], y[rows]), abs=1e-12
    )
    assert data["test_accuracy"] == numpy_accuracy(spec, weights, X[rows], y[rows])
    assert data["steps"] == 300 and data["preset"] is None
