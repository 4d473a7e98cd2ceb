"""Counts that summarise a graph, and what PyTensor's rewrites changed between two graphs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from xorlab.core.graphs.nodes import NodeInfo


@dataclass(frozen=True)
class GraphStats:
    """Sizes of one graph. ``depth`` is the longest chain of ops from an input to an output."""

    apply_nodes: int
    variables: int  # every value in the graph: inputs, weights, constants, intermediates
    op_histogram: dict[str, int]  # op_name -> count, most common first
    category_histogram: dict[str, int]  # graph_ops.OP_CATEGORIES key -> count
    composites: int  # fused elementwise (Composite) nodes
    fused_ops: int  # scalar ops running inside those Composites
    depth: int

    def to_dict(self) -> dict[str, object]:
        return {
            "apply_nodes": self.apply_nodes,
            "variables": self.variables,
            "op_histogram": dict(self.op_histogram),
            "category_histogram": dict(self.category_histogram),
            "composites": self.composites,
            "fused_ops": self.fused_ops,
            "depth": self.depth,
        }


def graph_stats(nodes: Mapping[str, NodeInfo]) -> GraphStats:
    applies = [n for n in nodes.values() if n.kind == "apply"]
    ops = Counter(n.op_name for n in applies)
    categories = Counter(n.category for n in applies)
    return GraphStats(
        apply_nodes=len(applies),
        variables=sum(1 for n in nodes.values() if n.kind == "variable"),
        op_histogram=dict(sorted(ops.items(), key=lambda kv: (-kv[1], kv[0]))),
        category_histogram=dict(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))),
        composites=categories.get("fused", 0),
        fused_ops=sum(n.fused_ops for n in applies),
        depth=_depth(nodes),
    )


def _depth(nodes: Mapping[str, NodeInfo]) -> int:
    # Ops are recorded in topological order, so one pass sees every producer first.
    depth_of_op: dict[str, int] = {}
    for node in nodes.values():
        if node.kind != "apply":
            continue
        producers = (nodes[v].inputs[0] for v in node.inputs if nodes[v].inputs)
        depth_of_op[node.id] = 1 + max((depth_of_op[p] for p in producers), default=0)
    return max(depth_of_op.values(), default=0)


@dataclass(frozen=True)
class RewriteComparison:
    """What the rewrites did to a graph: ``before`` is symbolic, ``after`` optimized."""

    apply_nodes: tuple[int, int]
    variables: tuple[int, int]
    depth: tuple[int, int]
    removed: dict[str, int]  # ops gone entirely, with their count before
    inserted: dict[str, int]  # ops that appeared, with their count after
    changed: dict[str, tuple[int, int]]  # every op whose count changed: (before, after)
    elementwise_before: int  # separate elementwise ops before (fused Composites excluded)
    elementwise_after: int
    composites: int  # fused Composites after
    fused_ops: int  # scalar ops running inside them
    summary: str = field(default="")

    def to_dict(self) -> dict[str, object]:
        return {
            "apply_nodes": list(self.apply_nodes),
            "variables": list(self.variables),
            "depth": list(self.depth),
            "removed": dict(self.removed),
            "inserted": dict(self.inserted),
            "changed": {k: list(v) for k, v in self.changed.items()},
            "elementwise_before": self.elementwise_before,
            "elementwise_after": self.elementwise_after,
            "composites": self.composites,
            "fused_ops": self.fused_ops,
            "summary": self.summary,
        }


def compare(symbolic: GraphStats, optimized: GraphStats) -> RewriteComparison:
    """Structured differences between two graphs' stats, and a one-line summary."""
    before, after = symbolic.op_histogram, optimized.op_histogram
    names = sorted(set(before) | set(after))
    changed = {
        n: (before.get(n, 0), after.get(n, 0)) for n in names if before.get(n, 0) != after.get(n, 0)
    }
    removed = {n: b for n, (b, a) in changed.items() if a == 0}
    inserted = {n: a for n, (b, a) in changed.items() if b == 0}
    comparison = RewriteComparison(
        apply_nodes=(symbolic.apply_nodes, optimized.apply_nodes),
        variables=(symbolic.variables, optimized.variables),
        depth=(symbolic.depth, optimized.depth),
        removed=removed,
        inserted=inserted,
        changed=changed,
        elementwise_before=symbolic.category_histogram.get("elementwise", 0),
        elementwise_after=optimized.category_histogram.get("elementwise", 0),
        composites=optimized.composites,
        fused_ops=optimized.fused_ops,
    )
    return _with_summary(comparison)


def _with_summary(c: RewriteComparison) -> RewriteComparison:
    (n0, n1), (d0, d1) = c.apply_nodes, c.depth
    parts = [f"{n0} -> {n1} ops ({n1 - n0:+d}), depth {d0} -> {d1}"]
    if c.composites:
        plural = "s" if c.composites != 1 else ""
        parts.append(f"{c.fused_ops} scalar ops fused into {c.composites} Composite{plural}")
    if c.removed:
        parts.append("removed " + ", ".join(c.removed))
    if c.inserted:
        parts.append("inserted " + ", ".join(c.inserted))
    if not c.changed:
        parts.append("same ops")
    summary = "; ".join(parts)
    return RewriteComparison(**{**c.__dict__, "summary": summary})
