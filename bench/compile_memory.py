"""Does memory grow with every recompile? Trainers built, compiled, used and dropped in a loop.

    .venv/bin/python bench/compile_memory.py                  # ~1 minute: 50 cycles per phase
    .venv/bin/python bench/compile_memory.py --cycles 100 --strategy scan
    .venv/bin/python bench/compile_memory.py --graph          # also the Graph tab's step view

Each cycle does what the app does after a structural edit (builder: hidden size, bias...):
a new Trainer, compiled as the worker compiles it (loop, evaluation, prediction for the
decision map, their warm-up calls), a few chunks of training, a snapshot with the map, a
formula trace; then the trainer is dropped. The networks alternate between three (2-3-1 and
2-4-1 without biases, 2-3-1 with), as a user flipping settings does. Phases, one process:
  recompile  every trainer compiles its own functions (the function cache emptied before
             each one): how the app behaved before core.function_cache;
  shared     trainers of the same computation share compiled functions (the app now);
  distinct   every cycle a network never seen before (hidden sizes 6, 7, 8...): the code
             Numba keeps per new network, which no cache can avoid.
Run 'distinct' alone (--phases distinct) for its RSS: after 'recompile' it mostly reuses
memory that phase freed. Per phase, after 3 warm-up cycles (1 for 'distinct'): resident set
size (less tracemalloc's own) and Python heap (tracemalloc) growth per compile, also over
the second half only (steady state), Numba dispatchers left alive per compile, and trainers
still alive after the drop (must be 0). Ratios compare the phases. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import tracemalloc
import weakref
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xorlab.core.graphs.build import build_graph  # noqa: E402
from xorlab.core.training import function_cache  # noqa: E402
from xorlab.core.training.datasets import plane_grid  # noqa: E402
from xorlab.core.training.formulas import FormulaTracer  # noqa: E402
from xorlab.core.training.presets import preset_spec  # noqa: E402
from xorlab.core.training.spec import ExperimentSpec  # noqa: E402
from xorlab.core.training.trainer import Trainer  # noqa: E402

WARM_UP = 3
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def live_dispatchers() -> int:
    from numba.core.registry import CPUDispatcher

    # type() and not isinstance: some objects gc lists are dead weak proxies.
    return sum(type(o) is CPUDispatcher for o in gc.get_objects())


def alternating() -> list[ExperimentSpec]:
    minimal = preset_spec("xor-minimal")
    return [minimal, minimal.with_changes(network={"hidden": (4,)}), preset_spec("xor-bias")]


def use_once(spec: ExperimentSpec, strategy: str, graph: bool) -> weakref.ref:
    """One structural edit's worth of work; returns a weak reference to the dropped trainer."""
    trainer = Trainer(spec, strategy=strategy)
    grid = plane_grid(trainer.dataset, 24)
    state = trainer.get_state()
    trainer.loop_fn(trainer.batches[:1])  # the worker's warm-up calls
    trainer.set_state(state)
    trainer.evaluate()
    trainer.evaluate(grid.points[:1])
    for _ in range(3):
        trainer.run(500)
    trainer.snapshot(grid)
    FormulaTracer(trainer).trace(0)
    if graph:
        build_graph(trainer, "train", "optimized")
    return weakref.ref(trainer)


def process_mb() -> float:
    """RSS without tracemalloc's own bookkeeping, which grows with the traced blocks."""
    return rss_mb() - tracemalloc.get_tracemalloc_memory() / 2**20


