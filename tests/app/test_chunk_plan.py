"""Chunk sizing and the rate shown, on a fake clock."""

from __future__ import annotations

import pytest

from xorlab.app.chunk_plan import FIRST_CHUNK_STEPS, ChunkPlan

from .test_speed_limit import FakeClock


def test_chunks_aim_at_the_chunk_time_changing_at_most_twofold():
    plan = ChunkPlan(chunk_seconds=0.010, clock=FakeClock())
    assert plan.take(10**9) == FIRST_CHUNK_STEPS
    plan.note_compute(64, 0.0001)  # 100x too fast: only doubles
    assert plan.chunk_steps == 128
    for _ in range(20):
        plan.note_compute(plan.chunk_steps, plan.chunk_steps * 1e-6)  # 1 µs a step
    assert plan.chunk_steps == 10_000  # 10 ms of 1 µs steps
    plan.note_compute(10_000, 1.0)  # one very slow chunk (a collection): only halves
    assert plan.chunk_steps == 5_000
    plan.note_compute(17, 1.0)  # a short last chunk says nothing
    assert plan.chunk_steps == 5_000
    assert plan.take(40) == 40  # never past the next milestone
    plan.new_network()
    assert plan.chunk_steps == FIRST_CHUNK_STEPS


def test_the_rate_is_the_engines_at_full_speed_and_wall_time_under_a_cap():
    clock = FakeClock()
    plan = ChunkPlan(chunk_seconds=0.010, clock=clock)
    plan.start(step_count=0)
    plan.measure(1_000, 0.001, step_count=1_000)
    assert plan.steps_per_second == pytest.approx(1e6)
    plan.measure(1_000, 0.002, step_count=2_000)
    assert plan.steps_per_second == pytest.approx(0.8e6 + 0.2 * 0.5e6)

    plan.set_speed(100.0, step_count=2_000)
    assert plan.steps_per_second == 0.0  # not a blend of the old speed and the new
    done = 2_000
    for _ in range(50):
        clock.now += plan.seconds_to_wait(10**9)
        steps = plan.take(10**9)
        done += steps
        clock.now += 0.0001  # computing is fast; the cap decides
        plan.measure(steps, 0.0001, step_count=done)
        assert plan.chunk_steps == FIRST_CHUNK_STEPS  # capped chunks do not resize
    assert plan.steps_per_second == pytest.approx(100.0, rel=0.05)


def test_a_pause_earns_nothing_under_a_cap():
    clock = FakeClock()
    plan = ChunkPlan(chunk_seconds=0.010, clock=clock)
    plan.set_speed(10.0, step_count=0)
    clock.now += 3600.0
    plan.start(step_count=0)
    assert plan.take(10**9) == 1 and plan.take(10**9) == 0
