"""What a GUI thread that holds the GIL costs a training loop that releases it.

    .venv/bin/python bench/gil_share.py                       # xor-bias, parity3: ~1 minute
    .venv/bin/python bench/gil_share.py --presets spiral --busy 0.3 --switch-ms 5 1

A thread trains a preset headless (Trainer.run in the worker's chunks) while another stands
in for the GUI: every 30 ms it is busy for ``--busy`` of them, in Python (holding the GIL,
as the GUI thread does through a frame: PySide6 keeps the GIL in its C++ calls) or in C
without the GIL (hashlib on 1 MB), or it stays idle. Rounds interleave the three, so the
machine's load shifts them alike; each is the median of ``--rounds`` against idle. Busy in C
is what sharing the cores costs; busy in Python minus that is what waiting for the GIL
costs, under each GIL switch interval (``--switch-ms``) and chunk length (``--chunk-ms``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from gui import Headless, endless  # noqa: E402

PERIOD = 0.030  # a frame every 30 ms
BUFFER = bytes(1 << 20)  # hashlib lets the GIL go for buffers over 2 KB


def busy_in_python(seconds: float) -> None:
    end = time.perf_counter() + seconds
    total = 0
    while time.perf_counter() < end:
        for i in range(200):
            total += i


def busy_in_c(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        hashlib.sha256(BUFFER).digest()


def stand_in_gui(kind: str, busy: float, stop: threading.Event) -> None:
    work = {"python": busy_in_python, "c": busy_in_c}.get(kind)
    while not stop.is_set():
        if work is None:
            time.sleep(PERIOD)
            continue
        work(PERIOD * busy)
        time.sleep(PERIOD * (1 - busy))


def rate_beside(headless: Headless, kind: str, busy: float, seconds: float, chunk: float):
    stop = threading.Event()
    gui = threading.Thread(target=stand_in_gui, args=(kind, busy, stop))
    gui.start()
    out: list[float] = []
    trainer = threading.Thread(target=lambda: out.append(headless.rate(seconds, chunk)))
    trainer.start()
    trainer.join()
    stop.set()
    gui.join()
    return out[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", nargs="*", default=["xor-bias", "parity3"])
    parser.add_argument("--busy", type=float, default=0.4, help="the GUI's busy share")
    parser.add_argument("--switch-ms", type=float, nargs="*", default=[5.0, 1.0])
    parser.add_argument("--chunk-ms", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=0.7, help="per measurement")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows = []
    for name in args.presets:
        headless = Headless(endless(name), "auto")
        headless.rate(0.5)
        for switch_ms in args.switch_ms:
            sys.setswitchinterval(switch_ms / 1000)
            rates: dict[str, list[float]] = {"idle": [], "c": [], "python": []}
            for _ in range(args.rounds):
                for kind in rates:
                    chunk = args.chunk_ms / 1000
                    rates[kind].append(rate_beside(headless, kind, args.busy, args.seconds, chunk))
            idle = statistics.median(rates["idle"])
            row = {
                "preset": name,
                "switch_ms": switch_ms,
                "chunk_ms": args.chunk_ms,
                "busy": args.busy,
                "idle_steps_per_s": idle,
                "beside_c": statistics.median(rates["c"]) / idle,
                "beside_python": statistics.median(rates["python"]) / idle,
            }
            rows.append(row)
            print(
                f"  {name:<12} switch {switch_ms:g} ms, chunks {args.chunk_ms:g} ms: beside a "
                f"GUI busy {args.busy:.0%} in C (no GIL) {row['beside_c']:.2f}, in Python "
                f"(GIL held) {row['beside_python']:.2f} of its rate beside an idle one",
                flush=True,
            )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(json.dumps({"bench": "gil_share", "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
