"""The GUI-thread cycle collector (xorlab/ui/runtime/gui_gc.py) and its policy (gc_policy.py).

The policy's rules are checked with made-up counts and a fake clock; the collector with
real garbage, on a fake clock, with its own timer stopped so that nothing runs but what a
test calls. No assertion depends on how long anything really takes.
"""

from __future__ import annotations

import gc
import sys
import threading
import weakref

import pytest

from tests.ui.conftest import ENDLESS
from xorlab.app.gc_policy import (
    MAX_FULL_AGE_S,
    MAX_INTERVAL_MS,
    MIN_INTERVAL_MS,
    Collected,
    CollectionPolicy,
)
from xorlab.ui.runtime import gui_gc

THRESHOLDS = (700, 10, 10)


class FakeClock:
    """Seconds that move only when told, or by ``step`` on every reading."""

    def __init__(self, step: float = 0.0):
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


class Cycle:
    def __init__(self):
        self.me = self


# --- the policy, on made-up numbers ---------------------------------------------------------


def test_young_generations_are_due_at_cpythons_thresholds():
    policy = CollectionPolicy(THRESHOLDS, FakeClock())
    assert policy.generation_due((700, 10, 10)) is None
    assert policy.generation_due((701, 0, 0)) == 0
    assert policy.generation_due((701, 11, 0)) == 1
    assert policy.generation_due((0, 11, 0)) == 1


def test_generation_one_is_collected_early_once_it_holds_what_cpythons_would():
    policy = CollectionPolicy(THRESHOLDS, FakeClock())
    assert policy.young_capacity() == 7_000
    policy.record(Collected(0, seconds=0.003, survivors=4_000))
    assert policy.generation_due((701, 1, 0)) == 0
    policy.record(Collected(0, seconds=0.003, survivors=3_000))
    assert policy.generation_due((701, 2, 0)) == 0  # exactly the capacity: not more
    policy.record(Collected(0, seconds=0.003, survivors=1))
    assert policy.generation_due((0, 3, 0)) == 1
    policy.record(Collected(1, seconds=0.01, survivors=7_001))
    assert policy.young_survivors == 0 and policy.long_lived_pending == 7_001
    assert policy.generation_due((0, 3, 0)) is None


def test_a_full_collection_waits_for_a_quarter_of_the_long_lived_objects_to_be_new():
    clock = FakeClock()
    policy = CollectionPolicy(THRESHOLDS, clock)
    policy.record(Collected(2, seconds=0.1, long_lived=400_000))
    clock.now += 60.0  # past the 1% spacing (9.9 s), short of the five-minute bound
    assert policy.long_lived_pending == 0
    assert policy.generation_due((701, 0, 50)) == 0  # gen 2 is due by count only
    policy.record(Collected(1, seconds=0.01, survivors=100_000))
    assert policy.generation_due((0, 0, 50)) is None  # exactly 25%: not more
    policy.record(Collected(1, seconds=0.01, survivors=1))
    assert policy.generation_due((0, 0, 50)) == 2
    assert policy.generation_due((0, 0, 10)) is None  # and CPython's count threshold holds
    policy.record(Collected(2, seconds=0.1, long_lived=500_001))
    assert policy.long_lived_pending == 0 and policy.long_lived_total == 500_001


def test_full_collections_take_at_most_one_percent_of_the_time():
    clock = FakeClock()
    policy = CollectionPolicy(THRESHOLDS, clock, full_share=0.01)
    clock.now = 100.0
    policy.record(Collected(2, seconds=0.3, long_lived=1_000))
    policy.record(Collected(1, seconds=0.01, survivors=10_000))  # 10x the long-lived ones
    assert policy.full_spacing_s() == pytest.approx(29.7)
    clock.now = 100.0 + 29.6
    assert policy.generation_due((0, 0, 50)) is None
    clock.now = 100.0 + 29.71
    assert policy.generation_due((0, 0, 50)) == 2
    # 0.3 s of collection per 29.7 s + 0.3 s: 1%.
    assert 0.3 / (29.7 + 0.3) == pytest.approx(0.01)


