"""Train > Sweep…: train a grid of variants of the current experiment (seeds x learning rates
x hidden sizes) in the background, overlay each run's cost curve on the cost plot as it
finishes, and compare them in a sortable table that exports as CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xorlab.core.io.experiment import ExperimentError
from xorlab.core.sweep.number_lists import ListError, parse_floats, parse_ints
from xorlab.core.sweep.report import write_sweep_csv
from xorlab.core.sweep.runs import MAX_RUNS, sweep_runs
from xorlab.core.training.spec import MAX_EPOCHS, MAX_NEURONS, MAX_SEED, ExperimentSpec, SpecError
from xorlab.ui.sweep.runner import SweepRunner
from xorlab.ui.sweep.table import SweepTable
from xorlab.ui.training.run_overlays import RunOverlays
from xorlab.ui.widgets import plot_style

if TYPE_CHECKING:
    from xorlab.core.sweep.runs import SweepResult, SweepRun

ERROR_STYLE = "QLineEdit { border: 1px solid #C24E00; background: #FFF3EC; }"
DEFAULT_TARGET = "0.05"
# Field name -> the spec paths whose errors it shows.
FIELD_PATHS = {
    "seeds": ("network.seed",),
    "learning_rates": ("training.learning_rate",),
    "hidden_sizes": ("network.hidden",),
    "epochs": ("training.epochs",),
}


class SweepDialog(QDialog):
    """The sweep's form, progress and results; ``spec_source`` gives the experiment swept."""

    def __init__(
        self,
        spec_source: Callable[[], ExperimentSpec],
        runner: SweepRunner,
        overlays: RunOverlays | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("sweep_dialog")
        self.setWindowTitle("Sweep")
        self.spec_source = spec_source
        self.runner = runner
        self.overlays = overlays
        self.target_cost = float(DEFAULT_TARGET)
        self._valid = False
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}

        intro = QLabel(
            "Train every combination of the values below on the current experiment, each "
            "from its own fresh network (the run in the main window is not touched). Leave a "
            "list empty to keep the current value. Each run's cost curve joins the cost plot "
            "as it finishes."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        for name, label, tip in (
            ("seeds", "Seeds", "Initial-weight seeds, e.g. 1, 2, 3"),
            ("learning_rates", "Learning rates", "e.g. 0.01, 0.1, 0.5"),
            ("hidden_sizes", "Hidden sizes", "Neurons in the first hidden layer, e.g. 2, 3, 8"),
            ("target_cost", "Target cost", "Count the epochs each run needs to reach this cost"),
            ("epochs", "Epochs", "Epochs per run"),
        ):
            self._add_field(form, name, label, tip)

        self.summary = QLabel()
        self.summary.setObjectName("sweep.summary")
        self.summary.setWordWrap(True)
        self.run_button = self._button("run", "Run sweep", self.start)
        self.run_button.setDefault(True)
        self.cancel_button = self._button("cancel", "Cancel sweep", self.runner.cancel)
        self.export_button = self._button("export", "Export CSV…", self._on_export_clicked)
        self.close_button = self._button("close", "Close", self.close)
        self.progress = QProgressBar()
        self.progress.setObjectName("sweep.progress")
        self.progress.setFormat("No sweep yet")
        self.progress.setTextVisible(True)
        # A bar never given a value shows no text: it read as an empty text field.
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel()
        self.status.setObjectName("sweep.status")
        self.status.setWordWrap(True)
        self.status.hide()  # until it has something to say: empty, it was a gap above the table
        self.table = SweepTable()

        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.resize(640, 620)

        runner.started.connect(self._on_started)
        runner.run_finished.connect(self._on_run_finished)
        runner.sweep_finished.connect(self._on_sweep_finished)
        runner.sweep_failed.connect(self._on_sweep_failed)
        self.reset_fields()

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # --- the form --------------------------------------------------------------------------

    def _add_field(self, form: QFormLayout, name: str, label: str, tip: str) -> None:
        edit = QLineEdit()
        edit.setObjectName(f"sweep.{name}")
        edit.setToolTip(tip)
        edit.textChanged.connect(self.validate)
        error = QLabel()
        error.setObjectName(f"sweep.{name}.error")
        error.setStyleSheet(f"color: {plot_style.BAD_COLOR};")
        error.setVisible(False)
        column = QVBoxLayout()
        column.setSpacing(1)
        column.addWidget(edit)
        column.addWidget(error)
        form.addRow(label, column)
        self.fields[name], self.errors[name] = edit, error

    def _button(self, name: str, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"sweep.{name}")
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def reset_fields(self) -> None:
        """Placeholders show the current experiment's values; epochs start at its limit."""
        spec = self.spec_source()
        net, tr = spec.network, spec.training
        self.fields["seeds"].setPlaceholderText(f"current: {net.seed}")
        self.fields["learning_rates"].setPlaceholderText(f"current: {tr.learning_rate:g}")
        self.fields["hidden_sizes"].setPlaceholderText(f"current: {net.hidden[0]}")
        if not self.fields["target_cost"].text():
            self.fields["target_cost"].setText(DEFAULT_TARGET)
        if not self.fields["epochs"].text():
            self.fields["epochs"].setText(str(tr.epochs))
        self.validate()

    def set_values(self, **texts: str) -> None:
        """Fill fields by name (seeds, learning_rates, hidden_sizes, target_cost, epochs)."""
        for name, text in texts.items():
            self.fields[name].setText(text)

    def planned_runs(self) -> list[SweepRun] | None:
        """The runs the form describes, or None (with messages shown) when it is invalid."""
        errors: dict[str, str] = {}
        values: dict[str, list] = {}
        parsers = {
            "seeds": lambda t: parse_ints(t, 0, MAX_SEED),
            "learning_rates": lambda t: parse_floats(t, 0.0, 1e6, low_open=True),
            "hidden_sizes": lambda t: parse_ints(t, 1, MAX_NEURONS),
            "target_cost": lambda t: parse_floats(t, 0.0, 1e12),
            "epochs": lambda t: parse_ints(t.replace(",", "").replace("_", ""), 1, MAX_EPOCHS),
        }
        for name, parse in parsers.items():
            try:
                values[name] = parse(self.fields[name].text())
            except ListError as exc:
                errors[name] = str(exc)
        for name in ("target_cost", "epochs"):
            if name not in errors and len(values[name]) != 1:
                errors[name] = "enter one number"
        runs, general = None, ""
        if not errors:
            self.target_cost = values["target_cost"][0]
            base = self.spec_source().with_changes(training={"epochs": values["epochs"][0]})
            try:
                runs = sweep_runs(
                    base, values["seeds"], values["learning_rates"], values["hidden_sizes"]
                )
            except SpecError as exc:
                for error in exc.errors:
                    field = next(
                        (n for n, paths in FIELD_PATHS.items() if error.field.startswith(paths)),
                        None,
                    )
                    if field is None:
                        general = general or f"{error.message}."
                    else:
                        errors.setdefault(field, error.message)
        for name, edit in self.fields.items():
            message = errors.get(name, "")
            edit.setStyleSheet(ERROR_STYLE if message else "")
            self.errors[name].setText(message)
            self.errors[name].setVisible(bool(message))
        if runs is None:
            self.summary.setText(general or "Fix the fields marked in red.")
        else:
            epochs = runs[0].spec.training.epochs
            plural = "s" if len(runs) != 1 else ""
            self.summary.setText(
                f"{len(runs)} run{plural} of {epochs:,} epochs (a sweep has at most {MAX_RUNS})."
            )
        self._valid = runs is not None
        return runs

    @Slot()
    def validate(self) -> bool:
        self.planned_runs()
        self._update_buttons()
        return self._valid

    def _update_buttons(self) -> None:
        running = self.runner.is_running()
        self.run_button.setEnabled(not running and self._valid)
        self.cancel_button.setEnabled(running)
        self.export_button.setEnabled(not running and self.table.rowCount() > 0)

    # --- running ---------------------------------------------------------------------------

    @Slot()
    def start(self) -> bool:
        runs = self.planned_runs()
        if runs is None or not self.runner.start(runs, self.target_cost):
            return False
        self.table.clear_results()
        return True

    @Slot(int)
    def _on_started(self, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setFormat(f"Run 1 of {total}")
        self._say("Compiling and training in the background…")
        self._update_buttons()

    @Slot(object, int, int)
    def _on_run_finished(self, result: SweepResult, done: int, total: int) -> None:
        self.table.add_result(result)
        self.progress.setValue(done)
        self.progress.setFormat(f"Run {min(done + 1, total)} of {total}")
        if self.overlays is not None:
            self.overlays.add_run(
                result.spec, result.history_epochs, result.history_costs, f"sweep {result.label}"
            )

    @Slot(object, bool)
    def _on_sweep_finished(self, results: list, cancelled: bool) -> None:
        total = self.progress.maximum()
        if cancelled and len(results) < total:
            self.progress.setFormat(f"Cancelled: {len(results)} of {total} runs")
            self._say("Cancelled; the table has the runs that finished.")
        else:
            self.progress.setFormat(f"{len(results)} of {total} runs done")
            self._say("Done. Click a column's title to sort by it.")
        self._update_buttons()

    @Slot(str)
    def _on_sweep_failed(self, message: str) -> None:
        self.progress.setFormat("Failed")
        self._say(f"The sweep stopped: {message}")
        self._update_buttons()

    # --- export ----------------------------------------------------------------------------

    def export_csv(self, path: str | Path) -> bool:
        try:
            write_sweep_csv(Path(path), self.runner.results, self.target_cost)
        except ExperimentError as exc:
            self._say(f"Cannot export: {exc}")
            return False
        self._say(f"Saved {Path(path).name}")
        return True

    @Slot()
    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export sweep", "sweep.csv", "CSV (*.csv)")
        if path:
            self.export_csv(path)
