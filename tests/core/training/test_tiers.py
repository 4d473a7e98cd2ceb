"""Tiered training: the quick tier gives the oracle's numbers, and a run that hands over to
the fast loop between chunks gives the numbers of a run that never switched (to 1e-12)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from tests.core.training.test_trainer import TUTORIAL_OUTPUTS
from xorlab.core.training import loop_verdicts, tiers
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


# --- the upgrade: jax first, then the scan if it is cached and faster (tiers.LoopRace) ------


class FakeClock:
    """The trainer's chunk clock: each chunk takes ``seconds[loop]`` whatever its steps (the
    test's chunks are all the same size), so a test decides which loop is the faster."""

    def __init__(self, trainer: Trainer, seconds: dict[str, float]):
        self.trainer, self.seconds, self.now = trainer, seconds, 0.0

    def __call__(self) -> float:
        # Called at a chunk's start and end: the end's advance is the chunk's duration.
        self.now += self.seconds[self.trainer.running_loop.name]
        return self.now


@pytest.fixture(autouse=True)
def no_verdicts():
    """Each test's races start afresh: a verdict stands for the process (loop_verdicts)."""
    loop_verdicts.clear()
    yield
    loop_verdicts.clear()


@pytest.fixture
def upgrade_now(monkeypatch):
    """Any run is long enough to start the upgrade, at once."""
    monkeypatch.setattr(tiers, "UPGRADE_MIN_REMAINING_S", 0.0)
    monkeypatch.setattr(tiers, "UPGRADE_AFTER_CHUNKS", 1)


def upgraded_run(spec: ExperimentSpec, seconds: dict[str, float], chunks: int = 40):
    """A tiered "auto" run in chunks of 5 steps; returns the trainer and the loop each chunk
    left it on (what the training session posts as the engine, at each change)."""
    t = Trainer(spec)
    build_loop(t._loop_problem(), "scan")  # compiled in this process: the upgrade loads it
    t.clock = FakeClock(t, seconds)
    t.start_tiered()
    tiers_seen = [t.tier]
    t._background.wait(120)
    for _ in range(chunks):
        if t._upgrade is not None:
            t._upgrade.wait(120)  # the load's hand-over point, whatever the machine's speed
        t.run(5)
        if tiers_seen[-1] != t.tier:
            tiers_seen.append(t.tier)
    return t, tiers_seen


def jax_only_run(spec: ExperimentSpec, steps: int) -> Trainer:
    never = Trainer(spec, strategy="jax")
    while never.step_count < steps:
        never.run(5)
    assert never.tier == "jax" and not never.upgrading and never.upgrade_note is None
    return never


@NEEDS_JAX
@pytest.mark.parametrize("faster", ["scan", "jax"])
@pytest.mark.parametrize("spec", [POINTS_ADAM, POINTS_OPTIONS], ids=["adam", "options"])
def test_the_upgrade_keeps_the_faster_loop_with_the_numbers_of_a_run_that_never_switched(
    spec, faster, upgrade_now
):
    # The options: a shuffled order (each loop holds the epoch's batches it was given, and
    # the race switches loops mid-epoch), a test split, features and L1.
    seconds = {"numpy": 1.0, "jax": 1.0, "scan": 0.5 if faster == "scan" else 2.0}
    t, tiers_seen = upgraded_run(spec, seconds)
    # The engine named changes once per hand-over; the race itself does not flicker it.
    assert tiers_seen == ["numpy", "jax", "scan"] if faster == "scan" else ["numpy", "jax"]
    assert t.on_final_loop and t.tier == faster and t.at_full_speed
    assert t.upgrade_note.startswith(f"{faster} was faster on this network")
    rates = t.race_steps_per_second
    slower = "jax" if faster == "scan" else "scan"
    assert rates[faster] > rates[slower] > 0  # steps over the fake seconds of its chunks
    if spec is POINTS_ADAM:  # chunks of 5 steps (the options' are cut at epoch ends)
        assert rates == {"jax": 5.0, "scan": 10.0 if faster == "scan" else 2.5}
    assert_same_run(t, jax_only_run(spec, t.step_count))


