"""What the Graph tab's values bar and node panel say about the values: which rows, which
moment (live or a replayed epoch), and why the optimized graph has none."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from xorlab.core.training.datasets import Dataset

if TYPE_CHECKING:
    from xorlab.core.graphs.values import GraphValues

MAX_ROW_TEXT = 6  # inputs written out in a row's name; more are elided
TIME_TRAVEL_COLOUR = "#B35900"  # the replay accent (the decision map's orange, darker)
SYMBOLIC_LINK = "symbolic"  # href of the note's link that shows the symbolic graph
OPTIMIZED_WHY = (
    "Node values are computed for the symbolic graph only. The optimized graph's ops are "
    "rewrites (fused Composites, in-place updates) that run inside one compiled function, "
    "so their intermediate values are never evaluated one by one; the numbers would be the "
    "symbolic graph's anyway. Choose Symbolic or Side by side to see them."
)
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


def optimized_note(replayed_epoch: int | None) -> str:
    """The note while the optimized graph alone is shown; it still says which epoch the
    weights in the node panel are from."""
    text = f"<a href='{SYMBOLIC_LINK}'>symbolic graph</a> only"
    if replayed_epoch is None:
        return f"Values: {text}"
    return f"{_epoch_html(replayed_epoch)} · {text}"


def note_html(values: GraphValues, side_by_side: bool) -> str:
    """The values bar's note: from when the values are (the rows are in the box beside it)
    and on which picture."""
    where = "symbolic graph (left)" if side_by_side else "symbolic graph"
    if values.replayed:
        return f"{_epoch_html(values.epoch)} · {where}"
    return html.escape(f"Live values, epoch {values.epoch:,} · {where}")


def note_tooltip(values: GraphValues) -> str:
    """The note in full, with where the values come from."""
    if values.replayed:
        return (
            f"Values at epoch {values.epoch:,} (time travel), for {rows_text(values)}: "
            "computed from that snapshot's weights, optimizer state and learning rate. "
            "'Back to live' on the Training tab's timeline returns to the live values."
        )
    return f"Live values, epoch {values.epoch:,}, for {rows_text(values)}: the weights now"


def _epoch_html(epoch: int) -> str:
    return f"<span style='color:{TIME_TRAVEL_COLOUR}'><b>Epoch {epoch:,} (time travel)</b></span>"
