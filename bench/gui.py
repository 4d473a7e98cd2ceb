"""Does the GUI keep up? The real MainWindow (offscreen) trains while a timer measures lag.

    .venv/bin/python bench/gui.py              # ~1-2 minutes: 8 s per preset, cold compiles
    .venv/bin/python bench/gui.py --seconds 3 --no-cold

For every preset and a 2-64-64-64-1 tanh net on 2,000 spiral points (all with the epoch
limit raised so they train for the whole time), with the Network dock closed and then open,
the window trains for a fixed wall time while a 5 ms QTimer records how late each of its
ticks comes (the event-loop lag: what a user feels as stutter). Redraws: snapshots drawn
per second (every training view), decision maps and neuron maps per second, and the network
diagram's own redraws (it paces itself by its paint time). Right
before and right after, the same process runs a headless Trainer with the worker's chunking
(Trainer.run in ~10 ms chunks, adapted the same way): the GUI's training rate is reported as
a ratio of the mean of the two. Each row says which loop each side ran through it ("jax
> jax+load > race > scan": the upgrade's load and race, core/training/tiers.py) and
whether both ended on the same one. Also: snapshots delivered and cost points plotted per second,
the latency from triggering Train to the cost curve's first point (after the background
precompile, warm in-process), that precompile itself (the spec compiles with no Train
click, and again after a builder edit), and fresh processes with a cold, then warm, PyTensor
and Numba disk cache (start -> compiled -> first plotted point). Prints a table, one JSON line.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it (xorlab/cli.py)

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from xorlab.app.chunk_plan import ChunkPlan  # noqa: E402
from xorlab.app.gc_policy import CollectionPolicy  # noqa: E402
from xorlab.app.pacing import (  # noqa: E402
    MAX_GIL_FREE_CHUNK_SECONDS,
    MIN_SECONDS_OFF_THREAD,
    OFF_THREAD_MAX_RATE,
)
from xorlab.core.training.presets import PRESETS, preset_spec  # noqa: E402
from xorlab.core.training.spec import MAX_EPOCHS  # noqa: E402
from xorlab.core.training.strategies import jax_loop  # noqa: E402
from xorlab.core.training.strategies.jax_setup import lower_xla_threads  # noqa: E402
from xorlab.core.training.trainer import Trainer  # noqa: E402
from xorlab.ui.runtime import gui_gc  # noqa: E402
from xorlab.ui.shell.main_window import MainWindow  # noqa: E402

LAG_INTERVAL_MS = 5
CHUNK_SECONDS = 0.010  # TrainingWorker's default
TARGETS = {"lag_p99_ms": 16.0, "rate_ratio": 0.8, "first_point_s": 0.3, "redraws_per_s": 30.0}
BIG = "spiral-64x3"  # 2-64-64-64-1 tanh on 2,000 spiral points


def endless(name: str):
    if name == BIG:
        spec = preset_spec("spiral").with_changes(
            network={"hidden": (64, 64, 64), "activations": ("tanh",) * 3},
            dataset={"size": 2000},
        )
    else:
        spec = preset_spec(name)
    return spec.with_changes(training={"epochs": MAX_EPOCHS})


def spin(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def wait_until(predicate, timeout: float = 120.0) -> float:
    """Run the event loop until ``predicate()``; returns the seconds it took."""
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("waited too long")
        spin(0.002)
    return time.perf_counter() - start


def ready_window(folder: str, spec, dock_open: bool, timeout: float = 900) -> MainWindow:
    """The real window, shown at 1500x940 with private settings in ``folder``, the Network
    dock open or closed, once its worker has compiled ``spec`` (state "ready")."""
    settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(spec, settings=settings)
    window.resize(1500, 940)
    window.show()
    window.network_views.dock.setVisible(dock_open)
    wait_until(lambda: window.worker.state == "ready", timeout)
    return window


class Headless:
    """A Trainer in this process on the loop the window runs, in chunks sized by the worker's
    own ChunkPlan: the window's training without the window."""

    def __init__(self, spec, strategy: str):
        self.trainer = Trainer(spec, strategy=strategy)
        self.trainer.compile()
        self.plans: dict[float, ChunkPlan] = {}
        self.cpu_seconds = 0.0  # this thread's CPU time in rate(), and the steps it ran
        self.steps = 0
        self.phases: list[str] = []  # the loops of the chunks since taken (loop_phase)

    def take_phases(self) -> list[str]:
        """The loops run since the last call, in order (the last one still running)."""
        phases, self.phases = self.phases, self.phases[-1:]
        return phases

    def rate(self, seconds: float, chunk_seconds: float = CHUNK_SECONDS) -> float:
        """Steps per second over ``seconds`` of training in chunks of ~``chunk_seconds``."""
        plan = self.plans.setdefault(chunk_seconds, ChunkPlan(chunk_seconds))
        steps = 0
        start, cpu = time.perf_counter(), time.thread_time()
        while (elapsed := time.perf_counter() - start) < seconds:
            result = self.trainer.run(plan.take(self.trainer.total_steps))
            steps += result.steps
            phase = loop_phase(self.trainer)
            if self.phases[-1:] != [phase]:
                self.phases.append(phase)
            plan.note_compute(result.steps, result.seconds)
        self.cpu_seconds += time.thread_time() - cpu
        self.steps += steps
        return steps / elapsed


