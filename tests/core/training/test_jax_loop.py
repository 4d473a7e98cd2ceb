"""The JAX loop: one XLA compile serves chunks of any length, and its numbers are the numpy
oracle's (float64) wherever a chunk starts, however it is split into calls."""

from __future__ import annotations

import os
import threading

import jax
import numpy as np
import pytest

from xorlab.core.training.presets import preset_spec
from xorlab.core.training.strategies import build_loop, choose, jax_setup
from xorlab.core.training.strategies import jax_loop as jax_loop_module
from xorlab.core.training.strategies.base import StrategyUnavailable
from xorlab.core.training.strategies.jax_setup import cache_folder, cache_settings
from xorlab.core.training.trainer import Trainer

from ..reference import assert_trained_like_reference

# The spiral's recipe (Adam, BCE, mini-batches, tanh) on a net small enough for the oracle.
POINTS = preset_spec("spiral").with_changes(
    dataset={"size": 60},
    network={"hidden": (6, 5), "activations": ("tanh", "relu")},
    training={"batch_size": 16},
)


def test_chunks_longer_than_a_call_and_starting_mid_epoch_give_the_oracles_numbers(
    monkeypatch,
):
    # A block of 5 steps per call (4096 in use): 37 steps are 8 calls, the last one short.
    monkeypatch.setattr(jax_loop_module, "BLOCK", 5)
    monkeypatch.setattr(jax_loop_module, "_compiled", [])
    t = Trainer(POINTS, strategy="jax")
    assert t.loop_fn.block == 5 and t.steps_per_epoch == 4
    costs = np.concatenate([t.run(n).costs for n in (3, 37, 1, 9)])
    assert costs.dtype == np.float64
    assert_trained_like_reference(POINTS, t, 50, costs)


def test_chunks_begun_by_the_part_run_ahead_give_the_oracles_numbers(monkeypatch):
    monkeypatch.setattr(jax_loop_module, "AHEAD_SHARE", 0.5)  # not sized by the clock
    # Each run starts half its length ahead: 10 -> 5 ahead, used whole by the 5; the 5 -> 2,
    # used by the 20 with 18 more; the 20 -> 10, dropped by the 3; the 3 -> 1, used by the 40.
    t = Trainer(POINTS, strategy="jax")
    loop = t.loop_fn
    costs = np.concatenate([t.run(n).costs for n in (10, 5, 20, 3, 40)])
    assert (loop.ahead_used, loop.ahead_dropped) == (3, 1)
    assert_trained_like_reference(POINTS, t, 78, costs)


def test_a_state_or_rate_set_between_chunks_is_what_the_next_chunk_trains_from(monkeypatch):
    monkeypatch.setattr(jax_loop_module, "AHEAD_SHARE", 0.5)
    t = Trainer(POINTS, strategy="jax")  # 4 steps an epoch: 8 steps end where they began
    start = t.get_state()
    first = t.run(8)  # runs 4 steps ahead from batch 0, on the state after its 8
    t.set_state(start)  # as a rollback does: the same batch, another state
    again = t.run(8)
    assert t.loop_fn.ahead_dropped == 1
    np.testing.assert_array_equal(again.costs, first.costs)
    after_16 = t.get_state()

    t.set_learning_rate(0.003)  # the state the part run ahead began from, another rate
    changed = t.run(6)
    assert t.loop_fn.ahead_dropped == 2
    other = Trainer(POINTS.with_changes(training={"learning_rate": 0.003}), strategy="jax")
    other.set_state(after_16)  # both at batch 0
    np.testing.assert_array_equal(changed.costs, other.run(6).costs)
    for a, b in zip(t.get_state(), other.get_state(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_part_run_ahead_covers_the_gaps_between_runs_up_to_half_a_run():
    # 2 ms between runs at 20 us a step: 1.5 x 100 steps, of a run of 1000 steps.
    assert jax_loop_module.ahead_steps(1000, 0.002, 20e-6) == 150
    assert jax_loop_module.ahead_steps(100, 0.002, 20e-6) == 50  # at most half the run
    assert jax_loop_module.ahead_steps(1000, 0.0, 20e-6) == 0  # no gap: nothing ahead
    assert jax_loop_module.ahead_steps(1000, 0.002, 0.0) == 500  # no step time yet
    assert jax_loop_module.ahead_steps(1, 0.002, 20e-6) == 0


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="threads are listed in /proc")
def test_xlas_threads_run_nicer_than_the_apps_once_a_loop_is_built():
    Trainer(POINTS, strategy="jax").run(3)
    nice = {}
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/comm") as f:
            name = f.read().strip()
        nice.setdefault(name, set()).add(os.getpriority(os.PRIO_PROCESS, int(task)))
    ours = os.getpriority(os.PRIO_PROCESS, os.getpid())  # the test may run under nice
    assert nice[jax_setup.XLA_THREAD_NAME] == {min(19, ours + jax_setup.XLA_NICE_ABOVE)}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == ours  # as it was


def test_one_compile_serves_every_chunk_length_and_every_trainer_of_the_network():
    a = Trainer(POINTS, strategy="jax")
    for n in (1, 2, 3, 17, 250):
        a.run(n)
    b = Trainer(POINTS, strategy="jax")
    b.run(7)
    assert b.loop_fn._chunk is a.loop_fn._chunk
    entry = next(e for e in jax_loop_module._compiled if e.chunk is a.loop_fn._chunk)
    assert entry.traces == [1]  # traced and compiled once


def test_auto_plans_jax_for_point_set_nets_and_the_scan_without_it(monkeypatch):
    problem = Trainer(preset_spec("spiral"))._loop_problem()
    assert choose.plan(problem) == ["jax", "scan"]
    monkeypatch.setattr(choose, "jax_available", lambda: False)
    assert choose.plan(problem) == ["scan"]


def test_auto_falls_back_to_the_scan_when_jax_breaks(monkeypatch):
    def broken(problem):
        raise RuntimeError("XLA could not compile")  # as a broken jaxlib would

    monkeypatch.setitem(choose._BUILDERS, "jax", broken)
    monkeypatch.setattr(choose, "plan", lambda problem, requested: ["jax", "scan"])
    t = Trainer(preset_spec("xor-bias"))
    assert build_loop(t._loop_problem()).name == "scan"


def test_a_jax_loop_asked_for_by_name_that_breaks_says_why(monkeypatch):
    def broken(problem):
        raise StrategyUnavailable("JAX computes in float32, not float64")

    monkeypatch.setitem(choose._BUILDERS, "jax", broken)
    with pytest.raises(StrategyUnavailable, match="float32"):
        build_loop(Trainer(POINTS)._loop_problem(), "jax")


def test_xla_code_is_kept_beside_pytensors_compiled_code():
    Trainer(POINTS, strategy="jax").compile()
    assert jax.config.jax_enable_x64
    assert jax.config.jax_compilation_cache_dir == str(cache_folder())


def test_a_cache_folder_that_cannot_be_written_is_not_used(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    assert cache_settings(blocker / "jax") == {}  # a folder under a file cannot be made
    settings = cache_settings(tmp_path / "jax")
    assert settings["jax_compilation_cache_dir"] == str(tmp_path / "jax")
    assert (tmp_path / "jax").is_dir()
