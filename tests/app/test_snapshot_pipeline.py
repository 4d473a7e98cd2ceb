"""The snapshot thread (app/snapshot_pipeline.py): what the worker posts after a snapshot it
handed over reaches the outbox after that snapshot, one snapshot is in flight at a time, and
a failure is reported, not lost. Events, no timing."""

from __future__ import annotations

import threading

from xorlab.app.snapshot_pipeline import SnapshotPipeline


class RecordingOutbox:
    def __init__(self):
        self.items: list[tuple] = []
        self._lock = threading.Lock()

    def post(self, kind, *args) -> int:
        with self._lock:
            self.items.append((kind, *args))
            return len(self.items)


def test_posts_after_a_handed_over_snapshot_come_after_it():
    outbox = RecordingOutbox()
    pipeline = SnapshotPipeline(outbox)
    release = threading.Event()
    started = threading.Event()

    def finish():
        started.set()
        release.wait()
        return "snapshot at step 10", (10, 100, 5.0)

    pipeline.submit(finish)
    started.wait()
    assert pipeline.busy() and outbox.items == []
    threading.Timer(0, release.set).start()  # the thread finishes while post() waits
    number = pipeline.post("state_changed", "paused")
    assert outbox.items == [
        ("snapshot", "snapshot at step 10", (10, 100, 5.0)),
        ("state_changed", "paused"),
    ]
    assert number == 2 and pipeline.last_post == 1 and not pipeline.busy()
    pipeline.close()


def test_one_snapshot_in_flight_and_close_waits_for_it():
    outbox = RecordingOutbox()
    pipeline = SnapshotPipeline(outbox)
    for step in range(3):
        pipeline.submit(lambda step=step: (f"step {step}", (step,)))
    pipeline.close()
    assert outbox.items == [("snapshot", f"step {s}", (s,)) for s in range(3)]
    assert not pipeline.busy()


def test_a_failure_to_finish_is_posted_as_the_worker_posts_its_own():
    outbox = RecordingOutbox()
    pipeline = SnapshotPipeline(outbox)

    def finish():
        raise ValueError("shapes do not match")

    pipeline.submit(finish)
    pipeline.post("progress", 1, 2, 3.0)
    assert outbox.items == [
        ("failed", "Cannot evaluate the network: shapes do not match"),
        ("progress", 1, 2, 3.0),
    ]
    pipeline.close()
