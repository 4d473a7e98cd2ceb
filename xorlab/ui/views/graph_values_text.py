"""What the Graph tab's values bar and node panel say about the values: which rows, which
moment (live or a replayed epoch), and why the optimized graph has none."""

from __future__ import annotations

import html

from xorlab.core.datasets import Dataset
from xorlab.core.graph_values import GraphValues

MAX_ROW_TEXT = 6  # inputs written out in a row's name; more are elided
TIME_TRAVEL_COLOUR = "#B35900"  # the replay accent (the decision map's orange, darker)
SYMBOLIC_LINK = "symbolic"  # href of the note's link that shows the symbolic graph
OPTIMIZED_WHY = (
    "Node values are computed for the symbolic graph only. The optimized graph's ops are "
    "rewrites (fused Composites, in-place updates) that run inside one compiled function, "
    "so their intermediate values are never evaluated one by one; the numbers would be the "
    "symbolic graph's anyway. Choose Symbolic or Side by side to see them."
)
OPTIMIZED_NOTE = f"Values: on the <a href='{SYMBOLIC_LINK}'>symbolic graph</a> only"
OPTIMIZED_NODE = "no value: the optimized graph runs fused inside one compiled function"


def row_text(dataset: Dataset, row: int) -> str:
    """'row 2: x1=0, x2=0 → y=0'."""
    x, y = dataset.X[row], dataset.y[row]
    names = dataset.input_names
    inputs = ", ".join(f"{names[i]}={x[i]:g}" for i in range(min(len(x), MAX_ROW_TEXT)))
    if len(x) > MAX_ROW_TEXT:
        inputs += ", …"
    targets = ", ".join(f"{n}={v:g}" for n, v in zip(dataset.target_names, y, strict=False))
    return f"row {row + 1}: {inputs} → {targets}"


def rows_text(values: GraphValues) -> str:
    """'row 3' or 'all 4 rows'."""
    if len(values.rows) == 1:
        return f"row {values.rows[0] + 1}"
    return f"all {len(values.rows)} rows"


def moment_text(values: GraphValues) -> str:
    """'values at epoch 12,000 (time travel)' or 'live values at epoch 12,000'."""
    if values.replayed:
        return f"values at epoch {values.epoch:,} (time travel)"
    return f"live values at epoch {values.epoch:,}"


def note_html(values: GraphValues, side_by_side: bool) -> str:
    """The values bar's note: where the values are, for which rows, from when."""
    where = "Symbolic graph (left)" if side_by_side else "Symbolic graph"
    text = html.escape(f"{where}, {rows_text(values)}: {moment_text(values)}")
    if values.replayed:
        return f"<span style='color:{TIME_TRAVEL_COLOUR}'><b>{text}</b></span>"
    return text
