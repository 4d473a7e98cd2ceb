"""The Numba set-up keeps the shape check of slice assignments; only its message is fixed
(how much compile time that saves is measured by bench/latency.py, never here)."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from numba.core.registry import cpu_target
from numba.np import arrayobj

from xorlab.core.training.strategies.numba_setup import prepare_numba, scan_mode


def test_slice_assignments_still_check_shapes_after_the_set_up():
    prepare_numba()
    prepare_numba()  # idempotent

    @numba.njit
    def assign(a, b):
        a[:, :] = b
        return a

    np.testing.assert_array_equal(assign(np.zeros((2, 3)), np.ones((2, 3))), np.ones((2, 3)))
    np.testing.assert_array_equal(assign(np.zeros((2, 3)), np.arange(3.0)), [[0, 1, 2]] * 2)
    with pytest.raises(ValueError, match="cannot assign slice from input of different size"):
        assign(np.zeros((2, 3)), np.ones((3, 2)))


def test_the_cpu_target_uses_numba_s_generic_message():
    prepare_numba()
    fnty = cpu_target.typing_context.resolve_value_type(arrayobj.raise_with_shape_context)
    overloads = [t._overload_func for t in fnty.templates]
    assert arrayobj.ol_raise_with_shape_context_cpu not in overloads
    assert arrayobj.ol_raise_with_shape_context_generic in overloads


def test_the_scan_mode_is_one_object_on_numba_without_scan_make_inplace():
    # One object per name: core.function_cache compares modes, so two loops of one net share.
    mode = scan_mode(None)
    assert scan_mode(None) is mode
    assert "scan_make_inplace" in mode._optimizer.exclude
    assert type(mode.linker).__name__ == "NumbaLinker"
