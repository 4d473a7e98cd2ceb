"""Experiment files: round trips, resumed training, and every way a file can be wrong."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from xorlab.core.io import experiment as ex
from xorlab.core.training.presets import preset_spec


def _trained(trainer, steps):
    trainer.run(steps)
    return ex.experiment_from_trainer(trainer)


def test_save_load_round_trip_and_resume_equals_uninterrupted(tmp_path, trainer_for):
    trainer = trainer_for(preset_spec("xor-bias"))
    saved = _trained(trainer, 2000)
    path = tmp_path / "run.xorlab.json"
    ex.save_experiment(path, saved)
    loaded = ex.load_experiment(path)
    assert loaded.spec == saved.spec and loaded.step == 2000
    np.testing.assert_array_equal(loaded.dataset.X, saved.dataset.X)
    for a, b in zip(loaded.weights, saved.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    trainer.run(2000)
    uninterrupted = trainer.get_weights()
    trainer.reset()
    ex.restore_into(trainer, loaded)
    assert trainer.step_count == 2000 and len(trainer.log) == len(saved.log)
    trainer.run(2000)
    for a, b in zip(trainer.get_weights(), uninterrupted, strict=True):
        np.testing.assert_array_equal(a, b)


def test_adam_state_survives_a_round_trip(tmp_path, trainer_for):
    spec = preset_spec("xor-minimal").with_changes(training={"optimizer": "adam"})
    trainer = trainer_for(spec)
    saved = _trained(trainer, 50)
    path = tmp_path / "adam.json"
    ex.save_experiment(path, saved)
    loaded = ex.load_experiment(path)
    assert len(loaded.optimizer_state) == 2 * len(trainer.params) + 1
    assert float(loaded.optimizer_state[-1]) == 50.0


def test_a_failed_write_leaves_the_old_file_intact(tmp_path, monkeypatch, minimal_trainer):
    path = tmp_path / "keep.json"
    ex.save_experiment(path, ex.experiment_from_trainer(minimal_trainer))
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ex.ExperimentError, match="No space left"):
        ex.save_experiment(path, _trained(minimal_trainer, 10))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]


def test_unwritable_folder_gives_a_message(tmp_path, minimal_trainer):
    with pytest.raises(ex.ExperimentError, match="cannot write"):
        ex.save_experiment(
            tmp_path / "no" / "such" / "dir.json", ex.experiment_from_trainer(minimal_trainer)
        )


def _valid_doc(trainer):
    return json.loads(ex.experiment_to_json(ex.experiment_from_trainer(trainer)))


BREAKAGES = {
    "truncated": lambda d: json.dumps(d)[:200],
    "not json": lambda d: "hello",
    "empty": lambda d: "",
    "list": lambda d: "[1, 2]",
    "other format": lambda d: json.dumps({**d, "format": "something"}),
    "future version": lambda d: json.dumps({**d, "version": 99}),
    "missing spec": lambda d: json.dumps({k: v for k, v in d.items() if k != "spec"}),
    "missing dataset": lambda d: json.dumps({k: v for k, v in d.items() if k != "dataset"}),
    "hidden as text": lambda d: json.dumps(
        {**d, "spec": {**d["spec"], "network": {**d["spec"]["network"], "hidden": "3"}}}
    ),
    "10^9 neurons": lambda d: json.dumps(
        {**d, "spec": {**d["spec"], "network": {**d["spec"]["network"], "hidden": [10**9]}}}
    ),
    "weights wrong shape": lambda d: json.dumps(
        {**d, "weights": [{"shape": [9, 9], "data": [0.0] * 81}, d["weights"][1]]}
    ),
    "weights too few": lambda d: json.dumps({**d, "weights": d["weights"][:1]}),
    "weights text": lambda d: json.dumps(
        {**d, "weights": [{"shape": [2, 3], "data": ["a"] * 6}, d["weights"][1]]}
    ),
    "absurd shape": lambda d: json.dumps(
        {**d, "dataset": {**d["dataset"], "X": {"shape": [10**9, 10**9], "data": []}}}
    ),
    "nan weights": lambda d: json.dumps(d).replace(
        json.dumps(d["weights"][0]["data"][0]), "NaN", 1
    ),
    "negative step": lambda d: json.dumps({**d, "step": -5}),
    "history mismatch": lambda d: json.dumps({**d, "history": {"epochs": [1, 2], "costs": [1]}}),
    "log junk": lambda d: json.dumps({**d, "log": [["a", "b"]]}),
    "deep nesting": lambda d: "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_broken_files_raise_a_clear_error(tmp_path, minimal_trainer, breakage):
    path = tmp_path / "broken.json"
    path.write_text(BREAKAGES[breakage](_valid_doc(minimal_trainer)))
    with pytest.raises(ex.ExperimentError) as info:
        ex.load_experiment(path)
    assert len(str(info.value)) > 10 and "Traceback" not in str(info.value)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(ex.ExperimentError, match="cannot read .*absent.json"):
        ex.load_experiment(tmp_path / "absent.json")
    (tmp_path / "bin.json").write_bytes(b"\x80\x81\xff")
    with pytest.raises(ex.ExperimentError, match="not a text file"):
        ex.load_experiment(tmp_path / "bin.json")


def test_exports_write_weights_and_history(tmp_path, minimal_trainer):
    minimal_trainer.run(20)
    ex.export_weights_npz(tmp_path / "w.npz", minimal_trainer.get_weights())
    with np.load(tmp_path / "w.npz") as data:
        np.testing.assert_array_equal(data["W1"], minimal_trainer.get_weights()[0])
    epochs, costs = minimal_trainer.history.data()
    ex.export_history_csv(tmp_path / "h.csv", epochs, costs)
    rows = (tmp_path / "h.csv").read_text().splitlines()
    assert rows[0] == "epoch,cost" and len(rows) == 21
    assert float(rows[5].split(",")[1]) == costs[4]


# --- numbers JSON allows but Python cannot hold, duplicate keys, wrong kinds (issue 10) ----


def _with(doc, path, value):
    """A copy of ``doc`` as JSON text with the value at ``path`` (keys and indexes) set."""
    doc = json.loads(json.dumps(doc))
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return json.dumps(doc)


HOSTILE_NUMBERS = {
    # name: (text from a valid doc, the field the message must name)
    "int of 5000 digits": (
        lambda d: _with(d, ["step"], 0).replace('"step": 0', '"step": ' + "9" * 5000),
        "step",
    ),
    "epochs of 40 digits": (
        lambda d: json.dumps(d).replace(
            f'"epochs": {d["spec"]["training"]["epochs"]}', '"epochs": ' + "1" * 40, 1
        ),
        "spec.training.epochs",
    ),
    "float beyond double": (
        lambda d: json.dumps(d).replace(
            '"learning_rate": ' + json.dumps(d["spec"]["training"]["learning_rate"]),
            '"learning_rate": 1e400',
        ),
        "spec.training.learning_rate",
    ),
    "weight beyond double": (
        lambda d: json.dumps(d).replace(json.dumps(d["weights"][0]["data"][0]), "-1e999", 1),
        "weights[0].data[0]",
    ),
    "NaN in history": (
        lambda d: _with(d, ["history", "costs", 3], 0.123456789).replace("0.123456789", "NaN"),
        "history.costs[3]",
    ),
    "Infinity in history": (
        lambda d: _with(d, ["history", "costs", 2], 0.123456789).replace("0.123456789", "Infinity"),
        "history.costs[2]",
    ),
    "duplicate key": (
        lambda d: json.dumps(d).replace('"step":', '"step": 1, "step":', 1),
        "file: the key 'step'",
    ),
    "duplicate key inside": (
        lambda d: json.dumps(d).replace('"seed":', '"seed": 1, "seed":', 1),
        "spec.dataset: the key 'seed'",
    ),
    "weights as strings": (
        lambda d: _with(d, ["weights", 0, "data", 1], "0.5"),
        "weights[0].data[1]",
    ),
    "weights as booleans": (
        lambda d: _with(d, ["weights", 1, "data", 0], True),
        "weights[1].data[0]",
    ),
    "zero-width inputs": (
        lambda d: _with(d, ["dataset", "X"], {"shape": [4, 0], "data": []}),
        "dataset.X",
    ),
    "zero-width targets": (
        lambda d: _with(d, ["dataset", "y"], {"shape": [4, 0], "data": []}),
        "dataset.y",
    ),
    "history epoch as text": (
        lambda d: _with(d, ["history", "epochs", 0], "0"),
        "history.epochs[0]",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_NUMBERS))
def test_hostile_values_are_one_error_naming_the_field(tmp_path, minimal_trainer, case):
    minimal_trainer.run(5)
    make, field_name = HOSTILE_NUMBERS[case]
    path = tmp_path / "hostile.json"
    path.write_text(make(_valid_doc(minimal_trainer)))
    with pytest.raises(ex.ExperimentError) as info:
        ex.load_experiment(path)
    assert str(info.value).startswith(field_name), str(info.value)


def test_whatever_loads_also_saves_a_non_finite_cost_becomes_null(tmp_path, minimal_trainer):
    minimal_trainer.run(6)
    doc = _valid_doc(minimal_trainer)
    doc["history"]["costs"][2] = None  # how a cost that was not finite is written
    path = tmp_path / "null.json"
    path.write_text(json.dumps(doc))
    loaded = ex.load_experiment(path)
    assert np.isnan(loaded.history[1][2])
    again = tmp_path / "again.json"
    ex.save_experiment(again, loaded)  # used to fail: NaN cannot be written as JSON
    assert json.loads(again.read_text())["history"]["costs"][2] is None
    np.testing.assert_array_equal(ex.load_experiment(again).history[1], loaded.history[1])


def test_a_trained_history_with_an_infinite_cost_saves(tmp_path, minimal_trainer):
    minimal_trainer.run(4)
    exp = ex.experiment_from_trainer(minimal_trainer)
    epochs, costs = exp.history
    costs = costs.copy()
    costs[1] = np.inf
    hurt = ex.Experiment(
        exp.spec,
        exp.dataset,
        exp.weights,
        exp.optimizer_state,
        exp.step,
        (epochs, costs),
        ((0, float("nan")),),
    )
    ex.save_experiment(tmp_path / "inf.json", hurt)
    loaded = ex.load_experiment(tmp_path / "inf.json")
    assert np.isnan(loaded.history[1][1]) and np.isnan(loaded.log[0][1])
    assert loaded.history[1][0] == costs[0]