def loop_phase(trainer) -> str:
    """The loop a trainer runs now, plainly: its name ("numpy" for the quick tier), with
    "+load" while the upgrade loads the scan beside it, or "race" while it races the two
    (core/training/tiers.py)."""
    if trainer is None:
        return "-"
    if trainer.at_full_speed and trainer._race is not None:
        return "race"
    if trainer.at_full_speed and trainer._upgrade is not None:
        return f"{trainer.tier}+load"
    return trainer.tier


def window_trainer(window: MainWindow):
    return window.worker._session._trainer


class GcProbe:
    """Durations of Python's cycle collections by generation, on whichever thread ran them."""

    def __init__(self):
        self.seconds: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def _on_collection(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds[info["generation"]].append(time.perf_counter() - self._started)

    def start(self) -> None:
        for durations in self.seconds.values():
            durations.clear()
        gc.callbacks.append(self._on_collection)

    def stop(self) -> None:
        gc.callbacks.remove(self._on_collection)


class LegacyGcPolicy(CollectionPolicy):
    """The GUI-thread collector as it was before gc_policy (for --legacy-gc): a 500 ms tick
    collecting every generation whose count and all younger ones' passed their thresholds,
    with neither CPython's 25% rule nor a time budget for full collections."""

    def generation_due(self, counts: tuple[int, int, int]) -> int | None:
        due = None
        for generation in range(3):
            if counts[generation] <= self.thresholds[generation]:
                break
            due = generation
        return due

    def next_interval_ms(self, young_objects: int) -> int:
        return 500


class PaintCounter(QObject):
    """Counts the paint events the diagram's view receives. Its paint time (``paint_seconds``,
    smoothed, network/view.py) changes only when it paints: read once per row, it showed the
    same figure in every row, the last paint's, also where the view never painted (the dock
    closed, or Qt did not repaint). A row shows it only if the view painted in that row."""

    def __init__(self, view):
        super().__init__()
        self.view = view
        self.paints = 0
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


class LagProbe:
    """A 5 ms precise timer; lag = how much later than its interval each tick came."""

    def __init__(self, interval_ms: int = LAG_INTERVAL_MS):
        self.interval = interval_ms / 1000
        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        self.ticks.clear()
        self.ticks.append(time.perf_counter())
        self.timer.start()

    def stop(self) -> dict:
        self.timer.stop()
        return {"lags": np.maximum(np.diff(self.ticks) - self.interval, 0.0) * 1000}


def lag_stats(lags: np.ndarray) -> dict[str, float]:
    return {
        "lag_p50_ms": float(np.percentile(lags, 50)),
        "lag_p99_ms": float(np.percentile(lags, 99)),
        "lag_max_ms": float(lags.max()),
        "ticks": len(lags),
    }


def load_and_wait(window: MainWindow, spec) -> None:
    """Load ``spec`` into the window (unless it holds it) and wait until its compile is done:
    the state before it may read "ready" too."""
    if window.spec == spec:
        return
    states: list[str] = []
    window.worker.state_changed.connect(states.append)
    window.load_spec(spec)
    wait_until(lambda: "compiling" in states and window.worker.state == "ready", 600)
    window.worker.state_changed.disconnect(states.append)


@dataclass(frozen=True)
class Variant:
    """What a window segment runs with: the interpreter's GIL switch interval (None: as it
    is) and the longest chunk the worker runs for a loop releasing the GIL (None: the app's,
    pacing.MAX_GIL_FREE_CHUNK_SECONDS; 0.010: its 10 ms chunks of before)."""

    label: str = ""
    switch_s: float | None = None
    max_chunk_s: float | None = None
    on_worker: bool = False  # every snapshot finished on the worker's thread (before round 10)
    # The share of a chunk the JAX loop runs of the next one ahead (jax_loop.py; 0: none;
    # None: sized by the gaps between chunks, as the app runs)
    jax_ahead: float | None = None
    xla_nice: int | None = None  # XLA's threads' nice above the process's (None: the app's)
    # Whether the worker runs one chunk per snapshot (pacing.long_chunks; None: the app's
    # choice): set for the segment, after the warm-up chose the loop.
    long_chunks: bool | None = None
    # The snapshot thread's job spaced by its wall time, as before round 11 (app/pacing.py)
    off_thread_by_wall: bool = False
    separate_neuron_grid: bool = False  # never on the live coarse grid (app/live_maps.py)
    off_thread_uncapped: bool = False  # no pacing.OFF_THREAD_MAX_RATE (before round 11)
    overlap_frames: bool = False  # off-thread jobs beside the frame before (before round 11)

    def apply(self, window: MainWindow, app_switch_s: float) -> None:
        """``app_switch_s``: the interval the app set (a variant before may have changed it)."""
        sys.setswitchinterval(self.switch_s if self.switch_s is not None else app_switch_s)
        jax_loop.AHEAD_SHARE = self.jax_ahead
        lower_xla_threads(self.xla_nice)
        # Set between segments, with the worker paused: it reads it at its next chunk.
        session = window.worker._session
        pacing = session.pacing
        pacing.max_chunk_seconds = self.max_chunk_s or MAX_GIL_FREE_CHUNK_SECONDS
        pacing.min_seconds_off_thread = math.inf if self.on_worker else MIN_SECONDS_OFF_THREAD
        pacing.off_thread_by_wall = self.off_thread_by_wall
        pacing.off_thread_max_rate = math.inf if self.off_thread_uncapped else OFF_THREAD_MAX_RATE
        pacing.wait_for_frames = not self.overlap_frames
        session.maps.share_coarse_grid = not self.separate_neuron_grid
        # The app's choice for the loop running (training_session._note_tier), or the variant's.
        pacing.long_chunks = pacing.releases_gil if self.long_chunks is None else self.long_chunks


def ahead_counts(window: MainWindow) -> tuple[int, int]:
    """The window's JAX loop's chunks begun by the part run ahead, and parts dropped."""
    trainer = window.worker._session._trainer
    # Not running_loop: during the upgrade's race, reading it picks the next lap's loop.
    loop = trainer._fast_loop if trainer is not None else None
    return getattr(loop, "ahead_used", 0), getattr(loop, "ahead_dropped", 0)


def worker_chunk_seconds(window: MainWindow) -> float:
    """The chunk length the worker's plan aimed at last: the headless side runs the same."""
    return window.worker._session.plan.chunk_seconds


def warm_up(window: MainWindow, headless: Headless, seconds: float = 0.5) -> None:
    """Both sides train ``seconds`` unmeasured: compile, hand-over to the fast loop, the first
    call of a JAX function and the chunk sizes' ramp stay out of both measurements."""
    headless.rate(seconds)
    if window.engine.chosen in ("", "numpy"):
        # The fast loop compiles from Train on (the quick tier's first seconds are what
        # bench/latency.py measures): train to it.
        window.actions.train.trigger()
        wait_until(lambda: window.engine.chosen not in ("", "numpy"), 600)
    else:
        window.actions.train.trigger()
    spin(seconds)
    window.actions.pause_resume.trigger()
    wait_until(lambda: window.worker.state == "paused")


def train_for(
    window: MainWindow,
    spec,
    seconds: float,
    segments: int = 4,
    variants: tuple[Variant, ...] = (Variant(),),
) -> dict:
    """Train ``spec`` in the window for ``seconds`` under the lag probe, in ``segments``;
    each is followed by a headless segment of half its length on the same loop with the same
    chunking, and one more comes before the first, so every window segment has a baseline
    measured right before and right after it in this process (a machine whose load changes
    meanwhile shifts both sides alike). Warm-up (compile, hand-over) is excluded from both
    sides. With several ``variants`` the segments cycle through them (each its own result
    under ``"variants"``, the first one's at the top level)."""
    # The headless baseline first: its compile runs on this (the GUI) thread, which the app
    # never does, and its garbage is collected while the window compiles, not measured.
    headless = Headless(spec, window.engine.requested)
    load_and_wait(window, spec)
    warm_up(window, headless)
    received = {"snapshots": 0, "points": 0, "maps": 0, "neuron_maps": 0}

    window_loops: list[str] = []  # the window's loops in the segment (loop_phase)

    def on_snapshot(snapshot) -> None:
        phase = loop_phase(window_trainer(window))
        if window_loops[-1:] != [phase]:
            window_loops.append(phase)
        received["snapshots"] += 1
        received["points"] += snapshot.history_steps.size
        if snapshot.plane is not None:
            received["maps"] += 1
            received["neuron_maps"] += snapshot.plane.neuron_images is not None

    rates: list[float] = []

    def on_progress(_step: int, _total: int, rate: float) -> None:
        rates.append(rate)

    window.worker.snapshot_ready.connect(on_snapshot)
    window.worker.progress.connect(on_progress)
    probe = LagProbe()
    collections = GcProbe()
    diagram = window.network_views.diagram
    paints = PaintCounter(diagram.view)
    results = []
    segments = max(segments, len(variants))
    per_variant = {v: {"steps": 0, "seconds": 0.0, "segments": []} for v in variants}
    switch_before = sys.getswitchinterval()
    variants[0].apply(window, switch_before)
    headless.take_phases()  # the warm-up's
    previous_headless = headless.rate(seconds / segments / 2, worker_chunk_seconds(window))
    for index in range(segments):
        variant = variants[index % len(variants)]
        variant.apply(window, switch_before)
        if index and variant != variants[(index - 1) % len(variants)]:
            # The variant before ran other chunks: a baseline in this one's, before it.
            previous_headless = None
        for key in received:
            received[key] = 0
        collections.start()
        diagram_redraws = diagram.redraws
        paints_before = paints.paints
        ahead_before = ahead_counts(window)
        before = window.last_snapshot.step
        window_loops[:] = [loop_phase(window_trainer(window))]
        headless_before = headless.take_phases()
        probe.start()
        start = time.perf_counter()
        window.actions.pause_resume.trigger()  # Resume
        spin(seconds / segments)
        window.actions.pause_resume.trigger()
        elapsed = time.perf_counter() - start
        # The steps up to the pause: the worker ends the chunk under way first, so the count
        # may include up to one chunk (~10 ms) after the clock stopped: <= 1% of a segment.
        wait_until(lambda: window.worker.state == "paused")
        lags = probe.stop()["lags"]
        collections.stop()
        steps = window.last_snapshot.step - before
        ended = loop_phase(window_trainer(window))
        if window_loops[-1:] != [ended]:
            window_loops.append(ended)
        chunk_seconds = worker_chunk_seconds(window)
        after_headless = headless.rate(seconds / segments / 2, chunk_seconds)
        if previous_headless is None:
            previous_headless = headless.rate(seconds / segments / 2, chunk_seconds)
        baseline = (previous_headless + after_headless) / 2
        previous_headless = after_headless
        bucket = per_variant[variant]
        bucket["steps"] += steps
        bucket["seconds"] += elapsed
        bucket["segments"].append(
            {
                "steps_per_s": steps / elapsed,
                "headless_steps_per_s": baseline,
                "ratio": steps / elapsed / baseline,
                # The loops each side ran: the window's in the segment, the headless side's
                # in its baseline's segments before and after it.
                "window_loops": list(window_loops),
                "headless_loops": _runs([*headless_before, *headless.take_phases()]),
                "chunk_seconds": chunk_seconds,
                "ahead": [b - a for a, b in zip(ahead_before, ahead_counts(window), strict=True)],
                "lags": lags,
                "received": dict(received),
                "diagram_redraws": diagram.redraws - diagram_redraws,
                "diagram_paints": paints.paints - paints_before,
                "gc": {g: list(collections.seconds[g]) for g in range(3)},
            }
        )
    Variant().apply(window, switch_before)
    window.worker.snapshot_ready.disconnect(on_snapshot)
    window.worker.progress.disconnect(on_progress)
    diagram.view.viewport().removeEventFilter(paints)
    for variant in variants:
        bucket = per_variant[variant]
        parts = bucket["segments"]
        gui_seconds = bucket["seconds"]
        gui_rate = bucket["steps"] / gui_seconds
        headless_mean = float(np.mean([p["headless_steps_per_s"] for p in parts]))
        totals = {k: sum(p["received"][k] for p in parts) for k in received}
        full = [d for p in parts for d in p["gc"][2]]
        young = [d for p in parts for g in (0, 1) for d in p["gc"][g]]
        results.append(
            {
                **lag_stats(np.concatenate([p["lags"] for p in parts])),
                "variant": variant.label,
                "seconds": gui_seconds,
                "steps": bucket["steps"],
                "strategy": window.engine.chosen,
                # The headless trainer runs its own upgrade race (core/training/tiers.py):
                # its loop is printed beside the window's, so a ratio across loops shows.
                "headless_strategy": headless.trainer.tier,
                # Each side's loops through the row (loop_phase), in order.
                "window_loops": _runs([x for p in parts for x in p["window_loops"]]),
                "headless_loops": _runs([x for p in parts for x in p["headless_loops"]]),
                # How each side's upgrade ended (the race's speeds), or None: not yet.
                "window_upgrade_note": getattr(window_trainer(window), "upgrade_note", None),
                "headless_upgrade_note": headless.trainer.upgrade_note,
                "gui_steps_per_s": gui_rate,
                "worker_reported_steps_per_s": rates[-1] if rates else 0.0,
                "headless_steps_per_s": headless_mean,
                "rate_ratio": gui_rate / headless_mean,
                "segment_ratios": [round(p["ratio"], 3) for p in parts],
                "chunk_ms": [round(p["chunk_seconds"] * 1000, 1) for p in parts],
                # JAX: chunks begun by the part run ahead, and parts dropped (jax_loop.py)
                "jax_ahead_used_dropped": [sum(p["ahead"][i] for p in parts) for i in (0, 1)],
                "snapshots_per_s": totals["snapshots"] / gui_seconds,
                "maps_per_s": totals["maps"] / gui_seconds,
                "neuron_maps_per_s": totals["neuron_maps"] / gui_seconds,
                "dock": window.network_views.dock.isVisible(),
                "diagram_redraws_per_s": sum(p["diagram_redraws"] for p in parts) / gui_seconds,
                "diagram_paints_per_s": sum(p["diagram_paints"] for p in parts) / gui_seconds,
                # The view's smoothed paint time, if it painted in this row (None: it did not).
                "diagram_paint_ms": (
                    diagram.view.paint_seconds * 1000
                    if any(p["diagram_paints"] for p in parts)
                    else None
                ),
                "points_received_per_s": totals["points"] / gui_seconds,
                "points_on_curve": int(len(window.cost_plot.curve.xData)),
                "gc_collections": [sum(len(p["gc"][g]) for p in parts) for g in range(3)],
                "gc_full_ms": [round(seconds * 1000, 1) for seconds in full],
                "gc_young_max_ms": 1000 * max(young or [0.0]),
            }
        )
    return {**results[0], "variants": results[1:]}


def _runs(phases: list[str]) -> list[str]:
    """``phases`` without repeats in a row."""
    return [p for i, p in enumerate(phases) if i == 0 or phases[i - 1] != p]


def first_point_latency(window: MainWindow, repeats: int) -> list[float]:
    """Train -> the cost curve's first point, from a compiled, reset run."""
    curve = window.cost_plot.curve
    latencies = []
    for _ in range(repeats):
        if window.worker.state != "ready":
            if window.worker.state == "training":
                window.actions.pause_resume.trigger()
                wait_until(lambda: window.worker.state == "paused")
            window.actions.reset.trigger()
            wait_until(lambda: window.worker.state == "ready")
        seen: list[float] = []

        def on_plot(*_args, seen=seen) -> None:
            if not seen and curve.xData is not None and len(curve.xData):
                seen.append(time.perf_counter())

        curve.sigPlotChanged.connect(on_plot)
        start = time.perf_counter()
        window.actions.train.trigger()
        wait_until(lambda seen=seen: bool(seen), timeout=30)
        curve.sigPlotChanged.disconnect(on_plot)
        latencies.append(seen[0] - start)
    window.actions.pause_resume.trigger()
    wait_until(lambda: window.worker.state == "paused")
    return latencies


def precompile_check(window: MainWindow) -> dict:
    """The spec compiles with nobody clicking Train: after loading, and after a field edit."""
    states: list[str] = []
    window.worker.state_changed.connect(states.append)
    window.load_spec(preset_spec("xor-minimal"))
    wait_until(lambda: window.worker.state == "ready")
    editor = window.builder.field_editor("training.cost")  # compiled in: a new graph
    start = time.perf_counter()
    QTest.keyClick(editor, Qt.Key.Key_Down)  # the next cost in the list, as a person would
    wait_until(lambda: states[-1:] == ["ready"] and "compiling" in states[-3:])
    seconds = time.perf_counter() - start
    window.worker.state_changed.disconnect(states.append)
    return {
        "states": states,
        "compiled_after_edit_s": seconds,
        "edited_cost": window.spec.training.cost,
    }


STARTUP_CHILD = "startup"


def startup_child(preset: str) -> None:
    """In a fresh process: window -> compiled (nobody clicks) -> Train -> first plotted point."""
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
        start = time.perf_counter()
        window = MainWindow(preset_spec(preset), settings=settings)
        window.show()
        compiled: list[float] = []
        window.worker.compiled.connect(compiled.append)
        wait_until(lambda: window.worker.state == "ready", timeout=900)
        ready = time.perf_counter() - start
        curve = window.cost_plot.curve
        clicked = time.perf_counter()
        window.actions.train.trigger()
        wait_until(lambda: curve.xData is not None and len(curve.xData) > 0)
        first_point = time.perf_counter() - clicked
        engine = getattr(window, "engine", None)
        strategy = engine.chosen if engine is not None else ""
        window.close()
        window.stop_threads()  # every thread: a process leaving with one running is aborted
    print(
        json.dumps(
            {
                "window_to_ready_s": ready,
                "compile_s": compiled[-1] if compiled else float("nan"),
                "train_to_first_point_s": first_point,
                "strategy": strategy,
            }
        )
    )
    app.quit()


def startup_runs(preset: str) -> dict[str, dict]:
    """Cold then warm disk cache, each in a fresh process."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="xorlab-gui-bench-") as cache:
        env = {**os.environ, "PYTENSOR_FLAGS": f"base_compiledir={cache}"}
        for kind in ("cold", "warm"):
            proc = subprocess.run(
                [sys.executable, __file__, "--child", STARTUP_CHILD, preset],
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            if proc.returncode:
                raise RuntimeError(proc.stderr[-3000:])
            out[kind] = json.loads(proc.stdout.strip().splitlines()[-1])
            c = out[kind]
            print(
                f"  {preset:<12} {kind} cache ({c['strategy']}): compile {c['compile_s']:.2f} s, "
                f"window -> "
                f"ready {c['window_to_ready_s']:.2f} s, Train -> first point "
                f"{c['train_to_first_point_s'] * 1000:.0f} ms"
            )
    return out


def loops_ended(r: dict) -> str:
    """The loop both sides ended the row on, or "window/headless" when they differ."""
    window, headless = r["strategy"], r["headless_strategy"]
    return window if window == headless else f"{window}/{headless}"


def loops_line(r: dict) -> str:
    """Which loop each side ran through the row, plainly: each trainer races the scan
    against the jax loop (core/training/tiers.py), so a row may compare unlike loops."""
    window, headless = r["strategy"], r["headless_strategy"]
    ended = (
        f"both ended on {window}"
        if window == headless
        else f"ENDED ON DIFFERENT LOOPS: window {window}, headless {headless}"
    )
    return (
        f"loops: window {' > '.join(r['window_loops'])}; headless "
        f"{' > '.join(r['headless_loops'])} ({ended})"
    )


def print_row(name: str, r: dict) -> None:
    headless = r["headless_steps_per_s"]
    dock = "open" if r["dock"] else "closed"
    if r["variant"]:
        dock += f" ({r['variant']})"
    paint = "-" if r["diagram_paint_ms"] is None else f"{r['diagram_paint_ms']:.1f}ms"
    engine = loops_ended(r)
    print(
        f"  {name:<12} {dock:<6} {engine:<10} {r['lag_p50_ms']:7.2f}ms "
        f"{r['lag_p99_ms']:6.2f}ms {r['lag_max_ms']:6.1f}ms  {r['gui_steps_per_s']:12,.0f} "
        f"{headless:12,.0f} {r['rate_ratio']:6.2f}  {r['snapshots_per_s']:9.1f} "
        f"{r['maps_per_s']:6.1f} {r['neuron_maps_per_s']:6.1f} "
        f"{r['diagram_redraws_per_s']:7.1f} {paint:>7} "
        f"{r['points_received_per_s']:9,.0f}"
    )
    print(f"  {'':<12} {loops_line(r)}")
    print(
        f"  {'':<12} cycle collections by generation {r['gc_collections']}, full ones took "
        f"{r['gc_full_ms']} ms, young ones <= {r['gc_young_max_ms']:.1f} ms; diagram painted "
        f"{r['diagram_paints_per_s']:.1f}/s; segment ratios {r['segment_ratios']}"
        + (
            "; JAX chunks begun ahead {}, parts dropped {}".format(*r["jax_ahead_used_dropped"])
            if r["strategy"] == "jax"
            else ""
        )
    )


def print_table(runs: dict, latency: list[float], precompile: dict, startup: dict) -> None:
    print("\nGUI while training (offscreen MainWindow, 5 ms lag timer)")
    head = (
        f"  {'preset':<12} {'dock':<6} {'loop':<10} {'lag p50':>8} {'p99':>7} {'max':>7}  "
        f"{'GUI steps/s':>12} {'headless':>12} {'ratio':>6}  {'redraws/s':>9} {'maps/s':>6} "
        f"{'neuron':>6} {'diagram':>7} {'paint':>7} {'points/s':>9}"
    )
    print(head)
    for key, row in runs.items():
        for r in [row, *row["variants"]]:
            print_row(key.split(" ")[0], r)
    print(
        f"\nTrain -> first plotted point (compiled, warm): median "
        f"{statistics.median(latency) * 1000:.1f} ms, max {max(latency) * 1000:.1f} ms "
        f"over {len(latency)}"
    )
    print(
        f"precompile: states {' -> '.join(precompile['states'])} with no Train click; a cost "
        f"edit recompiled in {precompile['compiled_after_edit_s']:.2f} s"
    )
    for preset, kinds in startup.items():
        if "cold" in kinds and "warm" in kinds:
            ratio = kinds["cold"]["compile_s"] / kinds["warm"]["compile_s"]
            print(f"  {preset}: second process compiles {ratio:.1f}x faster (disk caches)")


def verdicts(runs: dict, latency: list[float]) -> dict[str, bool]:
    out = {}
    for name, r in runs.items():
        out[f"{name}.lag_p99"] = r["lag_p99_ms"] <= TARGETS["lag_p99_ms"]
        out[f"{name}.rate_within_20pct"] = r["rate_ratio"] >= TARGETS["rate_ratio"]
        out[f"{name}.redraws"] = r["snapshots_per_s"] >= TARGETS["redraws_per_s"]
    out["first_point"] = statistics.median(latency) <= TARGETS["first_point_s"]
    return out


def snapshot_thread_variants(args: argparse.Namespace) -> list[Variant]:
    """The segments to alternate with for the snapshot thread's flags (round 11)."""
    variants = []
    if args.compare_off_thread_wall:
        variants.append(Variant("job paced by wall time", off_thread_by_wall=True))
    if args.compare_snapshot_thread_before:
        variants.append(
            Variant(
                "snapshot thread as round 10",
                off_thread_by_wall=True,
                separate_neuron_grid=True,
                off_thread_uncapped=True,
                overlap_frames=True,
            )
        )
    return variants


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="training time per preset")
    parser.add_argument("--no-cold", action="store_true", help="skip the fresh-process runs")
    parser.add_argument("--repeats", type=int, default=7, help="first-point latency repeats")
    parser.add_argument(
        "--legacy-gc", action="store_true", help="the GUI-thread collector's old policy"
    )
    parser.add_argument(
        "--presets",
        nargs="*",
        default=[*PRESETS, BIG],
        help=f"what to train (default: every preset and {BIG})",
    )
    parser.add_argument(
        "--dock", choices=("both", "closed", "open"), default="both", help="the Network dock"
    )
    parser.add_argument(
        "--engine",
        choices=("auto", "fused", "scan", "jax"),
        default=None,
        help="train with this engine (default: the window's, auto)",
    )
    parser.add_argument(
        "--compare-switch-ms",
        type=float,
        help="alternate the segments with ones under this GIL switch interval (ms)",
    )
    parser.add_argument(
        "--compare-max-chunk-ms",
        type=float,
        help="alternate the segments with ones where a GIL-free loop's chunks (the worker's "
        "and so the headless side's) run at most so long (10: the chunks of before)",
    )
    parser.add_argument(
        "--compare-before",
        action="store_true",
        help="alternate the segments with ones run as before round 9: CPython's 5 ms GIL "
        "switch interval and chunks of at most 10 ms",
    )
    parser.add_argument(
        "--compare-on-worker",
        action="store_true",
        help="alternate the segments with ones where every snapshot is evaluated on the "
        "worker's thread, as before round 10 (app/snapshot_pipeline.py)",
    )
    parser.add_argument(
        "--compare-ahead",
        type=float,
        help="alternate the segments with ones where the JAX loop runs this share of a chunk "
        "of the next one ahead (0: none, the loop of before round 10)",
    )
    parser.add_argument(
        "--compare-xla-nice",
        type=int,
        help="alternate the segments with ones where XLA's threads run this much nicer than "
        "the process (0: as its other threads; the app's: jax_setup.XLA_NICE_ABOVE)",
    )
    parser.add_argument(
        "--compare-jax-before",
        action="store_true",
        help="alternate the segments with ones where the JAX loop runs as before round 10: "
        "nothing ahead, XLA's threads as nice as the process's",
    )
    parser.add_argument(
        "--compare-jax-short-chunks",
        action="store_true",
        help="alternate the segments with ones where a loop releasing the GIL (JAX's as "
        "before round 10) runs 10 ms chunks, not one per snapshot",
    )
    parser.add_argument(
        "--compare-off-thread-wall",
        action="store_true",
        help="alternate the segments with ones where the snapshot thread's job is paced by "
        "its wall time, as before round 11, not its CPU time (app/pacing.py)",
    )
    parser.add_argument(
        "--compare-snapshot-thread-before",
        action="store_true",
        help="alternate the segments with ones where the snapshot thread works as in round 10: "
        "its job paced by wall time with no cap on the rate, the neuron maps always on their "
        "own 24 x 24 grid",
    )
    parser.add_argument(
        "--max-chunk-ms",
        type=float,
        help="the longest chunk of a GIL-free loop in every segment (default: the app's)",
    )
    parser.add_argument("--segments", type=int, default=4, help="window segments per row")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        startup_child(args.child[1])
        return 0

    app = QApplication.instance() or QApplication(sys.argv)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    collector = gui_gc.install()
    if args.legacy_gc:
        collector.policy = LegacyGcPolicy(collector.thresholds)
    print(f"GUI-thread collector policy: {type(collector.policy).__name__}")
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
        window = MainWindow(endless("xor-minimal"), settings=settings)
        window.resize(1500, 940)
        window.show()
        if args.engine and not window.engine.choose(args.engine, remember=False):
            raise SystemExit(f"the {args.engine} engine is not available here")
        wait_until(lambda: window.worker.state == "ready")
        precompile = precompile_check(window)
        runs = {}
        docks = {"both": (False, True), "closed": (False,), "open": (True,)}[args.dock]
        base_chunk = args.max_chunk_ms / 1000 if args.max_chunk_ms else None
        variants = [
            Variant("as the app runs" if base_chunk is None else "", max_chunk_s=base_chunk)
        ]
        if args.compare_switch_ms:
            variants.append(
                Variant(f"switch {args.compare_switch_ms:g} ms", args.compare_switch_ms / 1000)
            )
        if args.compare_max_chunk_ms:
            ms = args.compare_max_chunk_ms
            variants.append(Variant(f"chunks <= {ms:g} ms", max_chunk_s=ms / 1000))
        if args.compare_ahead is not None:
            share = args.compare_ahead
            variants.append(Variant(f"jax ahead {share:g}", jax_ahead=share))
        if args.compare_xla_nice is not None:
            nice = args.compare_xla_nice
            variants.append(Variant(f"XLA nice {nice}", xla_nice=nice))
        if args.compare_jax_before:
            variants.append(Variant("jax before round 10", jax_ahead=0.0, xla_nice=0))
        if args.compare_jax_short_chunks:
            variants.append(Variant("10 ms chunks", long_chunks=False))
        if args.compare_before:
            variants.append(Variant("before round 9", switch_s=0.005, max_chunk_s=0.010))
        variants += snapshot_thread_variants(args)
        if args.compare_on_worker:
            variants.append(Variant("snapshots on the worker", on_worker=True))
        if len(variants) == 1:
            variants = [replace(variants[0], label="")]
        for name in args.presets:
            for dock in docks:
                window.network_views.dock.setVisible(dock)
                key = f"{name} dock {'open' if dock else 'closed'}"
                runs[key] = r = train_for(
                    window, endless(name), args.seconds, args.segments, tuple(variants)
                )
                for v in [r, *r["variants"]]:
                    print(
                        f"  {key}{' ' + v['variant'] if v['variant'] else ''}: lag p99 "
                        f"{v['lag_p99_ms']:.2f} ms, GUI {v['gui_steps_per_s']:,.0f} steps/s = "
                        f"{v['rate_ratio']:.2f} of headless (segments {v['segment_ratios']}, "
                        f"chunks "
                        f"{v['chunk_ms']} ms), "
                        f"{v['snapshots_per_s']:.1f} redraws/s, diagram "
                        f"{v['diagram_redraws_per_s']:.1f}/s; load {os.getloadavg()[0]:.2f}\n"
                        f"    {loops_line(v)}",
                        flush=True,
                    )
        window.load_spec(endless("xor-minimal"))
        # Already this spec when the presets ended with it: then the run stays as it is (paused),
        # and first_point_latency resets it.
        wait_until(lambda: window.worker.state in ("ready", "paused", "done"))
        latency = first_point_latency(window, args.repeats)
        window.close()
        window.stop_threads()  # every thread: a process leaving with one running is aborted
    startup = {}
    if not args.no_cold:
        for preset in ("xor-minimal", "spiral"):
            startup[preset] = startup_runs(preset)

    print_table(runs, latency, precompile, startup)
    met = verdicts(runs, latency)
    print("targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in met.items()))
    print(
        json.dumps(
            {
                "bench": "gui",
                "runs": runs,
                "first_point_s": latency,
                "precompile": precompile,
                "startup": startup,
                "targets": TARGETS,
                "met": met,
                "load_average": os.getloadavg()[0],
                "gc_policy": type(collector.policy).__name__,
            }
        )
    )
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
