"""Trainers pinned to one loop, for the tests that check every loop against an oracle."""

from __future__ import annotations

from xorlab.core.training.engines import jax_available
from xorlab.core.training.spec import ExperimentSpec
from xorlab.core.training.trainer import Trainer

# Every loop a network can train on: the fast ones and "numpy", the quick tier a network
# trains on while its fast loop compiles.
LOOPS = ["fused", "scan", "numpy"] + (["jax"] if jax_available() else [])


def trainer_on(spec: ExperimentSpec, strategy: str) -> Trainer:
    """A trainer of ``spec`` whose loop is ``strategy`` (no fast loop is compiled for the
    quick tier, so it stays on it)."""
    if strategy == "numpy":
        t = Trainer(spec)
        t.start_tiered(background=False)
    else:
        t = Trainer(spec, strategy=strategy)
    assert t.tier == strategy
    return t
