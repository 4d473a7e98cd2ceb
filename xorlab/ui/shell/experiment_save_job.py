"""Saving the experiment: a TrainerJob run on the worker thread between chunks, so the weights,
optimizer state and history written belong to one moment of the run. Its outcome says what
was written (the experiment, the new baseline for "modified") or why nothing was."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xorlab.app.lab_state import Baseline
from xorlab.app.trainer_jobs import TrainerJob

if TYPE_CHECKING:
    from xorlab.core.io.experiment import Experiment
    from xorlab.core.training.trainer import Trainer

SAVE_JOB = "file.save"


@dataclass(frozen=True, eq=False)
class SaveOutcome:
    path: str
    experiment: Experiment | None
    error: str | None = None


def save_job(path: str) -> TrainerJob:
    from xorlab.core.io.experiment import ExperimentError, experiment_from_trainer, save_experiment

    def run(trainer: Trainer) -> SaveOutcome:
        experiment = experiment_from_trainer(trainer)
        try:
            save_experiment(Path(path), experiment)
        except ExperimentError as exc:
            return SaveOutcome(path, None, str(exc))
        return SaveOutcome(path, experiment)

    return TrainerJob(SAVE_JOB, run)


def saved_baseline(experiment: Experiment) -> Baseline:
    """What "modified" is measured against once ``experiment`` is on disk."""
    return Baseline(experiment.spec, experiment.step, experiment.weights)
