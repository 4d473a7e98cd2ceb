"""The speed cap's arithmetic, on a fake clock: no real time passes in these tests."""

from __future__ import annotations

import math
import random

import pytest

from xorlab.app.speed_limit import BURST_SECONDS, GRAIN_SECONDS, RATES, SpeedLimit, speed_key


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_without_a_cap_every_step_asked_for_runs_at_once():
    limit = SpeedLimit(FakeClock())
    assert not limit.limited
    assert limit.take(12_345) == 12_345
    assert limit.seconds_to_wait(12_345) == 0.0


@pytest.mark.parametrize("rate", [10.0, 100.0, 1_000.0, 10_000.0])
def test_a_capped_run_averages_the_cap_however_irregular_the_ticks(rate):
    clock = FakeClock()
    limit = SpeedLimit(clock)
    limit.set_rate(rate)
    ticks = random.Random(7)
    done = 0
    start = clock.now
    for _ in range(20_000):
        wanted = ticks.choice([1, 64, 500, 5_000])
        steps = limit.take(wanted)
        if steps == 0:
            wait = limit.seconds_to_wait(wanted)
            assert wait > 0
            clock.now += wait
            steps = limit.take(wanted)
            assert steps > 0  # waiting that long is always enough
        assert steps <= wanted
        done += steps
        # Never ahead of the cap: the first step free, then `rate` a second.
        assert done <= 1 + rate * (clock.now - start) + 1e-9
        clock.now += ticks.choice([0.0, 0.0005, 0.003, 0.02])  # the chunk's own time
    elapsed = clock.now - start
    assert done == pytest.approx(rate * elapsed, rel=0.02)


def test_batches_come_a_grain_apart_not_one_step_per_tick():
    clock = FakeClock()
    limit = SpeedLimit(clock)
    limit.set_rate(1_000.0)
    assert limit.take(64) == 0  # 20 steps every 20 ms, not one step a millisecond
    clock.now += 0.001
    assert limit.take(64) == 0
    assert limit.seconds_to_wait(64) == pytest.approx(0.019 - 0.001)
    clock.now += limit.seconds_to_wait(64)
    assert limit.take(64) == math.floor(1_000 * GRAIN_SECONDS)
    assert limit.take(3) == 0
    clock.now += limit.seconds_to_wait(3)
    assert limit.take(3) == 3  # a short remainder (up to a milestone) need not wait a grain


def test_a_long_wait_releases_no_more_than_a_short_burst():
    clock = FakeClock()
    limit = SpeedLimit(clock)
    limit.set_rate(100.0)
    limit.take(1)
    clock.now += 60.0  # a modal dialog stayed open for a minute
    assert limit.take(1_000_000) == 100.0 * BURST_SECONDS


def test_restart_forgets_what_a_pause_would_have_earned():
    clock = FakeClock()
    limit = SpeedLimit(clock)
    limit.set_rate(10.0)
    clock.now += 5.0
    limit.restart()
    assert limit.take(1) == 1  # one step at once, not the fifty a pause would have earned
    assert limit.take(1) == 0


@pytest.mark.parametrize("bad", [0.0, -5.0, math.nan, math.inf])
def test_a_cap_must_be_a_positive_finite_rate(bad):
    limit = SpeedLimit(FakeClock())
    with pytest.raises(ValueError, match="positive"):
        limit.set_rate(bad)
    assert not limit.limited


@pytest.mark.parametrize(
    ("text", "key"),
    [("full", "full"), (" FULL ", "full"), ("1000", "1000"), ("1e3", "1000"),
     ("1,000", "1000"), ("10_000", "10000"), ("10.0", "10"), ("7", None), ("fast", None)],
)  # fmt: skip
def test_speed_flag_values(text, key):
    assert speed_key(text) == key
    if key is not None:
        assert key in RATES
