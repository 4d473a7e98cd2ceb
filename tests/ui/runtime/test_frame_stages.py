"""A delivery of the worker's snapshot is drawn one view per turn of the event loop: the
views still see every item in the order posted, the outbox counts a frame drawn only once its
last view has drawn it, and calls from elsewhere (replay, tests) reach a view at once."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from xorlab.ui.runtime.frame_stages import FrameStages, connect_staged
from xorlab.ui.runtime.outbox import Outbox

from .test_gui_pacing import snapshot


class Source(QObject):
    """Stands in for the worker: a signal the views connect to, and the stages."""

    shown = Signal(object)

    def __init__(self, stages: FrameStages | None):
        super().__init__()
        if stages is not None:
            self.stages = stages


class View(QObject):
    def __init__(self, name: str, log: list):
        super().__init__()
        self.name, self.log = name, log

    def on_snapshot(self, value) -> None:
        self.log.append((self.name, value))


def outbox_with_views(names):
    """An outbox whose "snapshot" items go to ``names`` views through its stages, and whose
    other items go to the log at once, as the worker's signals do."""
    log: list = []
    holder: dict = {}

    def deliver(kind, args):
        if kind == "snapshot":
            holder["source"].shown.emit(args[0].epoch)
        else:
            log.append((kind, args[0]))

    outbox = Outbox(deliver)
    source = Source(outbox.stages)
    holder["source"] = source
    views = [View(name, log) for name in names]
    for view in views:
        connect_staged(source, source.shown, view.on_snapshot)
    return outbox, source, views, log


def test_each_view_draws_in_a_turn_of_its_own_and_the_next_items_wait(qtbot):
    outbox, _source, _views, log = outbox_with_views(["cost", "table", "map"])
    outbox.stages.turn_budget = 0.0  # one view a turn, however quick
    caught_up: list[int] = []
    outbox.caught_up.connect(caught_up.append)
    ones = np.ones((4, 1))
    outbox.post("snapshot", snapshot(3, ones, [0.5]), (3, 10, 1.0))
    outbox.post("state_changed", "done")
    QCoreApplication.sendPostedEvents()  # the delivery only: the views' turns are timers
    assert log == [] and outbox.stages.busy()
    turns = []
    ticker = QTimer()
    ticker.timeout.connect(lambda: turns.append(len(log)))
    ticker.start(0)  # another event source: it gets turns between the views
    qtbot.waitUntil(lambda: caught_up == [2])
    ticker.stop()
    assert log == [("cost", 3), ("table", 3), ("map", 3), ("state_changed", "done")]
    assert {1, 2} <= set(turns)  # something else ran between the views
    assert not outbox.stages.busy() and outbox.undelivered() == 0


def test_a_backlog_merges_while_a_frame_is_drawn(qtbot):
    outbox, _source, _views, log = outbox_with_views(["cost", "map"])
    caught_up: list[int] = []
    outbox.caught_up.connect(caught_up.append)
    ones = np.ones((4, 1))
    outbox.post("snapshot", snapshot(3, ones, [0.5]), (3, 10, 1.0))
    QCoreApplication.sendPostedEvents()
    assert outbox.stages.busy()
    outbox.post("snapshot", snapshot(4, ones, [0.4]), (4, 10, 1.0))
    outbox.post("snapshot", snapshot(5, ones, [0.3]), (5, 10, 1.0))
    assert outbox.pending() == 1  # merged: the GUI is still drawing epoch 3
    qtbot.waitUntil(lambda: caught_up == [3])
    assert log == [("cost", 3), ("map", 3), ("cost", 5), ("map", 5)]


def test_outside_a_delivery_a_view_is_called_at_once_after_the_frame_pending():
    outbox, source, _views, log = outbox_with_views(["cost", "map"])
    source.shown.emit(1)  # a replay step, a test: no delivery under way
    assert log == [("cost", 1), ("map", 1)]
    log.clear()
    outbox.post("snapshot", snapshot(3, np.ones((4, 1)), [0.5]), (3, 10, 1.0))
    QCoreApplication.sendPostedEvents()
    assert log == [] and outbox.stages.busy()
    source.shown.emit(2)  # the learner picks a moment while the live frame is pending
    assert log == [("cost", 3), ("map", 3), ("cost", 2), ("map", 2)]  # the older one first


def test_a_view_deleted_before_its_turn_is_skipped(qtbot):
    outbox, _source, views, log = outbox_with_views(["cost", "map"])
    caught_up: list[int] = []
    outbox.caught_up.connect(caught_up.append)
    outbox.post("snapshot", snapshot(3, np.ones((4, 1)), [0.5]), (3, 10, 1.0))
    QCoreApplication.sendPostedEvents()
    views[1].deleteLater()
    QCoreApplication.sendPostedEvents(None, 52)  # QEvent.DeferredDelete
    qtbot.waitUntil(lambda: caught_up == [1])
    assert log == [("cost", 3)]


def test_a_source_without_stages_connects_plainly():
    source = Source(None)
    log: list = []
    view = View("cost", log)
    connect_staged(source, source.shown, view.on_snapshot)
    source.shown.emit(7)
    assert log == [("cost", 7)]
