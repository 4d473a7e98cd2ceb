"""Rebuilding a trainer must not grow memory: a dropped trainer is freed with everything it
compiled, and a trainer of a network seen before reuses the compiled code (no new Numba
dispatchers, which Numba keeps for the life of the process). Counts and identities only;
nothing here is timed."""

from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from numba.core.registry import CPUDispatcher

from tests.core.reference import forward, train_reference
from xorlab.core.graphs.build import build_graph
from xorlab.core.training import function_cache
from xorlab.core.training.datasets import plane_grid
from xorlab.core.training.formulas import FormulaTracer
from xorlab.core.training.model import init_weights
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer

MINIMAL = preset_spec("xor-minimal")
WIDER = MINIMAL.with_changes(network={"hidden": (4,)})
BIAS = preset_spec("xor-bias")


def live_dispatchers() -> int:
    gc.collect()
    return sum(type(o) is CPUDispatcher for o in gc.get_objects())


def use(trainer: Trainer) -> Trainer:
    """What the app does with a new trainer: compile, warm up, train, snapshot, trace."""
    grid = plane_grid(trainer.dataset, 8)
    trainer.compile()
    trainer.evaluate(grid.points[:1])
    trainer.run(50)
    trainer.snapshot(grid)
    FormulaTracer(trainer).trace(0)
    return trainer


@pytest.fixture(scope="module")
def seen() -> list[Trainer]:
    """Trainers of the three networks, compiled once: later ones of these nets are rebuilds."""
    return [use(Trainer(spec)) for spec in (MINIMAL, WIDER, BIAS)]


def test_a_dropped_trainer_is_freed_with_its_compiled_functions(seen):
    trainer = use(Trainer(BIAS))
    refs = {
        "trainer": weakref.ref(trainer),
        "loop": weakref.ref(trainer.loop_fn),
        "evaluate": weakref.ref(trainer.evaluate_fn),
        "predict": weakref.ref(trainer.predict_fn),
        "weights": weakref.ref(trainer.params[0]),
        "learning rate": weakref.ref(trainer.learning_rate),
        "symbolic graph": weakref.ref(trainer.symbolic.output),
    }
    del trainer
    gc.collect()
    assert [name for name, ref in refs.items() if ref() is not None] == []


def test_rebuilding_a_seen_network_reuses_its_compiled_code(seen):
    before_info = function_cache.cache_info()
    before = live_dispatchers()
    rebuilt = [use(Trainer(spec.with_changes(network={"seed": 99}))) for spec in (MINIMAL, BIAS)]
    # Not one new Numba dispatcher: the loop, evaluation, prediction and formula functions
    # all come from the first trainers' compiles.
    assert live_dispatchers() == before
    info = function_cache.cache_info()
    assert info.misses == before_info.misses
    assert info.hits > before_info.hits
    for new, old in ((rebuilt[0], seen[0]), (rebuilt[1], seen[2])):
        assert new.loop_fn._train is old.loop_fn._train  # the generated loop, by its source
        assert new.evaluate_fn.function is old.evaluate_fn.function
        assert new.predict_fn.function is old.predict_fn.function


def test_the_hidden_size_alone_does_not_recompile_evaluation(seen):
    # The evaluation graph has no static sizes: 2-3-1 and 2-4-1 are one computation.
    assert seen[1].evaluate_fn.function is seen[0].evaluate_fn.function
    # Bias units are another graph, and the fused loops differ with every weight.
    assert seen[2].evaluate_fn.function is not seen[0].evaluate_fn.function
    assert seen[1].loop_fn._train is not seen[0].loop_fn._train


def test_shared_functions_compute_each_owner_s_own_numbers(seen):
    # Same compiled function, different weights: each trainer's outputs are its own.
    trainers = [seen[0], seen[1], Trainer(MINIMAL.with_changes(network={"seed": 5}))]
    assert len({id(t.evaluate_fn.function) for t in trainers}) == 1
    for t in trainers:
        t.reset()
        outputs, cost = t.evaluate()
        _, expected = forward(t.get_weights(), np.asarray(t.dataset.X), ["sigmoid"] * 2, False)
        np.testing.assert_allclose(outputs, expected, rtol=0, atol=1e-12)
        assert cost == pytest.approx(((expected - t.dataset.y) ** 2).sum(), abs=1e-12)
        grid = plane_grid(t.dataset, 5)
        _, on_grid = forward(t.get_weights(), grid.points, ["sigmoid"] * 2, False)
        np.testing.assert_allclose(t.evaluate(grid.points)[0], on_grid, rtol=0, atol=1e-12)


