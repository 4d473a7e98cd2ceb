"""What one redraw costs, view by view, and what the worker spends on a snapshot's maps.

    .venv/bin/python bench/gui_frame.py                  # spiral, ~1 minute
    .venv/bin/python bench/gui_frame.py --preset spiral-64x3

Each figure is the minimum over repeats (a busy machine adds to the mean, hardly to the
minimum). Same-process baselines for what moved off the GUI thread: tracing the decision
map's 0.5 contour there (pyqtgraph's IsocurveItem, as before) against drawing the worker's
segments, and colouring every neuron map there against wrapping the worker's pictures; and
on the worker, the maps of one snapshot on the fine and the coarse grid, with and without
the neuron maps, against the fine map through the Numba predict function alone (as before).
Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import timeit
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it (xorlab/cli.py)
sys.path.insert(0, str(Path(__file__).parent))

import pyqtgraph as pg  # noqa: E402
from gui import endless, spin, wait_until  # noqa: E402
from PySide6.QtCore import QCoreApplication, QSettings  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from xorlab.app.live_maps import COARSE_RESOLUTION  # noqa: E402
from xorlab.core.training.datasets import plane_grid  # noqa: E402
from xorlab.core.training.neuron_maps import map_grid  # noqa: E402
from xorlab.core.training.plane_maps import plane_maps  # noqa: E402
from xorlab.core.training.trainer import Trainer  # noqa: E402
from xorlab.ui.network import style  # noqa: E402
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
    viewport = diagram.view.viewport()
    out["diagram paint, smooth"] = best_ms(viewport.repaint, repeat)
    diagram.view.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    out["diagram paint, while training"] = best_ms(viewport.repaint, repeat)
    diagram.view.setRenderHint(QPainter.RenderHint.Antialiasing, True)
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
        settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
        window = MainWindow(spec, settings=settings)
        window.resize(1500, 940)
        window.show()
        window.network_views.dock.setVisible(True)
        wait_until(lambda: window.worker.state == "ready", 900)
        window.actions.train.trigger()
        spin(2.0)
        window.actions.pause_resume.trigger()
        wait_until(lambda: window.worker.state == "paused")
        spin(0.5)
        gui = gui_costs(window, args.repeat)
        window.close()
        wait_until(lambda: not window.worker.is_running(), timeout=60)
    worker = worker_costs(spec, args.repeat)
    print(f"\nOne redraw on the GUI thread, {args.preset} (ms, best of {args.repeat})")
    for name, ms in gui.items():
        print(f"  {name:<52} {ms:8.2f}")
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
