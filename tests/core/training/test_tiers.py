"""Tiered training: the quick tier gives the oracle's numbers, and a run that hands over to
the fast loop between chunks gives the numbers of a run that never switched (to 1e-12)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from tests.core.training.test_trainer import TUTORIAL_OUTPUTS
from xorlab.core.training import tiers
from xorlab.core.training import trainer as trainer_module
from xorlab.core.training.engines import jax_available
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.quick_loop import QuickLoop
from xorlab.core.training.spec import ExperimentSpec
from xorlab.core.training.strategies import StrategyUnavailable, build_loop
from xorlab.core.training.trainer import Trainer

from ..reference import assert_trained_like_reference

# A point set trained by Adam on mini-batches (the spiral's recipe, small enough for the
# quick tier's few milliseconds a step).
POINTS_ADAM = preset_spec("circle").with_changes(
    dataset={"size": 48},
    network={"hidden": (5,)},
    training={"schedule": "minibatch", "batch_size": 16, "learning_rate": 0.05},
)
# The Playground's options (issue 14) change what a step computes and which samples it
# sees: features and L1 are in the step's graph, the shuffled order is data the trainer
# sends each epoch, the test split holds samples out. The quick tier must honour them all.
POINTS_OPTIONS = POINTS_ADAM.with_changes(
    dataset={"test_fraction": 0.25},
    network={"features": ("x1", "x2", "x1^2", "sin(x2)")},
    training={"shuffle": True, "l1": 0.01, "l2": 0.001},
)
CASES: dict[str, tuple[ExperimentSpec, str]] = {
    "xor-minimal full batch, fused": (preset_spec("xor-minimal"), "auto"),
    "xor-bias per sample, fused": (preset_spec("xor-bias"), "auto"),
    "points mini-batch adam, scan": (POINTS_ADAM, "scan"),
    "points shuffled, features, l1, test split, scan": (POINTS_OPTIONS, "scan"),
    "points mini-batch adam, jax": (POINTS_ADAM, "jax"),
    "points shuffled, features, l1, test split, jax": (POINTS_OPTIONS, "jax"),
}
NEEDS_JAX = pytest.mark.skipif(not jax_available(), reason="JAX is not installed")


@pytest.fixture
def gate(monkeypatch):
    """Holds every background compile until set, so a test decides when the fast loop is
    ready (the hand-over point) whatever the machine's speed."""
    opened = threading.Event()

    def gated_build(problem, strategy):
        assert opened.wait(120)
        return build_loop(problem, strategy)

    monkeypatch.setattr(tiers, "build_loop", gated_build)
    yield opened
    opened.set()


def assert_same_run(a: Trainer, b: Trainer) -> None:
    assert a.step_count == b.step_count and a.epoch == b.epoch
    for x, y in zip(a.get_state(), b.get_state(), strict=True):  # weights, optimizer state
        np.testing.assert_allclose(x, y, rtol=0, atol=1e-12)
    for x, y in zip(a.history.data(), b.history.data(), strict=True):
        np.testing.assert_allclose(x, y, rtol=0, atol=1e-12)
    assert [e for e, _ in a.log] == [e for e, _ in b.log]
    np.testing.assert_allclose([c for _, c in a.log], [c for _, c in b.log], rtol=0, atol=1e-12)


# The options' own oracle tests (test_features, test_shuffle) cover the quick tier too.
@pytest.mark.parametrize("case", sorted(c for c in CASES if CASES[c][0] is not POINTS_OPTIONS))
def test_quick_tier_matches_the_numpy_oracle(case):
    spec, _ = CASES[case]
    t = Trainer(spec)
    loop = QuickLoop(t._loop_problem())
    costs = np.concatenate([loop.run(0, 5), loop.run(5 % t.steps_per_epoch, 25)])
    assert_trained_like_reference(spec, t, 30, costs)


@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=NEEDS_JAX) if "jax" in c else c for c in sorted(CASES)]
)
def test_a_run_that_switched_tiers_equals_one_that_never_did(case, gate):
    spec, strategy = CASES[case]
    tiered = Trainer(spec, strategy=strategy)
    tiered.start_tiered()
    # 7 steps: mid-epoch for the per-sample and mini-batch schedules (4 and 3 steps each).
    tiered.run(3)
    tiered.run(4)
    assert tiered.tier == "numpy" and not tiered.at_full_speed
    tiered.set_learning_rate(spec.training.learning_rate * 0.5)  # a change made while warming
    gate.set()
    tiered._background.wait(120)
    tiered.run(200)  # hands over first
    assert tiered.at_full_speed and tiered.tier == tiered.loop_fn.name != "numpy"

    never = Trainer(spec, strategy=strategy)
    never.run(7)
    never.set_learning_rate(spec.training.learning_rate * 0.5)
    never.run(200)
    assert never.tier == tiered.tier
    assert_same_run(tiered, never)


def test_tutorial_numbers_stay_exact_through_a_hand_over(gate):
    t = Trainer(preset_spec("xor-minimal"))
    t.start_tiered()
    t.run(100)
    gate.set()
    assert t.loop_fn.name == "fused"  # waited for the background compile; trains on it
    while not t.done:
        t.run(20_000)
    outputs, cost = t.evaluate()
    np.testing.assert_allclose(outputs[:, 0], TUTORIAL_OUTPUTS, atol=5e-7)
    assert cost == pytest.approx(0.0284190137, abs=5e-11)


def test_a_strategy_too_small_for_the_network_is_refused_before_anything_compiles():
    t = Trainer(preset_spec("spiral"), strategy="fused")  # far past the fused loop's limit
    with pytest.raises(StrategyUnavailable, match="operations"):
        t.start_tiered()
    assert t._quick_loop is None and t._background is None
    assert "step_fn" not in t.__dict__ and t.step_count == 0


def test_a_fast_loop_that_cannot_compile_is_raised_at_the_hand_over(monkeypatch):
    def failing_build(problem, strategy):
        raise StrategyUnavailable("cannot unroll the scalar op Erf")  # as unroll.py says

    monkeypatch.setattr(tiers, "build_loop", failing_build)
    t = Trainer(preset_spec("spiral"), strategy="fused")
    monkeypatch.setattr(trainer_module, "check_available", lambda problem, strategy: None)
    t.start_tiered()
    t._background.wait(120)
    with pytest.raises(StrategyUnavailable):
        t.run(1)
    assert t.step_count == 0 and t.tier == "numpy"


def test_a_compile_the_environment_breaks_leaves_training_on_the_quick_tier(monkeypatch):
    """A cache folder that cannot be written (or a broken compiler) is not the person's
    doing: the run goes on, on the quick tier, to the numbers a quick-only run gives, and
    the trainer says why the fast loop is missing. It does not try again."""

    def broken_build(problem, strategy):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tiers, "build_loop", broken_build)
    spec = preset_spec("xor-minimal")
    t = Trainer(spec)
    t.start_tiered()
    t._background.wait(120)
    t.run(40)
    assert t.tier == "numpy" and not t.at_full_speed
    assert t.fast_loop_failure == "OSError: [Errno 30] Read-only file system"
    t.compile_in_background()
    assert t._background is None and not t.compiling_in_background
    t.run(40)
    assert_trained_like_reference(spec, t, 80)
