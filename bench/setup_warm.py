"""What set-up's warm-up costs and what it saves (issue 11, item 3): a fresh install's first
run of each preset, with and without `python main.py warm` after the install.

Two arms, each in its own empty cache (``PYTENSOR_FLAGS=base_compiledir=<empty dir>``,
``NUMBA_CACHE_DIR=<dir>/numba``, as bench/latency.py's children use them), run back to back:

- ``cold``: no warm-up; each preset's first run in turn, in a fresh process (latency.py's
  ``first_point`` child: Train -> first point, -> full speed), the cache filling as it goes,
  as a new user's first runs fill it;
- ``warmed``: ``main.py warm`` first (its seconds are what set-up adds), then the same runs.

Prints one JSON line per measurement with the load average before and after it.

    .venv/bin/python bench/setup_warm.py                 # every preset: ~10 minutes on 2 cores
    .venv/bin/python bench/setup_warm.py --presets circle,spiral --order warmed,cold
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import latency  # noqa: E402  (bench/ is a folder of scripts, not a package)

REPO = latency.REPO


def warm(cache: str, presets: list[str]) -> dict:
    env = {
        **os.environ,
        "PYTENSOR_FLAGS": f"base_compiledir={cache}",
        "NUMBA_CACHE_DIR": os.path.join(cache, "numba"),
    }
    before = latency.load()
    start = time.perf_counter()
    args = [arg for name in presets for arg in ("--preset", name)]
    proc = subprocess.run(
        [sys.executable, os.path.join(REPO, "main.py"), "warm", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    return {
        "warm_s": round(time.perf_counter() - start, 1),
        "exit": proc.returncode,
        "lines": proc.stdout.splitlines()[1:],
        "stderr": proc.stderr[-1000:],
        "load": [before, latency.load()],
    }


def main() -> int:
    from xorlab.core.training.presets import PRESETS

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presets", default=",".join(PRESETS), help="comma-separated")
    parser.add_argument("--order", default="cold,warmed", help="which arm first")
    args = parser.parse_args()
    presets = args.presets.split(",")
    latency.emit({"bench": "setup_warm", "load": latency.load(), "nproc": os.cpu_count()})
    for arm in args.order.split(","):
        with tempfile.TemporaryDirectory(prefix=f"xorlab-setup-{arm}-") as cache:
            if arm == "warmed":
                latency.emit({"item": "setup_warm", "arm": arm, **warm(cache, presets)})
            for preset in presets:
                result = latency.run_child("first_point", {"preset": preset}, cache)
                keep = ("spec_to_first_point_s", "spec_to_full_speed_s", "strategy", "load")
                latency.emit(
                    {
                        "item": "first_run",
                        "arm": arm,
                        "case": preset,
                        **{k: result.get(k) for k in keep},
                        **({"error": result["error"]} if "error" in result else {}),
                    }
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
