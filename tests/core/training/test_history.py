import numpy as np

from xorlab.core.training.history import CostHistory


def test_history_memory_stays_flat_and_keeps_the_ends():
    history = CostHistory(capacity=64)
    for epoch in range(100_000):
        history.append(epoch, 1.0 / (epoch + 1))
    epochs, costs = history.data()
    assert len(history) <= 64
    assert epochs[0] == 0 and epochs[-1] > 100_000 - 2 * history.stride
    assert np.all(np.diff(epochs) == history.stride)
    np.testing.assert_allclose(costs, 1.0 / (epochs + 1))


def test_take_new_hands_out_each_kept_point_once():
    history = CostHistory(capacity=8)
    seen = []
    for epoch in range(50):
        history.append(epoch, float(epoch))
        seen.extend(history.take_new()[0].tolist())
    assert seen == sorted(set(seen))
    assert set(history.data()[0].tolist()) <= set(seen)


def test_take_new_at_any_moment_never_repeats_a_point():
    rng = np.random.default_rng(0)
    for _ in range(50):
        history = CostHistory(capacity=8)
        seen: list[int] = []
        for epoch in range(300):
            history.append(epoch, float(epoch))
            if rng.random() < 0.3:
                seen.extend(history.take_new()[0].tolist())
        seen.extend(history.take_new()[0].tolist())
        assert np.all(np.diff(seen) > 0)
        assert set(history.data()[0].tolist()) <= set(seen)
