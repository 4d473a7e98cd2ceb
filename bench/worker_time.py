"""Where the training worker's time goes while the window trains, per second and per snapshot.

    .venv/bin/python bench/worker_time.py                      # every preset, dock closed+open
    .venv/bin/python bench/worker_time.py --presets spiral --dock open --seconds 4

The real MainWindow (offscreen) trains each preset (epoch limit raised) on its fast loop for
a fixed wall time. The worker thread's methods are wrapped with timers (wall and the thread's
own CPU): the chunks (``Trainer.run``), the snapshot (``Trainer.snapshot``: evaluation on the
training and test sets, copies), the maps over the plane (``LiveMaps.compute``), the rest of
a tick, and the gaps between ticks: waiting for the GUI to draw a snapshot, the pause left to
a background compile, and the event loop's own turns. Right before and after, the same
process runs a headless Trainer in the worker's ~10 ms chunks: "chunk rate" is the window's
steps per second of time inside ``Trainer.run`` against it, so a ratio lost to contention
(the GUI thread holding the interpreter or the core) shows there, and a ratio lost to work
between chunks or to waiting shows in the breakdown. Every thread's CPU and run-queue wait
(window and headless) show what shares the cores: XLA's threads idle between JAX calls, or
waiting behind the GUI thread. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it (xorlab/cli.py)
sys.path.insert(0, str(Path(__file__).parent))

import numpy as np  # noqa: E402
from gui import (  # noqa: E402
    BIG,
    Headless,
    LagProbe,
    endless,
    lag_stats,
    load_and_wait,
    ready_window,
    spin,
    wait_until,
)
from PySide6.QtWidgets import QApplication  # noqa: E402

from xorlab.app.live_maps import LiveMaps  # noqa: E402
from xorlab.core.training.presets import PRESETS  # noqa: E402
from xorlab.core.training.strategies import jax_loop  # noqa: E402
from xorlab.core.training.trainer import Trainer  # noqa: E402
from xorlab.ui.runtime.outbox import Outbox  # noqa: E402
from xorlab.ui.runtime.training_session import TrainingSession  # noqa: E402

PRESET_ORDER = [p for p in PRESETS if p not in ("xor-minimal", "circle-features")] + [BIG]


class Recorder:
    """Wall and thread-CPU seconds per label, on the worker thread, while ``on``."""

    def __init__(self):
        self.on = False
        self.worker: threading.Thread | None = None
        self.reset()

    def reset(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)
        self.steps = 0
        self.last_tick_end: float | None = None
        self.after_tick = "other"  # what the gap after the last tick was for
        # The worker's context switches inside chunks: voluntary ones are waits (in a
        # chunk of a loop that releases the GIL: taking the GIL back at its end),
        # involuntary ones are preemptions (another thread or process took the core).
        self.switches = [0, 0]
        self.gil_waits: list[float] = []

    def add(self, label: str, wall: float, cpu: float) -> None:
        self.wall[label] += wall
        self.cpu[label] += cpu
        self.count[label] += 1

    def timed(self, label: str, function):
        recorder = self

        def wrapper(*args, **kwargs):
            if not recorder.on or threading.current_thread() is not recorder.worker:
                return function(*args, **kwargs)
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                recorder.add(label, time.perf_counter() - wall, time.thread_time() - cpu)

        return wrapper


REC = Recorder()
PROFILE: cProfile.Profile | None = None  # --profile: the worker's ticks, while measured


class ThreadSwitches:
    """A thread's voluntary and involuntary context switches so far (Linux /proc)."""

    def __init__(self, native_id: int):
        try:
            self._fd: int | None = os.open(f"/proc/self/task/{native_id}/status", os.O_RDONLY)
        except OSError:
            self._fd = None

    def read(self) -> tuple[int, int]:
        if self._fd is None:
            return 0, 0
        text = os.pread(self._fd, 8192, 0).decode()
        voluntary = int(text.split("\nvoluntary_ctxt_switches:")[1].split()[0])
        involuntary = int(text.split("nonvoluntary_ctxt_switches:")[1].split()[0])
        return voluntary, involuntary


