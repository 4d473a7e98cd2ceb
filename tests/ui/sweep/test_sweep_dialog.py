"""Train > Sweep…: the form's inline validation, a small grid against run_sweep called
directly, curves on the cost plot, sorting, CSV export, cancelling, and closing mid-sweep."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from xorlab.core.sweep.runs import run_sweep, sweep_runs
from xorlab.core.training.presets import preset_spec
from xorlab.ui.shell.main_window import MainWindow
from xorlab.ui.sweep.dialog import SweepDialog
from xorlab.ui.sweep.runner import SweepRunner
from xorlab.ui.sweep.table import row_texts
from xorlab.ui.training.cost_plot import CostPlot
from xorlab.ui.training.run_overlays import RunOverlays

MINIMAL = preset_spec("xor-minimal")
GRID = {"seeds": "1, 2", "learning_rates": "0.5, 1", "target_cost": "0.5", "epochs": "2000"}
LONG = {"seeds": "1, 2, 3, 4, 5, 6", "learning_rates": "", "epochs": "20000000"}


@pytest.fixture(scope="module")
def direct():
    """The same grid through the core, on this thread."""
    base = MINIMAL.with_changes(training={"epochs": 2000})
    return run_sweep(sweep_runs(base, [1, 2], [0.5, 1.0]), target_cost=0.5)


@pytest.fixture
def dialog(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    runner = SweepRunner()
    overlays = RunOverlays(plot, lambda: MINIMAL)
    dialog = SweepDialog(lambda: MINIMAL, runner, overlays)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    assert runner.shutdown(30_000)


def test_fields_are_validated_as_typed(qtbot, dialog):
    assert dialog.fields["seeds"].placeholderText() == "current: 1234"
    assert dialog.fields["epochs"].text() == "60000" and dialog.run_button.isEnabled()
    assert dialog.summary.text().startswith("1 run of 60,000 epochs")
    cases = [
        ("learning_rates", "0.1, abc", "'abc' is not a number"),
        ("learning_rates", "0.1 -1", "-1 must be above 0 and at most 1e+06"),
        ("hidden_sizes", "3, 100", "100 is outside 1..64"),
        ("seeds", "1.5", "'1.5' is not a whole number"),
        ("target_cost", "0.1 0.2", "enter one number"),
        ("epochs", "0", "0 is outside 1..100,000,000"),
    ]
    for name, text, message in cases:
        dialog.fields[name].clear()
        qtbot.keyClicks(dialog.fields[name], text)
        error = dialog.errors[name]
        assert error.isVisible() and error.text() == message, (name, error.text())
        assert not dialog.run_button.isEnabled()
        assert dialog.fields[name].styleSheet()  # marked
        dialog.fields[name].setText({"epochs": "60000", "target_cost": "0.05"}.get(name, ""))
        assert not error.isVisible() and dialog.run_button.isEnabled()
    dialog.set_values(
        seeds=",".join(str(s) for s in range(20)), learning_rates="1 2 3 4 5 6 7 8 9 10 11"
    )
    assert "220 runs; the limit is 200" in dialog.summary.text()
    assert not dialog.run_button.isEnabled() and not dialog.start()
    assert dialog.table.rowCount() == 0


def test_small_grid_matches_run_sweep_and_overlays_each_curve(qtbot, dialog, direct, tmp_path):
    dialog.set_values(**GRID)
    assert dialog.summary.text().startswith("4 runs of 2,000 epochs")
    with qtbot.waitSignal(dialog.runner.sweep_finished, timeout=60_000) as finished:
        dialog.run_button.click()
        assert dialog.cancel_button.isEnabled() and not dialog.run_button.isEnabled()
    results, cancelled = finished.args
    assert not cancelled and len(results) == 4
    table = dialog.table
    shown = [[table.item(r, c).text() for c in range(5)] for r in range(4)]
    assert shown == [row_texts(result) for result in direct]
    for got, want in zip(results, direct, strict=True):
        assert got.label == want.label and got.final_cost == pytest.approx(
            want.final_cost, abs=1e-12
        )
        assert got.epochs_to_target == want.epochs_to_target and got.accuracy == want.accuracy
        np.testing.assert_allclose(got.history_costs, want.history_costs, rtol=0, atol=1e-12)
    assert dialog.progress.text() == "4 of 4 runs done" and dialog.progress.value() == 4
    assert dialog.export_button.isEnabled() and dialog.run_button.isEnabled()

    overlays = dialog.overlays
    assert overlays.labels() == [f"sweep {r.label}" for r in direct]
    for run, want in zip(overlays.runs, direct, strict=True):
        np.testing.assert_array_equal(run.curve.xData, want.history_epochs)
        np.testing.assert_allclose(run.curve.yData, want.history_costs, rtol=0, atol=1e-12)

    table.sortItems(1)  # by final cost, as numbers
    costs = sorted(r.final_cost for r in direct)
    assert table.column_texts(1) == [f"{c:.6g}" for c in costs]
    table.sortItems(0)
    assert table.column_texts(0) == [r.label for r in direct]  # the sweep's own order

    path = tmp_path / "sweep.csv"
    assert dialog.export_csv(path)
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["run"] for row in rows] == [r.label for r in direct]
    for row, want in zip(rows, direct, strict=True):
        assert float(row["final_cost"]) == pytest.approx(want.final_cost, abs=1e-12)
        assert float(row["learning_rate"]) == want.spec.training.learning_rate
        assert row["target_cost"] == "0.5"
    assert not dialog.export_csv(tmp_path / "missing" / "x.csv")
    assert dialog.status.text().startswith("Cannot export:")


def test_cancel_stops_mid_sweep_keeping_finished_runs(qtbot, dialog):
    dialog.set_values(**LONG)
    finished = []
    dialog.runner.sweep_finished.connect(lambda results, cancelled: finished.append(cancelled))
    with qtbot.waitSignal(dialog.runner.run_finished, timeout=60_000):
        assert dialog.start()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: finished == [True], timeout=30_000)
    rows = dialog.table.rowCount()
    assert 1 <= rows < 6 and len(dialog.runner.results) == rows
    assert dialog.progress.text() == f"Cancelled: {rows} of 6 runs"
    assert not dialog.runner.is_running() and dialog.run_button.isEnabled()
    # Every row is a run that trained to its limit (its history, thinned to a stride of
    # 4096 epochs, ends near it): a cut-short run is not reported.
    assert all(r.history_epochs[-1] > 20_000_000 - 4097 for r in dialog.runner.results)


def test_closing_the_window_mid_sweep_stops_its_thread(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "xorlab.ini"), QSettings.Format.IniFormat)
    window = MainWindow(MINIMAL, settings=settings)
    window.experiment_files.prompts_enabled = False
    window.show()
    window.sweeps.action.trigger()
    dialog = window.sweeps.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.set_values(**LONG)
    with qtbot.waitSignal(window.sweeps.runner.started, timeout=10_000):
        dialog.run_button.click()
    qtbot.wait(200)
    assert window.sweeps.runner.is_running()
    window.close()
    assert window.worker.wait(30_000) and window.sweeps.wait(30_000)
    assert not dialog.isVisible()
    # The guard fixture in conftest.py fails the test if a thread is left running.


def test_a_sweep_that_cannot_load_its_data_says_why(qtbot):
    missing = MINIMAL.with_changes(dataset={"name": "csv", "path": "/nonexistent/data.csv"})
    runner = SweepRunner()
    dialog = SweepDialog(lambda: missing, runner)
    qtbot.addWidget(dialog)
    dialog.set_values(seeds="1, 2", epochs="10")
    with qtbot.waitSignal(runner.sweep_failed, timeout=10_000):
        assert dialog.start()
    assert dialog.status.text().startswith("The sweep stopped: ")
    assert "data.csv" in dialog.status.text() and dialog.progress.text() == "Failed"
    assert dialog.run_button.isEnabled() and dialog.table.rowCount() == 0
    assert runner.shutdown(30_000)


def test_before_any_sweep_the_bar_says_so(dialog):
    """A bar never given a value showed no text and read as an empty text field."""
    assert dialog.progress.text() == "No sweep yet" and dialog.progress.isTextVisible()
    assert dialog.status.isHidden()  # empty, it was a gap between the bar and the table
    dialog._say("Saved runs.csv")
    assert not dialog.status.isHidden()
