import math
from dataclasses import dataclass

import pytest

from xorlab.core.training.timeline import Timeline


@dataclass
class Item:
    epoch: int


def test_timeline_is_bounded_and_roughly_log_spaced():
    timeline = Timeline(capacity=50)
    for epoch in range(0, 1_000_000, 37):
        timeline.add(Item(epoch))
    epochs = timeline.epochs()
    assert len(timeline) == 50
    assert epochs[0] == 0 and epochs[-1] == 999_999 and epochs == sorted(epochs)
    # About as many snapshots in each decade of training, not all at the end.
    decades = [sum(1 for e in epochs if 10**k <= e < 10 ** (k + 1)) for k in range(2, 6)]
    assert min(decades) >= 5, decades
    late = [e for e in epochs if e >= 1000]
    gaps = [math.log(b) - math.log(a) for a, b in zip(late, late[1:], strict=False)]
    assert max(gaps) < 4 * min(gaps), gaps


def test_replaced_epochs_and_nearest():
    timeline = Timeline(capacity=5)
    for epoch in (0, 10, 20, 30):
        timeline.add(Item(epoch))
    timeline.add(Item(20))  # reset-free restart after a rollback
    assert timeline.epochs() == [0, 10, 20]
    assert timeline.nearest(14).epoch == 10 and timeline.nearest(100).epoch == 20
    timeline.clear()
    with pytest.raises(IndexError):
        timeline.nearest(0)
