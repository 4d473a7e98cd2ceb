"""Imports pyqtgraph without making every Qt class at once.

PySide6 makes a module's classes when they are first used (~720 in QtCore, QtGui and
QtWidgets). pyqtgraph.Qt, when imported, copies every name of those three modules into its
own modules of the same names (``_copy_attrs``): that makes all of them at once, 0.25 s of
CPU measured alone (2 cores), though the window goes on to use many of them anyway. Here
pyqtgraph's three modules are made first, each with a module ``__getattr__`` that fetches a
name from PySide6's module when pyqtgraph first asks for it, and while pyqtgraph.Qt is
imported PySide6's modules list only the names already made, so the copy copies only
those. pyqtgraph then sees the same PySide6 objects under the same names
(``pyqtgraph.Qt.QtCore.QTimer is PySide6.QtCore.QTimer``), made when first used. Measured
from the process's start to the window's first paint (main thread CPU, medians of 12 runs
each, load 3.5-4): 1.34 s against 1.38 s; the app's imports alone 0.76 s against 0.83 s.

Importing this module imports pyqtgraph so: ``xorlab.ui.shell.application`` imports it
before the window's modules, and the UI tests' conftest does too. A pyqtgraph imported
earlier is left as it is.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable

QT_MODULES = ("QtCore", "QtGui", "QtWidgets")


def _forwarding_module(name: str, source: types.ModuleType) -> types.ModuleType:
    """A stand-in for pyqtgraph's (empty) ``pyqtgraph/Qt/<name>/__init__.py``."""
    module = types.ModuleType(f"pyqtgraph.Qt.{name}")
    module.__package__ = module.__name__

    def __getattr__(attribute: str) -> object:  # noqa: N807 (PEP 562's name)
        value = getattr(source, attribute)  # AttributeError for names Qt does not have
        setattr(module, attribute, value)  # as pyqtgraph's copy would have: once
        return value

    module.__getattr__ = __getattr__
    return module


def _names_made(source: types.ModuleType) -> Callable[[], list[str]]:
    return lambda: list(source.__dict__)


def import_pyqtgraph() -> types.ModuleType:
    """``import pyqtgraph``, with its Qt modules forwarding to PySide6's on first use."""
    if "pyqtgraph" in sys.modules:
        return sys.modules["pyqtgraph"]
    sources = [importlib.import_module(f"PySide6.{name}") for name in QT_MODULES]
    for name, source in zip(QT_MODULES, sources, strict=True):
        sys.modules[f"pyqtgraph.Qt.{name}"] = _forwarding_module(name, source)
    listings = [source.__dict__.get("__dir__") for source in sources]
    for source in sources:
        source.__dir__ = _names_made(source)  # dir() of a module calls its __dir__
    try:
        import pyqtgraph
    except BaseException:
        for name in QT_MODULES:  # a later plain import finds pyqtgraph's own modules
            sys.modules.pop(f"pyqtgraph.Qt.{name}", None)
        raise
    finally:
        for source, listing in zip(sources, listings, strict=True):
            if listing is None:
                del source.__dir__
            else:
                source.__dir__ = listing
    return pyqtgraph


import_pyqtgraph()
