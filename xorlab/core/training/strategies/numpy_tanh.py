"""tanh by numpy inside Numba-compiled graphs, for large layers.

Numba evaluates tanh element by element through libm (~11 ns each here); numpy's tanh is
vectorized with SIMD (~1 ns). On a 512 x 16 layer that is 94 us against 7 us, and three
such layers made the Numba scan twice as slow as a plain numpy loop. Only layers of a few
hundred values gain (MIN_VALUES; chosen when the call went through object mode, ~2 us).

The compiled code calls numpy's own float64 tanh loop (the C function ``np.tanh`` runs for a
contiguous float64 array, found in the ufunc's table by ``numpy_loop_address``) through a
function pointer: the same values bit for bit, and no Python. It used to call ``np.tanh`` in
Numba's object mode, which takes the GIL back for each call: a scan loop compiled to release
the GIL (nogil_numba.py) then stalled behind the GUI thread at every layer of every step.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence

import numba
import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Apply, Variable
from pytensor.graph.op import Op
from pytensor.graph.rewriting.basic import in2out, node_rewriter
from pytensor.graph.rewriting.utils import rewrite_graph
from pytensor.link.numba.cache import _call_cached_ptr
from pytensor.link.numba.dispatch import basic as numba_basic
from pytensor.scalar import basic as ps
from pytensor.tensor.elemwise import Elemwise

# Values per tanh call from which numpy's wins despite the call into object mode.
MIN_VALUES = 256


class NumpyTanh(Op):
    """Elementwise tanh computed by ``np.tanh``; used after gradients are taken."""

    __props__ = ()

    def make_node(self, x: Variable) -> Apply:
        x = pt.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage) -> None:
        output_storage[0][0] = np.tanh(inputs[0])

    def infer_shape(self, fgraph, node, shapes):
        return shapes


numpy_tanh = NumpyTanh()


# The layout of numpy's PyUFuncObject up to the fields read here (numpy/ufuncobject.h,
# unchanged from numpy 1.x to 2.x): PyObject_HEAD, int nin, nout, nargs, identity, then
# PyUFuncGenericFunction *functions, void **data, int ntypes, int reserved1,
# const char *name, const char *types (nargs type numbers per loop).
class _UFunc(ctypes.Structure):
    _fields_ = [
        ("ob_refcnt", ctypes.c_ssize_t),
        ("ob_type", ctypes.c_void_p),
        ("nin", ctypes.c_int),
        ("nout", ctypes.c_int),
        ("nargs", ctypes.c_int),
        ("identity", ctypes.c_int),
        ("functions", ctypes.POINTER(ctypes.c_void_p)),
        ("data", ctypes.POINTER(ctypes.c_void_p)),
        ("ntypes", ctypes.c_int),
        ("reserved1", ctypes.c_int),
        ("name", ctypes.c_char_p),
        ("types", ctypes.POINTER(ctypes.c_char)),
    ]


def numpy_loop_address(ufunc: np.ufunc = np.tanh) -> int:
    """The address of ``ufunc``'s inner loop for float64 -> float64: a C function
    ``void loop(char **args, npy_intp *dimensions, npy_intp *steps, void *data)``."""
    raw = _UFunc.from_address(id(ufunc))
    if raw.name != ufunc.__name__.encode() or raw.ntypes != ufunc.ntypes or raw.nargs != 2:
        raise RuntimeError(f"unexpected layout of numpy's ufunc object for {ufunc.__name__}")
    float64 = np.dtype(np.float64).num
    for i in range(raw.ntypes):
        if raw.types[2 * i] == raw.types[2 * i + 1] == bytes([float64]):
            if raw.data[i]:  # a loop that needs its data pointer (a generic one): not ours
                break
            return int(raw.functions[i])
    raise RuntimeError(f"numpy has no plain float64 loop for {ufunc.__name__}")


def loop_available() -> bool:
    """Whether numpy's float64 tanh loop can be found (else Numba's own tanh is used)."""
    try:
        return numpy_loop_address(np.tanh) != 0
    except RuntimeError:
        return False


_intp = numba.types.intp
_uintp = numba.types.uintp  # what `array.ctypes.data` is in compiled code
# Pointers passed as integers: the same registers on every ABI Numba targets.
_LOOP_TYPE = numba.types.FunctionType(numba.types.void(_uintp, _uintp, _uintp, _uintp))


@numba_basic.numba_njit
def _tanh_loop_pointer():
    # Object mode once per process: the intrinsic below keeps the pointer in a global.
    with numba.objmode(address=_intp):
        address = numpy_loop_address(np.tanh)
    return address


@numba_basic.numba_njit
def tanh_into(x, out):
    """``out[:] = np.tanh(x)`` for C-contiguous float64 arrays of one size, by numpy's loop."""
    loop = _call_cached_ptr(
        get_ptr_func=_tanh_loop_pointer,
        func_type_ref=_LOOP_TYPE,
        unique_func_name_lit="xorlab_numpy_tanh_float64",
    )
    args = np.empty(2, np.intp)
    args[0] = x.ctypes.data
    args[1] = out.ctypes.data
    dims = np.empty(1, np.intp)
    dims[0] = x.size
    steps = np.empty(2, np.intp)
    steps[0] = steps[1] = 8  # contiguous float64
    loop(args.ctypes.data, dims.ctypes.data, steps.ctypes.data, np.uintp(0))


@numba_basic.register_funcify_default_op_cache_key(NumpyTanh)
def _numba_numpy_tanh(op, node, **kwargs):
    if node.inputs[0].type.ndim == 0:

        @numba_basic.numba_njit
        def tanh_by_numpy(x):
            inp = np.asarray(x).copy().reshape(1)
            out = np.empty(1)
            tanh_into(inp, out)
            return out[0]

    else:

        @numba_basic.numba_njit
        def tanh_by_numpy(x):
            inp = np.ascontiguousarray(x)
            out = np.empty(inp.shape)
            tanh_into(inp, out)
            return out

    # 2: numpy's loop through a pointer (1, unsalted: object mode); a new cache key, so no
    # disk cache of the object-mode version is reused.
    return tanh_by_numpy, 2


@node_rewriter([Elemwise])
def _use_numpy_tanh(fgraph, node):
    if isinstance(node.op.scalar_op, ps.Tanh) and node.inputs[0].dtype == "float64":
        return [numpy_tanh(node.inputs[0])]
    return None


def with_numpy_tanh(outputs: Sequence[Variable]) -> list[Variable]:
    """The same graph with every float64 tanh computed by numpy."""
    return list(rewrite_graph(list(outputs), include=(), custom_rewrite=in2out(_use_numpy_tanh)))
