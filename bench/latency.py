"""Latency: how long a learner waits, cold (empty PyTensor and Numba caches) and warm.

Prints one JSON line per measurement (``"item"`` names the issue's item), each from a fresh
process, with the load average beside it:

- ``first_point`` (item 1, 2): headless, as the worker does it: from a spec never trained in
  this process to its first snapshot (quick-tier step, evaluation, decision-map grid), then
  time to full speed (the fast loop compiled in the background takes over), and steps/s on
  the quick tier and on the fast loop; over the presets and random never-seen networks
  (2-3 hidden layers of 9-40 neurons). Cold, then warm (the same cache, now filled by the
  presets: the random networks stay never seen).
- ``window`` (items 1, 3, 5): the real MainWindow offscreen in a fresh process: process
  start -> window shown -> Train enabled -> (Train clicked at once) first plotted point ->
  full speed; then a never-seen network loaded into the running window and trained.
- ``tutorial`` (item 7): 60,000 xor-minimal steps at full speed, Train -> Done, in the window.
- ``expression`` (item 4): three expressions of 450-500 characters (the 100-term
  ``x**x/x**x/...``, a sum of products, nested compositions) in the Expression tab itself
  (offscreen, its runner computing while the GUI thread draws and, as in the window, collects
  the garbage: automatic cycle collection off): the first answer drawn (f, f', value check,
  plots, symbolic graph), the complete one (the optimized compile, formula, both graphs laid
  out) and the optimized graph on its button, each timed from the edit.
- ``start`` (items 3, 5; only when named in ``--items``): the window as ``python main.py`` and
  ``python main.py --preset spiral`` open it, cold then warm: from the parent's spawn to the
  window's first paint, then to Train enabled, and what was imported by the first paint.
- ``startup`` (item 5): ``python main.py --help``, ``grad --help`` and a ``grad`` evaluation
  (to its exit, and to the line with f'), beside a bare interpreter's start, ``import
  pytensor`` and the window's module imports.

    .venv/bin/python bench/latency.py            # ~5 minutes on 2 cores
    .venv/bin/python bench/latency.py --quick    # xor presets, one random net: ~2 minutes
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

T0 = time.perf_counter()  # as close to the process start as a script gets

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRESETS = ("xor-minimal", "xor-bias", "parity3", "circle", "spiral")
FULL_SPEED_TIMEOUT_S = 180.0


def load() -> float:
    return round(os.getloadavg()[0], 2)


def random_networks(count: int, seed: int) -> list[dict]:
    """Point-set networks of 2-3 hidden layers of 9-40 neurons, as the builder allows."""
    import random

    rng = random.Random(seed)
    nets = []
    for _ in range(count):
        layers = rng.randint(2, 3)
        nets.append(
            {
                "preset": rng.choice(["circle", "spiral"]),
                "network": {
                    "hidden": [rng.randint(9, 40) for _ in range(layers)],
                    "activations": [rng.choice(["tanh", "relu", "sigmoid"])] * layers,
                },
            }
        )
    return nets


def spec_of(case: dict):
    from xorlab.core.training.presets import preset_spec

    spec = preset_spec(case["preset"])
    if "network" in case:
        net = {k: tuple(v) for k, v in case["network"].items()}
        spec = spec.with_changes(network=net)
    return spec


def label(case: dict) -> str:
    if "network" not in case:
        return case["preset"]
    sizes = "-".join(str(n) for n in case["network"]["hidden"])
    return f"{case['preset']} {sizes} {case['network']['activations'][0]}"


# --- children (each in a fresh process) ------------------------------------------------------


def _to_first_point(spec):
    """A new Trainer of ``spec`` up to its first snapshot, in the worker's order
    (app/compile_steps.py, ui/runtime/training_session.py): quick step, evaluation, grid
    prediction, then Train at once: the first epoch (a point of the cost curve is an epoch's
    cost: the spiral's takes 16 steps) and a snapshot; then the background compile starts."""
    from xorlab.core.training.datasets import plane_grid
    from xorlab.core.training.trainer import Trainer

    start = time.perf_counter()
    trainer = Trainer(spec)
    grid = plane_grid(trainer.dataset, 64) if trainer.dataset.n_inputs == 2 else None
    quick = time.perf_counter()
    trainer.start_tiered(background=False)
    trainer.quick_build_s = time.perf_counter() - quick  # the quick tier's build alone
    trainer.evaluate()
    if grid is not None:
        trainer.evaluate(grid.points[:1])
    trainer.run(trainer.steps_per_epoch)
    trainer.snapshot(grid)
    first_point = time.perf_counter() - start
    trainer.compile_in_background()
    return trainer, grid, start, first_point


def child_first_point(case: dict) -> dict:
    import numpy as np

    from xorlab.core.training.presets import preset_spec
    from xorlab.core.training.tiers import QUICK_TIER_YIELD

    imported = time.perf_counter() - T0
    # The first network in a process also pays one-off imports and set-up (scipy.special,
    # PyTensor's linker modules): measured apart, on a network of another shape.
    other = "parity3" if case["preset"] != "parity3" else "xor-bias"
    first_trainer, _, _, first_in_process = _to_first_point(preset_spec(other))
    first_trainer._background and first_trainer._background.wait()
    trainer, grid, start, first_point = _to_first_point(spec_of(case))
    # The quick tier trains in ~10 ms chunks, with a snapshot every ~50 ms, as the worker does.
    quick_steps, quick_seconds, chunk, last_snapshot = 0, 0.0, 1, time.perf_counter()
    while not trainer.at_full_speed and time.perf_counter() - start < FULL_SPEED_TIMEOUT_S:
        tier_before = trainer.tier
        t = time.perf_counter()
        trainer.run(chunk)
        took = time.perf_counter() - t
        if trainer.done:
            trainer.reset()
        if tier_before == "numpy" and not trainer.at_full_speed:
            quick_steps, quick_seconds = quick_steps + chunk, quick_seconds + took
            chunk = max(1, min(chunk * 2, int(chunk * 0.010 / max(took, 1e-9))))
            if trainer.compiling_in_background:  # as the worker does
                time.sleep(took * QUICK_TIER_YIELD)
        if time.perf_counter() - last_snapshot > 0.05:
            trainer.snapshot(grid)
            last_snapshot = time.perf_counter()
    full_speed = time.perf_counter() - start if trainer.at_full_speed else None
    fast_rate = None
    if trainer.at_full_speed:
        steps, t, chunk = 0, time.perf_counter(), 64
        while time.perf_counter() - t < 1.0:
            took = time.perf_counter()
            if trainer.done:
                trainer.reset()
            steps += trainer.run(chunk).steps
            took = time.perf_counter() - took
            chunk = max(1, min(chunk * 2, int(chunk * 0.010 / max(took, 1e-9))))
        fast_rate = steps / (time.perf_counter() - t)
    return {
        "import_s": round(imported, 3),
        "first_network_in_process_s": round(first_in_process, 3),
        "spec_to_first_point_s": round(first_point, 3),
        "spec_to_full_speed_s": None if full_speed is None else round(full_speed, 2),
        "background_compile_s": trainer.background_seconds and round(trainer.background_seconds, 2),
        "strategy": trainer.tier,
        "quick_tier_build_s": round(trainer.quick_build_s, 3),
        "quick_steps_per_s": round(quick_steps / quick_seconds) if quick_seconds else None,
        "fast_steps_per_s": None if fast_rate is None else round(float(np.round(fast_rate))),
    }


def _wait(app, predicate, timeout: float) -> float | None:
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            return None
        app.processEvents()
        time.sleep(0.001)
    return time.perf_counter()


def _open_window():
    from PySide6.QtCore import QSettings

    from xorlab.ui.shell.application import create_application, open_window

    app = create_application()
    folder = tempfile.mkdtemp(prefix="xorlab-latency-")
    settings = QSettings(os.path.join(folder, "bench.ini"), QSettings.Format.IniFormat)
    return app, open_window, settings  # as run_app builds it (styled once built)


def _train_to_first_point(app, window, click_after: float = 0.0) -> tuple[float | None, float]:
    """Train, ``click_after`` seconds after it was enabled (0: at once, as no person does:
    a person's click comes when the fast loop's background compile has started), then the
    seconds until the cost curve shows its first point."""
    if click_after:
        _wait(app, lambda: False, click_after)
    curve = window.cost_plot.curve
    clicked = time.perf_counter()
    window.actions.train.trigger()
    seen = _wait(app, lambda: curve.xData is not None and len(curve.xData) > 0, 60)
    return (None if seen is None else seen - clicked), clicked


def child_window(case: dict) -> dict:
    from xorlab.core.training.presets import preset_spec

    app, MainWindow, settings = _open_window()
    window = MainWindow(preset_spec(case["preset"]), settings=settings)
    window.show()
    shown = _wait(app, window.isVisible, 30)
    enabled = _wait(app, window.actions.train.isEnabled, 120)
    first_point, clicked = _train_to_first_point(app, window, case.get("click_after", 0.0))
    full = _wait(app, lambda: window.engine.chosen not in ("", "numpy"), FULL_SPEED_TIMEOUT_S)
    out = {
        "process_to_window_s": round(shown - T0, 3),
        "window_to_train_enabled_s": None if enabled is None else round(enabled - shown, 3),
        "train_to_first_point_s": first_point and round(first_point, 3),
        "train_to_full_speed_s": None if full is None else round(full - clicked, 2),
        "strategy": window.engine.chosen,
    }
    # Never-seen networks, each loaded into the running window and trained as soon as Train
    # is enabled, then left to reach full speed before the next is loaded.
    out["edits"] = []
    for edit in case.get("edits", []):
        window.actions.stop.trigger()
        _wait(app, lambda: window.worker.state == "stopped", 30)
        edited = time.perf_counter()
        window.load_spec(spec_of(edit))
        enabled = _wait(
            app,
            lambda: window.worker.state == "ready" and window.actions.train.isEnabled(),
            120,
        )
        first_point, clicked = _train_to_first_point(app, window, case.get("click_after", 0.0))
        full = _wait(app, lambda: window.engine.chosen not in ("", "numpy"), FULL_SPEED_TIMEOUT_S)
        out["edits"].append(
            {
                "network": label(edit),
                "edit_to_train_enabled_s": None if enabled is None else round(enabled - edited, 3),
                "edit_train_to_first_point_s": first_point and round(first_point, 3),
                "edit_train_to_full_speed_s": None if full is None else round(full - clicked, 2),
                "edit_strategy": window.engine.chosen,
            }
        )
    window.close()
    window.stop_threads()  # every thread: a process leaving with one running is aborted
    return out


def child_tutorial(_case: dict) -> dict:
    from xorlab.core.training.presets import preset_spec

    app, MainWindow, settings = _open_window()
    window = MainWindow(preset_spec("xor-minimal"), settings=settings)
    window.show()
    _wait(app, window.actions.train.isEnabled, 120)
    states: list[str] = []
    window.worker.state_changed.connect(states.append)
    runs = []
    for _ in range(3):  # the first may start on the quick tier; the others at full speed
        strategy = window.engine.chosen
        states.clear()
        clicked = time.perf_counter()
        window.actions.train.trigger()
        done = _wait(app, lambda: "done" in states, 300)
        runs.append(
            {
                "train_to_done_s": None if done is None else round(done - clicked, 3),
                "started_on": strategy,
            }
        )
    snapshot = window.last_snapshot
    window.close()
    window.stop_threads()  # every thread: a process leaving with one running is aborted
    result = {"runs": runs}
    if snapshot is not None:
        result["outputs"] = [round(float(v), 6) for v in snapshot.outputs[:, 0]]
        result["cost"] = round(float(snapshot.cost), 10)
    return result


# Expressions of up to 500 characters a learner might type (item 4): the 100-term
# quotient, a sum of products of sin/exp/log/powers, and nested compositions.
_SUM_TERMS = (
    "sin({k}*x)*exp(-x**2/{k})",
    "cos({k}*x)*log(1+x**2)",
    "x**3*exp(-x/{k})",
    "sqrt({k}+x**2)*sin(x)",
    "log({k}+sin(x))*x**2",
    "exp(cos(x))*tanh(x/{k})",
)
_NESTING = ("sin", "exp", "log(1+", "cos", "tanh", "sqrt({k}+")


def _joined(term, separator: str, limit: int = 500) -> str:
    text, k = "", 0
    while len(longer := (text + separator if text else "") + term(k)) <= limit:
        text, k = longer, k + 1
    return text


def _nested(k: int, depth: int = 6) -> str:
    inner = "x"
    for i in range(depth):
        outer = _NESTING[(i + k) % len(_NESTING)].format(k=k + 1)
        inner = f"{outer}{inner}**2)" if outer.endswith("+") else f"{outer}({inner})"
    return inner


EXPRESSIONS = {
    "quotient": "/".join(["x**x"] * 100),
    "sum of products": _joined(lambda k: _SUM_TERMS[k % 6].format(k=k // 6 + 2), " + "),
    "nested": _joined(_nested, " * "),
}


def child_expression(case: dict) -> dict:
    """The Expression tab itself, offscreen, arranged as in the window: its background runner
    computes, and the GUI thread draws and collects garbage. The window switches automatic
    cycle collection off and collects on the GUI thread (ui/runtime/gui_gc.py); ``"gc":
    "automatic"`` leaves Python's collector on instead (what this item measured before
    round 9: collections then ran on the computing thread, ~0.1 s of the quotient's)."""
    import math

    from PySide6.QtWidgets import QApplication, QToolButton

    from xorlab.ui.expression.tab import JOB_FIRST, ExpressionTab
    from xorlab.ui.runtime import gui_gc

    text = EXPRESSIONS[case.get("expression", "quotient")]
    app = QApplication.instance() or QApplication([])
    if case.get("gc", "window") == "window":
        gui_gc.install()
    imported = time.perf_counter() - T0
    tab = ExpressionTab()
    tab.resize(1366, 768)
    # x = 1.5, plotted from 0.5 to 3, as this item always asked (the values are not all 0)
    for box, value in ((tab.point_box, 1.5), (tab.min_box, 0.5), (tab.max_box, 3.0)):
        box.setValue(value)
    tab._debounce.stop()  # computed once shown, with the default expression
    # Each job's CPU seconds on the runner's thread (its wall time is shared with the GUI
    # thread and other processes; Graphviz's own process is in neither).
    compute, job_cpu = tab.lab.compute, []

    def timed_compute(*args, **kwargs):
        cpu = time.thread_time()
        try:
            return compute(*args, **kwargs)
        finally:
            job_cpu.append(time.thread_time() - cpu)

    tab.lab.compute = timed_compute
    shown: list = []
    tab.result_shown.connect(shown.append)
    firsts: list = []
    tab.runner.job_finished.connect(lambda kind, _r: kind == JOB_FIRST and firsts.append(1))
    # The tab computes its default expression when first shown, so PyTensor's rewriters have
    # run once before a learner types anything (the first compile in a process is slower).
    start = time.perf_counter()
    tab.show()
    _wait(app, lambda: len(shown) == 1, 60)
    warm_up = time.perf_counter() - start
    job_cpu.clear()
    firsts.clear()
    times: dict = {}
    gui_cpu = time.thread_time()
    start = time.perf_counter()

    def mark(name: str, done) -> None:
        # "_at_s": from the edit to the answer drawn; "_cpu_s": the runner's CPU to then.
        seen = _wait(app, done, 60)
        times[f"{name}_at_s"] = None if seen is None else round(seen - start, 2)
        times[f"{name}_cpu_s"] = round(sum(job_cpu), 2)

    # As a learner: the new text (no typing pause), then the optimized graph's button.
    tab.set_expression(text)
    mark("first_answer", lambda: firsts)
    mark("complete", lambda: len(shown) == 2)
    symbolic = shown[-1]
    tab.findChild(QToolButton, "expression.stage.optimized").click()
    mark("optimized_graph", lambda: len(shown) == 3)
    times["gui_cpu_s"] = round(time.thread_time() - gui_cpu, 2)
    result = shown[-1]
    tab.shutdown(60_000)
    return {
        "expression": case.get("expression", "quotient"),
        "gc": case.get("gc", "window"),
        "characters": len(text),
        "import_s": round(imported, 2),
        "default_expression_s": round(warm_up, 2),
        **times,
        "f": result.f,
        "df": result.df,
        "fd": result.fd,
        "agree": bool(math.isclose(result.df, result.fd, rel_tol=1e-6)),
        "rewrites_limited": bool(result.rewrite_limit),
        "symbolic_ops": symbolic.graph.stats.apply_nodes,
        "symbolic_drawn": symbolic.svg is not None,
        "optimized_ops": result.graph.stats.apply_nodes,
        "optimized_drawn": result.svg is not None,
    }


def child_start(case: dict) -> dict:
    """The window as ``python main.py [--preset P]`` opens it (xorlab.cli -> launch -> run_app's
    steps): wall-clock times from the parent's spawn (``case["spawned"]``, time.time()) to the
    window's first paint and to Train enabled. Nothing is clicked."""
    # In main.py's order: xorlab.cli, then the application as launch imports it (its
    # Qt-free modules before PySide6: before_qt.py; no cycle collection meanwhile, then
    # frozen), then Qt.
    from xorlab.cli import build_parser
    from xorlab.ui.shell.launch import import_app

    import_app()
    from xorlab.ui.shell.application import create_application, open_window
    from xorlab.ui.shell.automation import initial_spec

    # isort: split
    from PySide6.QtCore import QEvent, QObject

    imported = time.time()
    args = build_parser().parse_args(case.get("argv", []))
    app = create_application()
    spec, _problem = initial_spec(args)
    folder = tempfile.mkdtemp(prefix="xorlab-latency-")
    from PySide6.QtCore import QSettings

    settings = QSettings(os.path.join(folder, "bench.ini"), QSettings.Format.IniFormat)
    # The first paint's time, the process's CPU time then, and what was imported by then.
    painted, cpu, heavy = [], [], []

    class PaintSpy(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.time())
                cpu.append(time.process_time())
                heavy.extend(m for m in ("pytensor", "numba", "scipy") if m in sys.modules)
            return False

    spy = PaintSpy()
    built = time.time()
    window = open_window(spec, settings=settings)
    constructed = time.time()
    # Watching every event of the application from Python costs: installed before the
    # window was built, the spy saw ~15,900 events of its construction and added 0.1-0.3 s
    # of CPU to it (2 cores, load 3). No event before show() can be a paint.
    app.installEventFilter(spy)
    window.show()
    while not painted:
        app.processEvents()
    shown = time.time()  # the first paint pass is over
    app.removeEventFilter(spy)
    enabled = _wait(app, window.actions.train.isEnabled, 120)
    enabled_cpu = time.process_time()
    enabled_wall = None if enabled is None else time.time() - (time.perf_counter() - enabled)
    spawned = case["spawned"]
    out = {
        "imports_s": round(imported - spawned, 3),
        "construct_s": round(constructed - built, 3),
        "process_to_window_s": round(shown - spawned, 3),
        "window_to_train_enabled_s": None
        if enabled_wall is None
        else round(enabled_wall - shown, 3),
        "heavy_at_window": heavy,  # imported by the time the window first painted
        # CPU seconds of the whole process (every thread) up to the first paint and to Train
        # enabled: on a loaded machine, closer to what a quiet one takes than the wall times.
        "cpu_to_window_s": round(cpu[0], 3),
        "cpu_to_train_enabled_s": round(enabled_cpu, 3),
    }
    window.close()
    window.stop_threads()  # every thread: a process leaving with one running is aborted
    return out


CHILDREN = {
    "start": child_start,
    "first_point": child_first_point,
    "window": child_window,
    "tutorial": child_tutorial,
    "expression": child_expression,
}


# --- the parent ---------------------------------------------------------------------------------


def run_child(kind: str, case: dict, cache: str | None, timeout: float = 900) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if cache is not None:
        env["PYTENSOR_FLAGS"] = f"base_compiledir={cache}"
        env["NUMBA_CACHE_DIR"] = os.path.join(cache, "numba")
    before = load()
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", kind, json.dumps(case)],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"not finished in {timeout:.0f} s", "load": [before, load()]}
    if proc.returncode:
        return {"error": proc.stderr[-2000:]}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["load"] = [before, load()]
    return result


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, os.path.join(REPO, "main.py"), *args], capture_output=True)
    return round(time.perf_counter() - start, 3)


def wall_to_line(args: list[str], start: str) -> float:
    """Seconds from spawning ``main.py args`` to its first output line beginning ``start``."""
    begun = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, os.path.join(REPO, "main.py"), *args], stdout=subprocess.PIPE, text=True
    )
    seen = float("nan")
    for line in child.stdout:
        if line.startswith(start) and seen != seen:
            seen = time.perf_counter() - begun
    child.wait()
    return round(seen, 3)


