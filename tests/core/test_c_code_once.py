"""c_code_once: a DimShuffle's C files are read once per process, and every op gets the very
sections PyTensor's own loading gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytensor.tensor.elemwise import DimShuffle

from xorlab.core import c_code_once


@pytest.fixture
def reads(monkeypatch):
    """The C files read from disk from now on."""
    read: list[Path] = []
    original = Path.read_text

    def counting(self: Path, *args, **kwargs) -> str:
        read.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counting)
    return read


def _make(input_ndim: int, new_order: tuple) -> DimShuffle:
    return DimShuffle(input_ndim=input_ndim, new_order=new_order)


def test_the_c_files_are_read_once_and_give_pytensors_sections(reads):
    c_code_once.uninstall()
    try:
        own = [_make(0, ("x",)), _make(2, (1, 0))]
        assert len(reads) == 2  # PyTensor reads the file for every op it makes
    finally:
        c_code_once.install()
    reads.clear()
    once = [_make(0, ("x",)), _make(2, (1, 0)), _make(1, ("x", 0))]
    assert len(reads) <= 1  # at most the first (none when an earlier op loaded it)
    for theirs, ours in zip(own, once, strict=False):
        assert ours.func_codes == theirs.func_codes and ours.func_codes
        assert ours.code_sections == theirs.code_sections and ours.code_sections
    # Each op has its own containers: changing one op's sections changes no other's.
    section = next(iter(once[0].code_sections))
    once[0].code_sections[section] = "changed"
    assert once[1].code_sections[section] == own[0].code_sections[section]


def test_the_expressions_module_installs_it():
    from pytensor.link.c.op import ExternalCOp

    import xorlab.core.expression.expression  # noqa: F401  (applies pytensor_setup)

    assert ExternalCOp.load_c_code is c_code_once._load_c_code_once


def test_a_dimshuffle_still_computes(reads):
    import numpy as np
    import pytensor
    import pytensor.tensor as pt

    from xorlab.core.pytensor_setup import INSPECT_MODE

    x = pt.dmatrix("x")
    fn = pytensor.function([x], x.dimshuffle(1, "x", 0), mode=INSPECT_MODE)
    value = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(fn(value), value.T[:, None, :])
