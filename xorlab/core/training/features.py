"""Input features for 2-D data, as in TensorFlow Playground: the network's inputs can be
x1, x2, their squares, their product and their sines instead of x1 and x2 alone.

A feature is computed inside the graph (``feature_graph``), so the Graph tab shows it and
every training loop computes it from the same symbolic step; ``feature_values`` computes
the same columns with numpy, for the diagram's input maps and for checking. The default,
``(x1, x2)``, means "the raw inputs": the graph is then exactly as without this module, and
any number of inputs is fine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from xorlab.core.training.spec import FEATURES, RAW_FEATURES, NetworkSpec

if TYPE_CHECKING:
    from pytensor.tensor.variable import TensorVariable

# name -> column from (x1, x2) columns, with ``m`` numpy or pytensor.tensor (for sin).
_COLUMNS: dict[str, Callable[[Any, Any, ModuleType], Any]] = {
    "x1": lambda x1, x2, m: x1,
    "x2": lambda x1, x2, m: x2,
    "x1^2": lambda x1, x2, m: x1 * x1,
    "x2^2": lambda x1, x2, m: x2 * x2,
    "x1*x2": lambda x1, x2, m: x1 * x2,
    "sin(x1)": lambda x1, x2, m: m.sin(x1),
    "sin(x2)": lambda x1, x2, m: m.sin(x2),
}
assert tuple(_COLUMNS) == FEATURES


def uses_features(net: NetworkSpec) -> bool:
    """Whether the network's inputs are computed features rather than the raw inputs."""
    return tuple(net.features) != RAW_FEATURES


def input_count(net: NetworkSpec, n_inputs: int) -> int:
    """How many values enter the first layer (before any bias unit)."""
    return len(net.features) if uses_features(net) else n_inputs


def feature_graph(X: TensorVariable, features: Sequence[str]) -> TensorVariable:
    """The features of a batch X (samples, 2), one column each, as a PyTensor graph."""
    # Here, not at the top: the window asks uses_features() before PyTensor is imported.
    import pytensor.tensor as pt

    x1, x2 = X[:, 0:1], X[:, 1:2]
    columns = [_COLUMNS[name](x1, x2, pt) for name in features]
    return columns[0] if len(columns) == 1 else pt.concatenate(columns, axis=1)


def feature_values(X: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """The same columns computed by numpy, shape (samples, features)."""
    X = np.asarray(X, dtype=np.float64)
    x1, x2 = X[:, 0:1], X[:, 1:2]
    return np.concatenate([_COLUMNS[name](x1, x2, np) for name in features], axis=1)
