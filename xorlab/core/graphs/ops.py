"""What kind of op or variable a graph node is, and the colour the graph view draws it in.

The categories are what a learner should notice when comparing a graph before and after
PyTensor's rewrites: elementwise chains collapsing into fused Composites, dots turning into
BLAS calls, shape bookkeeping appearing or vanishing.
"""

from __future__ import annotations

from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Apply, Constant, Variable
from pytensor.graph.op import Op
from pytensor.scalar.basic import ScalarInnerGraphOp
from pytensor.tensor.blockwise import Blockwise
from pytensor.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from pytensor.tensor.math import Dot

# The categories' names, descriptions and colours live apart, free of PyTensor; nodes.py
# reaches them here as graph_ops.*.
from xorlab.core.graphs.categories import (  # noqa: F401 (re-exported)
    FILL_COLOURS,
    OP_CATEGORIES,
    USED_INTERMEDIATE,
    VARIABLE_CATEGORIES,
    variable_description,
)

# Ops that only rearrange, create or describe arrays, by class name, for the ones that live in
# modules which also hold real math (pytensor.tensor.basic).
_SHAPE_OP_NAMES = frozenset(
    {"Join", "Split", "Alloc", "AllocEmpty", "MakeVector", "Flatten", "Squeeze", "Tile"}
)
_BLAS_OP_NAMES = frozenset({"Dot", "MatMul", "BatchedDot", "Dot22", "Dot22Scalar", "Gemm"})
_REDUCTION_OP_NAMES = frozenset({"Argmax", "MaxAndArgmax"})


def op_category(op: Op) -> str:
    """One of OP_CATEGORIES for ``op``."""
    if isinstance(op, Elemwise):
        return "fused" if isinstance(op.scalar_op, ScalarInnerGraphOp) else "elementwise"
    if isinstance(op, Blockwise):
        return op_category(op.core_op)
    module = type(op).__module__
    name = type(op).__name__
    if isinstance(op, Dot) or module.startswith("pytensor.tensor.blas") or name in _BLAS_OP_NAMES:
        return "blas"
    if isinstance(op, CAReduce) or name in _REDUCTION_OP_NAMES:
        return "reduction"
    if (
        isinstance(op, DimShuffle)
        or module.startswith("pytensor.tensor.shape")
        or name in _SHAPE_OP_NAMES
    ):
        return "shape"
    if module.startswith("pytensor.tensor.subtensor"):
        return "subtensor"
    if module.startswith("pytensor.scan") or hasattr(op, "fgraph"):
        return "scan"
    return "other"


def op_name(op: Op) -> str:
    """A short name that ignores parameters: 'Sigmoid', 'Composite', 'Sum', 'ExpandDims'.

    Histograms count by this name, so ``Sum{axes=None}`` and ``Sum{axis=1}`` are both 'Sum'.
    """
    text = str(op).split("{", 1)[0].strip()
    return text or type(op).__name__


def fused_op_count(op: Op) -> int:
    """How many scalar ops a fused elementwise node runs in its single pass (0 if not fused)."""
    if isinstance(op, Elemwise) and isinstance(op.scalar_op, ScalarInnerGraphOp):
        return len(op.scalar_op.fgraph.apply_nodes)
    return 0


def fused_expressions(op: Op) -> list[str]:
    """The scalar formula of each output of a fused Composite, in terms of i0, i1, ..."""
    if not (isinstance(op, Elemwise) and isinstance(op.scalar_op, ScalarInnerGraphOp)):
        return []
    from pytensor.printing import pprint

    return [str(pprint(out)) for out in op.scalar_op.fgraph.outputs]


def variable_category(var: Variable) -> str:
    """'constant', 'shared', 'input' or 'intermediate' for a variable inside a graph."""
    if isinstance(var, Constant):
        return "constant"
    if isinstance(var, SharedVariable):
        return "shared"
    if var.owner is None:
        return "input"
    return "intermediate"


def node_types(node: Apply) -> tuple[str, ...]:
    return tuple(str(out.type) for out in node.outputs)