def test_garbage_only_a_full_collection_finds_waits_at_most_max_full_age():
    clock = FakeClock()
    policy = CollectionPolicy(THRESHOLDS, clock)
    policy.record(Collected(2, seconds=0.4, long_lived=1_000_000))
    clock.now = MAX_FULL_AGE_S - 0.001  # nothing new, no counts: a closed window waits
    assert policy.generation_due((0, 0, 0)) is None
    clock.now = MAX_FULL_AGE_S
    assert policy.generation_due((0, 0, 0)) == 2
    # ...unless the last full collection was so slow that the 1% budget comes first.
    slow = MAX_FULL_AGE_S / 50
    policy.record(Collected(2, seconds=slow, long_lived=1_000_000))
    clock.now += MAX_FULL_AGE_S
    assert policy.generation_due((0, 0, 0)) is None
    clock.now += slow * 99 - MAX_FULL_AGE_S
    assert policy.generation_due((0, 0, 0)) == 2


def test_the_timer_speeds_up_while_objects_are_allocated_fast():
    policy = CollectionPolicy(THRESHOLDS, FakeClock(), burst_objects=2_000)
    assert policy.interval_ms == MAX_INTERVAL_MS
    assert policy.next_interval_ms(50_000) == MIN_INTERVAL_MS  # a compile started
    assert policy.next_interval_ms(3_000) == MIN_INTERVAL_MS
    assert policy.next_interval_ms(100) == 2 * MIN_INTERVAL_MS  # then back off
    assert policy.next_interval_ms(100) == MAX_INTERVAL_MS
    assert policy.next_interval_ms(0) == MAX_INTERVAL_MS


def test_nonsense_settings_are_refused():
    with pytest.raises(ValueError, match="full_share"):
        CollectionPolicy(THRESHOLDS, FakeClock(), full_share=1.5)
    with pytest.raises(ValueError, match="min_interval_ms"):
        CollectionPolicy(THRESHOLDS, FakeClock(), min_interval_ms=60, max_interval_ms=50)


# --- the collector, on real garbage -----------------------------------------------------------


@pytest.fixture
def collector(qapp):
    """The application's collector with its timer stopped and a fake-clock policy; the
    real policy and the timer come back afterwards."""
    collector = gui_gc.install()
    real_policy = collector.policy
    collector.timer.stop()
    collector.policy = CollectionPolicy(collector.thresholds, FakeClock())
    yield collector
    collector.policy = real_policy
    collector.timer.start(real_policy.interval_ms)


def test_collections_run_on_the_gui_thread_only_even_when_another_thread_allocates(qtbot):
    collector = gui_gc.install()
    assert collector is gui_gc.install() and not gc.isenabled()
    threads: set[int] = set()

    def on_collection(phase: str, _info: dict) -> None:
        if phase == "start":
            threads.add(threading.get_ident())

    def allocate() -> None:
        for _ in range(20):
            garbage = [Cycle() for _ in range(5_000)]  # 100x generation 0's threshold
            del garbage

    probe = Cycle()
    dead = weakref.ref(probe)
    del probe
    gc.callbacks.append(on_collection)
    try:
        worker = threading.Thread(target=allocate)
        worker.start()
        worker.join()
        assert dead() is not None  # the allocating thread collected nothing
        qtbot.waitUntil(lambda: dead() is None, timeout=20 * gui_gc.INTERVAL_MS)
    finally:
        gc.callbacks.remove(on_collection)
    assert threads == {threading.main_thread().ident}


def test_the_timer_follows_the_allocation_rate(collector):
    garbage = [Cycle() for _ in range(10_000)]
    del garbage
    collector._on_timeout()
    assert collector.timer.isActive() and collector.timer.interval() == MIN_INTERVAL_MS
    collector._on_timeout()
    assert collector.timer.interval() == 2 * MIN_INTERVAL_MS
    collector.timer.stop()


def test_generation_zero_collections_count_what_they_keep(collector):
    gc.collect(1)
    kept = [Cycle() for _ in range(3_000)]
    garbage = [Cycle() for _ in range(2_000)]
    del garbage
    collector.collect()
    assert gc.get_count()[0] < 10  # it was generation 0
    assert 3_000 <= collector.policy.young_survivors < 3_000 + 500
    del kept