SWITCHES: ThreadSwitches | None = None  # the worker thread's, once it ticked


class ThreadTimes:
    """Every thread of this process: CPU seconds and seconds spent runnable but waiting for
    a core (the kernel's run-queue delay), from /proc/self/task/*/schedstat, by thread name
    (XLA's threads, the GUI thread, the worker), between ``start`` and ``stop``."""

    def __init__(self):
        self._start: dict[int, tuple[str, int, int]] = {}
        self._wall = 0.0

    @staticmethod
    def _read() -> dict[int, tuple[str, int, int]]:
        out = {}
        for task in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{task}/schedstat") as f:
                    on_cpu, waiting = (int(x) for x in f.read().split()[:2])
                with open(f"/proc/self/task/{task}/comm") as f:
                    name = f.read().strip()
            except OSError:  # the thread ended meanwhile
                continue
            tid = int(task)
            if tid == threading.main_thread().native_id:
                name = "GUI (main)"
            elif REC.worker is not None and tid == REC.worker.native_id:
                name = "worker"
            out[tid] = (name, on_cpu, waiting)
        return out

    def start(self) -> None:
        self._start = self._read()
        self._wall = time.perf_counter()

    def stop(self) -> dict[str, dict[str, float]]:
        """Per thread name: CPU and run-queue wait, each as a share of the wall time."""
        wall = time.perf_counter() - self._wall
        shares: dict[str, dict[str, float]] = defaultdict(lambda: {"cpu": 0.0, "runq": 0.0})
        for tid, (name, on_cpu, waiting) in self._read().items():
            _, cpu0, wait0 = self._start.get(tid, (name, 0, 0))
            if on_cpu - cpu0 < 1e6:  # < 1 ms: idle threads are left out
                continue
            shares[name]["cpu"] += (on_cpu - cpu0) / 1e9 / wall
            shares[name]["runq"] += (waiting - wait0) / 1e9 / wall
        return dict(shares)


def idle_share(shares: dict[str, dict[str, float]], name: str = "tf_XLAEigen") -> float:
    """The share of the wall time threads named ``name`` (XLA's, which compute a JAX call)
    were neither computing nor waiting for a core: waiting for work, i.e. for the next call.
    Unlike a rate, it does not move with how much CPU other processes leave this one."""
    s = shares.get(name)
    return 1.0 - s["cpu"] - s["runq"] if s else float("nan")


def thread_line(shares: dict[str, dict[str, float]]) -> str:
    return ", ".join(
        f"{name} {s['cpu']:.2f} (waits for a core {s['runq']:.2f})"
        for name, s in sorted(shares.items(), key=lambda kv: -kv[1]["cpu"])
    )


