"""The Qt-free modules the window uses, imported before PySide6 is.

From its first import on, PySide6 wraps ``__import__`` and reads the source of every module
imported after it (``inspect.getsource``, looking for ``from __feature__ import``): ~485
modules by the time the window is built, numpy's 88 and xorlab's 46 Qt-free core and app
modules among them. Imported first, those are not read: 20-100 ms less of the window's start
(2 cores, load 4-5, four runs each way). ``xorlab.ui.shell.application`` imports this before
Qt; tests/ui/shell/test_start_up.py checks that the list below leaves none of them for after.
"""

from __future__ import annotations

import importlib

QT_FREE = (
    "numpy",
    "numpy.typing",
    "xorlab.app.chunk_plan",
    "xorlab.app.compile_steps",
    "xorlab.app.expression_job",
    "xorlab.app.formula_job",
    "xorlab.app.gc_policy",
    "xorlab.app.graph_request",
    "xorlab.app.lab_state",
    "xorlab.app.live_maps",
    "xorlab.app.network_jobs",
    "xorlab.app.pacing",
    "xorlab.app.requests",
    "xorlab.app.sample_names",
    "xorlab.app.settings",
    "xorlab.app.snapshot_pipeline",
    "xorlab.app.speed_limit",
    "xorlab.app.trainer_jobs",
    "xorlab.core.compile_lock",
    "xorlab.core.files.safe_files",
    "xorlab.core.files.text_files",
    "xorlab.core.first_imports",
    "xorlab.core.graphs.categories",
    "xorlab.core.graphs.choices",
    "xorlab.core.graphs.render",
    "xorlab.core.landscape.colour_scale",
    "xorlab.core.landscape.contours",
    "xorlab.core.landscape.directions",
    "xorlab.core.landscape.projection",
    "xorlab.core.landscape.surface",
    "xorlab.core.malloc_tuning",
    "xorlab.core.training.datasets",
    "xorlab.core.training.engines",
    "xorlab.core.training.features",
    "xorlab.core.training.history",
    "xorlab.core.training.map_images",
    "xorlab.core.training.presets",
    "xorlab.core.training.progress_log",
    "xorlab.core.training.spec",
    "xorlab.core.training.spec_diff",
    "xorlab.core.training.timeline",
)

for _name in QT_FREE:
    importlib.import_module(_name)
