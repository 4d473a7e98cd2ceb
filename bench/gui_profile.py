"""Where the GUI thread's time goes while the window trains: cProfile on the GUI thread only.

    .venv/bin/python bench/gui_profile.py                       # spiral, dock open, 6 s
    .venv/bin/python bench/gui_profile.py --preset xor-minimal --dock closed

The real MainWindow (offscreen) trains for a fixed time while cProfile records the GUI
thread (the worker thread is not profiled: cProfile follows the thread that enables it).
Prints the snapshots drawn, the worker's measured frame time (what paces the snapshots) and
the functions with the most time, inclusive and exclusive. Not a pass/fail benchmark: a map
of where a frame's time is spent, to choose what to cut.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it (xorlab/cli.py)
sys.path.insert(0, str(Path(__file__).parent))

from gui import endless, ready_window, spin, wait_until  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="spiral")
    parser.add_argument("--dock", choices=("open", "closed"), default="open")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        window = ready_window(folder, endless(args.preset), args.dock == "open")
        window.actions.train.trigger()
        # The quick tier hands over to the fast loop: profile that, not the quick tier.
        wait_until(lambda: window.engine.chosen not in ("", "numpy"), 900)
        spin(1.0)
        drawn = []
        window.worker.snapshot_ready.connect(lambda _s: drawn.append(1))
        profile = cProfile.Profile()
        profile.enable()
        spin(args.seconds)
        profile.disable()
        frame = window.worker._outbox.frame_seconds  # what paces the snapshots
        window.close()
        window.stop_threads()  # every thread: a process leaving with one running is aborted
    print(f"{args.preset}, dock {args.dock}: {len(drawn) / args.seconds:.1f} snapshots/s")
    print(f"the outbox's smoothed frame time: {frame * 1000:.1f} ms")
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(key).print_stats(args.top)
        print(out.getvalue())
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
