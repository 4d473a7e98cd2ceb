"""The commands a TrainingSession runs on the worker thread, between chunks.

Run control (train, resume, pause, stop, one epoch's step, reset), the learning rate and speed,
the views' trainer jobs and graph requests. TrainingSession in training_session.py mixes these
in: ``on_command`` dispatches each queued command ``name`` to ``_do_<name>``. They read and
change the session's state, so they run only on its thread.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer

from xorlab.app.chunk_plan import ChunkPlan
from xorlab.app.graph_request import LatestGraphRequest, build_bundle
from xorlab.app.trainer_jobs import PendingJobs
from xorlab.core.training.trainer import DivergenceError, Trainer
from xorlab.ui.runtime.outbox import Outbox

# The session's records keep one logger name, wherever its code lives.
log = logging.getLogger("xorlab.ui.runtime.training_session")


class SessionCommands:
    """The ``_do_<command>`` handlers. TrainingSession provides the state declared here and
    the helpers ``_publish_snapshot(force)`` and ``_set_state(state)``."""

    _outbox: Outbox
    _trainer: Trainer | None
    _state: str
    _timer: QTimer
    _waiting_for_gui: bool
    plan: ChunkPlan
    graph_requests: LatestGraphRequest
    jobs: PendingJobs

    def _do_train(self) -> None:
        if self._trainer is None or self._state == "training":
            return
        if self._state in ("done", "stopped"):
            self._do_reset()
        self._start_training()

    def _do_resume(self) -> None:
        if self._trainer is not None and self._state in ("ready", "paused", "diverged"):
            self._start_training()

    def _start_training(self) -> None:
        assert self._trainer is not None
        if self._trainer.done:
            self._set_state("done")
            return
        self._waiting_for_gui = False
        self.plan.start(self._trainer.step_count)
        self._set_state("training")
        self._timer.start(0)

    def _do_pause(self) -> None:
        if self._state == "training":
            self._timer.stop()
            self._publish_snapshot(force=True)
            self._set_state("paused")

    def _do_stop(self) -> None:
        if self._state in ("training", "paused"):
            self._timer.stop()
            self._publish_snapshot(force=True)
            self._set_state("stopped")

    def _do_step(self) -> None:
        trainer = self._trainer
        if trainer is None or self._state not in ("ready", "paused", "diverged"):
            return
        spe = trainer.steps_per_epoch
        try:
            trainer.run(spe - trainer.step_count % spe)
        except DivergenceError as exc:
            self._publish_snapshot(force=True)
            self._set_state("diverged")
            self._outbox.post("diverged", str(exc))
            return
        self._publish_snapshot(force=True)
        self._set_state("done" if trainer.done else "paused")

    def _do_reset(self) -> None:
        trainer = self._trainer
        if trainer is None:
            return
        self._timer.stop()
        trainer.reset()
        self._outbox.post("run_reset", trainer.dataset, self._grid)
        self._publish_snapshot(force=True)
        self._set_state("ready")

    def _do_jobs(self) -> None:
        for job in self.jobs.take_all():
            if self._trainer is None:
                self._outbox.post("job_failed", job.kind, "No network is compiled yet.")
                continue
            try:
                result = job.run(self._trainer)
            except Exception as exc:  # a view's job must never stop training
                log.warning("trainer job %s failed", job.kind, exc_info=exc)
                self._outbox.post("job_failed", job.kind, str(exc))
                continue
            self._outbox.post("job_done", job.kind, result)
            if job.changes_weights:
                self._publish_snapshot(force=True)

    def _do_graph(self) -> None:
        request = self.graph_requests.take()
        if request is None:  # served by an earlier command: requests merge
            return
        if self._trainer is None:
            self._outbox.post("graph_failed", "No network is compiled yet.")
            return
        try:
            bundle = build_bundle(self._trainer, request)
        except Exception as exc:  # a graph that cannot be shown must not stop training
            log.warning("graph request failed", exc_info=exc)
            self._outbox.post("graph_failed", f"Cannot build the graph: {exc}")
            return
        self._outbox.post("graph_ready", bundle)

    def _do_learning_rate(self, value: float) -> None:
        if self._trainer is not None:
            self._trainer.set_learning_rate(value)

    def _do_speed(self, value: float | None) -> None:
        """Cap training at ``value`` steps per second (None: as fast as it goes), from the
        next chunk; the rate shown restarts so it reports the new speed, not a blend."""
        self.plan.set_speed(value, self._trainer.step_count if self._trainer else 0)
        if self._state == "training" and not self._waiting_for_gui:
            self._timer.start(0)
