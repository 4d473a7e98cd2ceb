"""How long drawing the training-step graph takes: Graphviz `dot` against the wasm fallback.

    .venv/bin/python bench/render.py            # ~10 s
    .venv/bin/python bench/render.py --repeats 5

For xor-minimal and the spiral, the training step's graph (symbolic, and optimized: what
actually runs) goes from DOT text to SVG (and PNG with dot) through xorlab.core.graphs.render,
as the Graph tab does on its background thread. Reported: graph size, the time to build the
graph view (PyTensor graph -> DOT), and the median render time per renderer; the wasm renderer's
first call in a fresh process (it instantiates Graphviz compiled to WebAssembly) apart. Target:
<= 100 ms with dot. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from xorlab.core.graphs.build import build_graph
from xorlab.core.graphs.render import available_renderers, render_png, render_svg
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer

TARGET_MS = 100.0

FIRST_WASM_CALL = """
import sys, time
from xorlab.core.graphs.render import render_svg
dot = sys.stdin.read()
start = time.perf_counter()
render_svg(dot, renderer="wasm")
print(time.perf_counter() - start)
"""


def median_ms(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def first_wasm_call_ms(dot: str) -> float:
    """The wasm renderer's first render in a fresh process (module load + instantiation)."""
    proc = subprocess.run(
        [sys.executable, "-c", FIRST_WASM_CALL],
        input=dot,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return float(proc.stdout.strip().splitlines()[-1]) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    renderers = available_renderers("auto")
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; renderers: "
        f"{', '.join(renderers) or 'none'}"
    )
    rows = []
    for preset in ("xor-minimal", "spiral"):
        trainer = Trainer(preset_spec(preset))
        for stage in ("symbolic", "optimized"):
            start = time.perf_counter()
            view = build_graph(trainer, "train", stage)
            built_ms = (time.perf_counter() - start) * 1000
            row = {
                "graph": f"{preset}/train/{stage}",
                "nodes": len(view.nodes),
                "dot_chars": len(view.dot),
                "build_ms": built_ms,
            }
            for renderer in renderers:
                render_svg(view.dot, renderer=renderer)  # warm: wasm instantiates once
                row[f"{renderer}_svg_ms"] = median_ms(
                    lambda r=renderer, v=view: render_svg(v.dot, renderer=r), args.repeats
                )
            if "dot" in renderers:
                row["dot_png_ms"] = median_ms(
                    lambda v=view: render_png(v.dot, renderer="dot"), args.repeats
                )
            if "wasm" in renderers:
                row["wasm_first_call_ms"] = first_wasm_call_ms(view.dot)
            rows.append(row)
            print(
                "  "
                + ", ".join(
                    f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()
                )
            )

    print(f"\ntraining-step graph -> picture, median of {args.repeats} (ms)")
    print(
        f"  {'graph':<28} {'nodes':>5} {'build':>7} {'dot svg':>8} {'dot png':>8} "
        f"{'wasm svg':>9} {'wasm 1st':>9}"
    )
    for r in rows:
        cells = [
            r.get(k) for k in ("dot_svg_ms", "dot_png_ms", "wasm_svg_ms", "wasm_first_call_ms")
        ]
        shown = [f"{c:8.1f}" if c is not None else f"{'-':>8}" for c in cells]
        print(
            f"  {r['graph']:<28} {r['nodes']:5d} {r['build_ms']:7.1f} {shown[0]} {shown[1]} "
            f" {shown[2]}  {shown[3]}"
        )
    # The target is the tutorial's training step; the spiral's rows show how size scales.
    met = {
        r["graph"]: r["dot_svg_ms"] <= TARGET_MS
        for r in rows
        if "dot_svg_ms" in r and r["graph"].startswith("xor-minimal/")
    }
    print(
        "target dot svg <= 100 ms (the tutorial's training step): "
        + ", ".join(f"{g} {'met' if ok else 'MISSED'}" for g, ok in met.items())
    )
    print(
        json.dumps(
            {
                "bench": "render",
                "rows": rows,
                "target_ms": TARGET_MS,
                "met": met,
                "load_average": os.getloadavg()[0],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