def instrument() -> None:
    run = Trainer.run

    def timed_run(self, n_steps):
        if not REC.on or threading.current_thread() is not REC.worker:
            return run(self, n_steps)
        probe = time.perf_counter()
        switches = SWITCHES.read() if SWITCHES else (0, 0)
        wall, cpu = time.perf_counter(), time.thread_time()
        REC.add("probe", wall - probe, 0.0)
        result = run(self, n_steps)
        end = time.perf_counter()
        REC.add("chunks", end - wall, time.thread_time() - cpu)
        if SWITCHES:
            after = SWITCHES.read()
            REC.switches[0] += after[0] - switches[0]
            REC.switches[1] += after[1] - switches[1]
        # A syscall of a microsecond that lets go of the GIL: its wall time is about the
        # wait to take the GIL back, a sample of what every such call on the worker pays.
        gil = time.perf_counter()
        os.stat(".")
        REC.gil_waits.append(time.perf_counter() - gil)
        REC.add("probe", time.perf_counter() - end, 0.0)
        REC.steps += result.steps
        return result

    Trainer.run = timed_run
    Trainer.snapshot = REC.timed("snapshot", Trainer.snapshot)
    LiveMaps.compute = REC.timed("maps", LiveMaps.compute)
    # Posting to the outbox emits a Qt signal, which lets go of the GIL: its time is mostly
    # the wait to take the GIL back from the GUI thread.
    Outbox.post = REC.timed("post", Outbox.post)
    tick = TrainingSession._on_tick

    def timed_tick(self):
        global SWITCHES
        if REC.worker is not threading.current_thread():
            REC.worker = threading.current_thread()
            SWITCHES = ThreadSwitches(threading.get_native_id())
        if not REC.on:
            return tick(self)
        start, cpu = time.perf_counter(), time.thread_time()
        if REC.last_tick_end is not None:
            REC.add(f"gap: {REC.after_tick}", start - REC.last_tick_end, 0.0)
        before = dict(REC.wall)
        if PROFILE is not None:
            PROFILE.enable()
        tick(self)
        if PROFILE is not None:
            PROFILE.disable()
        end = time.perf_counter()
        inner = sum(
            REC.wall[k] - before.get(k, 0.0)
            for k in ("chunks", "snapshot", "maps", "post", "probe")
        )
        REC.add("tick, rest", end - start - inner, 0.0)
        REC.cpu["tick total"] += time.thread_time() - cpu
        REC.last_tick_end = end
        if self._waiting_for_gui:
            REC.after_tick = "waiting for the GUI"
        elif self._timer.interval() > 0:
            REC.after_tick = "pause for the compile"
        else:
            REC.after_tick = "event loop"

    TrainingSession._on_tick = timed_tick


def pause(window) -> None:
    if window.worker.state == "training":
        window.actions.pause_resume.trigger()
    wait_until(lambda: window.worker.state == "paused")


