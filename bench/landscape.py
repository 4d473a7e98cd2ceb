"""How long a 41x41 loss landscape takes: the batched cost function against one call per
grid point, for the 28-line tutorial and the two-spirals network.

    .venv/bin/python bench/landscape.py            # ~1-2 minutes (cold compiles included)
    .venv/bin/python bench/landscape.py --no-cold --repeats 3

Rows per preset:
- ``grid``: the Landscape tab's and the CLI's computation, ``compute_landscape`` with random
  filter-normalised directions on a 41x41 grid (1,682 cost evaluations: the grid and the
  centre), warm: median and best wall time of ``--repeats``, and the median CPU time of the
  process (steady when other work shares the cores); targets: tutorial <= 50 ms, spiral <= 1 s
  (on the median wall time);
- ``grid-one-call``: the same with the whole grid in one call (no cache-sized blocks);
- ``peak MB``: the most memory numpy held at once during one grid (tracemalloc, which sees
  numpy's buffers), in blocks and in one call: what the blocks save;
- ``drawing``: the tab's whole background job, grid plus colour scales and contour lines;
- ``baseline``: one compiled call per grid point, ``Trainer.evaluate`` after setting the
  weights (what a loop over the grid would do), in the same process: the ratio is its time
  over ``grid``;
- ``cold``: a fresh process with an empty PyTensor compile dir: compile of the batched cost
  and the gradient, then the first grid; and the same again with that dir warm.

Every grid is first checked against the baseline's costs (to 1e-10 relative). Prints a table
and one JSON line.
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
import tracemalloc

import numpy as np

from xorlab.core.landscape import batched_cost
from xorlab.core.landscape.batched_cost import cost_functions
from xorlab.core.landscape.surface import LandscapeRequest, RecordedPath, compute_landscape
from xorlab.core.training.datasets import load_dataset
from xorlab.core.training.model import init_weights
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer
from xorlab.ui.landscape.landscape_tab import drawing_job

GRID = 41
TARGETS_MS = {"xor-minimal": 50.0, "spiral": 1000.0}

COLD = """
import sys, time, json
start = time.perf_counter()
from xorlab.core.training.datasets import load_dataset
from xorlab.core.landscape.batched_cost import cost_functions
from xorlab.core.landscape.surface import LandscapeRequest, RecordedPath, compute_landscape
from xorlab.core.training.model import init_weights
from xorlab.core.training.presets import preset_spec
imported = time.perf_counter()
spec = preset_spec(sys.argv[1]); ds = load_dataset(spec.dataset)
functions = cost_functions(spec.network, spec.training, ds.n_inputs, ds.n_outputs)
compiled = time.perf_counter()
centre = init_weights(spec.network, ds.n_inputs, ds.n_outputs)
compute_landscape(functions, ds.X, ds.y, centre, LandscapeRequest(grid=41))
done = time.perf_counter()
print(json.dumps({"import_s": imported - start, "compile_s": compiled - imported,
                  "first_grid_ms": (done - compiled) * 1000}))
"""


def median_ms(call, repeats: int) -> float:
    return timings_ms(call, repeats)["median"]


def timings_ms(call, repeats: int) -> dict:
    """Wall time, median and best, and CPU time of this process (median): on a machine
    shared with other work the wall time swings 2-3x while the CPU time stays put."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {"median": statistics.median(wall), "best": min(wall), "cpu": statistics.median(cpu)}


