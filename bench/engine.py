"""Microseconds per training step: xorlab's engine against the tutorial, numpy, Numba, JAX.

    .venv/bin/python bench/engine.py            # ~3-4 minutes: >= 1e6 steps per XOR variant
    .venv/bin/python bench/engine.py --quick    # ~1 minute: fewer steps, no cold compiles

Variants: (a) the tutorial's way, one compiled PyTensor call per step; (b) a numpy loop with
hand-derived gradients; (c) xorlab's engine as the app runs it (Trainer.run in chunks sized
like the worker's, ~15 ms), once per strategy; (d) a hand-written Numba loop (xor-minimal).
Also the spiral preset (3 tanh layers of 16, 512 points) full-batch and mini-batch 32:
numpy against the engine, and against JAX's lax.scan when JAX is installed. Every variant is
first checked against the numpy loop over 2000 steps (costs and weights to 1e-12).
Times are the median of repeats; compile times are reported apart, cold (fresh cache dir,
fresh process) and warm (same dir, fresh process). Prints a table, ratios, one JSON line.

    .venv/bin/python bench/engine.py --point-sets 4 --seed 11   # scan against jax

``--point-sets N``: only the loops "auto" chooses between for the point-set nets, scan and
jax, on circle, spiral (mini-batch and full batch) and N never-seen nets drawn as
bench/latency.py draws them; repeats interleaved (scan, jax, scan, ...) so a load change
hits both; one JSON line per net with each loop's median us/step, scan/jax, and how far
their costs and weights differ after 256 steps.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baselines  # noqa: E402

from xorlab.core.training.datasets import load_dataset  # noqa: E402
from xorlab.core.training.engines import jax_available  # noqa: E402
from xorlab.core.training.model import init_weights  # noqa: E402
from xorlab.core.training.presets import preset_spec  # noqa: E402
from xorlab.core.training.trainer import Trainer  # noqa: E402

CHECK_STEPS = 2000
TOLERANCE = 1e-12
CHUNK_SECONDS = 0.015  # the worker's chunk target


def problem(name: str, schedule: str | None = None):
    spec = preset_spec(name).with_changes(training={"epochs": 10**8})
    if schedule == "full":
        spec = spec.with_changes(training={"schedule": "full"})
    ds = load_dataset(spec.dataset)
    X, y = np.asarray(ds.X), np.asarray(ds.y)
    trainer = Trainer(spec, ds)
    weights = init_weights(spec.network, ds.n_inputs, ds.n_outputs)
    return spec, ds, X, y, trainer.batches, weights


def engine(spec, ds, strategy: str):
    """Trainer.run in chunks adapted like the worker's: returns run(n) and weights()."""
    trainer = Trainer(spec, ds, strategy=strategy)
    trainer.compile()
    trainer.run(1)
    trainer.reset()
    chunk = [64]

    def run(n):
        costs = []
        while n > 0:
            result = trainer.run(min(chunk[0], n))
            costs.append(result.costs)
            n -= result.steps
            if result.steps == chunk[0] and result.seconds > 0:
                ideal = result.steps * CHUNK_SECONDS / result.seconds
                chunk[0] = int(min(max(ideal, chunk[0] / 2, 1), chunk[0] * 2))
        return np.concatenate(costs)

    return run, trainer.get_weights


def agreement(run, weights, check_steps, reference_costs, reference_weights) -> float:
    costs = run(check_steps)
    worst = float(np.abs(costs - reference_costs).max())
    for a, b in zip(weights(), reference_weights, strict=True):
        worst = max(worst, float(np.abs(np.asarray(a) - b).max()))
    return worst


