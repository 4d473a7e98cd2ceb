"""Where one snapshot's GUI time goes, per view and per Qt event, while the window trains.

    .venv/bin/python bench/gui_breakdown.py                          # spiral, dock closed
    .venv/bin/python bench/gui_breakdown.py --preset xor-minimal --dock open

The real MainWindow (offscreen) trains for a fixed time. Every event the GUI thread handles
goes through QApplication.notify, which this tool times (wall and thread CPU) by event type
and receiver (class and objectName), and every slot connected to the worker's snapshots is
timed by view. Prints, per snapshot drawn: the milliseconds each view's slot took, each kind
of event (paint, layout request, polish, timer...) and which widgets asked for layouts.
Not a pass/fail benchmark: a map of a frame, to choose what to cut. Timing through notify
adds a few microseconds an event, so the totals are a little above bench/gui.py's frames.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import functools
import importlib
import io
import os
import pstats
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it (xorlab/cli.py)
sys.path.insert(0, str(Path(__file__).parent))

from gui import endless, ready_window, spin, wait_until  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QThread, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from xorlab.ui.runtime import outbox  # noqa: E402
from xorlab.ui.shell.main_window import MainWindow  # noqa: E402


class TimingApp(QApplication):
    """Times every event delivered on the GUI thread while ``recording``."""

    def __init__(self, argv):
        super().__init__(argv)
        self.recording = False
        self.events = False  # time events too (adds Python to every event)
        self.depth = 0
        self.gui = QThread.currentThread()
        self.wall = collections.Counter()  # (event type, receiver) -> seconds, outermost only
        self.count = collections.Counter()
        self.paint = collections.Counter()  # receiver -> seconds in its Paint events, any depth
        self.paints = collections.Counter()  # receiver -> how many
        self.stalls: list[tuple[float, float, str, str]] = []  # outermost events > 10 ms

    def notify(self, receiver, event):  # noqa: N802 - Qt's name
        if not self.recording or not self.events or QThread.currentThread() is not self.gui:
            return super().notify(receiver, event)
        kind = event.type()
        self.depth += 1
        start = time.perf_counter()
        cpu = time.thread_time()
        try:
            return super().notify(receiver, event)
        finally:
            self.depth -= 1
            took = time.perf_counter() - start
            if self.depth == 0:
                self.wall[(kind.name, describe(receiver))] += took
                if took > 0.010:  # a stall of the event loop: what and how long (lag spikes)
                    cpu_took = time.thread_time() - cpu
                    self.stalls.append((took, cpu_took, kind.name, describe(receiver)))
            if kind in (QEvent.Type.Paint, QEvent.Type.UpdateRequest):
                # Where the outermost events' time goes: the widgets painted (a repaint
                # of the window sends one Paint per dirty widget, one after the other).
                # Thread CPU: a busy machine hardly moves it.
                key = (kind.name, describe(receiver, parent=True))
                self.paint[key] += time.thread_time() - cpu
                self.paints[key] += 1
            if kind == QEvent.Type.LayoutRequest:
                self.count[("LayoutRequest", describe(receiver))] += 1


def describe(receiver, parent: bool = False) -> str:
    try:
        if parent and isinstance(receiver, QWidget) and receiver.parentWidget() is not None:
            # A viewport is named for the view it belongs to.
            return f"{describe(receiver)} in {describe(receiver.parentWidget())}"
        if isinstance(receiver, QTimer):  # which timer: its owner and interval
            parent = receiver.parent()
            owner = type(parent).__name__ if parent is not None else "-"
            return f"QTimer({owner}, {receiver.interval()} ms)"
        return f"{type(receiver).__name__}({receiver.objectName()})"
    except RuntimeError:  # deleted while its event was delivered
        return type(receiver).__name__


# Per view, the method its snapshot connection calls (name -> (module, class, method)).
VIEW_SLOTS = {
    "cost plot": ("xorlab.ui.training.cost_plot", "CostPlot", "on_snapshot"),
    "outputs plot": ("xorlab.ui.training.outputs_plot", "OutputsPlot", "on_snapshot"),
    "boundary": ("xorlab.ui.training.boundary", "BoundaryView", "on_snapshot"),
    "truth table": ("xorlab.ui.training.truth_table", "TruthTable", "on_snapshot"),
    "diagram": ("xorlab.ui.network.diagram", "NetworkDiagram", "on_snapshot"),
    "formulas": ("xorlab.ui.formulas.panel", "FormulaPanel", "on_snapshot"),
    "log view": ("xorlab.ui.training.log_view", "LogView", "on_snapshot"),
    "status bar": ("xorlab.ui.shell.status_bar", "TrainingStatusBar", "set_progress"),
}


def time_views(app: TimingApp, slots: collections.Counter, worst: collections.Counter) -> None:
    """Wrap each view's slot in its class, before the window connects the bound methods:
    connecting a timed wrapper beside the real slot would run the view twice a snapshot."""
    for name, (module, cls_name, method) in VIEW_SLOTS.items():
        cls = getattr(importlib.import_module(module), cls_name)
        original = getattr(cls, method)

        @functools.wraps(original)
        def timed(self, *args, original=original, name=name):
            start = time.thread_time()
            try:
                return original(self, *args)
            finally:
                if app.recording:
                    took = time.thread_time() - start
                    slots[name] += took
                    worst[name] = max(worst[name], took)

        setattr(cls, method, timed)


def synthetic_frames(window: MainWindow, frames: int, profile=None) -> dict[str, float]:
    """In the paused window: deliver ``frames`` snapshots made from the last one (each a
    later epoch, new outputs and a new cost point) as the worker does, and let the views
    draw them; the GUI thread's CPU per frame, median and 90th percentile. Load on the
    machine hardly moves a thread's CPU time, so this compares builds under load."""
    import numpy as np  # noqa: PLC0415

    base = window.last_snapshot
    rng = np.random.default_rng(0)
    deliver = window.worker._deliver
    cpu = []
    step, epoch = base.step, base.epoch
    for k in range(frames):
        step, epoch = step + 64, epoch + 4
        outputs = np.clip(base.outputs + rng.normal(0, 0.01, base.outputs.shape), 0, 1)
        snap = replace(
            base,
            step=step,
            epoch=epoch,
            outputs=outputs,
            cost=float(base.cost * (1 - 1e-4 * k)),
            history_steps=np.array([epoch], np.int64),
            history_costs=np.array([base.cost * (1 - 1e-4 * k)]),
            log_lines=(),
        )
        start = time.thread_time()
        if profile is not None:
            profile.enable()
        deliver("snapshot", (snap, (step, 10**9, 1.0e6 + 1000 * k)))
        for _ in range(3):  # the posted layouts and repaints, and what those post
            QCoreApplication.sendPostedEvents()
        if profile is not None:
            profile.disable()
        cpu.append(time.thread_time() - start)
    cpu.sort()
    return {
        "min_ms": 1000 * cpu[0],  # the least disturbed by other work on the machine
        "median_ms": 1000 * cpu[len(cpu) // 2],
        "p90_ms": 1000 * cpu[int(0.9 * len(cpu))],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="spiral")
    parser.add_argument("--dock", choices=("open", "closed"), default="closed")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--events", action="store_true", help="time every Qt event too")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the made-up frames (--frames)"
    )
    parser.add_argument(
        "--frames", type=int, default=0, help="then pause and time this many made-up frames"
    )
    args = parser.parse_args()
    app = TimingApp(sys.argv)
    app.events = args.events
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    slots = collections.Counter()
    flush = {"wall": 0.0, "cpu": 0.0, "n": 0}

    # Time the outbox's whole delivery (slots + the flush of posted events).
    original = outbox.Outbox._on_posted

    def on_posted(self):
        if not app.recording:
            return original(self)
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(self)
        finally:
            flush["wall"] += time.perf_counter() - wall
            flush["cpu"] += time.thread_time() - cpu
            flush["n"] += 1

    outbox.Outbox._on_posted = on_posted
    worst = collections.Counter()  # view -> its slowest single call, CPU
    time_views(app, slots, worst)
    with tempfile.TemporaryDirectory() as folder:
        window = ready_window(folder, endless(args.preset), args.dock == "open")
        worker = window.worker
        window.actions.train.trigger()
        # Measure the fast loop, not the quick tier it starts on.
        wait_until(lambda: window.engine.chosen not in ("", "numpy"), 900)
        spin(1.0)
        drawn = []
        worker.snapshot_ready.connect(lambda _s: drawn.append(1))
        app.recording = True
        load_before = os.getloadavg()[0]
        cpu_before = time.thread_time()
        spin(args.seconds)
        gui_cpu = time.thread_time() - cpu_before  # everything the GUI thread did
        app.recording = False
        frame = worker._outbox.frame_seconds
        live = len(drawn)
        synthetic = profile = None
        if args.frames:
            window.actions.pause_resume.trigger()
            wait_until(lambda: window.worker.state == "paused")
            spin(0.3)
            profile = cProfile.Profile() if args.profile else None
            synthetic = synthetic_frames(window, args.frames, profile)
        window.close()
        window.stop_threads()  # every thread: a process leaving with one running is aborted
    n = max(live, 1)
    print(
        f"{args.preset}, dock {args.dock}: {live / args.seconds:.1f} snapshots/s, "
        f"load {load_before:.2f}; outbox frame {frame * 1000:.1f} ms"
    )
    print(
        f"GUI-thread CPU per snapshot drawn, all of it (views, timers, collector): "
        f"{gui_cpu / n * 1000:.2f} ms ({gui_cpu / args.seconds * 100:.0f}% of a core)"
    )
    print(
        f"per delivery: {flush['wall'] / max(flush['n'], 1) * 1000:.2f} ms wall, "
        f"{flush['cpu'] / max(flush['n'], 1) * 1000:.2f} ms GUI-thread CPU "
        f"({flush['n']} deliveries)"
    )
    if synthetic is not None:
        print(
            f"paused, {args.frames} made-up frames: GUI-thread CPU per frame min "
            f"{synthetic['min_ms']:.2f} ms, median {synthetic['median_ms']:.2f} ms, "
            f"p90 {synthetic['p90_ms']:.2f} ms"
        )
    if profile is not None:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
    print("\nper snapshot, ms of GUI-thread CPU in each view's slot (and its slowest call)")
    for name, seconds in slots.most_common():
        print(f"  {name:<24} {seconds / n * 1000:7.2f} {worst[name] * 1000:8.2f}")
    if not args.events:
        app.quit()
        return 0
    print("\nper snapshot, ms per outermost event (type, receiver)")
    for (kind, receiver), seconds in app.wall.most_common(args.top):
        print(f"  {kind:<22} {receiver:<48} {seconds / n * 1000:7.2f}")
    print(
        "\nper snapshot, ms of GUI-thread CPU in Paint (each widget) and UpdateRequest "
        "(a whole repaint), and how many of each"
    )
    for (kind, receiver), seconds in app.paint.most_common(args.top):
        count = app.paints[(kind, receiver)] / n
        print(f"  {kind:<14} {receiver:<70} {seconds / n * 1000:7.2f} {count:5.2f}x")
    print(f"\nevents that held the event loop over 10 ms ({len(app.stalls)}), the longest:")
    for took, cpu_took, kind, receiver in sorted(app.stalls, reverse=True)[:15]:
        print(f"  {took * 1000:7.1f} ms wall {cpu_took * 1000:7.1f} ms CPU  {kind:<14} {receiver}")
    print("\nper snapshot, layout requests by receiver")
    for (_kind, receiver), count in app.count.most_common(args.top):
        print(f"  {receiver:<60} {count / n:6.2f}")
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
