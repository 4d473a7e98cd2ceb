"""Merged snapshots keep every test point and progress line of both (each is sent once)."""

from __future__ import annotations

import numpy as np

from xorlab.core.training.trainer import TrainingSnapshot
from xorlab.ui.runtime.outbox import merge_snapshots


def snap(step: int, tests: list[int], lines: list[tuple[int, float]]) -> TrainingSnapshot:
    empty = np.empty(0)
    return TrainingSnapshot(
        step,
        step,
        (),
        np.zeros((1, 1)),
        0.0,
        empty.astype(np.int64),
        empty,
        test_steps=np.array(tests, dtype=np.int64),
        test_costs=np.array(tests, dtype=float) / 10,
        test_accuracy=np.ones(len(tests)),
        log_lines=tuple(lines),
    )


def test_merge_concatenates_test_points_and_log_lines():
    merged = merge_snapshots(snap(1, [0, 2], [(0, 1.0)]), snap(2, [4], [(10, 0.5)]))
    assert merged.step == 2
    assert merged.test_steps.tolist() == [0, 2, 4]
    np.testing.assert_array_equal(merged.test_costs, [0.0, 0.2, 0.4])
    assert merged.test_accuracy.tolist() == [1.0, 1.0, 1.0]
    assert merged.log_lines == ((0, 1.0), (10, 0.5))