def measure(window, spec, seconds: float) -> dict:
    """The window trains ``spec`` for ``seconds``, with a headless baseline of half that
    right before and right after it, each while the window is paused (round 8 ran the one
    before while the window still trained: both trained at once, which lowered the baseline
    and gave ratios over 1)."""
    headless = Headless(spec, window.engine.requested)
    headless.rate(0.5)
    load_and_wait(window, spec)
    window.actions.train.trigger()  # Train, or Resume
    wait_until(lambda: window.engine.chosen not in ("", "numpy"), 600)
    spin(0.5)  # the hand-over's first chunks size themselves
    pause(window)
    threads = ThreadTimes()
    threads.start()
    before_rate = headless.rate(seconds / 2)
    headless_threads = threads.stop()
    received = {"snapshots": 0, "maps": 0}

    def on_snapshot(snapshot) -> None:
        received["snapshots"] += 1
        received["maps"] += snapshot.plane is not None

    window.worker.snapshot_ready.connect(on_snapshot)
    REC.reset()
    probe = LagProbe()
    step0 = window.last_snapshot.step
    probe.start()
    gui_cpu = time.thread_time()
    threads.start()
    start = time.perf_counter()
    REC.on = True
    window.actions.pause_resume.trigger()  # Resume
    spin(seconds)
    REC.on = False
    window.actions.pause_resume.trigger()
    wall = time.perf_counter() - start
    window_threads = threads.stop()
    gui_cpu = time.thread_time() - gui_cpu
    lag = lag_stats(probe.stop()["lags"])
    wait_until(lambda: window.worker.state == "paused")
    steps = window.last_snapshot.step - step0
    window.worker.snapshot_ready.disconnect(on_snapshot)
    after_rate = headless.rate(seconds / 2)
    head = (before_rate + after_rate) / 2
    chunk_rate = REC.steps / REC.wall["chunks"] if REC.wall["chunks"] else 0.0
    per_s = {k: 1000 * v / wall for k, v in sorted(REC.wall.items())}
    snaps = max(REC.count["snapshot"], 1)
    return {
        "strategy": window.engine.chosen,
        "dock": window.network_views.dock.isVisible(),
        "seconds": wall,
        "window_steps_per_s": steps / wall,
        "headless_steps_per_s": head,
        "ratio": steps / wall / head,
        "chunk_rate_ratio": chunk_rate / head,
        "chunk_cpu_share": REC.cpu["chunks"] / REC.wall["chunks"] if REC.wall["chunks"] else 0,
        "chunks_per_s": REC.count["chunks"] / wall,
        # CPU seconds per step inside Trainer.run, window over headless (both on their own
        # thread's clock): above 1, the same steps cost more CPU in the window (caches, memory
        # bandwidth shared with the GUI thread); the CPU clock of a loop whose work runs on
        # other threads (XLA's) says little.
        "chunk_cpu_per_step_ratio": (REC.cpu["chunks"] / max(REC.steps, 1))
        / (headless.cpu_seconds / max(headless.steps, 1)),
        "chunk_waits_per_s": REC.switches[0] / wall,
        "chunk_preemptions_per_s": REC.switches[1] / wall,
        "gui_cpu_share": gui_cpu / wall,
        "headless_segments": [before_rate, after_rate],
        "snapshots_per_s": received["snapshots"] / wall,
        "worker_snapshots_per_s": REC.count["snapshot"] / wall,
        "maps_per_s": REC.count["maps"] / wall,
        "ms_per_s": per_s,
        "snapshot_ms": 1000 * REC.wall["snapshot"] / snaps,
        "maps_ms": 1000 * REC.wall["maps"] / max(REC.count["maps"], 1),
        "chunk_ms": 1000 * REC.wall["chunks"] / max(REC.count["chunks"], 1),
        "post_ms": 1000 * REC.wall["post"] / max(REC.count["post"], 1),
        "gil_wait_mean_ms": 1000 * float(np.mean(REC.gil_waits or [0.0])),
        "gil_wait_p90_ms": 1000 * float(np.percentile(REC.gil_waits or [0.0], 90)),
        "frame_ms": window.worker._outbox.frame_seconds * 1000,
        "lag_p50_ms": lag["lag_p50_ms"],
        "lag_p99_ms": lag["lag_p99_ms"],
        "threads_window": window_threads,
        "threads_headless": headless_threads,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--presets", nargs="*", default=PRESET_ORDER)
    parser.add_argument("--dock", choices=("both", "closed", "open"), default="both")
    parser.add_argument("--switch-ms", type=float, help="sys.setswitchinterval, in ms")
    parser.add_argument(
        "--compare-switch-ms",
        type=float,
        help="measure every row twice, back to back: the switch interval as set, then this",
    )
    parser.add_argument(
        "--jax-releases-gil",
        action="store_true",
        help="pace the JAX loop as one that releases the GIL (trains on while the GUI draws)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the worker's ticks")
    parser.add_argument(
        "--compare-ahead",
        type=float,
        help="measure every row twice, back to back: the JAX loop running the next chunk's "
        "first part ahead as the app does, then this share of a chunk (0: none)",
    )
    parser.add_argument(
        "--engine",
        choices=("auto", "fused", "scan", "jax"),
        default=None,
        help="train with this engine (default: the window's, auto)",
    )
    args = parser.parse_args()
    global PROFILE
    if args.jax_releases_gil:
        note_tier = TrainingSession._note_tier

        def pace_jax_as_gil_free(self):
            note_tier(self)
            if self._tier == "jax":
                self.pacing.releases_gil = True

        TrainingSession._note_tier = pace_jax_as_gil_free
    if args.profile:
        PROFILE = cProfile.Profile()
    app = QApplication.instance() or QApplication(sys.argv)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    instrument()
    runs = {}
    docks = {"both": (False, True), "closed": (False,), "open": (True,)}[args.dock]
    intervals = [sys.getswitchinterval()]
    if args.compare_switch_ms:
        intervals.append(args.compare_switch_ms / 1000)
    with tempfile.TemporaryDirectory() as folder:
        window = ready_window(folder, endless("xor-minimal"), False)
        if args.engine and not window.engine.choose(args.engine, remember=False):
            raise SystemExit(f"the {args.engine} engine is not available here")
        if args.switch_ms:  # after the worker set the app's (ui/runtime/gil_switch.py)
            sys.setswitchinterval(args.switch_ms / 1000)
        intervals[0] = sys.getswitchinterval()
        print(f"GIL switch interval {intervals[0] * 1000:g} ms")
        aheads: tuple[float | None, ...] = (None,)
        if args.compare_ahead is not None:
            aheads += (args.compare_ahead,)
        rows = [
            (n, d, i, a) for n in args.presets for d in docks for i in intervals for a in aheads
        ]
        for name, dock, interval, ahead in rows:
            window.network_views.dock.setVisible(dock)
            key = f"{name} dock {'open' if dock else 'closed'}"
            if len(intervals) > 1:
                key += f" switch {interval * 1000:g} ms"
            if len(aheads) > 1:
                key += " ahead as the app runs" if ahead is None else f" ahead {ahead:g}"
            sys.setswitchinterval(interval)
            jax_loop.AHEAD_SHARE = ahead
            try:
                runs[key] = r = measure(window, endless(name), args.seconds)
            except Exception as exc:  # one preset's failure must not hide the others
                print(f"  {key}: FAILED {type(exc).__name__}: {str(exc)[:200]}", flush=True)
                continue
            parts = ", ".join(f"{k} {v:.0f}" for k, v in r["ms_per_s"].items() if v >= 0.5)
            print(
                f"  {key} ({r['strategy']}): ratio {r['ratio']:.2f} (chunks alone "
                f"{r['chunk_rate_ratio']:.2f}, CPU {r['chunk_cpu_share']:.2f} of their wall), "
                f"{r['snapshots_per_s']:.1f} snapshots/s drawn, {r['maps_per_s']:.1f} "
                f"maps/s; snapshot {r['snapshot_ms']:.2f} ms, maps {r['maps_ms']:.2f} ms, "
                f"chunk {r['chunk_ms']:.1f} ms, post {r['post_ms']:.2f} ms, GUI frame "
                f"{r['frame_ms']:.1f} ms, lag p50 "
                f"{r['lag_p50_ms']:.1f} ms p99 {r['lag_p99_ms']:.1f} ms\n"
                f"      {r['chunks_per_s']:.0f} chunks/s, in them {r['chunk_waits_per_s']:.0f} "
                f"waits/s, {r['chunk_preemptions_per_s']:.0f} preemptions/s; GUI thread CPU "
                f"{r['gui_cpu_share']:.2f} of the wall; chunk CPU per step "
                f"{r['chunk_cpu_per_step_ratio']:.2f}x headless; GIL wait after a syscall mean "
                f"{r['gil_wait_mean_ms']:.2f} ms, p90 {r['gil_wait_p90_ms']:.2f} ms\n"
                f"      worker ms per s: {parts}\n"
                f"      threads' CPU per wall second, window: {thread_line(r['threads_window'])}\n"
                f"      headless (before): {thread_line(r['threads_headless'])}\n"
                f"      XLA's thread idle (waiting for a call): window "
                f"{idle_share(r['threads_window']):.2f}, headless "
                f"{idle_share(r['threads_headless']):.2f}",
                flush=True,
            )
        window.close()
        wait_until(lambda: not window.worker.is_running(), timeout=60)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if PROFILE is not None:
        out = io.StringIO()
        pstats.Stats(PROFILE, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())
    print(json.dumps({"bench": "worker_time", "runs": runs}))
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
