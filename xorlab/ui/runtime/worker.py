"""TrainingWorker: the GUI thread's handle on training, which runs on a QThread it owns.

The Trainer and its compiled PyTensor functions live in a TrainingSession moved to that
thread (see training_session.py). This object stays on the GUI thread: its methods only
queue requests, and its signals are emitted on the GUI thread, in the order things happened
on the worker, with snapshots merged when the GUI falls behind (see outbox.py). Emitting
from the GUI thread matters: a lambda connected to a signal of an object living on the
worker thread would run on the worker thread.

States: idle -> compiling -> ready -> training <-> paused -> done | stopped | diverged, and
error when a dataset cannot be loaded or something unexpected is raised. A spec is compiled
as soon as it arrives ("precompile"), before Train is clicked; a change of only the learning
rate, the epoch limit or the log interval is applied in place without recompiling.

Shutdown (napari/glue pattern): ``request_shutdown`` sets a flag the session checks between
chunks and between compile steps, then queues a quit; ``wait`` joins the thread. A compile
step in progress cannot be interrupted, so a shutdown during compilation waits for that
step (well under a second with a warm PyTensor cache, a few seconds cold).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal

from xorlab.app.graph_request import GraphRequest
from xorlab.app.requests import Requests
from xorlab.app.run_state import RunState
from xorlab.app.trainer_jobs import TrainerJob
from xorlab.core.malloc_tuning import keep_freed_memory
from xorlab.core.training.spec import ExperimentSpec
from xorlab.ui.runtime.frame_stages import FrameStages
from xorlab.ui.runtime.gil_switch import share_the_gil_finely
from xorlab.ui.runtime.outbox import Outbox
from xorlab.ui.runtime.thread_handle import ThreadHandle
from xorlab.ui.runtime.training_session import TrainingSession

if TYPE_CHECKING:
    from xorlab.core.io.experiment import Experiment

STATES = tuple(RunState)

# Every QThread a worker started, so tests can fail when one is left running.
_started_threads: list[QThread] = []


def running_worker_threads() -> list[QThread]:
    """Worker threads that are still running (finished ones are forgotten)."""
    _started_threads[:] = [t for t in _started_threads if t.isRunning()]
    return list(_started_threads)


class TrainingWorker(QObject, ThreadHandle):
    """Trains one experiment at a time on a private QThread; safe to drive from the GUI."""

    state_changed = Signal(str)
    run_reset = Signal(object, object)  # Dataset, PlaneGrid | None: a new run begins; clear
    snapshot_ready = Signal(object)  # TrainingSnapshot
    progress = Signal("qint64", "qint64", float)  # step, total steps, steps per second
    compiled = Signal(float)  # seconds
    # The loop training runs on: "numpy" (the quick tier, at once) then "fused", "scan" or "jax"
    engine_chosen = Signal(str)
    # Why the fast loop could not compile (training stays on the quick tier)
    fast_loop_failed = Signal(str)
    diverged = Signal(str)
    failed = Signal(str)
    graph_ready = Signal(object)  # graph_request.GraphBundle
    graph_failed = Signal(str)
    job_done = Signal(str, object)  # kind, the job's result
    job_failed = Signal(str, str)  # kind, message
    finished = Signal()  # the thread has stopped

    _command_requested = Signal(str, object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        chunk_seconds: float = 0.010,
        max_snapshot_rate: float = 60.0,
        grid_rate: float = 60.0,
        grid_resolution: int = 64,
        min_snapshots: int = 100,
        mode: str | None = None,
    ):
        super().__init__(parent)
        # The worker's snapshots allocate and free the same large arrays tens of times a
        # second: keep freed memory for them rather than fault in fresh pages each time.
        keep_freed_memory()
        # The worker takes the GIL back many times a chunk, from a GUI thread that holds it
        # through whole frames: have it handed over after 1 ms, not 5 (gil_switch.py).
        share_the_gil_finely()
        self._state = RunState.IDLE
        self._requests = Requests()
        self._outbox = Outbox(self._deliver)
        self._session = TrainingSession(
            self._outbox,
            self._requests,
            chunk_seconds=chunk_seconds,
            max_snapshot_rate=max_snapshot_rate,
            grid_rate=grid_rate,
            grid_resolution=grid_resolution,
            min_snapshots=min_snapshots,
            mode=mode,
        )
        # No parent: a QThread parented to a widget would be deleted with it, running or not.
        self._thread = QThread()
        self._thread.setObjectName("xorlab-training")
        self._session.moveToThread(self._thread)
        self._command_requested.connect(
            self._session.on_command, Qt.ConnectionType.QueuedConnection
        )
        self._outbox.caught_up.connect(
            self._session.on_gui_caught_up, Qt.ConnectionType.QueuedConnection
        )
        self._thread.finished.connect(self.finished)

    @property
    def stages(self) -> FrameStages:
        """Connect a view's slot through ``stages.connect(signal, slot)`` to draw it in a
        turn of the event loop of its own while snapshots arrive (frame_stages.py)."""
        return self._outbox.stages

    @property
    def state(self) -> RunState:
        """The last state delivered to the GUI thread."""
        return self._state

    def start(self) -> None:
        if not self._thread.isRunning() and not self._requests.closing:
            _started_threads.append(self._thread)
            self._thread.start()

    def set_spec(self, spec: ExperimentSpec) -> None:
        """Compile ``spec`` in the background; of rapid edits only the latest is compiled.
        Asking again for the spec last asked for does nothing (unless it failed): a compile
        in progress would be abandoned and redone (the builder and load_spec both ask)."""
        if spec == self._requests.last_spec and self._state != RunState.ERROR:
            return
        self._requests.put_spec(spec)
        self._post("spec")

    def set_strategy(self, strategy: str) -> None:
        """Compile training loops with ``strategy`` (xorlab.core.training.strategies.STRATEGIES:
        "auto", "fused", "scan", "jax"); the current spec recompiles as a fresh run."""
        if self._requests.put_strategy(strategy):
            self._post("spec")

    def open_experiment(self, experiment: Experiment) -> None:
        """Compile a saved experiment's network, then restore its weights and history."""
        self._requests.put_spec(experiment.spec, experiment)
        self._post("spec")

    def train(self) -> None:
        """Start training; from done or stopped, a fresh run from the initial weights."""
        self._post("train")

    def pause(self) -> None:
        self._post("pause")

    def resume(self) -> None:
        """Continue a paused (or diverged, or not yet started) run."""
        self._post("resume")

    def step(self) -> None:
        """Train to the end of the next epoch, then pause."""
        self._post("step")

    def stop(self) -> None:
        """End the run early, keeping its weights and curves."""
        self._post("stop")

    def reset(self) -> None:
        """Back to the initial weights and an empty history."""
        self._post("reset")

    def set_learning_rate(self, value: float) -> None:
        """Takes effect at the next chunk, without recompiling."""
        self._post("learning_rate", float(value))

    def set_speed(self, steps_per_second: float | None) -> None:
        """Cap training at this many steps per second of wall time, to watch it learn;
        None trains as fast as the engine goes. Takes effect at the next chunk."""
        if steps_per_second is not None and not (0 < steps_per_second < math.inf):
            raise ValueError(f"a speed must be a positive number of steps/s: {steps_per_second}")
        self._post("speed", None if steps_per_second is None else float(steps_per_second))

    def set_neuron_maps(self, palette: np.ndarray | None) -> None:
        """While training, snapshots carry every neuron's map over the plane as pictures
        coloured through ``palette`` (256, 4) uint8, computed on the worker; None stops it
        (the diagram is hidden, or shows no maps). From the next snapshot on."""
        self._post("neuron_maps", None if palette is None else np.array(palette, np.uint8))

    def submit_job(self, job: TrainerJob) -> None:
        """Run ``job.run(trainer)`` on the worker thread between chunks; answered by job_done
        or job_failed with ``job.kind``. A newer job of the same kind replaces a waiting one."""
        self._session.jobs.put(job)
        self._post("jobs")

    def request_graph(self, target: str, param: int = 0) -> None:
        """Build ``target``'s symbolic and optimized graphs on the worker thread, between
        chunks; answered by graph_ready (a GraphBundle) or graph_failed. Only the latest
        request waiting is served."""
        self._session.graph_requests.put(GraphRequest(target, int(param)))
        self._post("graph")

    def request_shutdown(self) -> None:
        """Ask the thread to finish and return at once; later requests are ignored."""
        if self._requests.closing:
            return
        self._requests.close()
        self._command_requested.emit("shutdown", None)

    def _post(self, name: str, value: Any = None) -> None:
        if not self._requests.closing:
            self._command_requested.emit(name, value)

    def _deliver(self, kind: str, args: tuple[Any, ...]) -> None:
        """Runs on the GUI thread, where the outbox lives."""
        if not shiboken6.isValid(self):
            # Deleted (its window with it) after the thread stopped but before the thread's
            # last notifications were delivered: there is no one left to tell.
            return
        if kind == "snapshot":
            snapshot, progress = args
            self.snapshot_ready.emit(snapshot)
            self.progress.emit(*progress)
            return
        if kind == "state_changed":
            self._state = RunState(args[0])
        getattr(self, kind).emit(*args)
