"""Which loop strategy serves an experiment best, from the crossovers bench/engine.py measured.

- "fused" (generated scalar loop): fastest by far for tiny nets (~0.1 us/step on XOR against
  ~2 us for a scan), but its code grows with batch x weights, and Numba's compile time with
  code; past ``FUSED_NODE_BUDGET`` unrolled operations the wait outweighs the gain.
- "jax" (the step on JAX in an XLA loop, when JAX is installed): the larger nets. One XLA
  compile of ~0.5-1.5 s per network where the scan on Numba takes 10-60 s cold, and as fast or
  faster per step (bench/engine.py, bench/latency.py).
- "scan" (PyTensor scan on the default backend, Numba): always available; "auto" falls back
  to it when JAX is missing or fails to compile (a broken install must not stop training).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from xorlab.core.first_imports import import_numba
from xorlab.core.training.engines import STRATEGIES
from xorlab.core.training.strategies.base import LoopProblem, StrategyUnavailable, TrainingLoop
from xorlab.core.training.strategies.jax_loop import JAX_MISSING, JaxLoop, jax_available
from xorlab.core.training.strategies.scalar_loop import (
    FusedScalarLoop,
    check_size,
    estimate_nodes,
)
from xorlab.core.training.strategies.tensor_loop import ScanLoop

logger = logging.getLogger(__name__)

__all__ = [
    "STRATEGIES",
    "build_loop",
    "check_available",
    "estimate_nodes",
    "plan",
    "upgrade_after",
]

# Estimated unrolled operations up to which "auto" picks the fused loop. Numba compiles the
# generated code at roughly FUSED_COMPILE_RATE operations a second (cold; warm is a file load).
FUSED_NODE_BUDGET = 6_000

_BUILDERS: dict[str, Callable[[LoopProblem], TrainingLoop]] = {
    "fused": FusedScalarLoop,
    "scan": ScanLoop,
    "jax": JaxLoop,
}


def plan(problem: LoopProblem, requested: str = "auto") -> list[str]:
    """Strategies to try, best first."""
    if requested != "auto":
        return [requested]
    order = []
    if estimate_nodes(problem) <= FUSED_NODE_BUDGET:
        order.append("fused")
    if jax_available() and problem.mode is None:
        order.append("jax")
    order.append("scan")
    return order


def check_available(problem: LoopProblem, requested: str) -> None:
    """Raise StrategyUnavailable now if ``requested`` (chosen explicitly) cannot serve
    ``problem`` by the checks that compile nothing: the fused loop's size estimate, JAX
    installed. The fast loop compiles only once training starts, so without these a person
    who chose an engine that cannot train the network would learn it at Train, not at once;
    the compile itself may still find more (an op the fused loop cannot unroll)."""
    if requested == "fused":
        check_size(problem)
    elif requested == "jax" and not jax_available():
        raise StrategyUnavailable(JAX_MISSING)


def upgrade_after(problem: LoopProblem, running: str, requested: str = "auto") -> str | None:
    """The loop worth timing against ``running`` once it trains (core/training/tiers.py's
    upgrade), or None: under "auto", the scan after the jax loop. The jax loop comes first
    for its compile (one XLA compile, 1-4 s cold, against 10-130 s for the scan on Numba),
    but once both are compiled the scan is faster on some nets (full-batch tanh nets whose
    tanh layers numpy computes: regression 0.70, circle 15-37-28 tanh 0.68 of jax's time
    per step) and slower on others (circle-features 2.4x, sigmoid nets 1.3-1.6x;
    bench/engine.py --point-sets, load 2-3.5), and the ratio moves with the machine's load
    (the 2-64-64-64-1 tanh net: scan 1.24x slower there, 1.7-1.9x faster in three runs of
    --upgrade at load 4-6): no static rule picks the winner, a short race on the net
    itself does."""
    if requested != "auto" or running != "jax":
        return None
    order = plan(problem, requested)
    later = order[order.index(running) + 1 :] if running in order else []
    return "scan" if "scan" in later else None


def build_loop(
    problem: LoopProblem, requested: str = "auto", cached_only: bool = False
) -> TrainingLoop:
    """Compile the first planned strategy that can serve ``problem``.

    An explicitly requested strategy that cannot serve it raises StrategyUnavailable.
    ``cached_only`` (the scan only): raise tensor_loop.NotCached rather than compile native
    code no cache holds."""
    if cached_only:
        if requested != "scan":
            raise ValueError("only the scan loop can be loaded from the cache alone")
        import_numba()
        return ScanLoop(problem, cached_only=True)
    if requested not in STRATEGIES:
        raise ValueError(f"unknown strategy '{requested}'; choose one of {', '.join(STRATEGIES)}")
    candidates = plan(problem, requested)
    for name in candidates[:-1]:
        try:
            return _build(name, problem)
        except StrategyUnavailable:
            continue
        except Exception as exc:
            if name != "jax":
                raise
            # Chosen by "auto": JAX broke in this environment (an install, a cache, XLA);
            # the scan serves the same numbers, only its compile is slower.
            logger.warning("the JAX loop did not compile; falling back to the scan", exc_info=exc)
    return _build(candidates[-1], problem)


def _build(name: str, problem: LoopProblem) -> TrainingLoop:
    if name != "jax":
        import_numba()  # the loops compile on the worker's or a background thread
    return _BUILDERS[name](problem)