def wall_code(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True)
    return round(time.perf_counter() - start, 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="xor presets, one random net")
    parser.add_argument("--random", type=int, default=3, help="random never-seen networks")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--expression-timeout", type=float, default=240, metavar="S")
    parser.add_argument(
        "--expression-gc",
        choices=("window", "automatic", "both"),
        default="window",
        help="the expression item's cycle collection: as the window does it (default), "
        "Python's automatic collector, or both, alternating per expression",
    )
    parser.add_argument(
        "--click-after",
        type=float,
        default=0.0,
        metavar="S",
        help="in the window item, click Train S seconds after it is enabled, as a person "
        "does (default: at once)",
    )
    parser.add_argument(
        "--items",
        default="first_point,window,expression,startup",
        help="comma-separated: which measurements to run (default: all but start); "
        "start: the window's start-up alone (appear, Train enabled), xor-minimal and spiral",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    items = set(args.items.split(","))
    if args.child:
        kind, case = args.child
        print(json.dumps(CHILDREN[kind](json.loads(case))))
        return 0

    presets = ("xor-minimal", "xor-bias") if args.quick else PRESETS
    nets = random_networks(1 if args.quick else args.random, args.seed)
    emit({"bench": "latency", "load": load(), "nproc": os.cpu_count(), "seed": args.seed})
    if "first_point" in items:
        first_points(presets, nets)
    if "window" in items:
        windows(nets, args.quick, args.click_after)
    if "expression" in items:
        arrangements = ("window", "automatic") if args.expression_gc == "both" else None
        for name in EXPRESSIONS:
            for gc_kind in arrangements or (args.expression_gc,):
                case = {"expression": name, "gc": gc_kind}
                result = run_child("expression", case, None, timeout=args.expression_timeout)
                emit({"item": "expression", **result})
    if "startup" in items:
        startup()
    if "start" in items:
        starts()
    return 0


def first_points(presets: tuple[str, ...], nets: list[dict]) -> None:
    with tempfile.TemporaryDirectory(prefix="xorlab-latency-cache-") as cache:
        for cache_kind in ("cold", "warm"):
            for preset in presets:
                case = {"preset": preset}
                result = run_child("first_point", case, cache)
                emit({"item": "first_point", "case": preset, "cache": cache_kind, **result})
        for case in nets:  # never seen, with the cache warm from the presets
            result = run_child("first_point", case, cache)
            emit({"item": "first_point", "case": label(case), "cache": "presets", **result})


def windows(nets: list[dict], quick: bool, click_after: float = 0.0) -> None:
    # The window, each in a fresh process and a fresh cache (cold) or the cache it left (warm).
    with tempfile.TemporaryDirectory(prefix="xorlab-latency-cache-") as cache:
        for cache_kind in ("cold", "warm"):
            case = {"preset": "xor-minimal", "edits": nets, "click_after": click_after}
            result = run_child("window", case, cache)
            emit(
                {
                    "item": "window",
                    "case": "xor-minimal",
                    "cache": cache_kind,
                    "click_after_s": click_after,
                    **result,
                }
            )
        if not quick:
            with tempfile.TemporaryDirectory(prefix="xorlab-latency-cache-") as cold:
                result = run_child("window", {"preset": "spiral"}, cold)
                emit({"item": "window", "case": "spiral", "cache": "cold", **result})
        result = run_child("tutorial", {}, cache)
        emit({"item": "tutorial", "cache": "warm", **result})


def bytecode_cached() -> bool:
    """Whether xorlab's modules start from cached bytecode (setup.sh compiles it; Python writes
    it at a first start unless PYTHONDONTWRITEBYTECODE is set): without it every start
    compiles ~160 modules, 0.3-0.4 s of the window's."""
    import importlib.util

    sources = glob.glob(os.path.join(REPO, "xorlab", "**", "*.py"), recursive=True)
    return all(os.path.exists(importlib.util.cache_from_source(path)) for path in sources)


def starts() -> None:
    """`python main.py` and `python main.py --preset spiral`: window, then Train enabled, on an
    empty cache and then warm (the cache the cold run left)."""
    for argv, name in (([], "xor-minimal"), (["--preset", "spiral"], "spiral")):
        with tempfile.TemporaryDirectory(prefix="xorlab-latency-cache-") as cache:
            for cache_kind in ("cold", "warm"):
                case = {"argv": argv, "spawned": time.time()}
                result = run_child("start", case, cache)
                emit(
                    {
                        "item": "start",
                        "case": name,
                        "cache": cache_kind,
                        "bytecode_cached": bytecode_cached(),
                        **result,
                    }
                )


def startup() -> None:
    before = load()
    emit(
        {
            "item": "startup",
            "bytecode_cached": bytecode_cached(),
            "help_s": wall(["--help"]),
            "grad_help_s": wall(["grad", "--help"]),
            "grad_at_s": wall(["grad", "exp(sin(x**2))", "--at", "15"]),
            # grad prints f and f' before the optimized compile that only adds notes.
            "grad_answer_s": wall_to_line(["grad", "exp(sin(x**2))", "--at", "15"], "f'"),
            # What those are made of: a bare interpreter, PyTensor's import, the window's.
            "python_s": wall_code("pass"),
            "import_pytensor_s": wall_code("import pytensor"),
            "import_window_modules_s": wall_code("import xorlab.ui.shell.main_window"),
            "load": [before, load()],
        }
    )


if __name__ == "__main__":
    sys.exit(main())
