"""Stop conditions: a run stops after exactly the epoch a rule names, with the weights of
an uninterrupted run at that epoch, however it is chunked and whichever loop runs it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from xorlab.core.training.model import init_weights
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer

from ..reference import train_reference
from .cli_run import train_spec_json

MINIMAL = preset_spec("xor-minimal")
BIAS = preset_spec("xor-bias").with_changes(training={"epochs": 3000})


def plateau_stop(costs: np.ndarray, patience: int, tolerance: float) -> int | None:
    """The rule as documented, written plainly: the epoch where `patience` epochs in a row
    have not beaten the best cost by more than `tolerance` of it."""
    best, since = math.inf, 0
    for epoch, cost in enumerate(costs):
        if best == math.inf or cost < best * (1 - tolerance):
            best, since = cost, 0
        else:
            since += 1
            if since == patience:
                return epoch
    return None


@pytest.fixture(scope="module")
def minimal_reference():
    """The tutorial's costs and weights by numpy, step by step."""
    t = Trainer(MINIMAL)
    weights = init_weights(MINIMAL.network, 2, 1)
    _, costs = train_reference(MINIMAL, t.dataset.X, t.dataset.y, weights, 40_000, t.batches)
    return costs


@pytest.mark.parametrize("strategy", ["fused", "scan"])
@pytest.mark.parametrize("chunk", [1_000, 7_777, 60_000])
def test_target_cost_stops_after_the_first_epoch_at_or_below_it(strategy, chunk, minimal_reference):
    spec = MINIMAL.with_changes(training={"target_cost": 0.1})
    t = Trainer(spec, strategy=strategy)
    while not t.done:
        t.run(chunk)
    stop = int(np.flatnonzero(minimal_reference <= 0.1)[0])
    assert t.stop.epoch == stop and t.stop.rule == "target_cost"
    assert t.step_count == stop + 1 and t.run(100).steps == 0
    assert minimal_reference[stop - 1] > 0.1  # the epoch before was still above
    ref, _ = train_reference(
        spec, t.dataset.X, t.dataset.y, init_weights(spec.network, 2, 1), stop + 1, t.batches
    )
    for a, b in zip(t.get_weights(), ref, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    assert t.snapshot().stop_rule == "target_cost"


def test_plateau_stops_where_the_plain_rule_says():
    free = Trainer(BIAS)
    free.run(free.total_steps)
    _, all_costs = free.history.data()
    expected = plateau_stop(all_costs, 200, 0.01)
    assert expected is not None and expected < BIAS.training.epochs - 1
    spec = BIAS.with_changes(training={"plateau_epochs": 200, "plateau_tolerance": 0.01})
    t = Trainer(spec)
    for chunk in (3, 500, 4097, 10**6):
        t.run(chunk)
    assert t.stop.rule == "plateau" and t.stop.epoch == expected
    assert t.epoch == expected + 1
    np.testing.assert_array_equal(t.history.data()[1], all_costs[: expected + 1])
    assert "did not improve by 1% in 200 epochs" in t.stop.message


def test_new_stop_rules_let_a_stopped_run_go_on():
    t = Trainer(MINIMAL.with_changes(training={"target_cost": 0.5}))
    t.run(t.total_steps)
    stopped_at = t.step_count
    assert t.done and t.stop is not None
    t.set_stop_rules(MINIMAL.with_changes(training={"target_cost": 0.1}))
    assert not t.done
    t.run(t.total_steps)
    assert t.step_count > stopped_at and t.stop.rule == "target_cost"
    t.reset()
    assert t.stop is None and not t.done


def test_no_rule_trains_to_the_epoch_limit_as_before():
    t = Trainer(MINIMAL)
    t.run(t.total_steps)
    assert t.stop is None and t.step_count == 60_000
    outputs, cost = t.evaluate()
    np.testing.assert_allclose(outputs[:, 0], [0.921668, 0.117385, 0.921574, 0.048511], atol=5e-7)
    assert cost == pytest.approx(0.0284190137, abs=1e-10)


def test_cli_reports_the_stop(tmp_path):
    data, _ = train_spec_json(tmp_path, MINIMAL.with_changes(training={"target_cost": 0.1}))
    assert data["stopped_by"] == "target_cost" and data["cost"] < 0.1
    assert data["epochs"] == 36_275 and "reached the target 0.1" in data["stop_reason"]
