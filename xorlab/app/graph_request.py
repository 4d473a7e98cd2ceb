"""Graph requests served by the training worker between chunks.

Graph views read the Trainer's compiled functions and current weights, so they are built on
the worker thread that owns it (see TrainingWorker.request_graph). Requests merge: only the
latest one waiting is served. The answer is a GraphBundle of plain copies, safe on any thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphView, RewriteComparison
    from xorlab.core.training.trainer import Trainer


@dataclass(frozen=True)
class GraphRequest:
    target: str  # a graphs.TARGETS key
    param: int = 0  # which weight matrix, for the 'grad' target


@dataclass(frozen=True, eq=False)
class GraphBundle:
    """Both stages of one target, what the rewrites did, and the weight names to choose from."""

    request: GraphRequest
    symbolic: GraphView
    optimized: GraphView
    comparison: RewriteComparison
    param_names: tuple[str, ...]
    # What the optimized view is (PyTensor's compile in the trainer's mode: "default mode,
    # Numba linker"), and the loop the engine trains this network on, or plans to ("jax"):
    # a compile of its own, which the tab names beside it.
    compiled_as: str = ""
    planned_loop: str = ""

    def stage(self, stage: str) -> GraphView:
        return self.symbolic if stage == "symbolic" else self.optimized


def build_bundle(trainer: Trainer, request: GraphRequest) -> GraphBundle:
    """Build (or refresh from the per-trainer cache) both views. Call on the trainer's thread."""
    from xorlab.core.graphs.build import build_graph, compare, compile_mode_name

    param = request.param if request.target == "grad" else 0
    param = min(max(param, 0), len(trainer.params) - 1)
    symbolic = build_graph(trainer, request.target, "symbolic", param)
    optimized = build_graph(trainer, request.target, "optimized", param)
    return GraphBundle(
        request=GraphRequest(request.target, param),
        symbolic=symbolic,
        optimized=optimized,
        comparison=compare(symbolic.stats, optimized.stats),
        param_names=tuple(p.name or f"W{i + 1}" for i, p in enumerate(trainer.params)),
        compiled_as=compile_mode_name(trainer.mode),
        planned_loop=trainer.strategy_name,
    )


class LatestGraphRequest:
    """The newest request not yet served; put from the GUI thread, taken on the worker."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._request: GraphRequest | None = None

    def put(self, request: GraphRequest) -> None:
        with self._lock:
            self._request = request

    def take(self) -> GraphRequest | None:
        with self._lock:
            request, self._request = self._request, None
            return request
