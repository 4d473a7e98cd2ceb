"""The rewrite budget: a long expression's optimized graph is a partial rewrite, honestly
labelled, still computing the right values; the budget never leaks into other compiles.

The clock is fake (one tick per look), so which rewrites run is decided by counting, not by
how busy the machine is.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from xorlab.app.expression_job import ExpressionLab, ExpressionRequest
from xorlab.core.expression import expression as expression_module
from xorlab.core.expression.expression import (
    COMPILE_MODE,
    compiled_scalar,
    derivative_formula,
    evaluate,
    finite_difference,
    parse_expression,
)
from xorlab.core.expression.rewrite_budget import RewriteBudget, _within, phase_words

ROOT = Path(__file__).resolve().parents[3]
TUTORIAL = "exp(sin(x**2))"
TEXTBOOK = "Mul(2.0, Exp(Sin(Sqr(x))), Cos(Sqr(x)), x)"


class TickingClock:
    """Advances one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def _tutorial_reference(x: float) -> tuple[float, float]:
    return np.exp(np.sin(x**2)), 2 * x * np.cos(x**2) * np.exp(np.sin(x**2))


def _op_count(expr) -> int:
    return len(compiled_scalar(expr).maker.fgraph.apply_nodes)


def test_a_spent_budget_leaves_a_correct_partly_rewritten_graph_and_says_so():
    expr = parse_expression(TUTORIAL)
    compiled_scalar(expr, RewriteBudget(3, clock=TickingClock()))  # a few rewrites, then none
    full = parse_expression(TUTORIAL)
    assert derivative_formula(full) == TEXTBOOK and full.rewrite_limits == []
    assert derivative_formula(expr) != TEXTBOOK
    assert _op_count(expr) > _op_count(full)
    assert len(expr.rewrite_limits) == 1
    assert expr.rewrite_limits[0].startswith("Partly optimized")
    note = expr.rewrite_limits[0]
    assert "Not done:" in note and "simplifying the algebra" in note
    phase_names = [getattr(r, "name", "") for r in COMPILE_MODE.optimizer.data]
    assert not [name for name in phase_names if name and name in note]  # plain words only
    for x in (-1.3, 0.7, 15.0):
        f, df = evaluate(expr, x)
        f_ref, df_ref = _tutorial_reference(x)
        assert f == pytest.approx(f_ref, rel=1e-12)
        assert df == pytest.approx(df_ref, rel=1e-11)
    assert evaluate(expr, 15.0)[1] == pytest.approx(4.3474041, abs=1e-6)


def test_no_budget_at_all_runs_the_graph_as_built():
    expr = parse_expression("x**2 * 1")
    compiled_scalar(expr, RewriteBudget(0, clock=TickingClock()))
    nodes = compiled_scalar(expr).maker.fgraph.apply_nodes
    names = {type(n.op.scalar_op).__name__ for n in nodes if hasattr(n.op, "scalar_op")}
    assert "Pow" in names  # x**2 was never turned into Sqr(x)
    assert evaluate(expr, 3.0) == pytest.approx((9.0, 6.0), rel=1e-15)
    assert expr.rewrite_limits


def test_the_budget_changes_nothing_shared_with_other_compiles():
    limited = parse_expression("sin(x)**2 + cos(x)**2")
    compiled_scalar(limited, RewriteBudget(0, clock=TickingClock()))
    # The database's rewriters are left as they were (only copies were limited) ...
    for rewriter in COMPILE_MODE.optimizer.data:
        assert "process_node" not in vars(rewriter)
    # ... and the next compile, with the default budget, rewrites fully.
    assert derivative_formula(parse_expression(TUTORIAL)) == TEXTBOOK


def test_limiting_copies_every_walking_and_equilibrium_rewriter():
    sequence = COMPILE_MODE.optimizer
    limited = _within(sequence, RewriteBudget(1))
    assert len(limited.data) == len(sequence.data)
    patched = [r for r in limited.data if "process_node" in vars(r)]
    assert patched, "no node-processing rewriter found to limit"
    originals = {id(r) for r in sequence.data}
    assert all(id(r) not in originals for r in patched)
    names = {getattr(r, "name", "") for r in patched}
    assert {"canonicalize", "specialize"} <= names


