"""Compiled trainers are shared across the core tests: compiling is the slow part."""

from __future__ import annotations

import pytest

from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import ExperimentSpec
from xorlab.core.training.trainer import Trainer

_TRAINERS: dict[ExperimentSpec, Trainer] = {}


def shared_trainer(spec: ExperimentSpec) -> Trainer:
    """A trainer for ``spec``, compiled once per session and reset for each caller."""
    trainer = _TRAINERS.get(spec)
    if trainer is None:
        trainer = _TRAINERS[spec] = Trainer(spec)
    trainer.reset()
    # reset() keeps a learning rate changed while training (as the window's slider does): a
    # test that changed it must not hand the next caller another rate.
    trainer.set_learning_rate(spec.training.learning_rate)
    return trainer


@pytest.fixture
def trainer_for():
    return shared_trainer


@pytest.fixture
def minimal_trainer() -> Trainer:
    return shared_trainer(preset_spec("xor-minimal"))
