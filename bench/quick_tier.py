"""The quick tier: its build time and steps/s, against PyTensor's Python linker (its baseline).

For each preset and a few random never-seen point-set networks, in this one process: the
seconds to build the quick tier (graph, gradient, rewrite, generated numpy code; no disk
cache is read or written) and its steps/s, beside the same training step compiled by
PyTensor's Python linker with the same rewrites (``QUICK_MODE``, what the quick tier ran
before), with the ratio. Steps/s are CPU time of this thread (best of 3 runs of ~0.3 s), a
figure the load of other processes disturbs less than the wall clock; the load average is
printed with each line. The scan loop's steps/s (the full speed) are in bench/latency.py.

    .venv/bin/python bench/quick_tier.py
"""

from __future__ import annotations

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from latency import label, random_networks, spec_of  # noqa: E402

PRESETS = ("xor-minimal", "xor-bias", "parity3", "circle", "spiral")


# Steps per call of the quick tier, as the trainer's ~10 ms chunks run it.
CHUNK = 16


def steps_per_second(run, spe: int, chunk: int, seconds: float = 0.3) -> float:
    """Best of 3: steps / CPU seconds of ``run(position, chunk)`` over cycles of the epoch."""
    best = 0.0
    for _ in range(3):
        n, start = 0, time.thread_time()
        while time.thread_time() - start < seconds:
            run(n % spe, chunk)
            n += chunk
        best = max(best, n / (time.thread_time() - start))
    return best


def measure(case: dict) -> dict:

    from xorlab.core.training.quick_loop import QUICK_MODE, QuickLoop
    from xorlab.core.training.trainer import Trainer

    spec = spec_of(case)
    trainer = Trainer(spec)
    problem = trainer._loop_problem()
    start = time.perf_counter()
    quick = QuickLoop(problem)
    build = time.perf_counter() - start
    quick_rate = steps_per_second(quick.run, trainer.steps_per_epoch, CHUNK)

    # The baseline: the same step on PyTensor's Python linker, as the quick tier was built.
    start = time.perf_counter()
    fn = trainer.step_function(QUICK_MODE)
    fn.trust_input = True
    linker_build = time.perf_counter() - start
    X, y = problem.batch_data()
    linker_rate = steps_per_second(lambda p, _: fn(X[p], y[p]), trainer.steps_per_epoch, 1)
    return {
        "network": label(case),
        "quick_build_s": round(build, 3),
        "quick_steps_per_s": round(quick_rate),
        "python_linker_build_s": round(linker_build, 3),
        "python_linker_steps_per_s": round(linker_rate),
        "ratio": round(quick_rate / linker_rate, 1),
        "load": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 11
    print(json.dumps({"bench": "quick_tier", "seed": seed, "load": os.getloadavg()[0]}))
    cases = [{"preset": p} for p in PRESETS] + random_networks(3, seed)
    for case in cases:
        print(json.dumps(measure(case)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
