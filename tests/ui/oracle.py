"""A headless Trainer as the oracle for weights trained through the worker or the window."""

from __future__ import annotations

import numpy as np

from xorlab.core.training.trainer import Trainer


def reference_weights(reference: Trainer, *chunks: tuple[int, float]) -> list[np.ndarray]:
    """Weights after running each (steps, learning rate) chunk from the initial weights."""
    reference.reset()
    for steps, lr in chunks:
        reference.set_learning_rate(lr)
        reference.run(steps)
    reference.set_learning_rate(0.01)
    return reference.get_weights()


def assert_weights_equal(actual, expected) -> None:
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-12)
