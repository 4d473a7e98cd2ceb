"""Python's cycle collector, run on the GUI thread only.

Automatic collection runs on whichever thread allocates when a threshold is crossed. When
that is the training thread and the garbage holds Qt objects (a closed window's widgets,
pyqtgraph items), their C++ destructors run there: ~QObject takes Qt's connection locks and
then calls back into Python, needing the GIL, while the GUI thread holds the GIL and waits
for those locks in a destructor of its own. The churn test in tests/ui/shell/test_robustness.py
hung that way. So automatic collection is switched off and a timer on the GUI thread collects
instead (pyqtgraph's GarbageCollector does the same). Objects without cycles are still freed
at once by reference counting, on any thread.

A collection holds the GUI thread for as long as it takes, so gc_policy.CollectionPolicy
keeps young collections small (the timer speeds up while something allocates fast) and
full ones rare (CPython's 25% rule, at most 1% of the time, at least every five minutes).
gc.freeze() would make full collections shorter, but frozen garbage (a closed window, a
dropped Trainer) then survives every gc.collect() until someone unfreezes: it was tried and
the churn test caught closed windows kept for good.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from xorlab.app.gc_policy import MAX_INTERVAL_MS, Collected, CollectionPolicy

INTERVAL_MS = MAX_INTERVAL_MS  # the slowest the timer ticks (when little is allocated)
OBJECT_NAME = "xorlab.gui_garbage_collector"


class GuiGarbageCollector(QObject):
    def __init__(self, parent: QObject, policy: CollectionPolicy | None = None):
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.thresholds = gc.get_threshold()
        self.policy = policy or CollectionPolicy(self.thresholds)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)  # re-armed by collect() with the policy's interval
        self.timer.setInterval(self.policy.interval_ms)
        self.timer.timeout.connect(self._on_timeout)
        gc.disable()
        self.timer.start()

    def _on_timeout(self) -> None:
        young_objects = gc.get_count()[0]
        try:
            self.collect()
        finally:
            self.timer.start(self.policy.next_interval_ms(young_objects))

    def collect(self) -> int:
        """Run the collection the policy says is due, if any; the objects it found."""
        generation = self.policy.generation_due(gc.get_count())
        return 0 if generation is None else self.collect_generation(generation)

    def collect_full(self) -> int:
        """A full collection now, counted by the policy like its own (so the next full one
        keeps to the time budget); for a moment when a pause does not matter."""
        return self.collect_generation(2)

    def collect_generation(self, generation: int) -> int:
        counts = gc.get_count()
        clock = self.policy.clock
        started = clock()
        # CPython counts what a generation-1 collection promotes and what survives a full
        # one; from outside, list the generations (small ones, or once per full collection).
        # Generation 0's size is about its count (allocations minus deallocations).
        if generation == 1:
            young = objects_in(0, 1)
        else:
            young = counts[0] if generation == 0 else 0
        found = gc.collect(generation)
        long_lived = objects_in(2) if generation == 2 else 0
        self.policy.record(Collected(generation, clock() - started, young - found, long_lived))
        return found


def objects_in(*generations: int) -> int:
    """How many objects the collector tracks in ``generations``, counted without letting
    another thread run while their list exists.

    ``len(gc.get_objects(g))`` holds a reference to every listed object until ``len`` has
    run, and the interpreter may switch threads between the two calls. A tuple that another
    thread is building from an iterator (``tuple(x for x in ...)``) is tracked but still being
    resized, and ``_PyTuple_Resize`` refuses a tuple with a second reference: that thread got
    ``SystemError: tupleobject.c: bad argument to internal function`` (the worker, mid-run).
    ``sum`` over ``map`` calls both in C, and the lists are freed before any bytecode runs.
    """
    return sum(map(len, map(gc.get_objects, generations)))


def install() -> GuiGarbageCollector | None:
    """Start collecting on the GUI thread (once per application); None without an app."""
    app = QCoreApplication.instance()
    if app is None:
        return None
    existing = app.findChild(GuiGarbageCollector, OBJECT_NAME)
    return existing or GuiGarbageCollector(app)
