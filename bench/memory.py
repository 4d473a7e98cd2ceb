"""Does memory stay flat over a long run? RSS sampled while xor-minimal trains 10^7 steps.

    .venv/bin/python bench/memory.py                 # ~15 s: 10^7 steps, three ways
    .venv/bin/python bench/memory.py --steps 1e8     # longer

Three runs of the same 2-3-1 net, each 10^7 steps (= epochs: xor-minimal is full-batch):
  headless  Trainer.run in ~10 ms chunks, as the worker sizes them;
  worker    a TrainingWorker (its own thread) posting snapshots, drained by a consumer that
            keeps the cost points as the cost plot does (a CostHistory);
  window    the whole offscreen MainWindow training: plots, table, timeline, everything.
A thread samples the process's resident set size every 50 ms. Reported per run: RSS when
training started (after compiling and one chunk), the highest and the last sample, and the
growth (last - start); the target is |growth| and (peak - start) <= 20 MB. The cost history
is downsampled (CostHistory), so 10^7 epochs keep ~8192 points. Prints a table, one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from xorlab.app.chunk_plan import FIRST_CHUNK_STEPS  # noqa: E402
from xorlab.core.training.history import CostHistory  # noqa: E402
from xorlab.core.training.presets import preset_spec  # noqa: E402
from xorlab.core.training.spec import MAX_EPOCHS  # noqa: E402
from xorlab.core.training.trainer import Trainer  # noqa: E402

TARGET_MB = 20.0
CHUNK_SECONDS = 0.010
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


class RssSampler:
    """Samples RSS on its own thread (the training loop releases the GIL)."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.perf_counter(), rss_mb()))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.perf_counter(), rss_mb()))
            self._stop.wait(self.interval)

    def summary(self, start_mb: float, steps: int, seconds: float) -> dict:
        values = [mb for _, mb in self.samples]
        mid = values[len(values) // 2]
        return {
            "steps": steps,
            "seconds": seconds,
            "start_mb": start_mb,
            "peak_mb": max(values),
            "end_mb": values[-1],
            "growth_mb": values[-1] - start_mb,
            "second_half_growth_mb": values[-1] - mid,  # ~0 once buffers reached their caps
            "peak_over_start_mb": max(values) - start_mb,
            "samples": len(values),
        }


def endless():
    return preset_spec("xor-minimal").with_changes(training={"epochs": MAX_EPOCHS})


def headless(steps: int) -> dict:
    trainer = Trainer(endless())
    trainer.compile()
    chunk = FIRST_CHUNK_STEPS
    trainer.run(chunk)
    start_mb = rss_mb()
    start = time.perf_counter()
    with RssSampler() as sampler:
        while trainer.step_count < steps:
            result = trainer.run(min(chunk, steps - trainer.step_count))
            if result.steps == chunk and result.seconds > 0:
                ideal = result.steps * CHUNK_SECONDS / result.seconds
                chunk = int(min(max(ideal, chunk / 2, 1), chunk * 2))
    out = sampler.summary(start_mb, trainer.step_count, time.perf_counter() - start)
    out["history_points"] = len(trainer.history)
    return out


def spin_until(predicate, timeout: float) -> None:
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("waited too long")
        loop = QEventLoop()
        QTimer.singleShot(5, loop.quit)
        loop.exec()


def through_worker(steps: int) -> dict:
    from xorlab.ui.runtime.worker import TrainingWorker

    worker = TrainingWorker()
    history = CostHistory()
    last = {"step": 0, "snapshots": 0}

    def on_snapshot(snapshot) -> None:
        history.extend(snapshot.history_steps, snapshot.history_costs)
        last["step"] = snapshot.step
        last["snapshots"] += 1

    worker.snapshot_ready.connect(on_snapshot)
    worker.start()
    worker.set_spec(endless())
    spin_until(lambda: worker.state == "ready", 600)
    return _train_until(worker, lambda: last["step"], steps, history, last, worker.shutdown)


def through_window(steps: int) -> dict:
    from xorlab.ui.shell.main_window import MainWindow

    folder = tempfile.mkdtemp(prefix="xorlab-memory-")
    settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(endless(), settings=settings)
    window.resize(1500, 940)
    window.show()
    spin_until(lambda: window.worker.state == "ready", 600)
    last = {"snapshots": 0}
    window.worker.snapshot_ready.connect(
        lambda _s: last.__setitem__("snapshots", last["snapshots"] + 1)
    )

    def step() -> int:
        return window.last_snapshot.step if window.last_snapshot is not None else 0

    def close() -> None:
        window.close()
        spin_until(lambda: not window.worker.is_running(), 60)

    out = _train_until(window.worker, step, steps, None, last, close, window=window)
    out["curve_points"] = len(window.cost_plot.curve.xData)
    return out


def _train_until(worker, step, steps, history, counts, close, window=None) -> dict:
    start_step = step()
    (window.actions.train.trigger if window else worker.train)()
    spin_until(lambda: step() > start_step, 60)  # one chunk in: buffers exist
    start_mb = rss_mb()
    start = time.perf_counter()
    with RssSampler() as sampler:
        spin_until(lambda: step() >= steps, 3600)
    worker.pause()
    seconds = time.perf_counter() - start
    spin_until(lambda: worker.state in ("paused", "done"), 60)
    out = sampler.summary(start_mb, step(), seconds)
    out["snapshots"] = counts["snapshots"]
    if history is not None:
        out["history_points"] = len(history)
    close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=float, default=1e7)
    args = parser.parse_args()
    steps = int(args.steps)
    app = QApplication.instance() or QApplication(sys.argv)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {steps:,} steps")
    runs = {}
    for name, run in (
        ("headless", headless),
        ("worker", through_worker),
        ("window", through_window),
    ):
        runs[name] = run(steps)
        r = runs[name]
        print(
            f"  {name:<9} {r['steps']:>12,} steps in {r['seconds']:6.1f} s: RSS start "
            f"{r['start_mb']:7.1f} MB, peak {r['peak_mb']:7.1f}, end {r['end_mb']:7.1f}, "
            f"growth {r['growth_mb']:+6.1f} MB (second half {r['second_half_growth_mb']:+5.1f})"
        )
    met = {
        name: abs(r["growth_mb"]) <= TARGET_MB and r["peak_over_start_mb"] <= TARGET_MB
        for name, r in runs.items()
    }
    print(
        "target |growth| and peak - start <= 20 MB: "
        + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in met.items())
    )
    print(
        json.dumps(
            {
                "bench": "memory",
                "runs": runs,
                "target_mb": TARGET_MB,
                "met": met,
                "load_average": os.getloadavg()[0],
            }
        )
    )
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
