"""The JAX loop leaves plain numpy weights behind, so the trainer's other compiled functions
(Numba: evaluate, predict, snapshots) keep working after JAX chunks. Skipped without JAX."""

from __future__ import annotations

import numpy as np
import pytest

from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer

pytest.importorskip("jax")


def test_snapshots_work_after_jax_chunks_and_match_the_scan():
    spec = preset_spec("xor-bias")
    jax_trainer = Trainer(spec, strategy="jax")
    scan_trainer = Trainer(spec, strategy="scan")
    for trainer in (jax_trainer, scan_trainer):
        trainer.run(100)
    for value in jax_trainer.get_state():
        assert type(value) is np.ndarray and value.flags.writeable
    snapshot = jax_trainer.snapshot()
    expected = scan_trainer.snapshot()
    np.testing.assert_allclose(snapshot.outputs, expected.outputs, rtol=0, atol=1e-12)
    assert snapshot.cost == pytest.approx(expected.cost, abs=1e-12)
