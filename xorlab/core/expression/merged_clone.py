"""A copy of an expression's graph with identical subexpressions built once.

PyTensor's rewrites change the graph in place, so compiling copies it first, and the first
rewrite phase (``merge1``, PyTensor's MergeOptimizer) then folds every op that repeats another
(the same op on the same inputs, constants equal by ``merge_signature``) into one. A learner's
long expression and, above all, the gradient ``pytensor.grad`` builds for it repeat a great
deal: the 1,894 ops of a 100-term ``x**x/x**x/...`` and its derivative are 1,201 after
merging. Done by the merge phase, that is ~700 replacements, each one validated and announced
to the graph's features: 0.3-0.6 s (2 cores, load 1-2), with the copy another 0.1-0.3 s.

This copies and merges in one pass, keyed the way the merge phase compares (an equal op on
the very same inputs), in 20-50 ms. The merge phase still runs afterwards and finds nothing
left to do, so the rewritten graph is the one PyTensor would have made from the plain copy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pytensor.graph.basic import Apply, AtomicVariable, Constant, Variable
from pytensor.graph.traversal import io_toposort


def merged_clone(
    inputs: Sequence[Variable], outputs: Sequence[Variable]
) -> tuple[list[Variable], list[Variable]]:
    """Fresh ``inputs`` and ``outputs`` computing the same values, each repeated op (and
    equal constant) made once; the original graph is left untouched."""
    # Keyed by id(): a tensor constant hashes its data (~0.1 ms each time), and every
    # variable here stays alive in the original graph while this runs.
    copies: dict[int, Variable] = {id(var): var.clone() for var in inputs}
    atomics: dict[object, Variable] = {}  # merge_signature -> the one copy
    # (hash of the op, ids of its inputs' copies) -> the nodes made for them. An op's hash is
    # computed from its properties each time it is asked for (~20 us): once per node here.
    built: dict[tuple, list[Apply]] = {}

    def copy_of(var: Variable) -> Variable:
        known = copies.get(id(var))
        if known is not None:
            return known
        if not isinstance(var, AtomicVariable):
            raise ValueError(f"{var} is neither an input nor computed from the inputs")
        signature = _constant_key(var)
        same = atomics.get(signature)
        if same is None:
            same = atomics[signature] = var.clone()
        copies[id(var)] = same
        return same

    for node in io_toposort(list(inputs), list(outputs)):
        new_inputs = [copy_of(var) for var in node.inputs]
        same_key = built.setdefault((hash(node.op), *map(id, new_inputs)), [])
        twin = next((other for other in same_key if other.op == node.op), None)
        if twin is None:
            # The same op on inputs of the same types: its outputs' types are the node's.
            # (Apply.clone would also copy each output's tag, with its creation traceback,
            # which took a third of the time.)
            outs = [out.type.make_variable(name=out.name) for out in node.outputs]
            twin = Apply(node.op, new_inputs, outs)
            same_key.append(twin)
        for old, new in zip(node.outputs, twin.outputs, strict=True):
            copies[id(old)] = new
    return [copies[id(var)] for var in inputs], [copy_of(var) for var in outputs]


def _constant_key(var: AtomicVariable) -> object:
    """What the merge phase compares ``var`` by (its merge_signature), or for a 0-d number
    that is not nan, an equivalent key that is quicker to make: PyTensor's signature of a
    tensor constant sums it through a masked array, ~0.1 ms each for the 300 constants of a
    100-term quotient's gradient (a third of this copy's time). Equal types and equal values
    (0.0 and -0.0 too, as for the signature) make equal keys; a 3-tuple never equals a
    signature (a pair)."""
    data = getattr(var, "data", None) if isinstance(var, Constant) else None
    if isinstance(data, np.ndarray) and data.ndim == 0 and data.dtype.kind in "biuf":
        value = data.item()
        if value == value:  # not nan: PyTensor calls two nan constants equal, Python does not
            return ("0-d constant", var.type, value)
    return var.merge_signature()
