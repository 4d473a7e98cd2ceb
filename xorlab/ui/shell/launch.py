"""Starts the desktop app, or explains why it cannot open a window here.

Without a usable display Qt does not raise: it prints a misleading hint and aborts the whole
process. So before any QApplication exists, check for a display and, on Linux, probe the
platform plugin in a short child process (about 0.1 s, overlapped with importing the app).
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
from collections.abc import Callable

EXIT_NO_DISPLAY = 2
PROBE_TIMEOUT_S = 20
# Platforms that need no screen at all: never worth probing.
SCREENLESS_PLATFORMS = ("offscreen", "minimal", "vnc")

PROBE_CODE = (
    "import sys\n"
    "from PySide6.QtGui import QGuiApplication\n"
    "app = QGuiApplication(sys.argv[:1])\n"
    "print(app.platformName())\n"
)

HELP = """\
  What you can do:
  - Use the headless commands, which need no display:
        python main.py train --preset xor-minimal
        python main.py grad --help
        python main.py graph --preset xor-minimal -o graph.svg
  - Run the app on a virtual screen:
        xvfb-run -a python main.py
  - Or render without any screen, e.g. for a screenshot:
        QT_QPA_PLATFORM=offscreen python main.py --train --screenshot shot.png --quit-when-done
"""

LIBRARY_HINT = """\
  If a display is there, Qt may lack system libraries (its message often blames xcb-cursor
  when another one is missing). On Debian or Ubuntu `bash scripts/setup.sh` installs them;
  QT_DEBUG_PLUGINS=1 shows which one fails.
"""


def missing_display(env: dict[str, str] | os._Environ, platform: str = sys.platform) -> bool:
    """True on Linux (and other X11/Wayland systems) when no display and no Qt platform is
    named: Qt would abort trying to open one."""
    if platform.startswith(("win", "darwin", "cygwin")):
        return False
    if env.get("QT_QPA_PLATFORM"):
        return False
    return not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def needs_probe(env: dict[str, str] | os._Environ, platform: str = sys.platform) -> bool:
    if platform.startswith(("win", "darwin", "cygwin")):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    return chosen not in SCREENLESS_PLATFORMS


def start_probe() -> subprocess.Popen[str] | None:
    try:
        return subprocess.Popen(
            [sys.executable, "-c", PROBE_CODE],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
    except OSError:
        return None  # cannot tell: let Qt try


def probe_failure(probe: subprocess.Popen[str] | None) -> str | None:
    """Qt's own explanation when the platform plugin failed in the child, else None."""
    if probe is None:
        return None
    try:
        out, err = probe.communicate(timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        probe.kill()
        probe.communicate()
        return None  # a slow display is still a display
    if probe.returncode == 0 and out.strip():
        return None
    lines = [line for line in err.splitlines() if line.strip()][:6]
    return "\n".join(f"    {line}" for line in lines) or f"    exit status {probe.returncode}"


def no_display_message(env: dict[str, str] | os._Environ, qt_says: str | None = None) -> str:
    if qt_says is None:
        head = (
            "xorlab: no display found (DISPLAY and WAYLAND_DISPLAY are not set), so the "
            "desktop app cannot open a window.\n"
        )
        return head + HELP
    where = env.get("WAYLAND_DISPLAY") or env.get("DISPLAY") or env.get("QT_QPA_PLATFORM", "")
    head = f"xorlab: Qt could not open a window on display '{where}'. Qt said:\n{qt_says}\n"
    return head + HELP + LIBRARY_HINT


def import_app() -> Callable[[argparse.Namespace], int]:
    """``run_app``, imported with automatic cycle collection off; what the imports made is
    then frozen out of every later collection (``gc.freeze``).

    The window's ~640 modules make ~90,000 objects the collector tracks (classes,
    functions, their dicts, Qt's enum types), and nearly all of them live as long as the
    process. While they were imported, CPython's automatic collection ran ~130 times, three
    full collections among them: 0.07-0.085 s of the GUI thread's CPU before the first
    paint (2 cores, load 3.5), to free ~450 objects. Frozen, they are also left out of the
    full collections the GUI thread's collector runs later (ui/runtime/gui_gc.py), each of
    which traversed them all again (a full collection right after the imports: 0.05 s).
    The ~450 unreachable objects among them are kept for good (tens of KB). Only the
    imports are frozen: no window exists yet, so no window's garbage can be kept.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        from xorlab.ui.shell.application import run_app
    finally:
        gc.freeze()
        if enabled:
            gc.enable()  # until the window's own collector takes over (gui_gc)
    return run_app


def launch_gui(args: argparse.Namespace) -> int:
    """Run the desktop app; returns the process exit code (2 when there is no display)."""
    env = os.environ
    if missing_display(env):
        print(no_display_message(env), file=sys.stderr, end="")
        return EXIT_NO_DISPLAY
    probe = start_probe() if needs_probe(env) else None
    run_app = import_app()  # the slow imports overlap the probe

    qt_says = probe_failure(probe)
    if qt_says is not None:
        print(no_display_message(env, qt_says), file=sys.stderr, end="")
        return EXIT_NO_DISPLAY
    return run_app(args)