def test_scan_loops_share_code_only_for_the_same_data():
    first = Trainer(MINIMAL, strategy="scan")
    again = Trainer(MINIMAL.with_changes(network={"seed": 7}), strategy="scan")
    # The same net on other data: the dataset is a constant inside the scan.
    other = Trainer(MINIMAL.with_changes(dataset={"name": "xor-beginner"}), strategy="scan")
    assert again.loop_fn._fn is first.loop_fn._fn
    assert other.loop_fn._fn is not first.loop_fn._fn
    for t in (first, again, other):
        result = t.run(300)
        weights = init_weights(t.spec.network, t.dataset.n_inputs, t.dataset.n_outputs)
        X, y = np.asarray(t.dataset.X), np.asarray(t.dataset.y)
        ref_weights, ref_costs = train_reference(t.spec, X, y, weights, 300, t.batches)
        np.testing.assert_allclose(result.costs, ref_costs, rtol=0, atol=1e-12)
        for a, b in zip(t.get_weights(), ref_weights, strict=True):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_scan_loops_of_other_layer_sizes_share_code():
    # On Numba the scan's carried weights have no static shapes, so no layer size is in the
    # graph: a net of other sizes but the same structure is the same computation (no compile
    # in this process; across processes the same Numba disk-cache key).
    first = Trainer(MINIMAL, strategy="scan")
    wider = Trainer(WIDER, strategy="scan")
    assert [w.shape for w in wider.get_weights()] != [w.shape for w in first.get_weights()]
    assert wider.loop_fn._fn is first.loop_fn._fn
    for t in (first, wider):
        result = t.run(300)
        weights = init_weights(t.spec.network, t.dataset.n_inputs, t.dataset.n_outputs)
        X, y = np.asarray(t.dataset.X), np.asarray(t.dataset.y)
        ref_weights, ref_costs = train_reference(t.spec, X, y, weights, 300, t.batches)
        np.testing.assert_allclose(result.costs, ref_costs, rtol=0, atol=1e-12)
        for a, b in zip(t.get_weights(), ref_weights, strict=True):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_the_cache_is_bounded_and_forgets_the_oldest(monkeypatch):
    monkeypatch.setattr(function_cache, "MAX_FUNCTIONS", 3)
    x = pt.dvector("x")
    first = function_cache.compile_shared([x], x * 2.0, "FAST_COMPILE")
    functions = [first.function]
    for k in range(3, 8):  # each constant is another computation
        functions.append(function_cache.compile_shared([x], x * float(k), "FAST_COMPILE").function)
    assert function_cache.cache_info().size <= 3
    recompiled = function_cache.compile_shared([x], x * 2.0, "FAST_COMPILE")
    assert recompiled.function is not first.function  # evicted, so compiled again
    assert recompiled(np.array([1.5]))[0] == 3.0
    # The newest ones are still there.
    assert function_cache.compile_shared([x], x * 7.0, "FAST_COMPILE").function is functions[-1]


def test_shared_variables_are_read_at_each_call_and_calls_are_serialized():
    x = pt.dvector("x")
    w1 = pytensor.shared(np.array([1.0, 2.0]), name="w")
    w2 = pytensor.shared(np.array([10.0, 20.0]), name="w")
    f1 = function_cache.compile_shared([x], x * w1, "FAST_COMPILE")
    f2 = function_cache.compile_shared([x], x * w2, "FAST_COMPILE")
    assert f1.function is f2.function
    np.testing.assert_array_equal(f2(np.ones(2)), [10.0, 20.0])
    w1.set_value(np.array([3.0, 4.0]))
    np.testing.assert_array_equal(f1(np.ones(2)), [3.0, 4.0])
    # Two owners on two threads never run the shared function at once.
    results: list[np.ndarray] = []
    threads = [
        threading.Thread(target=lambda f=f: results.extend(f(np.ones(2)) for _ in range(200)))
        for f in (f1, f2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted({tuple(r) for r in results}) == [(3.0, 4.0), (10.0, 20.0)]
    assert len(results) == 400


def test_optimized_graph_views_of_a_new_trainer_make_no_machine_code(seen):
    before = live_dispatchers()
    trainer = Trainer(BIAS.with_changes(network={"seed": 3}))
    views = [build_graph(trainer, target, "optimized") for target in ("train", "output", "cost")]
    views.append(build_graph(trainer, "grad", "optimized", 1))
    assert live_dispatchers() == before
    assert all(view.stats.apply_nodes > 0 for view in views)
