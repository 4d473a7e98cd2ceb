"""The training session closes the Trainer it leaves (a new network, shutdown), so a left
run's upgrade load (core/training/tiers.py) is called off rather than taking the compile lock
and half the interpreter from the next network's first point."""

from __future__ import annotations

from tests.ui.runtime.test_worker import MINIMAL, Recorder, start_worker, wait_for_state  # noqa: F401
from xorlab.core.training.trainer import Trainer

OTHER = MINIMAL.with_changes(network={"hidden": (4,)})  # another structure: a new trainer


def test_a_left_trainer_is_closed_on_a_new_network_and_at_shutdown(
    qtbot,
    start_worker,  # noqa: F811 (the fixture imported above)
    monkeypatch,
):
    closed: list[Trainer] = []
    close = Trainer.close

    def recording_close(self: Trainer) -> None:
        closed.append(self)
        close(self)

    monkeypatch.setattr(Trainer, "close", recording_close)
    worker, rec = start_worker(MINIMAL)
    first = worker._session._trainer
    rec.states.clear()
    worker.set_spec(OTHER)
    qtbot.waitUntil(lambda: rec.state in ("ready", "error"), timeout=60_000)
    assert rec.state == "ready", (rec.states, rec.failures)
    second = worker._session._trainer
    assert second is not first and closed == [first]
    assert worker.shutdown(30_000)
    assert closed == [first, second]
