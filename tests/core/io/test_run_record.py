"""Experiment format 2: the run's moments and test history are saved and read back exactly,
each moment's weights are the run's at that step (numpy oracle), version 1 files still open,
and bad moments are messages."""

from __future__ import annotations

import json

import numpy as np
import pytest

from xorlab.core.io.experiment import (
    VERSION,
    ExperimentError,
    experiment_from_json,
    experiment_from_trainer,
    experiment_to_json,
    restore_into,
)
from xorlab.core.training.model import init_weights
from xorlab.core.training.moments import MAX_MOMENTS
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer

from ..reference import train_reference

SPEC = preset_spec("xor-minimal").with_changes(training={"epochs": 3000})


@pytest.fixture(scope="module")
def saved():
    trainer = Trainer(SPEC)
    for _ in range(100):
        trainer.run(30)
    return trainer, experiment_to_json(experiment_from_trainer(trainer))


def test_moments_round_trip_and_are_the_runs_weights(saved):
    trainer, text = saved
    assert json.loads(text)["version"] == VERSION == 2
    exp = experiment_from_json(text)
    kept = [trainer.moments[i] for i in range(len(trainer.moments))]
    assert 3 < len(exp.moments) == len(kept) <= MAX_MOMENTS
    assert exp.moments[0].step == 0 and exp.moments[-1].step == 3000
    for a, b in zip(exp.moments, kept, strict=True):
        assert (a.step, a.epoch) == (b.step, b.epoch)
        for wa, wb in zip(a.weights, b.weights, strict=True):
            np.testing.assert_array_equal(wa, wb)
    middle = exp.moments[len(exp.moments) // 2]
    weights, _ = train_reference(
        SPEC,
        trainer.dataset.X,
        trainer.dataset.y,
        init_weights(SPEC.network, 2, 1),
        middle.step,
        trainer.batches,
    )
    for a, b in zip(middle.weights, weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    fresh = Trainer(SPEC)
    restore_into(fresh, exp)
    assert [fresh.moments[i].step for i in range(len(fresh.moments))] == [m.step for m in kept]


def test_version_1_files_still_open(saved):
    _, text = saved
    doc = json.loads(text)
    doc["version"] = 1
    del doc["moments"], doc["test_history"]
    exp = experiment_from_json(json.dumps(doc))
    assert exp.moments == () and exp.test_history is None and exp.step == 3000


def test_test_history_round_trips_with_a_regression_nan():
    spec = preset_spec("regression").with_changes(
        dataset={"size": 30},
        network={"hidden": (2,), "activations": ("tanh",)},
        training={"epochs": 20},
    )
    trainer = Trainer(spec)
    trainer.run(20)
    exp = experiment_from_json(experiment_to_json(experiment_from_trainer(trainer)))
    epochs, costs, accuracy = exp.test_history
    expected = trainer.test_history.data()
    np.testing.assert_array_equal(epochs, expected[0])
    np.testing.assert_array_equal(costs, expected[1])
    assert np.isnan(accuracy).all() and len(accuracy) == len(epochs) == 21


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["moments"].extend(d["moments"] * 3), "at most 64"),
        (lambda d: d["moments"].reverse(), "steps must rise"),
        (lambda d: d["moments"][1].update(step=10**9), "within the run"),
        (lambda d: d["moments"][1]["weights"].pop(), "needs 2 weight matrices"),
        (lambda d: d["moments"][1]["weights"][0].update(shape=[3, 2]), "the network needs"),
        (lambda d: d["moments"][1].update(epoch="7"), "whole numbers"),
        (lambda d: d.update(test_history={"epochs": [1], "costs": []}), "one length"),
    ],
)
def test_bad_moments_are_messages(saved, change, message):
    _, text = saved
    doc = json.loads(text)
    change(doc)
    with pytest.raises(ExperimentError, match=message):
        experiment_from_json(json.dumps(doc))
