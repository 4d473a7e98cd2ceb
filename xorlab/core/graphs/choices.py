"""Which graphs there are to show: the network's targets, the stages (before and after
PyTensor's rewrites) and an expression's parts. Plain names, no PyTensor: the Graph tab's
choices are built with the window, before PyTensor is imported (build.py builds them)."""

from __future__ import annotations

TARGETS: dict[str, str] = {
    "output": "forward pass: the network's output",
    "cost": "cost of a batch",
    "grad": "gradient of the cost for one weight matrix",
    "train": "one training step, with its weight updates",
}
STAGES: dict[str, str] = {
    "symbolic": "as built, before PyTensor's rewrites",
    "optimized": "as compiled: after the rewrites, what actually runs",
}
EXPRESSION_PARTS = ("f", "df", "both")
