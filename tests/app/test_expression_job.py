"""The expression lab's pictures: too large a graph is text with its reason, and a layout
Graphviz gave up on is remembered rather than tried again on every request."""

from __future__ import annotations

import math
import threading

import pytest

from xorlab.app import expression_job
from xorlab.app.expression_job import LAYOUT_THREADS, ExpressionLab, ExpressionRequest
from xorlab.core.expression import expression as expression_module
from xorlab.core.graphs import render


def _request(text: str, stage: str = "symbolic") -> ExpressionRequest:
    return ExpressionRequest(text, 1.5, 1.0, 2.0, "both", stage, points=5)


def test_a_graph_over_the_limit_is_text_with_its_size(monkeypatch):
    monkeypatch.setattr(expression_job, "MAX_DRAWN_OPS", 5)
    result = ExpressionLab().compute(_request("exp(sin(x**2))"))
    assert result.svg is None
    assert f"it has {result.graph.stats.apply_nodes} ops" in result.render_problem
    # The values do not depend on the picture.
    assert result.df == pytest.approx(3.0 * math.cos(2.25) * math.exp(math.sin(2.25)), rel=1e-14)


def test_a_layout_that_failed_is_remembered(monkeypatch):
    calls = []

    def too_slow(dot: str, renderer=None, timeout=render.DOT_TIMEOUT) -> str:
        calls.append(timeout)
        raise render.RenderError(f"Graphviz took longer than {timeout:g} s to lay out this graph")

    monkeypatch.setattr(render, "render_svg", too_slow)
    lab = ExpressionLab()
    first = lab.compute(_request("x**3"))
    lab.compute(_request("x**3", "optimized"))
    # The complete answer lays out both graphs (symbolic and optimized), each once ...
    assert calls == [expression_job.LAYOUT_TIMEOUT_S] * 2
    again = lab.compute(ExpressionRequest("x**3", 1.7, 1.0, 2.0, "both", "symbolic", points=5))
    lab.compute(_request("x**3", "optimized"))
    assert len(calls) == 2  # ... and never again
    assert first.svg is None is again.svg
    assert "took longer than 1.5 s" in first.render_problem
    assert again.render_problem == first.render_problem
    assert again.f == pytest.approx(1.7**3, rel=1e-15)


def test_a_first_answer_does_not_wait_for_graphviz_and_the_complete_one_has_both(monkeypatch):
    released = threading.Event()
    laid_out = []
    real = render.render_svg

    def held(dot: str, renderer=None, timeout=render.DOT_TIMEOUT) -> str:
        released.wait(30)
        laid_out.append(dot)
        return real(dot, renderer, timeout)

    monkeypatch.setattr(render, "render_svg", held)
    lab = ExpressionLab()
    try:
        first = lab.compute(_request("exp(sin(x**2))"), optimized=False)
        assert first.drawing and first.svg is None and first.graph.stage == "symbolic"
        assert first.df == pytest.approx(3.0 * math.cos(2.25) * math.exp(math.sin(2.25)))
    finally:
        released.set()
    complete = lab.compute(_request("exp(sin(x**2))"))
    assert not complete.drawing and complete.svg.lstrip().startswith(("<?xml", "<svg"))
    assert complete.fd is first.fd and complete.fs is first.fs  # as written: computed once
    # The optimized graph's layout started with the complete answer: asking for it lays out
    # nothing new.
    optimized = lab.compute(_request("exp(sin(x**2))", "optimized"))
    assert optimized.graph.stage == "optimized" and optimized.svg is not None
    assert len(laid_out) == 2 and optimized.graph.dot in laid_out
    assert optimized.fd is complete.fd and optimized.point is complete.point  # nothing redone
    assert optimized.formula == complete.formula == "Mul(2.0, Exp(Sin(Sqr(x))), Cos(Sqr(x)), x)"