def peak_mb(call) -> float:
    """The most memory allocated at once during ``call`` (numpy reports its buffers to
    tracemalloc), in MB; measured in a call of its own, since tracing slows allocation."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def cold(preset: str, compiledir: str) -> dict:
    env = dict(os.environ, PYTENSOR_FLAGS=f"base_compiledir={compiledir}")
    proc = subprocess.run(
        [sys.executable, "-c", COLD, preset],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def baseline_costs(trainer: Trainer, centre, land) -> np.ndarray:
    """One compiled call per grid point: set the weights, evaluate."""
    d1, d2 = land.directions
    out = np.empty((len(land.alphas), len(land.betas)))
    for i, a in enumerate(land.alphas):
        for j, b in enumerate(land.betas):
            trainer.set_weights([w + a * x + b * y for w, x, y in zip(centre, d1, d2, strict=True)])
            out[i, j] = trainer.evaluate()[1]
    return out


def bench(preset: str, repeats: int, with_cold: bool) -> dict:
    spec = preset_spec(preset)
    ds = load_dataset(spec.dataset)
    centre = init_weights(spec.network, ds.n_inputs, ds.n_outputs)
    functions = cost_functions(spec.network, spec.training, ds.n_inputs, ds.n_outputs)
    request = LandscapeRequest(grid=GRID)

    def grid():
        return compute_landscape(functions, ds.X, ds.y, centre, request)

    land = grid()
    trainer = Trainer(spec, ds)
    trainer.evaluate()  # compile outside the timing
    start = time.perf_counter()
    reference = baseline_costs(trainer, centre, land)
    baseline_ms = (time.perf_counter() - start) * 1000
    agree = bool(np.allclose(land.costs, reference, rtol=1e-10, atol=1e-13))
    row = {
        "preset": preset,
        "grid_points": GRID * GRID,
        "block": batched_cost.block_size(ds.n_samples, functions.widest),
        **{f"grid_{k}_ms": v for k, v in timings_ms(grid, repeats).items()},
        "grid_peak_mb": peak_mb(grid),
        "baseline_ms": baseline_ms,
        "agrees": agree,
    }
    saved = batched_cost.BLOCK_BYTES
    batched_cost.BLOCK_BYTES = 2**62
    try:
        row["grid_one_call_ms"] = median_ms(grid, repeats)
        row["grid_one_call_peak_mb"] = peak_mb(grid)
    finally:
        batched_cost.BLOCK_BYTES = saved
    row["drawing_ms"] = median_ms(
        lambda: drawing_job(spec, ds, tuple(centre), request, RecordedPath(), None), repeats
    )
    row["grid_ms"] = row["grid_median_ms"]
    row["speedup"] = row["baseline_ms"] / row["grid_ms"]
    row["target_ms"] = TARGETS_MS[preset]
    row["meets_target"] = row["grid_ms"] <= TARGETS_MS[preset]
    if with_cold:
        with tempfile.TemporaryDirectory() as tmp:
            row["cold"] = cold(preset, tmp)
            row["warm_cache"] = cold(preset, tmp)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-cold", action="store_true", help="skip the fresh processes")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}, cores {os.cpu_count()}")
    rows = [bench(p, args.repeats, not args.no_cold) for p in ("xor-minimal", "spiral")]
    print(
        f"{'preset':<12} {'grid ms':>9} {'best':>7} {'cpu':>7} {'one call':>9} {'drawing':>9} "
        f"{'peak MB':>13} {'baseline':>10} "
        f"{'ratio':>7} {'target':>7}  cold compile / first grid   warm-cache compile / grid"
    )
    for r in rows:
        c, w = r.get("cold"), r.get("warm_cache")
        cold_text = f"{c['compile_s']:.2f} s / {c['first_grid_ms']:.0f} ms" if c else "-"
        warm_text = f"{w['compile_s']:.2f} s / {w['first_grid_ms']:.0f} ms" if w else "-"
        print(
            f"{r['preset']:<12} {r['grid_ms']:9.1f} {r['grid_best_ms']:7.1f} "
            f"{r['grid_cpu_ms']:7.1f} {r['grid_one_call_ms']:9.1f} "
            f"{r['drawing_ms']:9.1f} "
            f"{r['grid_peak_mb']:6.1f}/{r['grid_one_call_peak_mb']:6.1f} "
            f"{r['baseline_ms']:10.1f} {r['speedup']:6.1f}x "
            f"{'met' if r['meets_target'] else 'MISSED':>7}  {cold_text:<26} {warm_text}"
        )
    print(json.dumps({"landscape": rows}))
    return 0 if all(r["agrees"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
