"""The Graph tab's summary of what the rewrites did."""

from __future__ import annotations

from xorlab.core.graphs.stats import RewriteComparison
from xorlab.ui.graph.legend import rewrite_html


def test_an_op_and_its_count_stay_on_one_line_and_names_are_escaped():
    """At 1920x1080 the summary's last line began with a lone "×6" (of "Shape_i ×6")."""
    comparison = RewriteComparison(
        apply_nodes=(148, 53),
        variables=(207, 82),
        depth=(39, 23),
        removed={"Mul": 20, "Shape": 6},
        inserted={"Shape_i": 6, "A<b>": 1},
        changed={},
        elementwise_before=30,
        elementwise_after=2,
        composites=8,
        fused_ops=57,
    )
    text = rewrite_html(comparison)
    assert "removed Mul&nbsp;×20, Shape&nbsp;×6" in text
    assert "inserted A&lt;b&gt;&nbsp;×1, Shape_i&nbsp;×6" in text
    assert " ×" not in text
