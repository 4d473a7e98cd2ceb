"""What one redraw costs, view by view, and what the worker spends on a snapshot's maps.

    .venv/bin/python bench/gui_frame.py                  # spiral, ~1 minute
    .venv/bin/python bench/gui_frame.py --preset spiral-64x3

Each figure is the minimum over repeats (a busy machine adds to the mean, hardly to the
minimum). Same-process baselines: the diagram's lines repainted as one item against one
QGraphicsLineItem per weight (as before) in the same scene; for what moved off the GUI
thread, tracing the decision map's 0.5 contour there (pyqtgraph's IsocurveItem, as before)
against drawing the worker's segments, and colouring every neuron map there against
wrapping the worker's pictures; and on the worker, the maps of one snapshot on the fine and
the coarse grid, with and without the neuron maps, against the fine map through the Numba
predict function alone (as before).
Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import timeit
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it (xorlab/cli.py)
sys.path.insert(0, str(Path(__file__).parent))

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from gui import endless, ready_window, spin, wait_until  # noqa: E402
from PySide6.QtCore import QCoreApplication, QLineF  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QGraphicsLineItem  # noqa: E402

from xorlab.app.live_maps import COARSE_RESOLUTION  # noqa: E402
from xorlab.core.training.datasets import plane_grid  # noqa: E402
from xorlab.core.training.neuron_maps import map_grid  # noqa: E402
from xorlab.core.training.plane_maps import plane_maps  # noqa: E402
from xorlab.core.training.trainer import Trainer  # noqa: E402
from xorlab.ui.network import style  # noqa: E402
from xorlab.ui.network.edges import render_picture  # noqa: E402
from xorlab.ui.network.paint import layer_map  # noqa: E402
from xorlab.ui.shell.main_window import MainWindow  # noqa: E402


def best_ms(fn, repeat: int) -> float:
    return 1000 * min(timeit.repeat(fn, number=1, repeat=repeat))


def gui_costs(window: MainWindow, repeat: int) -> dict[str, float]:
    snap = window.last_snapshot

    def redraw(view):
        def run():
            view.on_snapshot(snap)
            QCoreApplication.sendPostedEvents()
            view.repaint()

        return run

    views = {
        "cost plot": window.cost_plot,
        "outputs plot": window.outputs_plot,
        "decision boundary": window.boundary,
        "truth table": window.truth_table,
    }
    out = {name: best_ms(redraw(view), repeat) for name, view in views.items()}
    out["whole window repaint"] = best_ms(window.repaint, repeat)
    diagram = window.network_views.diagram
    # The diagram's update for a snapshot of new weights (a nudge re-pens some lines), the
    # figure tests/ui/network counts instead of timing; target < 5 ms.
    rng = np.random.default_rng(0)

    def nudged():
        weights = tuple(w + rng.normal(0, 0.01, w.shape) for w in snap.weights)
        diagram.on_snapshot(replace(snap, weights=weights))

    out[f"diagram update, {len(diagram.scene.edges)} lines nudged"] = best_ms(nudged, repeat)
    diagram.on_snapshot(snap)
    out.update(diagram_costs(diagram, repeat))
    plane = snap.plane
    # The contour: traced on the GUI thread (before) or the worker's segments (now).
    iso = pg.IsocurveItem(level=0.5)

    def trace():
        iso.setData(plane.output, 0.5)
        iso.boundingRect()

    out["contour traced on the GUI (before)"] = best_ms(trace, repeat)
    curve = pg.PlotCurveItem(connect="pairs")
    seg = plane.contour
    out["contour from the worker"] = best_ms(
        lambda: curve.setData(seg[:, 0::2].ravel(), seg[:, 1::2].ravel()), repeat
    )
    maps = diagram.maps_data
    if maps is not None and maps.images is not None:
        arch = diagram.arch
        units = [(k, u) for k, n in enumerate(arch.sizes) if n <= 16 for u in range(n)]

        def colour_on_gui():
            for k, u in units:
                style.map_image(layer_map(maps.maps, k, u), 0.0, 1.0)

        def wrap_pictures():
            for k, u in units:
                style.rgba_pixmap(maps.images[k][u])

        out[f"{len(units)} neuron maps coloured on the GUI (before)"] = best_ms(
            colour_on_gui, repeat
        )
        out[f"{len(units)} neuron maps from the worker's pictures"] = best_ms(wrap_pictures, repeat)
    return out


def diagram_costs(diagram, repeat: int) -> dict[str, float]:
    """The diagram's repaint when every pen changes (what a snapshot while training does):
    now (the GUI blits the lines' picture; the picture is rasterized on a background thread
    without the GIL, its CPU time here), with the lines painted as one item on the GUI
    thread, and as one QGraphicsLineItem per weight (before, built in the same scene with
    the same pens), jagged (while training) and smooth."""
    view, scene = diagram.view, diagram.scene
    viewport = view.viewport()
    edges = scene.edges
    weights = tuple(np.array(w) for w in scene.weights)
    both = itertools.cycle([tuple(-w for w in weights), weights])  # every pen changes sign

    def new_weights():
        scene.set_weights(next(both))
        viewport.repaint()

    out = {}
    n = len(edges)
    modes = (("while training", False), ("smooth", True))
    if diagram.pictures is not None:
        for name, smooth in modes:
            view.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
            viewport.repaint()
            wait_until(edges.picture_is_current)
            asked = edges.on_stale
            edges.on_stale = lambda _view: None  # the GUI thread's part alone: no picture
            out[f"diagram repaint, new weights, blit, {name}"] = best_ms(new_weights, repeat)
            edges.on_stale = asked
            job = edges.picture_job(edges.wanted)
            render_picture(job)  # Numba compiles the kernel at its first call
            cpu = min(render_picture(job).seconds for _ in range(repeat))
            out[f"  its {n:,} lines' picture (background thread, CPU), {name}"] = 1000 * cpu
        edges.use_pictures(None)
    for name, smooth in modes:
        view.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
        out[f"diagram repaint, {n:,} lines as one item on the GUI, {name}"] = best_ms(
            new_weights, repeat
        )
    out["diagram repaint, same weights (hover, maps)"] = best_ms(viewport.repaint, repeat)

    # Before: one item per line, re-penned where the pen changed, as the scene did.
    edges.hide()
    items = []
    for x1, y1, x2, y2 in scene.segments.tolist():
        item = QGraphicsLineItem(QLineF(x1, y1, x2, y2))
        scene.addItem(item)
        items.append(item)
    keys = [np.array(scene.keys)]

    def old_new_weights():
        scene.set_weights(next(both))
        changed = np.flatnonzero(scene.keys != keys[0])
        for i in changed.tolist():
            items[i].setPen(scene.pens.pen(int(scene.keys[i])))
        keys[0] = np.array(scene.keys)
        viewport.repaint()

    for item, key in zip(items, scene.keys.tolist(), strict=True):
        item.setPen(scene.pens.pen(key))
    for name, smooth in modes:
        view.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
        out[f"diagram repaint, {n:,} line items (before), {name}"] = best_ms(
            old_new_weights, repeat
        )
    for item in items:
        scene.removeItem(item)
    edges.show()
    scene.set_weights(weights)
    if diagram.pictures is not None:
        diagram.pictures.attach(edges)
    view.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    return out


def worker_costs(spec, repeat: int) -> dict[str, float]:
    trainer = Trainer(spec)
    fine = plane_grid(trainer.dataset, 64)
    coarse = plane_grid(trainer.dataset, COARSE_RESOLUTION)
    neurons = map_grid(trainer.dataset)
    palette = style.map_palette()
    trainer.evaluate(fine.points)  # compile (Numba) before timing
    plane_maps(trainer, fine)
    return {
        "snapshot without maps": best_ms(trainer.snapshot, repeat),
        "64x64 map via predict (before)": best_ms(lambda: trainer.evaluate(fine.points), repeat),
        "64x64 map + contour": best_ms(lambda: plane_maps(trainer, fine), repeat),
        f"{COARSE_RESOLUTION}x{COARSE_RESOLUTION} map + contour": best_ms(
            lambda: plane_maps(trainer, coarse), repeat
        ),
        f"{COARSE_RESOLUTION}x{COARSE_RESOLUTION} map + neuron maps + pictures": best_ms(
            lambda: plane_maps(trainer, coarse, neurons, palette), repeat
        ),
        "64x64 map + neuron maps + pictures": best_ms(
            lambda: plane_maps(trainer, fine, neurons, palette), repeat
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="spiral")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    spec = endless(args.preset)
    with tempfile.TemporaryDirectory() as folder:
        window = ready_window(folder, spec, dock_open=True)
        window.actions.train.trigger()
        spin(2.0)
        window.actions.pause_resume.trigger()
        wait_until(lambda: window.worker.state == "paused")
        spin(0.5)
        gui = gui_costs(window, args.repeat)
        window.close()
        window.stop_threads()  # every thread: a process leaving with one running is aborted
    worker = worker_costs(spec, args.repeat)
    print(f"\nOne redraw on the GUI thread, {args.preset} (ms, best of {args.repeat})")
    for name, ms in gui.items():
        print(f"  {name:<60} {ms:8.2f}")
    print("\nOne snapshot's maps on the worker (ms)")
    for name, ms in worker.items():
        print(f"  {name:<52} {ms:8.2f}")
    print(
        json.dumps(
            {
                "bench": "gui_frame",
                "preset": args.preset,
                "gui_ms": gui,
                "worker_ms": worker,
                "load_average": os.getloadavg()[0],
            }
        )
    )
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
