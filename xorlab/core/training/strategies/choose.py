"""Which loop strategy serves an experiment best, from the crossovers bench/engine.py measured.

- "fused" (generated scalar loop): fastest by far for tiny nets (~0.1 us/step on XOR against
  ~2 us for a scan), but its code grows with batch x weights, and Numba's compile time with
  code; past ``FUSED_NODE_BUDGET`` unrolled operations the wait outweighs the gain.
- "jax" (PyTensor scan on JAX, only when JAX is installed): best for the larger nets.
- "scan" (PyTensor scan on the default backend, Numba): always available.
"""

from __future__ import annotations

from collections.abc import Callable

from xorlab.core.first_imports import import_numba
from xorlab.core.training.engines import STRATEGIES
from xorlab.core.training.strategies.base import LoopProblem, StrategyUnavailable, TrainingLoop
from xorlab.core.training.strategies.scalar_loop import (
    FusedScalarLoop,
    check_size,
    estimate_nodes,
)
from xorlab.core.training.strategies.tensor_loop import (
    JAX_MISSING,
    JaxScanLoop,
    ScanLoop,
    jax_available,
)

__all__ = ["STRATEGIES", "build_loop", "check_available", "estimate_nodes", "plan"]

# Estimated unrolled operations up to which "auto" picks the fused loop. Numba compiles the
# generated code at roughly FUSED_COMPILE_RATE operations a second (cold; warm is a file load).
FUSED_NODE_BUDGET = 6_000

_BUILDERS: dict[str, Callable[[LoopProblem], TrainingLoop]] = {
    "fused": FusedScalarLoop,
    "scan": ScanLoop,
    "jax": JaxScanLoop,
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


def build_loop(problem: LoopProblem, requested: str = "auto") -> TrainingLoop:
    """Compile the first planned strategy that can serve ``problem``.

    An explicitly requested strategy that cannot serve it raises StrategyUnavailable."""
    if requested not in STRATEGIES:
        raise ValueError(f"unknown strategy '{requested}'; choose one of {', '.join(STRATEGIES)}")
    candidates = plan(problem, requested)
    if candidates != ["jax"]:
        import_numba()  # the loops compile on the worker's or a background thread
    for name in candidates[:-1]:
        try:
            return _BUILDERS[name](problem)
        except StrategyUnavailable:
            continue
    return _BUILDERS[candidates[-1]](problem)
