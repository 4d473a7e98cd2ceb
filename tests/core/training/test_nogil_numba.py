"""The Numba linker whose compiled functions release the GIL, and numpy's tanh called from
compiled code: bit for bit numpy's, and cached apart from PyTensor's own entries."""

from __future__ import annotations

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.mode import get_mode
from pytensor.link.numba.cache import CACHED_SRC_FUNCTIONS

from xorlab.core.training.strategies.nogil_numba import (
    NOGIL_KEY_SUFFIX,
    NogilNumbaLinker,
    releasing_gil,
    runs_without_gil,
)
from xorlab.core.training.strategies.numpy_tanh import (
    loop_available,
    numpy_loop_address,
    numpy_tanh,
)


def test_numba_modes_get_the_nogil_linker_others_stay():
    mode = releasing_gil("NUMBA")
    assert isinstance(mode.linker, NogilNumbaLinker) and runs_without_gil(mode)
    assert releasing_gil("NUMBA") is mode  # one Mode: the function cache matches repeats
    assert releasing_gil(None) is releasing_gil(None)
    assert mode.provided_optimizer is get_mode("NUMBA").provided_optimizer
    for other in ("FAST_COMPILE", "JAX"):
        assert releasing_gil(other) == other and not runs_without_gil(other)
    assert not runs_without_gil("NUMBA")
    # The function cache keys by str(mode): it must not change as rewrites register.
    assert str(mode) == "NogilNumbaMode(NUMBA)" and str(releasing_gil(None)) == (
        "NogilNumbaMode(default)"
    )
    assert isinstance(mode.including("fast_run").linker, NogilNumbaLinker)


def test_the_nogil_function_has_its_own_cache_key():
    # Numba's disk cache does not key on nogil: the final function is registered under
    # PyTensor's key plus a suffix, so a GIL-holding entry is never loaded for it.
    from pytensor.link.numba.cache import compile_numba_function_src
    from pytensor.link.numba.dispatch.basic import numba_njit

    py_func = compile_numba_function_src(
        "def twice(x): return 2 * x", "twice", cache_key="xorlab-test-key"
    )
    final = NogilNumbaLinker().jit_compile((numba_njit(py_func, cache=True), "xorlab-test-key"))
    assert final.targetoptions["nogil"]
    assert CACHED_SRC_FUNCTIONS[final.py_func] == "xorlab-test-key" + NOGIL_KEY_SUFFIX
    assert CACHED_SRC_FUNCTIONS[py_func] == "xorlab-test-key"  # PyTensor's entry untouched
    assert final.py_func.__code__ is py_func.__code__  # the same code, called (and cached)
    # only by the tests that compile whole graphs


def test_numpys_tanh_op_in_a_nogil_function_is_numpys_tanh_bit_for_bit():
    assert numpy_loop_address() != 0 and loop_available()
    x = pt.vector("x", dtype="float64")
    f = pytensor.function([x], numpy_tanh(x), mode=releasing_gil("NUMBA"))
    rng = np.random.default_rng(0)
    special = [0.0, -0.0, 1e-300, -5e-324, 1e-9, 19.1, -20.0, 400.0, np.inf, -np.inf, np.nan]
    v = np.concatenate([rng.normal(0, 3, 10_000), special])
    np.testing.assert_array_equal(f(v).view(np.int64), np.tanh(v).view(np.int64))
    m = pt.matrix("m", dtype="float64")
    g = pytensor.function([m], numpy_tanh(m * 1.0), mode=releasing_gil("NUMBA"))
    w = rng.normal(0, 3, (5, 7))
    for value in (w, w.T):  # contiguous and not
        np.testing.assert_array_equal(g(value), np.tanh(value))
