"""A time budget for PyTensor's rewrites of one expression's graph.

PyTensor's rewrites grow much faster than the graph: a 100-term ``x**x/x**x/...`` (499
characters, the longest expression the parser takes) did not finish its rewrites in 240 s,
mostly in the algebraic canonicalizer (``get_num_denum`` re-walking every product/quotient
tree on each rewrite) and ``local_greedy_distributor``. The optimized graph is something to
look at, never the source of a value shown as the truth (values are computed as written), so
it may be an honestly labelled partial rewrite.

``BudgetedRewriter`` runs the usual rewrite sequence, but once the budget is spent every node
rewrite is declined: each equilibrium phase then ends after one quiet pass, and the graph
stays a correct, partly rewritten graph (every rewrite applied before the deadline was
complete and validated). The budget says which phases were cut short, so the view can say so.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Collection
from typing import Any

from pytensor.graph.rewriting.basic import (
    EquilibriumGraphRewriter,
    GraphRewriter,
    NodeProcessingGraphRewriter,
    NodeRewriter,
    SequentialGraphRewriter,
)
from pytensor.tensor.rewriting.elemwise import InplaceGraphOptimizer

# What PyTensor's rewrite phases do to an expression of x, in words a learner can read. A
# phase may run several times ("merge1", "merge1.1", ...): the name is matched by its start.
# Phases not named here (loops, matrices, shapes, random numbers) have nothing to work on in a
# graph of scalar functions, so a note leaves them out.
PHASE_WORDS: tuple[tuple[str, str], ...] = (
    ("merge", "merging repeated subexpressions"),
    ("useless", "removing ops that do nothing"),
    (
        "canonicalize",
        "simplifying the algebra (collecting terms, cancelling x/x, folding constants)",
    ),
    ("stabilize", "numerically stable forms (log(1+x) → log1p(x))"),
    ("specialize", "cheaper special cases (x**2 → sqr(x))"),
    ("uncanonicalize", "tidying signs and products"),
    ("add_mul_fusion", "joining chains of sums and products"),
    ("inplace_elemwise", "computing in place, reusing memory"),
)


def phase_words(phases: list[str]) -> list[str]:
    """The learner's words for ``phases`` (PyTensor's names), in order, each said once."""
    words: list[str] = []
    for phase in phases:
        for prefix, text in PHASE_WORDS:
            if phase.startswith(prefix) and text not in words:
                words.append(text)
    return words


class RewriteBudget:
    """Seconds of rewriting allowed, measured on ``clock`` (a fake clock in tests), after the
    first ``min_attempts`` node rewrites, which always run.

    The floor makes short expressions rewrite fully whatever the machine's load: the
    tutorial's exp(sin(x**2)) takes 356 attempts, polynomials and quotients of ~25
    characters 500-800 (a 100-term quotient over 4,000 with each attempt walking the
    whole product, so the seconds bound that)."""

    def __init__(
        self,
        seconds: float,
        clock: Callable[[], float] = time.perf_counter,
        min_attempts: int = 0,
        started_at: float | None = None,
    ) -> None:
        self.seconds = float(seconds)
        self.clock = clock
        self.min_attempts = min_attempts
        # When the seconds began (on ``clock``); None: when the rewrites start. A caller with
        # a deadline passes the moment it measured the time left: copying and preparing the
        # graph before the first rewrite (~0.035 s for the 100-term quotient) then comes out
        # of the budget instead of being added after it.
        self.started_at = started_at
        self.deadline = float("inf")
        self.phase = ""
        self.applied = 0  # node rewrites tried before the deadline
        self.cut_phases: list[str] = []  # phases that declined rewrites after the deadline
        self.started_phases: list[str] = []  # phases that ran (to their end, unless cut)

    def start(self) -> None:
        began = self.clock() if self.started_at is None else self.started_at
        self.deadline = began + self.seconds

    def allows_one_more(self) -> bool:
        if not self.over():
            self.applied += 1
            return True
        self.cut(self.phase)
        return False

    def over(self) -> bool:
        return self.applied >= self.min_attempts and self.clock() >= self.deadline

    def cut(self, phase: str) -> None:
        if phase not in self.cut_phases:
            self.cut_phases.append(phase)

    @property
    def spent(self) -> bool:
        return bool(self.cut_phases)

    def describe(self) -> str:
        """'' when every rewrite ran; else a few sentences for the learner: what was done,
        what was stopped and what never ran, in plain words (PHASE_WORDS), not phase names."""
        if not self.spent:
            return ""
        started, cut = self.started_phases, self.cut_phases
        done = phase_words([p for p in started if p not in cut])
        stopped = [w for w in phase_words([p for p in cut if p in started]) if w not in done]
        skipped = [
            w for w in phase_words([p for p in cut if p not in started]) if w not in done + stopped
        ]
        parts = [
            "Partly optimized: PyTensor's rewrites of this long expression were stopped after "
            f"{self.seconds:g} s (their time grows much faster than the expression)."
        ]
        if done:
            parts.append(f"Done: {_listed(done)}.")
        if stopped:
            parts.append(f"Stopped part-way: {_listed(stopped)}.")
        if skipped:
            parts.append(f"Not done: {_listed(skipped)}.")
        parts.append(
            "The optimized graph and f′ as compiled are still correct, only less simplified; "
            "the values shown are computed as written."
        )
        return " ".join(parts)


def _listed(words: list[str]) -> str:
    return "; ".join(words)


class BudgetedRewriter(GraphRewriter):
    """``inner`` (the mode's rewrite sequence) applied within ``budget``.

    ``required`` node rewriters always run to the end (the linker cannot run the graph
    without them); phases after the deadline are skipped, since all they could do is walk
    the graph declining every rewrite (over a second for 1,900 ops)."""

    def __init__(
        self,
        inner: SequentialGraphRewriter,
        budget: RewriteBudget,
        required: Collection[NodeRewriter] = (),
    ) -> None:
        super().__init__()
        self.required = tuple(required)
        self.inner = _within(inner, budget, self.required)
        self.budget = budget

    def add_requirements(self, fgraph: Any) -> None:
        """Nothing up front: each phase attaches its features just before it runs (apply).

        A SequentialGraphRewriter attaches every phase's features first (a ShapeFeature, a
        destroy handler, change trackers...), and every graph change then runs their
        callbacks: for the ~700 merges of a 1,900-op graph that doubled the merge phase, and
        a phase the budget skips never needed them. Features are attached in phase order, so
        each phase still finds those of the phases before it."""

    def apply(self, fgraph: Any) -> None:
        self.budget.start()
        # As SequentialGraphRewriter.apply does, naming the phase that runs.
        for rewriter in self.inner.data:
            self.budget.phase = getattr(rewriter, "name", "") or type(rewriter).__name__
            if self.budget.over() and not self._required(rewriter):
                self.budget.cut(self.budget.phase)
                continue
            self.budget.started_phases.append(self.budget.phase)
            try:
                rewriter.add_requirements(fgraph)
                rewriter.apply(fgraph)
            except AssertionError:
                raise
            except Exception as error:
                if self.inner.failure_callback is None:
                    raise
                self.inner.failure_callback(error, self.inner, rewriter)
        self.budget.phase = ""

    def _required(self, rewriter: Any) -> bool:
        return getattr(rewriter, "node_rewriter", None) in self.required

    def print_summary(self, stream: Any = None, level: int = 0, depth: int = -1) -> None:
        self.inner.print_summary(stream, level, depth)


def _within(rewriter: Any, budget: RewriteBudget, required: tuple = ()) -> Any:
    """A copy of ``rewriter``'s tree whose node rewrites are declined after the deadline.

    Copies, because some rewriters are single instances registered in PyTensor's database and
    shared by every compile in the process (the training loops' too)."""
    if isinstance(rewriter, SequentialGraphRewriter):
        limited = copy.copy(rewriter)
        limited.data = [_within(each, budget, required) for each in rewriter.data]
        return limited
    if isinstance(rewriter, InplaceGraphOptimizer):
        # Not a node rewriter, but each node it tries is validated against the whole graph:
        # 0.1 s of CPU for the 10 nested compositions' 141 ops, on the way to their optimized
        # picture. Past the deadline the nodes left keep computing into new memory.
        limited = copy.copy(rewriter)
        try_inplace = limited.try_inplace_on_node

        def inplace_within_budget(fgraph: Any, node: Any, *args: Any, **kwargs: Any) -> Any:
            if not budget.allows_one_more():
                return node
            return try_inplace(fgraph, node, *args, **kwargs)

        limited.try_inplace_on_node = inplace_within_budget
        return limited
    if not isinstance(rewriter, NodeProcessingGraphRewriter):
        return rewriter
    if getattr(rewriter, "node_rewriter", None) in required:
        return rewriter
    limited = copy.copy(rewriter)
    if isinstance(limited, EquilibriumGraphRewriter):
        for name in ("global_rewriters", "final_rewriters", "cleanup_rewriters"):
            within = [_within(each, budget, required) for each in getattr(limited, name)]
            setattr(limited, name, within)
    # Every node rewrite of a walking or equilibrium rewriter goes through process_node; the
    # instance attribute shadows the method on this copy only.
    process_node = limited.process_node

    def within_budget(fgraph: Any, node: Any, node_rewriter: Any = None, enforce_tracks=True):
        if not budget.allows_one_more():
            return False
        return process_node(fgraph, node, node_rewriter, enforce_tracks)

    limited.process_node = within_budget
    return limited
