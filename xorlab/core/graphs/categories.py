"""What the graph views colour and name: the categories of ops and variables, their
descriptions and fill colours. Plain data, no PyTensor: the Graph tab's legend and details
panel are built with the window, before PyTensor is imported (ops.py classifies nodes)."""

from __future__ import annotations

# Apply-node categories, in legend order, with a short description for tooltips and legends.
OP_CATEGORIES: dict[str, str] = {
    "elementwise": "elementwise math, one op per array pass",
    "fused": "fused Composite: several elementwise ops in one pass",
    "blas": "matrix products (dot, BLAS gemm/gemv)",
    "reduction": "reductions (sum, max, ...)",
    "shape": "shape and layout (transpose, broadcast, join, alloc)",
    "subtensor": "indexing and slicing",
    "scan": "loops (scan) and other inner graphs",
    "other": "everything else (copies, checks, conversions)",
}

# Variable categories: graph inputs, weights, constants, results; "intermediate" values are
# normally drawn as edges, so this colour only shows on an unused intermediate.
VARIABLE_CATEGORIES: dict[str, str] = {
    "input": "function input (data fed on each call)",
    "shared": "shared variable: a weight or other state kept between calls",
    "constant": "constant baked into the graph",
    "intermediate": "intermediate value nobody uses",
    "output": "function output",
    "update": "new value of a shared variable, written after each call",
}

FILL_COLOURS: dict[str, str] = {
    "elementwise": "#d4e6fb",
    "fused": "#ffc857",
    "blas": "#f4a3a3",
    "reduction": "#b9e0a5",
    "shape": "#e4e4e4",
    "subtensor": "#d9c8f0",
    "scan": "#f6bde3",
    "other": "#ffffff",
    "input": "#9fdc9a",
    "shared": "#ffe68a",
    "constant": "#f2f2f2",
    "intermediate": "#ffffff",
    "output": "#8fc1f5",
    "update": "#f7a95c",
}

USED_INTERMEDIATE = "intermediate value: one op's result that other ops use"


def variable_description(category: str, used: bool) -> str:
    """What a variable of ``category`` is, in words; an intermediate value is described as
    unused only when nothing uses it (the legend's colour is for that case)."""
    if category == "intermediate" and used:
        return USED_INTERMEDIATE
    return VARIABLE_CATEGORIES[category]