class StepClock:
    """Reads as ``now``; the test moves it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("first_answer_s", "rewrite_s"),
    [(0.1, expression_module.REWRITE_BUDGET_S), (0.3, 0.25), (0.9, 0.05)],
)
def test_the_rewrites_get_what_is_left_of_the_second(monkeypatch, first_answer_s, rewrite_s):
    budgets = []
    real = expression_module.rewritten_scalar

    def recorded(expr, budget=None):
        if budget is not None:  # expression.py's own calls (the values as written) pass none
            budgets.append(budget)
        return real(expr, budget)

    # The lab imports rewritten_scalar where it calls it (the window imports no PyTensor).
    monkeypatch.setattr(expression_module, "rewritten_scalar", recorded)
    clock = StepClock()
    lab = ExpressionLab(clock=clock)
    first = lab.compute(_request("x**3 + sin(x)"), optimized=False)
    clock.now += first_answer_s  # as if the first answer took this long
    complete = lab.compute(_request("x**3 + sin(x)"))
    assert len(budgets) == 1 and budgets[0].seconds == pytest.approx(rewrite_s)
    # However little is left, the floor of node rewrites optimizes a short expression fully.
    assert complete.rewrite_limit == "" and complete.formula
    assert complete.df == pytest.approx(3 * 1.5**2 + math.cos(1.5), rel=1e-14) == first.df
    lab.compute(_request("x**3 + sin(x)"))
    assert len(budgets) == 1  # compiled once


def test_typing_past_an_expression_drops_its_layouts_not_started(monkeypatch):
    started = threading.Event()
    released = threading.Event()
    laid_out = []

    def held(dot: str, renderer=None, timeout=render.DOT_TIMEOUT) -> str:
        laid_out.append(dot)
        started.set()
        released.wait(30)
        return "<svg/>"

    monkeypatch.setattr(render, "render_svg", held)
    lab = ExpressionLab()
    held_texts = [f"x**{k} + 1" for k in range(LAYOUT_THREADS)]
    try:
        for text in held_texts:  # their layouts run, and are held
            started.clear()
            lab.compute(_request(text), optimized=False)
            assert started.wait(30)
        lab.compute(_request("x**4"), optimized=False)  # queued behind them
        lab.compute(_request("x**5"), optimized=False)  # typed past x**4: its layout is dropped
    finally:
        released.set()
    last = lab.compute(_request("x**5"))
    assert last.svg == "<svg/>"
    assert not any("x**4" in dot for dot in laid_out)
    assert lab.compute(_request("x**4")).svg == "<svg/>"  # asked again: laid out then
    lab.close()


def test_a_pictures_shapes_are_found_on_the_layout_thread(monkeypatch):
    monkeypatch.setattr(render, "render_svg", lambda dot, renderer=None, timeout=0: "<svg/>")
    lab = ExpressionLab(picture_shapes=lambda svg: (svg, threading.current_thread().name))
    result = lab.compute(_request("x**3"))
    assert result.svg == "<svg/>"
    assert result.shapes == ("<svg/>", result.shapes[1])
    assert result.shapes[1].startswith("xorlab-expression-layout")
    lab.close()


def test_a_graph_over_the_limit_names_only_the_views_that_fit(monkeypatch):
    from xorlab.core.expression.expression import parse_expression
    from xorlab.core.graphs.build import graph_of_expression

    text = "exp(sin(x**2)) + x**3"
    expr = parse_expression(text)
    f_alone = graph_of_expression(expr, "f", "symbolic", with_text=False).stats.apply_nodes
    both = graph_of_expression(expr, "both", "symbolic", with_text=False).stats.apply_nodes
    assert f_alone < both
    # Between the two sizes: f alone fits, f and f' together do not.
    monkeypatch.setattr(expression_job, "MAX_DRAWN_OPS", f_alone)
    result = ExpressionLab().compute(_request(text))
    assert result.svg is None
    assert f"the symbolic graph of f alone ({f_alone} ops) can be drawn" in result.render_problem
    # Below both, the message says neither fits rather than suggesting one.
    monkeypatch.setattr(expression_job, "MAX_DRAWN_OPS", 1)
    result = ExpressionLab().compute(_request(text))
    optimized = result.render_problem.split("nor the optimized graph of f and f′ (")[1]
    assert result.render_problem.startswith(f"it has {both} ops")
    assert f"neither the symbolic graph of f alone ({f_alone} ops)" in result.render_problem
    assert optimized.endswith(" ops) is small enough")
    # f alone, optimized: nothing else to suggest.
    result = ExpressionLab().compute(
        ExpressionRequest(text, 1.5, 1.0, 2.0, "f", "optimized", points=5)
    )
    assert result.render_problem.endswith("(at most 1 are drawn)")
