"""The expression lab's pictures: too large a graph is text with its reason, and a layout
Graphviz gave up on is remembered rather than tried again on every request."""

from __future__ import annotations

import math

import pytest

from xorlab.app import expression_job
from xorlab.app.expression_job import ExpressionLab, ExpressionRequest
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
    again = lab.compute(ExpressionRequest("x**3", 1.7, 1.0, 2.0, "both", "symbolic", points=5))
    assert calls == [expression_job.LAYOUT_TIMEOUT_S]
    assert first.svg is None is again.svg
    assert "took longer than 1.5 s" in first.render_problem
    assert again.render_problem == first.render_problem
    assert again.f == pytest.approx(1.7**3, rel=1e-15)
