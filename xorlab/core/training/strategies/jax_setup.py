"""JAX set up for the training loop: imported under first_imports' lock, float64, and XLA's
machine code kept on disk beside PyTensor's.

- float64: JAX computes in float32 unless ``jax_enable_x64`` is on (PyTensor's JAX backend
  switches it on at import when floatX is float64; it is switched on here whatever floatX
  says, since every number of the app is float64 and tested against numpy to 1e-12).
- The persistent compilation cache: a network's loop compiled once (~0.5-1 s of XLA) is read
  back in the next process. It lives in ``<base_compiledir>/jax``, PyTensor's folder (so
  ``compile_cache.ensure_writable``'s redirect of an unwritable one applies, and removing
  PyTensor's cache removes it too). A folder that cannot be written is skipped: JAX then
  compiles every time, nothing fails. A cache folder the person configured for JAX is kept.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

from xorlab.core.compile_cache import write_problem
from xorlab.core.first_imports import import_jax

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_done = False

# A cache entry JAX could not read or write costs a compile, nothing else; JAX warns about it
# (a folder removed under a running app, two processes writing the same entry), and pytest
# makes warnings errors, which in the background compile would make "auto" drop to the scan.
CACHE_WARNINGS = r"Error (reading|writing) persistent compilation cache entry"


def cache_folder() -> Path:
    import pytensor

    return Path(pytensor.config.base_compiledir) / "jax"


def prepare_jax() -> ModuleType:
    """JAX, imported and set up (idempotent; the first call imports JAX, ~1 s)."""
    global _done
    with _lock:
        if not _done:
            import_jax()
            jax = sys.modules["jax"]
            warnings.filterwarnings("ignore", message=CACHE_WARNINGS, category=UserWarning)
            jax.config.update("jax_enable_x64", True)
            if jax.config.jax_compilation_cache_dir is None:
                for name, value in cache_settings(cache_folder()).items():
                    jax.config.update(name, value)
            _done = True
        return sys.modules["jax"]


def cache_settings(folder: Path) -> dict[str, Any]:
    """JAX's settings for a persistent compile cache in ``folder``; none when the folder
    cannot be written (JAX then compiles every time)."""
    problem = write_problem(folder)
    if problem is not None:
        logger.info("JAX's compile cache %s is not kept: %s", folder, problem)
        return {}
    return {
        "jax_compilation_cache_dir": str(folder),
        # Every loop: the default keeps only compiles over 1 s, and a small network's
        # ~0.3-0.5 s is still most of its wait.
        "jax_persistent_cache_min_compile_time_secs": 0.0,
        # No size bound: JAX's eviction keeps access times in files beside the entries, and
        # two processes sharing the folder raced on them (FileNotFoundError warnings). An
        # entry is ~20-60 KB (the eight presets: 196 KB).
    }


# XLA's threads (named so by XLA) compute a JAX call while the caller's thread waits.
XLA_THREAD_NAME = "tf_XLAEigen"
# How much nicer than the process (its main thread) they run: a GUI thread that wakes to draw
# gets a core before a chunk that is computing (the JAX loop keeps XLA computing between
# chunks, see jax_loop.py), while XLA still has every moment nobody else wants. Threads of
# one process share its scheduling group: this changes nothing against other programs.
XLA_NICE_ABOVE = 5


def lower_xla_threads(above: int | None = None) -> int:
    """Run XLA's computing threads of this process ``above`` (XLA_NICE_ABOVE by default) the
    nice value of its main thread, where the OS says which threads are whose (Linux's
    /proc); the number of threads changed. A thread that ended meanwhile, or a setting
    refused (a nice value lowered without the right to), is skipped: it costs only what it
    would have gained."""
    above = XLA_NICE_ABOVE if above is None else above
    try:
        tasks = os.listdir("/proc/self/task")
        nice = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + above)
    except OSError:  # not Linux
        return 0
    changed = 0
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/comm") as f:
                if f.read().strip() != XLA_THREAD_NAME:
                    continue
            tid = int(task)
            if os.getpriority(os.PRIO_PROCESS, tid) != nice:
                os.setpriority(os.PRIO_PROCESS, tid, nice)
                changed += 1
        except (OSError, ValueError):
            continue
    return changed
