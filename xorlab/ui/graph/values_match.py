"""Which computed graph values belong to what the Graph tab shows.

Values are shown only for the graph, rows and moment (live, or the epoch the timeline bar
replays) they were computed for; anything else is stale and must not be shown. While
replaying, the weights' own values come from the replayed snapshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphView, NodeInfo
    from xorlab.core.graphs.values import GraphValues
    from xorlab.core.training.trainer import TrainingSnapshot


def values_shown(
    values: GraphValues | None,
    bundle,
    graph: GraphView | None,
    rows: tuple[int, ...],
    replayed: TrainingSnapshot | None,
) -> GraphValues | None:
    """``values`` when they are the symbolic ``graph``'s of ``bundle`` for ``rows`` at the
    moment on screen; None otherwise."""
    if values is None or graph is None or bundle is None or graph.stage != "symbolic":
        return None
    request = bundle.request
    if (values.target, values.param) != (request.target, request.param):
        return None
    if bundle.symbolic.dot != graph.dot or values.rows != rows:
        return None
    return values if is_shown(values, replayed) else None


def is_shown(values: GraphValues, replayed: TrainingSnapshot | None) -> bool:
    """Whether ``values`` belong to the state on screen (live, or the replayed epoch)."""
    if replayed is None:
        return not values.replayed
    return values.replayed and (values.step, values.epoch) == (replayed.step, replayed.epoch)


def replayed_shared(
    info: NodeInfo, replayed: TrainingSnapshot, bundle, values: GraphValues | None
) -> tuple[np.ndarray | None, str]:
    """A shared variable's value at the replayed epoch: a weight from the snapshot, the
    optimizer state or learning rate from ``values`` (the replayed job's, when shown)."""
    caption = f"at epoch {replayed.epoch:,} (time travel)"
    name = info.names[0] if info.names else ""
    names = bundle.param_names if bundle is not None else ()
    if name in names and names.index(name) < len(replayed.weights):
        return replayed.weights[names.index(name)], caption
    # The optimizer state and learning rate: the replayed job's inputs, by name.
    if values is not None:
        for node_id, node in bundle.symbolic.nodes.items():
            if node.category == "shared" and node.names[:1] == (name,):
                if node_id in values.values:
                    return values.values[node_id], caption
    return None, f"{caption}: not computed yet"
