"""The expression lab against independent references: numpy's f and the analytic f' of
exp(sin(x**2)), the tutorial number f'(15) = 4.3474041, and the background runner it uses."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from xorlab.app import expression_job
from xorlab.core.expression.expression import parse_expression
from xorlab.core.files.safe_files import SafeFileError
from xorlab.core.graphs.build import graph_of_expression
from xorlab.ui.expression import tab as tab_module
from xorlab.ui.expression.tab import DEFAULT_EXPRESSION, ExpressionTab
from xorlab.ui.runtime.background import BackgroundRunner
from xorlab.ui.widgets import graph_canvas

WAIT_MS = 30_000
TUTORIAL_DERIVATIVE = 4.3474041  # d/dx exp(sin(x**2)) at 15


def f_reference(x):
    return np.exp(np.sin(x**2))


def df_reference(x):
    return 2 * x * np.cos(x**2) * np.exp(np.sin(x**2))


@pytest.fixture
def tab(qtbot):
    tab = ExpressionTab()
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    with qtbot.waitSignal(tab.result_shown, timeout=WAIT_MS):
        tab.show()
    yield tab
    assert tab.shutdown(WAIT_MS)


def settle(qtbot, tab: ExpressionTab) -> None:
    qtbot.waitUntil(lambda: not tab.busy(), timeout=WAIT_MS)


def shown_number(label) -> float:
    return float(label.text().split()[0])


def test_defaults_show_the_tutorial_derivative_and_its_check(tab):
    assert tab.input.text() == DEFAULT_EXPRESSION and tab.point_box.value() == 15
    df = shown_number(tab.df_value)
    assert abs(df - TUTORIAL_DERIVATIVE) < 1e-6
    assert abs(df - df_reference(15.0)) < 1e-8
    assert abs(shown_number(tab.f_value) - f_reference(15.0)) < 1e-9
    fd = shown_number(tab.fd_value)
    assert abs(fd - df_reference(15.0)) < 1e-6
    difference = shown_number(tab.diff_value)
    assert difference == pytest.approx(tab.result.df - tab.result.fd, rel=1e-2, abs=1e-14)
    assert abs(difference) < 1e-6 and "relative" in tab.diff_value.text()
    assert "Cos" in tab.formula.text() and "Exp" in tab.formula.text()


def test_plots_match_numpy_over_the_range(qtbot, tab):
    xs, fs = tab.f_curve.getData()
    np.testing.assert_allclose(xs, np.linspace(14, 16, len(xs)))
    np.testing.assert_allclose(fs, f_reference(xs), rtol=1e-12)
    _, dfs = tab.df_curve.getData()
    np.testing.assert_allclose(dfs, df_reference(xs), rtol=1e-9, atol=1e-9)
    curve = tab.f_curve
    tab.set_range(-2.0, 3.0)
    settle(qtbot, tab)
    xs, fs = tab.f_curve.getData()
    assert tab.f_curve is curve and (xs[0], xs[-1]) == (-2.0, 3.0)
    np.testing.assert_allclose(fs, f_reference(xs), rtol=1e-12)
    assert tab.point_line.value() == 15.0
    # x = 15 lies outside the new range: the range stays as asked, not stretched to 15.
    (x0, x1), _ = tab.f_plot.getViewBox().viewRange()
    assert -2.2 < x0 <= -2.0 and 3.0 <= x1 < 3.2 and len(tab.f_marker.data) == 0


def test_the_y_range_fits_values_of_any_size_at_once(qtbot, tab):
    # x**(-98x) from 0.5 to 3 spans 5.6e14 to 1e-140: pyqtgraph's own auto range reached it
    # a step (1e6 view heights) per repaint. Set from the values, it is there at once.
    tab.set_range(0.5, 3.0)
    tab.set_point(1.5)
    tab.set_expression("x**(-98*x)")
    settle(qtbot, tab)
    xs = np.linspace(0.5, 3.0, len(tab.f_curve.getData()[0]))
    fs = xs ** (-98 * xs)
    dfs = fs * (-98 * (np.log(xs) + 1))
    for plot, values in ((tab.f_plot, fs), (tab.df_plot, dfs)):
        _, (y0, y1) = plot.getViewBox().viewRange()
        assert y0 <= values.min() and values.max() <= y1
        assert (y1 - y0) < 1.2 * (values.max() - values.min())
    # One width for both left axes, so the linked x axes line up.
    widths = {plot.getAxis("left").width() for plot in (tab.f_plot, tab.df_plot)}
    assert len(widths) == 1


def test_a_point_outside_the_range_does_not_move_the_range(qtbot, tab):
    tab.set_point(1.5)  # the range stays 14..16
    settle(qtbot, tab)
    (x0, x1), _ = tab.f_plot.getViewBox().viewRange()
    assert 13.9 < x0 <= 14.0 and 16.0 <= x1 < 16.1
    # f' is linked to f's x axis (aligned by pixel, its axis labels being wider).
    (x0, x1), _ = tab.df_plot.getViewBox().viewRange()
    assert 13.9 < x0 < 14.1 and 15.9 < x1 < 16.1
    assert len(tab.f_marker.data) == 0 and len(tab.df_marker.data) == 0
    # Its values are still computed, against numpy.
    assert shown_number(tab.f_value) == pytest.approx(f_reference(1.5), rel=1e-9)
    assert shown_number(tab.df_value) == pytest.approx(df_reference(1.5), rel=1e-8)
    # Back inside the range: the markers come back, at the curve's values.
    tab.set_point(15.5)
    settle(qtbot, tab)
    assert tab.f_marker.data["y"][0] == pytest.approx(f_reference(15.5), rel=1e-12)
    (x0, x1), _ = tab.f_plot.getViewBox().viewRange()
    assert 13.9 < x0 <= 14.0 and 16.0 <= x1 < 16.1


def test_a_new_expression_and_point(qtbot, tab):
    tab.input.set_text("x**3 - 2*x")
    tab.point_box.setValue(2.0)
    tab.compute()
    settle(qtbot, tab)
    assert shown_number(tab.f_value) == pytest.approx(4.0)
    assert shown_number(tab.df_value) == pytest.approx(10.0)
    assert shown_number(tab.fd_value) == pytest.approx(10.0, rel=1e-8)
    assert "x**3 - 2*x" in tab.values_title.text()
    # Outside the domain the values are undefined, not an error.
    tab.set_expression("log(x)")
    tab.set_point(-1.0)
    settle(qtbot, tab)
    assert tab.f_value.text() == "undefined (log of a negative number (-1))"
    assert tab.df_value.text() == "undefined (f is not finite here)"  # 1/x is -1: no f there
    assert tab.input.error_column is None
    assert "formula PyTensor built for f′ gives -1.0" in tab.truth_note.text()


@pytest.mark.parametrize(
    ("text", "reason", "optimized"),
    [("0/0", "0/0", "1.0"), ("(x-x)/(x-x)", "0/0", "1.0"), ("x*0/0", "0/0", "3.0")],
)
def test_the_value_as_written_and_the_rewrite_that_changes_it(qtbot, tab, text, reason, optimized):
    tab.set_expression(text)
    tab.set_point(3.0)
    settle(qtbot, tab)
    assert tab.f_value.text() == f"undefined ({reason})"  # PyTensor's rewrites said {optimized}
    assert tab.truth_note.isVisible()
    assert f"optimized graph gives f = {optimized} (as written: undefined)" in tab.truth_note.text()
    assert tab.fd_value.text() == "undefined (f is not finite here)"  # not the rewritten slope
    _, fs = tab.f_curve.getData()
    assert np.isnan(fs).all()  # undefined over the whole range, as written
    assert tab.f_marker.data["y"].size == 0
    tab.set_expression("x**2")
    settle(qtbot, tab)
    assert not tab.truth_note.isVisible() and shown_number(tab.f_value) == 9.0


def test_a_bad_expression_marks_its_column_and_keeps_the_last_result(qtbot, tab):
    good = tab.result
    xs, fs = tab.f_curve.getData()
    shown = tab.df_value.text()
    tab.input.edit.selectAll()
    qtbot.keyClicks(tab.input.edit, "exp(sin(x**2)) + 2x")
    with qtbot.waitSignal(tab.problem_shown, timeout=WAIT_MS):
        pass
    assert tab.input.error_column == 18  # the "2" of "2x"
    assert "syntax error" in tab.input.message.text() and tab.input.message.isVisible()
    caret = tab.input.caret
    assert caret.isVisible() and caret.x_position is not None
    edit = tab.input.edit
    assert caret.x() + caret.x_position == edit.x() + edit.column_x(18)  # right under it
    assert edit.column_x(17) < edit.column_x(18) < edit.column_x(19)
    assert tab.result is good and tab.df_value.text() == shown
    np.testing.assert_array_equal(tab.f_curve.getData()[1], fs)
    assert "last expression that worked" in tab.status.text()

    tab.set_expression("exp(sin(y))")
    settle(qtbot, tab)
    assert tab.input.error_column == 9 and "unknown name 'y'" in tab.input.message.text()

    tab.set_expression("x**3")
    settle(qtbot, tab)
    assert tab.input.error_column is None and not tab.input.message.isVisible()
    assert shown_number(tab.df_value) == pytest.approx(3 * 15.0**2)


def test_a_reversed_range_is_refused_and_the_plot_kept(qtbot, tab):
    xs, _ = tab.f_curve.getData()
    tab.set_range(3.0, 1.0)
    assert tab.range_error.isVisible() and "from < to" in tab.range_error.text()
    settle(qtbot, tab)
    np.testing.assert_array_equal(tab.f_curve.getData()[0], xs)


def test_graphs_of_f_and_its_derivative(qtbot, tab):
    expr = parse_expression(DEFAULT_EXPRESSION)
    graph = tab.canvas.graph
    assert graph.stage == "symbolic" and graph.target == "expression"
    assert graph.stats == graph_of_expression(expr, "both", "symbolic").stats
    assert tab.canvas.is_drawn()
    buttons = {b.property("stage"): b for b in tab.stage_group.buttons()}
    qtbot.mouseClick(buttons["optimized"], Qt.MouseButton.LeftButton)
    settle(qtbot, tab)
    expected = graph_of_expression(expr, "both", "optimized")
    assert tab.canvas.graph.stats == expected.stats
    assert tab.graph_stats.text().startswith(f"{expected.stats.apply_nodes} ops")
    parts = {b.property("part"): b for b in tab.part_group.buttons()}
    qtbot.mouseClick(parts["df"], Qt.MouseButton.LeftButton)
    settle(qtbot, tab)
    assert "f'(x) of" in tab.canvas.graph.title
    cos = next(n for n in tab.canvas.graph.nodes.values() if n.op_name == "Cos")
    qtbot.mouseClick(tab.canvas.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=tab.canvas.viewport_point_of(cos.id))  # fmt: skip
    assert tab.details.node_id == cos.id and "Cos" in tab.details.browser.toPlainText()


def test_a_partly_optimized_graph_is_said_to_be_so(qtbot, tab, monkeypatch):
    from xorlab.core.expression import expression as expression_module

    assert tab.rewrite_note.isHidden()
    # No rewrite budget at all: as for a long expression whose rewrites run out of time.
    monkeypatch.setattr(expression_module, "REWRITE_BUDGET_S", 0.0)
    monkeypatch.setattr(expression_module, "REWRITE_FLOOR", 0)
    with qtbot.waitSignal(tab.result_shown, timeout=WAIT_MS):
        tab.set_expression("x**x/x**x/x**x")
    assert tab.rewrite_note.isVisible() and "Partly optimized" in tab.rewrite_note.text()
    assert shown_number(tab.f_value) == pytest.approx(15.0**-15.0, rel=1e-9)
    monkeypatch.undo()
    with qtbot.waitSignal(tab.result_shown, timeout=WAIT_MS):
        tab.set_expression(DEFAULT_EXPRESSION)
    assert tab.rewrite_note.isHidden()


def test_values_and_the_symbolic_graph_come_before_the_optimized_compile(qtbot, tab, monkeypatch):
    release = threading.Event()
    compute = tab.lab.compute

    def held_compute(request, optimized=True):
        if optimized:  # the optimized compile waits until the first answer was looked at
            release.wait(WAIT_MS / 1000)
        return compute(request, optimized)

    monkeypatch.setattr(tab.lab, "compute", held_compute)
    try:
        tab.set_expression("x**3 + x")
        qtbot.waitUntil(lambda: tab.status.text() == "Optimizing…", timeout=WAIT_MS)
        assert shown_number(tab.df_value) == pytest.approx(3 * 15.0**2 + 1, rel=1e-9)
        assert shown_number(tab.fd_value) == pytest.approx(3 * 15.0**2 + 1, rel=1e-6)
        assert tab.formula.text() == "optimizing…"
        assert tab.canvas.graph.stage == "symbolic" and "x**3 + x" in tab.canvas.graph.title
        assert tab.result.request.text == DEFAULT_EXPRESSION  # the last complete answer
        # Its picture is being drawn (or drawn already): never a "cannot be drawn" page.
        assert tab.canvas.dot_text.isHidden()
        with qtbot.waitSignal(tab.result_shown, timeout=WAIT_MS):
            release.set()
    finally:
        release.set()
    assert tab.result.request.text == "x**3 + x" and tab.status.text() == ""
    assert "optimizing" not in tab.formula.text() and "x" in tab.formula.text()
    assert tab.canvas.is_drawn() and tab.canvas.graph.stage == "symbolic"
    # Compiled now: moving the point needs no first answer.
    assert not tab.lab.optimized_pending("x**3 + x")


def test_without_a_renderer_the_graph_is_dot_text(qtbot, monkeypatch):
    monkeypatch.setenv("XORLAB_RENDERER", "none")
    tab = ExpressionTab()
    qtbot.addWidget(tab)
    try:
        with qtbot.waitSignal(tab.result_shown, timeout=WAIT_MS):
            tab.show()
        assert not tab.canvas.is_drawn()
        assert tab.canvas.dot_text.toPlainText() == tab.canvas.graph.dot
        assert abs(shown_number(tab.df_value) - TUTORIAL_DERIVATIVE) < 1e-6
    finally:
        assert tab.shutdown(WAIT_MS)


def test_fast_typing_computes_only_the_latest_text(qtbot, tab):
    shown: list[str] = []
    tab.result_shown.connect(lambda result: shown.append(result.request.text))
    for text in ("x", "x*2", "x*2+1", "sin(x)*2+1"):
        tab.set_expression(text)
    settle(qtbot, tab)
    qtbot.wait(50)
    assert shown == ["sin(x)*2+1"]


# --- the background runner ---------------------------------------------------------------------


@pytest.fixture
def runner():
    runner = BackgroundRunner("test-runner")
    yield runner
    assert runner.shutdown(WAIT_MS)


def test_runner_merges_pending_jobs_of_a_kind(qtbot, runner):
    gate = threading.Event()
    ran: list[str] = []
    finished: list[tuple[str, object]] = []
    runner.job_finished.connect(lambda kind, result: finished.append((kind, result)))

    def job(name: str) -> str:
        if name == "first":
            gate.wait(5)
        ran.append(name)
        return name

    runner.submit("a", job, "first")
    qtbot.waitUntil(lambda: runner._thread.busy("a") and not runner._thread._pending)
    for name in ("second", "third", "fourth"):
        runner.submit("a", job, name)
    runner.submit("b", job, "other kind")
    gate.set()
    qtbot.waitUntil(lambda: not runner.is_busy(), timeout=WAIT_MS)
    assert ran == ["first", "fourth", "other kind"]  # second and third were replaced
    assert finished == [("a", "fourth"), ("b", "other kind")]  # "first" was superseded


def test_runner_reports_failures_on_the_gui_thread(qtbot, runner):
    def fail() -> None:
        raise ValueError("bad input")

    with qtbot.waitSignal(runner.job_failed, timeout=WAIT_MS) as blocker:
        runner.submit("x", fail)
    kind, error = blocker.args
    assert kind == "x" and isinstance(error, ValueError) and str(error) == "bad input"


def test_runner_shutdown_waits_for_the_running_job_and_ignores_later_ones(qtbot):
    runner = BackgroundRunner("test-shutdown")
    started = threading.Event()
    runner.submit("slow", lambda: (started.set(), time.sleep(0.2)))
    assert started.wait(5)
    assert runner.shutdown(WAIT_MS) and not runner.is_running()
    assert runner.submit("late", lambda: None) == 0 and not runner.is_running()


def _click_dot_line(qtbot, tab: ExpressionTab, starts: str) -> str:
    """Click the first line of the DOT text view that starts with ``starts``; its text."""
    text = tab.canvas.dot_text
    block = text.document().firstBlock()
    while block.isValid() and not block.text().startswith(starts):
        block = block.next()
    assert block.isValid(), starts
    text.verticalScrollBar().setValue(block.firstLineNumber())  # the line in view
    qtbot.wait(10)
    where = text.cursorRect(QTextCursor(block)).center() + QPoint(4, 0)
    qtbot.mouseClick(text.viewport(), Qt.MouseButton.LeftButton, pos=where)
    return block.text()


def test_a_graph_too_big_to_draw_is_text_whose_lines_select_and_that_saves_whole(
    qtbot, tab, monkeypatch, tmp_path
):
    monkeypatch.setattr(expression_job, "MAX_DRAWN_OPS", 3)  # the tutorial's graph has more
    text = "exp(sin(x**2)) + x**3"
    whole = graph_of_expression(parse_expression(text), "both", "symbolic", with_text=False).dot
    monkeypatch.setattr(graph_canvas, "DOT_TEXT_SHOWN", len(whole) - 100)  # all but its end
    with qtbot.waitSignal(tab.result_shown, timeout=WAIT_MS):
        tab.set_expression(text)
    canvas, graph = tab.canvas, tab.canvas.graph
    assert not canvas.is_drawn() and canvas.dot_text.isVisible()
    shown = canvas.dot_text.toPlainText()
    assert len(shown) < len(graph.dot) and graph.dot.startswith(shown)
    message = canvas.message.text()
    assert "Save graph… above it saves it whole" in message and "File > Export" not in message
    # Clicking a node's line selects that node; an edge's line, the value it carries.
    op_id = next(line.split()[0] for line in shown.splitlines() if line.startswith("a"))
    line = _click_dot_line(qtbot, tab, f"{op_id} [")
    assert canvas.selected_id == op_id == tab.details.node_id, line
    assert graph.nodes[op_id].op in tab.details.browser.toPlainText()
    edge = next(line for line in shown.splitlines() if " -> a" in line)
    line = _click_dot_line(qtbot, tab, edge)
    edge_id = line.split('id="', 1)[1].split('"', 1)[0]
    variable = graph.element(edge_id).id
    assert variable.startswith("v") and canvas.selected_id == variable == tab.details.node_id
    # Saved whole, though only its start is shown; no picture to save.
    assert tab.save_button.isEnabled() and not tab.save_actions["svg"].isEnabled()
    saved = tab.save_graph("dot", tmp_path / "graph.dot")
    assert saved.read_text(encoding="utf-8") == graph.dot
    with pytest.raises(SafeFileError):
        tab.save_graph("svg", tmp_path / "graph.svg")
    # The menu's action asks for a name, then saves the same.
    chosen = tmp_path / "chosen.dot"
    monkeypatch.setattr(
        tab_module.QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(chosen), "")
    )
    tab.save_actions["dot"].trigger()
    assert chosen.read_text(encoding="utf-8") == graph.dot


def test_a_drawn_graph_saves_its_picture(qtbot, tab, tmp_path):
    assert tab.canvas.is_drawn() and tab.save_actions["svg"].isEnabled()
    saved = tab.save_graph("svg", tmp_path / "graph.svg")
    assert saved.read_text(encoding="utf-8") == tab.canvas.svg


def test_an_underflowed_value_is_not_shown_as_the_truth(qtbot, tab):
    # exp(-900) is about 1.6e-391: below double range, computed as 0.
    tab.point_box.setValue(30.0)
    with qtbot.waitSignal(tab.result_shown, timeout=WAIT_MS):
        tab.set_expression("exp(-x**2)")
    assert tab.result.f == 0.0
    assert tab.f_value.text() == "0 (underflow: see below)"
    assert tab.df_value.text().endswith("(underflow: see below)")
    assert "true value is not 0" in tab.truth_note.text() and tab.truth_note.isVisible()
    assert tab.diff_value.text() == "— (underflow: no check here)"  # not "0 (identical)"
    assert tab.fd_value.text().endswith("(of f values that underflow)")
    # On the plots too: exp(-x**2) is below the smallest normal double for x > 26.6.
    with qtbot.waitSignal(tab.result_shown, timeout=WAIT_MS):
        tab.set_range(26.0, 28.0)
    xs, fs = tab.f_curve.getData()
    under = np.exp(-(xs**2)) < np.finfo(np.float64).tiny
    first = xs[under].min()
    assert 0 < under.sum() < len(xs) and 26.6 < first < 26.7
    assert f"On the plots, f at {under.sum()} of 1001 points (x from {first:g} to 28)" in (
        tab.truth_note.text()
    )


def test_the_gui_thread_neither_finds_shapes_nor_redraws_what_is_shown(qtbot, tab, monkeypatch):
    found = []
    monkeypatch.setattr(graph_canvas, "find_shapes", lambda *args: found.append(args) or {})
    set_svg, pictures = tab.canvas.set_svg, []
    monkeypatch.setattr(tab.canvas, "set_svg", lambda *a: pictures.append(a) or set_svg(*a))
    with qtbot.waitSignal(tab.result_shown, timeout=WAIT_MS):
        tab.set_expression("sin(x)*x**2")
    settle(qtbot, tab)
    assert tab.canvas.is_drawn() and tab.canvas._shapes and not found
    assert len(pictures) == 1  # the first and the complete answer show one picture, once
    tab.canvas.select(next(iter(tab.canvas._shapes)))
    selected = tab.canvas.selected_id
    with qtbot.waitSignal(tab.result_shown, timeout=WAIT_MS):
        tab.compute()  # the same answer again: nothing redrawn, the selection kept
    assert len(pictures) == 1 and tab.canvas.selected_id == selected


def test_a_longer_graph_summary_does_not_resize_the_plots(qtbot, tab):
    # The summary beside the graph grows with the graph; the plots keep their size (a resize
    # repaints both on the GUI thread while the next answer is computing).
    size = tab.f_plot.size()
    with qtbot.waitSignal(tab.result_shown, timeout=WAIT_MS):
        tab.set_expression("/".join(["x**x"] * 12))
    settle(qtbot, tab)
    qtbot.wait(50)  # any layout change has been applied
    assert tab.graph_stats.text().endswith(" values") and len(tab.graph_stats.text()) > 18
    assert tab.f_plot.size() == size


def test_the_graph_bar_explains_its_buttons_and_save_has_room_for_its_arrow(tab):
    from xorlab.ui.expression.tab import STYLE

    for button in (*tab.part_group.buttons(), *tab.stage_group.buttons()):
        assert button.toolTip(), button.objectName()
    tips = {button.objectName(): button.toolTip() for button in tab.stage_group.buttons()}
    assert "before PyTensor's rewrites" in tips["expression.stage.symbolic"]
    # The style's menu indicator was drawn over "…" (seen at 1024x700 and 1366x768).
    save = tab.save_button
    assert save.text().endswith("▾") and save.menu() is not None
    assert "QToolButton#expression\\.save_graph::menu-indicator { image: none" in STYLE
    assert save.sizeHint().width() > save.fontMetrics().horizontalAdvance(save.text())
