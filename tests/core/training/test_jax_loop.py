"""The JAX loop: one XLA compile serves chunks of any length, and its numbers are the numpy
oracle's (float64) wherever a chunk starts, however it is split into calls."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from xorlab.core.training.presets import preset_spec
from xorlab.core.training.strategies import build_loop, choose
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


def test_one_compile_serves_every_chunk_length_and_every_trainer_of_the_network():
    a = Trainer(POINTS, strategy="jax")
    for n in (1, 2, 3, 17, 250):
        a.run(n)
    b = Trainer(POINTS, strategy="jax")
    b.run(7)
    assert b.loop_fn._chunk is a.loop_fn._chunk
    assert a.loop_fn._chunk._cache_size() == 1  # traced and compiled once


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