def median_us(run, total: int, repeats: int) -> float:
    per = max(total // repeats, 1)
    run(min(per, 1000))  # warm-up (chunk sizes, caches)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(per)
        times.append((time.perf_counter() - start) / per * 1e6)
    return statistics.median(times)


def measure(label, factories, total, repeats, results, checks, check_steps=CHECK_STEPS):
    """factories: name -> () -> (run, weights). The first one is the reference."""
    spec_info = None
    for name, factory in factories.items():
        run, weights = factory()
        if spec_info is None:
            spec_info = (run(check_steps), weights())
            err = 0.0
            run, weights = factory()
        else:
            err = agreement(run, weights, check_steps, *spec_info)
            run, weights = factory()
        steps = total(name) if callable(total) else total
        results.setdefault(label, {})[name] = median_us(run, steps, repeats)
        checks.setdefault(label, {})[name] = err
        print(f"  {label:<14} {name:<16} {results[label][name]:10.3f} us/step   err {err:.1e}")


COMPILE_SCRIPT = """
import json, time, sys
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer
spec = preset_spec(sys.argv[1])
start, cpu = time.perf_counter(), time.process_time()
trainer = Trainer(spec, strategy=sys.argv[2])
trainer.loop_fn.run(0, 1)
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "cpu_seconds": time.process_time() - cpu,  # every thread of the process (XLA's, LLVM's)
    "strategy": trainer.strategy_name,
}))
"""


def compile_times(preset: str, strategy: str) -> dict[str, float]:
    """Loop compile + first call, in fresh processes: cold cache, then warm."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="xorlab-bench-") as cache:
        env = {**os.environ, "PYTENSOR_FLAGS": f"base_compiledir={cache}"}
        for kind in ("cold", "warm"):
            proc = subprocess.run(
                [sys.executable, "-c", COMPILE_SCRIPT, preset, strategy],
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if proc.returncode:
                raise RuntimeError(proc.stderr[-2000:])
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            out[kind], out[f"{kind}_cpu"] = result["seconds"], result["cpu_seconds"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, no cold compiles")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--point-sets", type=int, default=None, metavar="N")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--compiles",
        action="store_true",
        help="with --point-sets: circle's and spiral's "
        "scan and jax loops compiled in fresh processes, cold then warm (wall and CPU)",
    )
    parser.add_argument(
        "--upgrade",
        type=int,
        default=None,
        metavar="N",
        help="the upgrade jax -> scan (tiers.py) on the presets, the heavy net and N "
        "never-seen nets: time of each hand-over, steps/s before and after",
    )
    parser.add_argument("--nets", nargs="*", help="with --upgrade: only these nets, by name")
    args = parser.parse_args()
    if args.upgrade is not None:
        return upgrade(args.upgrade, args.seed, args.repeats or 3, args.nets)
    if args.point_sets is not None:
        return point_sets(args.point_sets, args.seed, args.repeats or 5, args.compiles)
    repeats = args.repeats or (3 if args.quick else 5)
    fast_total = 100_000 if args.quick else 1_000_000
    slow_total = 20_000 if args.quick else 200_000  # (a) and (b) cost ~5-15 us a step
    strategies = ["fused", "scan"] + (["jax"] if jax_available() else [])
    results: dict = {}
    checks: dict = {}
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    for preset in ("xor-minimal", "xor-bias"):
        spec, ds, X, y, batches, weights = problem(preset)
        data = (spec, X, y, batches, weights)
        factories = {
            "numpy": partial(baselines.make_numpy, *data),
            "tutorial": partial(baselines.make_tutorial, *data),
        }
        for s in strategies:
            factories[f"engine-{s}"] = partial(engine, spec, ds, s)
        if preset == "xor-minimal":
            factories["numba-hand"] = partial(baselines.make_numba_xor, *data)

        def total(name):
            return slow_total if name in ("numpy", "tutorial") else fast_total

        measure(preset, factories, total, repeats, results, checks)

    for schedule, label, steps in (("full", "spiral-full", 300), (None, "spiral-mini32", 3000)):
        spec, ds, X, y, batches, weights = problem("spiral", schedule)
        data = (spec, X, y, batches, weights)
        block = 64 if schedule == "full" else 256
        factories = {"numpy": partial(baselines.make_numpy, *data)}
        if jax_available():
            factories["jax-lax-scan"] = partial(baselines.make_jax, *data, block)
        for s in [s for s in strategies if s != "fused"]:
            factories[f"engine-{s}"] = partial(engine, spec, ds, s)
        per_repeat = max((steps // 5 if args.quick else steps) // repeats // block, 1) * block
        n = per_repeat * repeats
        # 512 steps: JAX's block sizes divide it; a deep net's rounding grows over steps.
        measure(label, factories, n, repeats, results, checks, check_steps=512)

    compiles: dict = {}
    if not args.quick:
        for preset in ("xor-minimal", "xor-bias"):
            for s in strategies:
                compiles[f"{preset}/{s}"] = compile_times(preset, s)
                c = compiles[f"{preset}/{s}"]
                print(f"  compile {preset}/{s}: cold {c['cold']:.2f} s, warm {c['warm']:.2f} s")

    print_table(results, checks, compiles)
    agree = all(e <= TOLERANCE for row in checks.values() for e in row.values())
    print(
        json.dumps(
            {
                "bench": "engine",
                "us_per_step": results,
                "max_error_vs_numpy": checks,
                "compile_seconds": compiles,
                "agree": agree,
                "load_average": os.getloadavg()[0],
            }
        )
    )
    return 0 if agree else 1


# The presets "auto" trains on a matrix loop (jax, or scan), not the fused one.
JAX_PRESETS = ("circle", "spiral", "circle-features", "regression", "overfitting")
# bench/gui.py's heavy net: 2-64-64-64-1 tanh on 2,000 spiral points.
HEAVY = {
    "name": "spiral-64x3",
    "preset": "spiral",
    "network": {"hidden": [64, 64, 64], "activations": ["tanh"] * 3},
    "dataset": {"size": 2000},
}


def point_sets(count: int, seed: int, repeats: int, compiles: bool = False) -> int:
    from latency import random_networks

    if compiles:
        for preset in ("circle", "spiral"):
            for strategy in ("scan", "jax"):
                load = round(os.getloadavg()[0], 2)
                times = {k: round(v, 2) for k, v in compile_times(preset, strategy).items()}
                line = {"bench": "engine-compile", "net": preset, "strategy": strategy}
                print(json.dumps({**line, **times, "load": [load, os.getloadavg()[0]]}), flush=True)

    # Every preset "auto" trains on jax or scan, the heavy net of bench/gui.py, the
    # spiral on full batches, and never-seen nets.
    cases = [{"preset": p} for p in JAX_PRESETS]
    cases += [{"preset": "spiral", "full": True}, HEAVY]
    cases += random_networks(count, seed)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    worst = 0.0
    for case in cases:
        spec = spec_of_case(case)
        ds = load_dataset(spec.dataset)
        loops = {s: engine(spec, ds, s) for s in ("scan", "jax")}
        costs = {s: run(256) for s, (run, _) in loops.items()}
        err = float(np.abs(costs["scan"] - costs["jax"]).max())
        for a, b in zip(loops["scan"][1](), loops["jax"][1](), strict=True):
            err = max(err, float(np.abs(a - b).max()))
        worst = max(worst, err)
        # ~0.3 s a repeat: steps from a first measured chunk.
        per = {}
        for s, (run, _) in loops.items():
            start = time.perf_counter()
            run(200)
            per[s] = max(200, int(200 * 0.3 / (time.perf_counter() - start)))
        times: dict[str, list[float]] = {"scan": [], "jax": []}
        for _ in range(repeats):
            for s, (run, _) in loops.items():
                start = time.perf_counter()
                run(per[s])
                times[s].append((time.perf_counter() - start) / per[s] * 1e6)
        us = {s: round(statistics.median(t), 2) for s, t in times.items()}
        print(
            json.dumps(
                {
                    "bench": "engine-point-sets",
                    "net": case_name(case),
                    "us_per_step": us,
                    "scan_over_jax": round(us["scan"] / us["jax"], 2),
                    "max_difference": err,
                    "load": round(os.getloadavg()[0], 2),
                }
            ),
            flush=True,
        )
    return 0 if worst <= 1e-9 else 1


def upgrade(count: int, seed: int, windows: int, only: list[str] | None = None) -> int:
    """The upgrade (core/training/tiers.py), headless, as ``Trainer.run`` trains a long run:
    per net, from ``start_tiered`` (quick tier) to the jax loop and then to the final loop
    (the race's winner), with the time of each hand-over; then the steady steps/s of that
    trainer against a trainer of the same net whose upgrade is off (jax throughout), in
    the same process, windows interleaved (before, after, before, ...)."""
    from latency import random_networks

    from xorlab.core.training import tiers

    cases = [{"preset": p} for p in JAX_PRESETS] + [HEAVY] + random_networks(count, seed)
    if only:
        cases = [case for case in cases if case_name(case) in only]
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    for case in cases:
        spec = spec_of_case(case)
        ds = load_dataset(spec.dataset)
        load = [round(os.getloadavg()[0], 2)]
        start = time.perf_counter()
        after = Trainer(spec, ds)
        after.start_tiered()
        chunk, hand_overs, tier = 64, [], after.tier
        # Phases of the run: each one's name, start (s) and step count at its start.
        phases = [("quick", 0.0, 0)]
        while time.perf_counter() - start < UPGRADE_TIMEOUT_S:
            result = after.run(chunk)
            chunk = adapt(chunk, result)
            now = time.perf_counter() - start
            if after.tier != tier:
                tier = after.tier
                hand_overs.append([tier, round(now, 2)])
            phase = phase_of(after)
            if phase != phases[-1][0]:
                phases.append((phase, now, after.step_count))
            if after.on_final_loop:
                break
        # Steps/s in each phase: "loading" is the jax loop beside the scan's load.
        rates_by_phase = {
            name: round((next_steps - steps) / (next_start - begun))
            for (name, begun, steps), (_, next_start, next_steps) in zip(
                phases, phases[1:], strict=False
            )
            if next_start > begun
        }
        minimum = tiers.UPGRADE_MIN_REMAINING_S
        tiers.UPGRADE_MIN_REMAINING_S = float("inf")  # the baseline: jax throughout
        try:
            before = Trainer(spec, ds)
            before.compile()
            rates = steady_rates({"before": before, "after": after}, windows)
        finally:
            tiers.UPGRADE_MIN_REMAINING_S = minimum
        load.append(round(os.getloadavg()[0], 2))
        line = {
            "bench": "engine-upgrade",
            "net": case_name(case),
            "hand_overs": hand_overs,
            "final": after.tier,
            "upgrade_note": after.upgrade_note,
            "upgrade_load_s": after.upgrade_seconds and round(after.upgrade_seconds, 2),
            "race_steps_per_s": after.race_steps_per_second,
            "steps_per_s_by_phase": rates_by_phase,
            "steps_per_s_before": rates["before"],
            "steps_per_s_after": rates["after"],
            "after_over_before": round(rates["after"] / rates["before"], 2),
            "load": load,
        }
        print(json.dumps(line), flush=True)
    return 0


UPGRADE_TIMEOUT_S = 60.0


def phase_of(trainer) -> str:
    if not trainer.at_full_speed:
        return "quick"
    if trainer._upgrade is not None:
        return "loading"
    if trainer._race is not None:
        return "racing"
    return "final" if trainer.on_final_loop else trainer.tier


WINDOW_S = 1.0


def spec_of_case(case: dict):
    from latency import spec_of

    spec = spec_of(case).with_changes(training={"epochs": 10**8})
    if "dataset" in case:
        spec = spec.with_changes(dataset=case["dataset"])
    if case.get("full"):
        spec = spec.with_changes(training={"schedule": "full"})
    return spec


def case_name(case: dict) -> str:
    name = case.get("name") or case["preset"] + (" full" if case.get("full") else "")
    if "network" in case and "name" not in case:
        net = case["network"]
        name += " " + "-".join(map(str, net["hidden"])) + " " + net["activations"][0]
    return name


def adapt(chunk: int, result) -> int:
    """The next chunk's steps, aimed at CHUNK_SECONDS as the worker's chunk plan does."""
    if result.steps == chunk and result.seconds > 0:
        ideal = result.steps * CHUNK_SECONDS / result.seconds
        return int(min(max(ideal, chunk / 2, 1), chunk * 2))
    return chunk


def steady_rates(trainers: dict, windows: int) -> dict[str, float]:
    """Median steps/s of each trainer over ``windows`` interleaved windows of WINDOW_S, the
    order reversed every round (a, b, b, a, ...) so neither always runs first."""
    chunks = dict.fromkeys(trainers, 64)
    rates: dict[str, list[float]] = {k: [] for k in trainers}
    for round_ in range(windows):
        order = list(trainers.items())
        for key, trainer in order if round_ % 2 == 0 else order[::-1]:
            first, start = trainer.step_count, time.perf_counter()
            while time.perf_counter() - start < WINDOW_S:
                chunks[key] = adapt(chunks[key], trainer.run(chunks[key]))
            rates[key].append((trainer.step_count - first) / (time.perf_counter() - start))
    return {k: round(statistics.median(v)) for k, v in rates.items()}


def print_table(results, checks, compiles) -> None:
    print("\nus per step (median); ratio = how many times faster than (a) tutorial, (d) numba")
    for label, row in results.items():
        base_a = row.get("tutorial")
        base_d = row.get("numba-hand")
        base_np = row.get("numpy")
        print(f"\n{label}")
        for name, us in sorted(row.items(), key=lambda kv: kv[1]):
            ratios = []
            if base_a:
                ratios.append(f"x{base_a / us:7.1f} vs (a)")
            if base_d:
                ratios.append(f"{base_d / us:5.2f} of (d)")
            if base_np and not base_a:
                ratios.append(f"x{base_np / us:5.2f} vs numpy")
            print(f"  {name:<16} {us:10.3f}  {'  '.join(ratios)}")


if __name__ == "__main__":
    sys.exit(main())