def phase(
    specs: list[ExperimentSpec], strategy: str, graph: bool, forget: bool, warm_up: int
) -> dict:
    """Run one cycle per spec, the first ``warm_up`` unmeasured; ``forget`` empties the
    function cache before each cycle."""
    refs, curve = [], []
    for i, spec in enumerate(specs):
        if forget:
            function_cache.clear_cache()
        refs.append(use_once(spec, strategy, graph))
        if i == warm_up - 1:
            gc.collect()
            rss_start, heap_start = process_mb(), tracemalloc.get_traced_memory()[0]
            dispatchers_start, started = live_dispatchers(), time.perf_counter()
        elif i >= warm_up and (i + 1 - warm_up) % 10 == 0:
            gc.collect()
            curve.append(process_mb() - rss_start)
    gc.collect()
    n = len(specs) - warm_up
    # Steady state: the growth over the second half of the curve (first uses fill caches).
    middle = len(curve) // 2 - 1
    second_half = float("nan")
    if middle >= 0 and len(curve) > middle + 1:
        second_half = (curve[-1] - curve[middle]) / ((len(curve) - 1 - middle) * 10)
    return {
        "compiles": n,
        "rss_mb_per_compile": (process_mb() - rss_start) / n,
        "rss_mb_per_compile_second_half": second_half,
        "rss_curve_mb_every_10": [round(mb, 1) for mb in curve],
        "heap_kib_per_compile": (tracemalloc.get_traced_memory()[0] - heap_start) / n / 1024,
        "dispatchers_per_compile": (live_dispatchers() - dispatchers_start) / n,
        "seconds_per_compile": (time.perf_counter() - started) / n,
        "trainers_alive": sum(ref() is not None for ref in refs),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=50, help="measured cycles per phase")
    parser.add_argument("--distinct", type=int, default=5, help="new networks in 'distinct'")
    parser.add_argument("--strategy", default="auto", help="auto, fused, scan or jax")
    parser.add_argument("--graph", action="store_true", help="also the Graph tab's step view")
    parser.add_argument(
        "--phases",
        default="recompile,shared,distinct",
        help="comma-separated; 'distinct' alone shows its RSS best (no freed memory to reuse)",
    )
    args = parser.parse_args()
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
        f"strategy {args.strategy}, {args.cycles} cycles per phase"
    )
    tracemalloc.start()
    cycle = alternating()
    specs = [cycle[i % len(cycle)] for i in range(WARM_UP + args.cycles)]
    base = preset_spec("xor-minimal")
    # Hidden sizes the alternating nets do not use; the first one is the warm-up.
    new_nets = [base.with_changes(network={"hidden": (5 + i,)}) for i in range(1 + args.distinct)]
    runs = {
        "recompile": lambda: phase(specs, args.strategy, args.graph, True, WARM_UP),
        "shared": lambda: phase(specs, args.strategy, args.graph, False, WARM_UP),
        "distinct": lambda: phase(new_nets, args.strategy, args.graph, False, 1),
    }
    results = {name: runs[name]() for name in args.phases.split(",")}
    print(
        f"  {'phase':<10} {'compiles':>8} {'RSS MB/compile':>15} {'2nd half':>9} "
        f"{'heap KiB/compile':>17} {'dispatchers/compile':>20} {'s/compile':>10} {'alive':>6}"
    )
    for name, r in results.items():
        print(
            f"  {name:<10} {r['compiles']:>8} {r['rss_mb_per_compile']:>15.3f} "
            f"{r['rss_mb_per_compile_second_half']:>9.3f} {r['heap_kib_per_compile']:>17.1f} "
            f"{r['dispatchers_per_compile']:>20.1f} {r['seconds_per_compile']:>10.3f} "
            f"{r['trainers_alive']:>6}"
        )
    for name, r in results.items():
        print(f"  {name}: RSS growth after every 10 compiles (MB) {r['rss_curve_mb_every_10']}")
    ratios = {}
    if "recompile" in results and "shared" in results:
        before, after = results["recompile"], results["shared"]
        keys = (
            "rss_mb_per_compile",
            "rss_mb_per_compile_second_half",
            "heap_kib_per_compile",
            "dispatchers_per_compile",
        )
        ratios = {k: after[k] / before[k] if before[k] else float("nan") for k in keys}
        print("  shared / recompile: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()))
    info = function_cache.cache_info()
    print(
        f"  function cache: {info.size}/{info.capacity} functions, {info.hits} hits, "
        f"{info.misses} misses (shared and distinct phases)"
    )
    print(json.dumps({"results": results, "ratios": ratios, "cache": asdict(info)}))
    leaked = any(r["trainers_alive"] for r in results.values())
    return 1 if leaked else 0


if __name__ == "__main__":
    sys.exit(main())
