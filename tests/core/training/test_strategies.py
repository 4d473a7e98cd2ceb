"""Every training-loop strategy gives the numbers of the numpy oracle and of the scan."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from tests.core.reference import train_reference
from tests.core.variants import VARIANTS
from xorlab.core.training.engines import jax_available
from xorlab.core.training.history import CostHistory
from xorlab.core.training.model import init_weights
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import ExperimentSpec
from xorlab.core.training.strategies import StrategyUnavailable, estimate_nodes, plan
from xorlab.core.training.strategies.scalar_loop import FusedScalarLoop
from xorlab.core.training.strategies.tensor_loop import uses_large_tanh
from xorlab.core.training.trainer import DivergenceError, Trainer

N_STEPS = 2000

SPECS: dict[str, ExperimentSpec] = {
    "xor-minimal": preset_spec("xor-minimal"),
    "xor-bias": preset_spec("xor-bias"),
    **{
        name: preset_spec("xor-minimal").with_changes(**VARIANTS[name])
        for name in ("momentum-mse-tanh", "adam-bce-minibatch-l2")
    },
    # L1 with L2 and bias units: the fused loop unrolls abs and its gradient, sign.
    "l1-l2-bias": preset_spec("xor-bias").with_changes(training={"l1": 0.01, "l2": 0.005}),
}
STRATEGY_NAMES = ["fused", "scan"] + (["jax"] if jax_available() else [])

_TRAINERS: dict[tuple[str, str], Trainer] = {}


def trainer(spec_name: str, strategy: str) -> Trainer:
    """Compiled once per session, reset for each caller (compiling is the slow part)."""
    key = (spec_name, strategy)
    if key not in _TRAINERS:
        _TRAINERS[key] = Trainer(SPECS[spec_name], strategy=strategy)
    t = _TRAINERS[key]
    t.reset()
    t.set_learning_rate(t.spec.training.learning_rate)
    return t


def reference(t: Trainer, n_steps: int, lr: float | None = None):
    spec, ds = t.spec, t.dataset
    if lr is not None:
        spec = spec.with_changes(training={"learning_rate": lr})
    weights = init_weights(spec.network, ds.n_inputs, ds.n_outputs)
    return train_reference(spec, np.asarray(ds.X), np.asarray(ds.y), weights, n_steps, t.batches)


def assert_same(costs_a, weights_a, costs_b, weights_b, atol=1e-12):
    np.testing.assert_allclose(costs_a, costs_b, rtol=0, atol=atol)
    for a, b in zip(weights_a, weights_b, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=atol)


@pytest.mark.parametrize("strategy", STRATEGY_NAMES)
@pytest.mark.parametrize("spec_name", sorted(SPECS))
def test_strategy_matches_numpy_oracle_and_scan(spec_name, strategy):
    t = trainer(spec_name, strategy)
    assert t.strategy_name == strategy
    result = t.run(N_STEPS)
    ref_weights, ref_costs = reference(t, N_STEPS)
    assert_same(result.costs, t.get_weights(), ref_costs, ref_weights)
    if strategy != "scan":
        scan = trainer(spec_name, "scan")
        scan_result = scan.run(N_STEPS)
        assert_same(result.costs, t.get_weights(), scan_result.costs, scan.get_weights())
        assert [e for e, _ in t.log] == [e for e, _ in scan.log]
        for a, b in zip(t.history.data(), scan.history.data(), strict=True):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


@pytest.mark.parametrize("strategy", STRATEGY_NAMES)
def test_chunks_starting_mid_epoch_give_the_same_numbers(strategy):
    t = trainer("adam-bce-minibatch-l2", strategy)
    pieces = [t.run(n).costs for n in (1, 2, 1, 7, 989)]
    ref_weights, ref_costs = reference(t, 1000)
    assert_same(np.concatenate(pieces), t.get_weights(), ref_costs, ref_weights)


def test_fused_reads_sample_values_from_a_table_as_well_as_folding_them():
    t = trainer("xor-bias", "fused")
    folded = t.loop_fn
    assert folded.fold_data
    table = FusedScalarLoop(t._loop_problem(), fold_data=False)
    assert not table.fold_data and table.node_count < folded.node_count  # one copy, not 4
    costs = table.run(0, N_STEPS)
    ref_weights, ref_costs = reference(t, N_STEPS)
    assert_same(costs, t.get_weights(), ref_costs, ref_weights)


def test_loop_called_with_batch_rows_like_the_worker_warm_up():
    t = trainer("xor-bias", "fused")
    costs = t.loop_fn(t.batches[[0, 1, 2, 3, 0, 1]])
    again = trainer("xor-bias", "fused")
    np.testing.assert_array_equal(costs, again.loop_fn.run(0, 6))
    with pytest.raises(ValueError, match="batch table"):
        t.loop_fn(np.array([[7]]))


def test_learning_rate_change_reaches_the_fused_loop_without_recompiling():
    t = trainer("xor-minimal", "fused")
    loop = t.loop_fn
    t.set_learning_rate(0.5)
    t.run(10)
    assert t.loop_fn is loop
    ref_weights, _ = reference(t, 10, lr=0.5)
    for a, b in zip(t.get_weights(), ref_weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-13)


def test_fused_divergence_replays_to_the_failing_step():
    spec = preset_spec("xor-minimal").with_changes(
        network={"activations": ("linear",), "output_activation": "linear"},
        training={"learning_rate": 5.0},
    )
    t = Trainer(spec, strategy="fused")
    with pytest.raises(DivergenceError) as info:
        t.run(10_000)
    assert info.value.step >= 1 and t.step_count == info.value.step
    assert all(np.isfinite(w).all() and np.abs(w).max() <= 1e4 for w in t.get_weights())
    _, ref_costs = reference(t, info.value.step)
    np.testing.assert_allclose(t.history.data()[1], ref_costs, rtol=1e-12)


def test_auto_picks_the_fused_loop_for_tiny_nets_and_a_tensor_loop_for_large_ones():
    tiny = Trainer(preset_spec("xor-minimal"))
    assert tiny.strategy_name == "fused"  # planned, nothing compiled yet
    assert "loop_fn" not in tiny.__dict__
    spiral = Trainer(preset_spec("spiral"))
    assert estimate_nodes(spiral._loop_problem()) > 100_000
    assert spiral.strategy_name in ("scan", "jax")
    assert plan(spiral._loop_problem(), "fused") == ["fused"]


def test_bad_strategy_names_and_unavailable_strategies_say_so():
    with pytest.raises(ValueError, match="unknown strategy 'fast'"):
        Trainer(preset_spec("xor-minimal"), strategy="fast")
    if not jax_available():
        with pytest.raises(StrategyUnavailable, match="pip install"):
            Trainer(preset_spec("xor-minimal"), strategy="jax").compile()
        with pytest.raises(StrategyUnavailable, match="pip install"):  # before the quick tier
            Trainer(preset_spec("xor-minimal"), strategy="jax").start_tiered()


def test_fused_refuses_a_net_too_big_to_compile_quickly():
    t = Trainer(preset_spec("spiral").with_changes(training={"schedule": "full"}))
    with pytest.raises(StrategyUnavailable, match="operations"):
        FusedScalarLoop(t._loop_problem())


def test_vectorized_history_extend_keeps_the_points_append_keeps():
    rng = np.random.default_rng(1)
    for _ in range(100):
        capacity = int(rng.integers(2, 20))
        one_by_one, vectorized = CostHistory(capacity), CostHistory(capacity)
        epoch = 0
        for _ in range(20):
            n = int(rng.integers(0, 150))
            epochs, costs = np.arange(epoch, epoch + n), rng.random(n)
            epoch += n
            for e, c in zip(epochs.tolist(), costs.tolist(), strict=True):
                one_by_one.append(e, c)
            vectorized.extend(epochs, costs)
            if rng.random() < 0.3:
                for a, b in zip(one_by_one.take_new(), vectorized.take_new(), strict=True):
                    np.testing.assert_array_equal(a, b)
            assert one_by_one.stride == vectorized.stride
            for a, b in zip(one_by_one.data(), vectorized.data(), strict=True):
                np.testing.assert_array_equal(a, b)


def test_scan_computes_large_tanh_layers_with_numpy_and_matches_the_oracle():
    # circle: 200 points x 4 tanh units per layer, enough for numpy's SIMD tanh to pay off.
    spec = preset_spec("circle")
    t = Trainer(spec, strategy="scan")
    assert uses_large_tanh(t._loop_problem())
    result = t.run(300)
    ops = {type(node.op).__name__ for node in t.loop_fn._fn.maker.fgraph.apply_nodes}
    inner = t.loop_fn._fn.maker.fgraph.toposort()
    scan_ops = [n.op for n in inner if type(n.op).__name__ == "Scan"]
    assert "Scan" in ops and scan_ops
    inner_ops = {type(n.op).__name__ for n in scan_ops[0].fgraph.apply_nodes}
    assert "NumpyTanh" in inner_ops
    assert t.running_loop.releases_gil  # numpy's tanh is called without taking the GIL
    ref_weights, ref_costs = reference(t, 300)
    assert_same(result.costs, t.get_weights(), ref_costs, ref_weights)


@pytest.mark.parametrize("strategy", [s for s in STRATEGY_NAMES if s != "fused"])
def test_the_tensor_loops_let_another_thread_run_while_a_chunk_trains(strategy):
    # What the window needs (app/pacing.py): while the worker trains a chunk, the GUI
    # thread's Python runs. Asserted on events: this thread finishes its work and signals
    # before the chunk returns, which it cannot do while the chunk holds the GIL (the GIL
    # is only handed over between bytecodes, and a compiled call is one).
    t = trainer("xor-minimal", strategy)
    loop = t.running_loop
    assert loop.name == strategy and loop.releases_gil
    started, other_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def train() -> None:
        started.set()
        loop.run(0, 400_000)  # ~0.5 s of training: far longer than the other thread's work
        seen.append(other_done.is_set())

    worker = threading.Thread(target=train)
    worker.start()
    started.wait()
    total = sum(range(1000))  # some Python, needing the GIL
    other_done.set()
    worker.join()
    assert total == 499500 and seen == [True]
