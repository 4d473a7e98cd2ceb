"""Read an ExternalCOp's C source files once per process, not once per op made.

PyTensor 3.0.7's ``ExternalCOp.__init__`` reads its C files from disk and splits them into
sections every time an op is constructed. ``DimShuffle`` is one, and it is the most common
op there is: ``pytensor.grad`` of a 100-term ``x**x/x**x/...`` makes 300 of them, and the
reads and regular expressions took 42 ms of them (0.14 ms each; 3.4 ms with this). PyTensor
fixed it upstream by inlining DimShuffle's C code (pymc-devs/pytensor PR #2292, "Deprecate
ExternalCOp"), in a release that needs Python 3.12.

The files are part of the installed package and do not change while the process runs, and
``load_c_code`` only fills the new op's ``func_codes`` and ``code_sections`` from them: the
first op of a class with the same files loads them, later ones get copies of what it read.
An op whose fields are not empty when it loads (not PyTensor's constructor calling) loads as
PyTensor does.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pytensor.link.c.op import ExternalCOp

_original_load_c_code = ExternalCOp.load_c_code
# (op class, its func_files) -> (func_codes, code_sections) as the first load left them
_loaded: dict[tuple[type, tuple[Path, ...]], tuple[list[str], dict[str, str]]] = {}


def _load_c_code_once(self: ExternalCOp, func_files: Iterable[Path]) -> None:
    files = tuple(func_files)
    key = (type(self), files)
    fresh = not self.func_codes and not self.code_sections
    known = _loaded.get(key) if fresh else None
    if known is not None:
        codes, sections = known
        self.func_codes.extend(codes)
        self.code_sections.update(sections)
        return
    _original_load_c_code(self, files)
    if fresh:
        _loaded[key] = (list(self.func_codes), dict(self.code_sections))


def install() -> None:
    """Load each ExternalCOp's C files once (idempotent)."""
    ExternalCOp.load_c_code = _load_c_code_once


def uninstall() -> None:
    """PyTensor's own loading again (tests compare the two)."""
    ExternalCOp.load_c_code = _original_load_c_code
    _loaded.clear()
