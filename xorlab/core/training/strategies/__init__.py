"""Ways to compile "K training steps in one call", and the choice between them."""

from xorlab.core.training.strategies.base import LoopProblem, StrategyUnavailable, TrainingLoop
from xorlab.core.training.strategies.choose import (
    STRATEGIES,
    build_loop,
    check_available,
    estimate_nodes,
    plan,
    upgrade_after,
)

__all__ = [
    "STRATEGIES",
    "LoopProblem",
    "StrategyUnavailable",
    "TrainingLoop",
    "build_loop",
    "check_available",
    "estimate_nodes",
    "plan",
    "upgrade_after",
]
