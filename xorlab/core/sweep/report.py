"""A sweep's summary as rows and as CSV: one line per run, with the settings that vary."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import Path

from xorlab.core.io.experiment import atomic_write
from xorlab.core.sweep.runs import SweepResult

COLUMNS = (
    "run",
    "seed",
    "learning_rate",
    "hidden",
    "final_cost",
    "epochs_to_target",
    "accuracy",
    "diverged",
)


def summary_row(result: SweepResult) -> dict[str, object]:
    """The run's settings and outcome; ``epochs_to_target`` is None when never reached."""
    net, tr = result.spec.network, result.spec.training
    return {
        "run": result.label,
        "seed": net.seed,
        "learning_rate": tr.learning_rate,
        "hidden": "-".join(str(n) for n in net.hidden),
        "final_cost": result.final_cost,
        "epochs_to_target": result.epochs_to_target,
        "accuracy": result.accuracy,
        "diverged": result.diverged,
    }


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    return str(value)


def sweep_csv(results: Sequence[SweepResult], target_cost: float) -> str:
    """CSV text: a header, then one row per run; floats at full precision (``repr``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, "target_cost"])
    for result in results:
        row = summary_row(result)
        writer.writerow([*(_cell(row[c]) for c in COLUMNS), repr(float(target_cost))])
    return out.getvalue()


def write_sweep_csv(path: Path, results: Sequence[SweepResult], target_cost: float) -> None:
    """Write the summary atomically; raises ExperimentError when the file cannot be written."""
    atomic_write(Path(path), sweep_csv(results, target_cost).encode("utf-8"))
