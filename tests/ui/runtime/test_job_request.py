"""JobRequest, the one pump behind every view that asks the worker for a job: one request
out at a time, asks meanwhile merged into one more (the newest inputs win), an optional
minimum interval on an injected clock, and answers routed by kind."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from xorlab.ui.runtime.job_request import JobRequest


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


class Sender:
    """Records each send with the inputs current at that moment."""

    def __init__(self) -> None:
        self.inputs = 0
        self.sent: list[int] = []
        self.has_work = True

    def __call__(self) -> bool:
        if not self.has_work:
            return False
        self.sent.append(self.inputs)
        return True


class FakeWorker(QObject):
    job_done = Signal(str, object)
    job_failed = Signal(str, str)


def test_asks_while_one_is_out_merge_into_one_more_with_the_newest_inputs(qtbot):
    sender = Sender()
    request = JobRequest(sender)
    answers = []
    request.finished.connect(answers.append)
    request.ask()
    assert sender.sent == [0] and request.pending and request.busy()
    for inputs in (1, 2, 3):  # a burst while the first is out: nothing more is sent yet
        sender.inputs = inputs
        request.ask()
    assert sender.sent == [0]
    request.answer("first")
    assert answers == ["first"]
    assert sender.sent == [0, 3]  # one more, for the newest inputs only
    request.answer("second")
    assert sender.sent == [0, 3] and not request.busy()  # nothing asked since: quiet


def test_failures_are_reported_and_free_the_next_request(qtbot):
    sender = Sender()
    request = JobRequest(sender)
    problems = []
    request.failed.connect(problems.append)
    request.ask()
    request.ask()
    request.fail("no network yet")
    assert problems == ["no network yet"] and sender.sent == [0, 0]


def test_an_ask_waits_until_ready_and_one_with_nothing_to_send_is_dropped(qtbot):
    sender = Sender()
    shown = [False]
    request = JobRequest(sender, ready=lambda: shown[0])
    request.ask()
    assert sender.sent == [] and request.wanted  # hidden: kept for later
    shown[0] = True
    request.pump()  # e.g. from showEvent
    assert sender.sent == [0]
    request.answer(None)
    sender.has_work = False
    request.ask()
    assert not request.pending and not request.wanted  # nothing to ask: dropped


def test_the_minimum_interval_follows_the_injected_clock(qtbot):
    clock = FakeClock()
    sender = Sender()
    request = JobRequest(sender, min_interval_s=0.33, clock=clock)
    request.ask()
    request.answer(None)
    request.ask()
    assert sender.sent == [0] and request.timer.isActive()  # too soon: the timer waits
    clock.now += 0.2
    request.pump()
    assert sender.sent == [0]
    clock.now += 0.13
    request.pump()  # what the timer does when it fires
    assert sender.sent == [0, 0]
    request.answer(None)
    request.ask_now()  # a click is answered at once
    assert sender.sent == [0, 0, 0]


def test_forget_stops_waiting_for_an_answer_from_a_trainer_that_is_gone(qtbot):
    sender = Sender()
    request = JobRequest(sender)
    request.ask()
    request.forget()
    request.ask()
    assert sender.sent == [0, 0]


def test_answers_come_from_the_worker_jobs_of_its_own_kind_only(qtbot):
    worker = FakeWorker()
    sender = Sender()
    request = JobRequest(sender).answered_by(worker, "maps")
    answers, problems = [], []
    request.finished.connect(answers.append)
    request.failed.connect(problems.append)
    request.ask()
    worker.job_done.emit("trace", "not mine")
    worker.job_failed.emit("trace", "not mine either")
    assert answers == [] and problems == [] and request.pending
    worker.job_done.emit("maps", 42)
    assert answers == [42] and not request.pending
    request.ask()
    worker.job_failed.emit("maps", "diverged")
    assert problems == ["diverged"]