def test_generation_one_collections_count_what_they_promote(collector):
    gc.collect(1)  # young generations empty: what follows is this test's
    survivors = [Cycle() for _ in range(5_000)]
    for _ in range(collector.thresholds[1] + 1):  # as the timer's young collections would
        gc.collect(0)
    policy = collector.policy
    policy.last_full_end = policy.clock()  # a full collection just ran: none is due
    assert gc.get_count()[1] > collector.thresholds[1]
    collector.collect()
    assert 5_000 <= policy.long_lived_pending < 5_000 + 2_000
    assert gc.get_count()[1] == 0
    del survivors


def test_a_full_collection_books_its_duration_and_the_long_lived_objects(collector):
    policy = collector.policy
    policy.clock.step = 0.25  # every reading a quarter second later: a 0.25 s collection
    policy.last_full_end = -MAX_FULL_AGE_S
    collector.collect()
    assert policy.full_collections == 1
    assert policy.last_full_seconds == pytest.approx(0.25)
    assert policy.full_spacing_s() == pytest.approx(0.25 * 99)
    assert policy.long_lived_total == pytest.approx(len(gc.get_objects(2)), rel=0.05)
    assert policy.long_lived_pending == 0


def test_a_closed_window_held_in_cycles_is_freed_within_max_full_age(qtbot, collector, make_window):
    policy = collector.policy
    clock = policy.clock
    window = make_window(ENDLESS)
    clock.now = MAX_FULL_AGE_S
    collector.collect()  # a full collection: the window survives it into the oldest gen
    assert policy.full_collections == 1
    opened_at = clock.now
    window.experiment_files.prompts_enabled = False
    window.close()
    runners = (window.graph_tab.runner, window.expression_tab.runner)
    assert window.worker.wait(30_000) and all(runner.wait(30_000) for runner in runners)
    make_window.windows.remove(window)
    window.deleteLater()  # as the churn test does; Qt's side then holds no Python reference
    closed = weakref.ref(window)
    del window
    qtbot.wait(50)
    gc.collect(1)  # what the young collections can do: nothing, it is old
    assert closed() is not None
    clock.now = opened_at + MAX_FULL_AGE_S - 0.001
    collector.collect()
    assert closed() is not None and policy.full_collections == 1
    clock.now = opened_at + MAX_FULL_AGE_S
    collector.collect()
    assert policy.full_collections == 2
    assert closed() is None


def test_a_full_collection_asked_for_counts_toward_the_time_budget(collector):
    probe = Cycle()
    dead = weakref.ref(probe)
    gc.collect(1)  # promoted to the oldest generation while still alive...
    del probe  # ...so only a full collection frees it
    gc.collect(1)
    assert dead() is not None
    clock = collector.policy.clock
    clock.step = 0.5  # ...and a full collection takes 0.5 s on the fake clock
    collector.collect_full()
    clock.step = 0.0
    assert dead() is None
    assert collector.policy.last_full_end == clock.now and collector.policy.last_full_seconds
    # The next full one waits 99x as long, whatever the counts say.
    assert not collector.policy.full_due((0, 0, 10**6))


def test_counting_objects_never_breaks_a_tuple_another_thread_is_building():
    # Switching threads as often as the interpreter can, the old count (len of each
    # generation's list) broke the builder's tuple within a second or so; tuple(generator)
    # is how the worker builds many of its values.
    errors: list[BaseException] = []
    stop = threading.Event()

    def build() -> None:
        try:
            while not stop.is_set():
                tuple(x for x in range(64))
        except SystemError as error:  # what _PyTuple_Resize raises on a shared tuple
            errors.append(error)

    garbage = [[i] for i in range(20_000)]  # enough tracked objects to make listing slow
    # Then young generations of the garbage only: earlier tests leave the app's collector
    # installed, automatic collection off, and whatever they left over in generation 0,
    # which each of the 20,000 listings below would walk (minutes, in the whole suite).
    gc.collect()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    builder = threading.Thread(target=build)
    builder.start()
    try:
        for _ in range(20_000):
            assert gui_gc.objects_in(0, 1) > 0
            if errors:
                break
        assert gui_gc.objects_in(2) > 0
    finally:
        stop.set()
        builder.join()
        sys.setswitchinterval(interval)
    assert errors == [] and len(garbage) == 20_000
