"""The tutorials' progress lines, "epoch N  cost C", as the CLI prints them and the Log view
shows them: one formatter so the two never differ."""

from __future__ import annotations


def format_line(epoch: int, cost: float) -> str:
    """One progress line: the epoch and the cost of its last step, before its update."""
    return f"epoch {epoch:>7}  cost {cost:.10f}"