def test_a_500_character_expression_is_answered_with_a_limited_optimized_graph(monkeypatch):
    # x**x / x**x / ... (100 terms) = (x**x) ** -98. Its full rewrites take minutes; with the
    # budget spent at once the answer comes from the as-written graph.
    monkeypatch.setattr(expression_module, "REWRITE_BUDGET_S", 0.0)
    monkeypatch.setattr(expression_module, "REWRITE_FLOOR", 0)
    text = "/".join(["x**x"] * 100)
    assert len(text) == 499
    lab = ExpressionLab()
    at = 1.1
    result = lab.compute(ExpressionRequest(text, at, 0.9, 1.3, "both", "optimized", points=5))
    power = at**at
    assert result.f == pytest.approx(power**-98, rel=1e-10)
    assert result.df == pytest.approx(-98 * power**-98 * (np.log(at) + 1), rel=1e-10)
    assert result.fd == pytest.approx(result.df, rel=1e-6)
    assert result.fs == pytest.approx((result.xs**result.xs) ** -98, rel=1e-10)
    assert result.rewrite_limit.startswith("Partly optimized")
    assert result.graph.stats.apply_nodes > 0
    expr = lab.expression(text)
    assert finite_difference(expr, at) == pytest.approx(result.df, rel=1e-6)


def test_grad_help_and_the_parser_import_no_pytensor():
    code = (
        "import sys, xorlab.cli\n"
        "xorlab.cli.build_parser('grad')\n"
        "from xorlab.core.expression.parser import FUNCTIONS\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pytensor'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_note_says_in_words_what_was_done_stopped_and_not_done():
    budget = RewriteBudget(0.35)
    budget.started_phases = ["inline_ofg_expansion", "merge1", "scan_eqopt1", "canonicalize"]
    budget.cut_phases = ["canonicalize", "merge1.2", "stabilize", "scan_eqopt2", "specialize"]
    note = budget.describe()
    assert note.startswith("Partly optimized") and "after 0.35 s" in note
    assert "Done: merging repeated subexpressions." in note
    assert "Stopped part-way: simplifying the algebra" in note
    assert "Not done: numerically stable forms (log(1+x) → log1p(x)); cheaper special" in note
    for internal in ("scan_eqopt", "canonicalize", "merge1", "inline_ofg"):
        assert internal not in note
    assert RewriteBudget(1).describe() == ""  # nothing cut, nothing said
    assert phase_words(["merge1", "merge2", "BlasOpt"]) == ["merging repeated subexpressions"]


def test_a_budget_started_earlier_counts_the_time_before_the_rewrites():
    clock = TickingClock()
    clock.now = 10.0
    budget = RewriteBudget(3, clock, started_at=8.0)  # 2 s went on copying the graph
    budget.start()
    assert budget.deadline == 11.0
    budget = RewriteBudget(3, clock)  # from when the rewrites start
    budget.start()
    assert budget.deadline == 11.0 + 3


def test_the_in_place_phase_keeps_to_the_budget_and_the_values_stay_right():
    """Each node the in-place rewriter tries counts as a rewrite: past the deadline the rest
    keep computing into new memory, and the note says the phase was stopped part-way."""
    text = "sin(x)*cos(x) + exp(x)*x**3 - log(1 + x**2)*tanh(x)"
    full = parse_expression(text)
    compiled_scalar(full)
    budget = _DeadlineInPhase("inplace_elemwise", attempts=1)
    limited = parse_expression(text)
    compiled_scalar(limited, budget)
    assert "inplace_elemwise" in budget.cut_phases
    assert "Stopped part-way: computing in place" in limited.rewrite_limits[0]
    assert 0 < _inplace_nodes(limited) < _inplace_nodes(full)
    for at in (-1.5, 0.3, 2.0):
        np.testing.assert_allclose(evaluate(limited, at), evaluate(full, at), rtol=1e-14)


class _DeadlineInPhase(RewriteBudget):
    """A budget whose deadline passes after ``attempts`` rewrites in the phase ``phase``."""

    def __init__(self, phase: str, attempts: int) -> None:
        super().__init__(1e9)
        self.in_phase, self.attempts, self.tried = phase, attempts, 0

    def allows_one_more(self) -> bool:
        allowed = super().allows_one_more()
        self.tried += allowed and self.phase == self.in_phase
        return allowed

    def over(self) -> bool:
        return self.tried >= self.attempts


def _inplace_nodes(expr) -> int:
    fgraph = compiled_scalar(expr).maker.fgraph
    return sum(bool(getattr(node.op, "destroy_map", None)) for node in fgraph.apply_nodes)
