"""Node records: a constant's value is printed as numpy prints it, however often it repeats."""

from __future__ import annotations

import numpy as np
import pytensor.tensor as pt

from xorlab.core.graphs.view import graph_from_outputs


def test_repeated_constants_print_their_own_values():
    x = pt.dscalar("x")
    small = np.array([[0.5, -1.25], [1e-9, 3.0]])
    same_bytes = np.frombuffer(np.float64(2.0).tobytes(), dtype=np.int64).reshape(())
    # 2.0 several times, an int64 with 2.0's bytes, a matrix, an int: each prints its own.
    f = (x * 2.0 + 2.0) * pt.constant(small).sum() + pt.constant(same_bytes) + pt.constant(7)
    view = graph_from_outputs([f, f * 2.0], ["f", "g"], with_text=False)
    constants = [node for node in view.nodes.values() if node.value is not None]
    assert len(constants) >= 5
    for node in constants:
        printed = np.array2string(node.value, precision=4, suppress_small=True)
        assert node.detail.endswith(f"\nvalue: {printed}")
    details = {node.detail.rsplit("value: ", 1)[1] for node in constants}
    assert {"2.", str(int(same_bytes)), "7"} <= details