@NEEDS_JAX
def test_a_scan_loop_that_fails_to_load_leaves_the_run_on_jax_with_a_warning(
    upgrade_now, monkeypatch, caplog
):
    def build(problem, strategy, cached_only=False):
        if cached_only:
            raise RuntimeError("LLVM ERROR: out of memory")
        return build_loop(problem, strategy)

    monkeypatch.setattr(tiers, "build_loop", build)
    t, tiers_seen = upgraded_run(POINTS_ADAM, {"numpy": 1.0, "jax": 1.0, "scan": 0.1}, 20)
    assert tiers_seen == ["numpy", "jax"] and t.on_final_loop and not t.fast_loop_failure
    assert "did not load (RuntimeError: LLVM ERROR: out of memory); jax runs on" in t.upgrade_note
    assert any("did not load" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert_same_run(t, jax_only_run(POINTS_ADAM, t.step_count))


@NEEDS_JAX
def test_a_scan_loop_not_in_the_compile_cache_is_not_compiled(upgrade_now, monkeypatch):
    from xorlab.core.training.strategies import tensor_loop

    monkeypatch.setattr(tensor_loop, "native_code_cached", lambda fn: False)
    t, tiers_seen = upgraded_run(POINTS_ADAM, {"numpy": 1.0, "jax": 1.0, "scan": 0.1}, 10)
    assert tiers_seen == ["numpy", "jax"] and t.on_final_loop
    assert t.upgrade_note == "the scan loop is not in the compile cache; jax runs on"


@NEEDS_JAX
def test_only_a_run_long_enough_to_repay_the_load_starts_the_upgrade(monkeypatch):
    monkeypatch.setattr(tiers, "UPGRADE_AFTER_CHUNKS", 2)
    spec = POINTS_ADAM.with_changes(training={"epochs": 1000})  # 3 steps an epoch
    t = Trainer(spec, strategy="auto")
    t.compile()
    # 5 steps in 1 s: the 2,995 steps left take 599 s; the threshold is 600 s.
    t.clock = FakeClock(t, {"jax": 1.0})
    monkeypatch.setattr(tiers, "UPGRADE_MIN_REMAINING_S", 600.0)
    for _ in range(4):
        t.run(5)
    assert t._upgrade is None and not t.upgrading and not t.on_final_loop
    monkeypatch.setattr(tiers, "UPGRADE_MIN_REMAINING_S", 590.0)
    t.run(5)  # its hand-over check starts the load
    assert t.upgrading
    t._upgrade.wait(120)
    # An explicit choice is the person's: never raced.
    pinned = Trainer(spec, strategy="jax")
    pinned.clock = t.clock
    for _ in range(4):
        pinned.run(5)
    assert pinned._upgrade is None and pinned.on_final_loop


class Named:
    def __init__(self, name: str):
        self.name = name


def test_a_race_takes_turns_and_a_tie_keeps_the_running_loop(monkeypatch):
    monkeypatch.setattr(tiers, "RACE_CHUNKS", 2)
    monkeypatch.setattr(tiers, "RACE_SECONDS", 0.42)
    jax, scan = Named("jax"), Named("scan")
    race = tiers.LoopRace(jax, scan, tiers.SharedRace("jax", "scan"))
    order = []
    while race.winner is None:
        loop = race.next_loop()
        order.append(loop.name)
        race.note(loop, 100, 0.1 if loop is jax else 0.085)  # 15% faster: within the margin
    # Challenger first, in turns, until each ran 2 chunks and 0.42 s.
    assert order == ["scan", "jax"] * 5 and race.winner is jax
    race = tiers.LoopRace(jax, scan, tiers.SharedRace("jax", "scan"))
    while race.winner is None:
        loop = race.next_loop()
        race.note(loop, 100, 0.3 if loop is jax else 0.2)
    assert race.winner is scan and race.steps_per_second() == {"jax": 333.3, "scan": 500.0}
    race.note(jax, 100, 0.0001)  # laps after the decision change nothing
    assert race.winner is scan and race.next_loop() is scan


@NEEDS_JAX
def test_the_jax_loop_runs_nothing_ahead_while_it_races(upgrade_now):
    """In a race the other loop's chunk comes next: a part of the next chunk run ahead
    would be dropped after computing beside it. The winner runs ahead again."""
    t, _ = upgraded_run(POINTS_ADAM, {"numpy": 1.0, "jax": 1.0, "scan": 2.0})
    jax = t._fast_loop
    assert jax.name == "jax" and jax.runs_ahead
    assert jax.ahead_used > 0  # before the race, and after it
    assert jax.ahead_dropped <= 1  # the one begun before the race began, none in its turns


def test_trainers_of_one_computation_pool_their_laps_each_taking_its_own_turns(monkeypatch):
    """The window's trainer and a headless one: each runs both loops in turn under its own
    conditions, and the verdict is reached once, over the laps of both."""
    monkeypatch.setattr(tiers, "RACE_CHUNKS", 5)
    monkeypatch.setattr(tiers, "RACE_SECONDS", 0.0)
    shared = tiers.SharedRace("jax", "scan")
    window = tiers.LoopRace(Named("jax"), Named("scan"), shared)
    headless = tiers.LoopRace(Named("jax"), Named("scan"), shared)
    # The window's chunks take twice as long (the GUI's share); the scan is 1.5x as fast in
    # both. The headless trainer joins when the window has run 3 laps.
    turns = {"window": [], "headless": []}
    for side, race, slow in [("window", window, 2.0)] * 3 + [
        ("headless", headless, 1.0),
        ("window", window, 2.0),
    ] * 3:
        loop = race.next_loop()
        turns[side].append(loop.name)
        race.note(loop, 10, slow * (0.2 if loop.name == "scan" else 0.3))
    assert turns["window"] == ["scan", "jax", "scan", "jax", "scan", "jax"]
    assert turns["headless"] == ["scan", "jax", "scan"]  # its own turns, not the window's
    assert shared.winner is None  # jax has 4 laps of the 5 needed (scan 5)
    loop = headless.next_loop()
    assert loop.name == "jax"
    headless.note(loop, 10, 0.3)
    assert shared.winner == "scan"
    assert window.winner is window.challenger and headless.winner is headless.challenger
    assert window.next_loop() is window.challenger


def test_a_race_key_is_the_computation_not_the_run():
    def key(spec):
        return loop_verdicts.computation_key(Trainer(spec)._loop_problem())

    base = key(POINTS_ADAM)
    # Applied in place, not compiled in: one race.
    assert key(POINTS_ADAM.with_changes(network={"seed": 7})) == base
    assert key(POINTS_ADAM.with_changes(training={"learning_rate": 0.3, "epochs": 9})) == base
    # Another computation: its own race.
    assert key(POINTS_ADAM.with_changes(network={"hidden": (6,)})) != base
    assert key(POINTS_ADAM.with_changes(dataset={"seed": 3})) != base  # other points
    assert key(POINTS_ADAM.with_changes(training={"batch_size": 8})) != base
    assert key(POINTS_ADAM.with_changes(training={"optimizer": "sgd"})) != base
    assert loop_verdicts.shared_race(base, "jax", "scan") is loop_verdicts.shared_race(
        base, "jax", "scan"
    )
    assert loop_verdicts.decided_race(base, "jax", "scan") is None  # no winner yet


def upgrade_steps(t: Trainer, chunks: int, seen: list[str]) -> None:
    """``chunks`` chunks of 5 steps, each after the upgrade's load if one runs (the
    hand-over point, whatever the machine's speed), noting each change of loop."""
    for _ in range(chunks):
        if t._upgrade is not None:
            t._upgrade.wait(120)
        t.run(5)
        if seen[-1] != t.tier:
            seen.append(t.tier)


def started_trainer(spec: ExperimentSpec, seconds: dict[str, float]) -> tuple[Trainer, list]:
    t = Trainer(spec)
    t.clock = FakeClock(t, seconds)
    t.start_tiered()
    t._background.wait(120)
    return t, [t.tier]


@NEEDS_JAX
@pytest.mark.parametrize("faster", ["scan", "jax"])
def test_a_second_trainer_of_the_network_takes_the_verdict_without_racing(
    faster, upgrade_now, monkeypatch
):
    seconds = {"numpy": 1.0, "jax": 1.0, "scan": 0.5 if faster == "scan" else 2.0}
    first, _ = upgraded_run(POINTS_ADAM, seconds)
    assert first.tier == faster and first.on_final_loop
    loads = []
    monkeypatch.setattr(
        trainer_module,
        "BackgroundCompile",
        lambda *args, **kw: (
            (kw.get("cached_only") and loads.append(args[1]))
            or tiers.BackgroundCompile(*args, **kw)
        ),
    )
    race = loop_verdicts.decided_race(first._race_key, "jax", "scan")
    laps = (race.seconds_per_step("jax"), race.seconds_per_step("scan"))
    # Another seed and learning rate: the same computation. Its clock says the opposite: a
    # race of its own would pick the other loop.
    spec = POINTS_ADAM.with_changes(network={"seed": 9}, training={"learning_rate": 0.02})
    second, seen = started_trainer(spec, {"numpy": 1.0, "jax": 1.0, "scan": 3 - seconds["scan"]})
    upgrade_steps(second, 10, seen)
    assert second.tier == faster and second.on_final_loop
    assert seen == (["numpy", "jax", "scan"] if faster == "scan" else ["numpy", "jax"])
    # The scan is loaded only to run it; nothing raced, the verdict's laps are unchanged.
    assert loads == (["scan"] if faster == "scan" else [])
    assert (race.seconds_per_step("jax"), race.seconds_per_step("scan")) == laps
    assert second.upgrade_note == first.upgrade_note
    assert second.upgrade_note.startswith(f"{faster} was faster on this network")
    jax_only = jax_only_run(spec, second.step_count)
    assert_same_run(second, jax_only)


@NEEDS_JAX
def test_two_trainers_racing_at_once_end_on_the_same_loop_with_exact_numbers(
    upgrade_now, monkeypatch
):
    """The bench's two sides at once: alone, the window's trainer would call it a tie (its
    scan no faster under the GUI's share) and keep jax while the headless one took the scan;
    pooled, both take one verdict, and each run equals a jax-only run."""
    monkeypatch.setattr(tiers, "RACE_CHUNKS", 6)
    monkeypatch.setattr(tiers, "RACE_SECONDS", 0.0)
    spec = POINTS_ADAM
    build_loop(Trainer(spec)._loop_problem(), "scan")  # in this process: the upgrade loads it
    headless, headless_seen = started_trainer(spec, {"numpy": 1.0, "jax": 1.0, "scan": 0.5})
    window, window_seen = started_trainer(spec, {"numpy": 1.0, "jax": 1.0, "scan": 1.0})
    for _ in range(12):
        upgrade_steps(headless, 1, headless_seen)
        upgrade_steps(window, 1, window_seen)
    assert headless.tier == window.tier and headless.on_final_loop and window.on_final_loop
    assert headless_seen == window_seen == ["numpy", "jax", "scan"]
    assert headless.upgrade_note == window.upgrade_note
    for t in (headless, window):
        assert_same_run(t, jax_only_run(spec, t.step_count))


def test_the_upgrade_is_planned_only_from_jax_under_auto():
    from xorlab.core.training.strategies import upgrade_after

    problem = Trainer(POINTS_ADAM)._loop_problem()
    assert upgrade_after(problem, "jax") == ("scan" if jax_available() else None)
    assert upgrade_after(problem, "jax", "jax") is None  # chosen by name: kept
    assert upgrade_after(problem, "scan") is None
    tiny = Trainer(preset_spec("xor-minimal"))._loop_problem()
    assert upgrade_after(tiny, "fused") is None


def test_the_cache_probe_knows_a_loop_compiled_in_this_process_and_doubts_anything_odd():
    from xorlab.core.training.strategies.tensor_loop import ScanLoop, native_code_cached

    problem = Trainer(POINTS_ADAM)._loop_problem()
    loop = build_loop(problem, "scan")
    assert native_code_cached(loop._fn)
    assert ScanLoop(problem, cached_only=True)._fn is loop._fn  # loaded, not compiled
    assert not native_code_cached(object())
