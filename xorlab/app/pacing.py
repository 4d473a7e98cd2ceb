"""How often the training worker hands the GUI a snapshot, and when it waits for the drawing.

Two facts decide it. A training loop that holds the GIL (the quick tier, JAX's Python
dispatch) stops the GUI's Python (slots, painting, timers) for as long as a chunk runs, so
while the GUI draws such a loop must wait, and every frame it waits for costs training time.
A loop that releases the GIL (the fused loop, the scan loop on Numba: see
core/training/strategies/nogil_numba.py) trains on another core while the GUI draws, so it
need not wait.
Either way a frame costs the GUI thread time (the outbox measures it), and snapshots are
spaced so drawing takes no more than a share of that thread: small while the GIL is held
(training throughput), 0.6 otherwise: the views draw a frame one per turn of the event loop
(ui/runtime/frame_stages.py), so a click or a key waits for one view, not for the frame, and
the rest of the thread is for the person using the window.
The maps over the plane (the decision map, and the neuron maps while the Network dock shows
them) cost the worker one forward pass over a grid of points (~0.2 ms for XOR; the spiral's
3 tanh layers of 16: ~0.6 ms on 32 x 32 points, 2.4 ms on 64 x 64 with one BLAS thread, see
app/live_maps.py), so they are computed at most grid_rate times a second and no more often
than keeps them to GRID_SHARE of training time.
Beside a loop that releases the GIL, a snapshot whose evaluation takes a millisecond or more
(a 2-64-64-64-1 net on 2,000 points: ~5 ms) is finished, maps included, on a snapshot thread
(app/snapshot_pipeline.py), which uses the GUI's core between frames: then the snapshot's
own share on the worker is only its copies, its maps come with every snapshot, and that
thread's job is kept to OFF_THREAD_SHARE of a core, by its CPU time (see OFF_THREAD_SHARE).
"""

from __future__ import annotations

import math
from typing import Protocol

GUI_SHARE_WHILE_GIL_HELD = 0.12
GUI_SHARE = 0.6
GRID_SHARE = 0.06
# The worker's own work per snapshot (the evaluation on the training and test sets, the
# copies) takes at most this share of its time: tens of microseconds for the presets, but
# ~5 ms for a 2-64-64-64-1 net on 2,000 points (float64 numpy, no overhead left to cut),
# which at 60 snapshots a second would take 30% from training.
SNAPSHOT_SHARE = 0.1
# A loop that releases the GIL leaves that evaluation, and the maps, to the snapshot thread
# (app/snapshot_pipeline.py) once it takes this long: the GUI's core does it between frames.
# Its snapshots are then spaced so that thread takes at most OFF_THREAD_SHARE of that core,
# the GUI thread's frames GUI_SHARE. The job is measured in the thread's CPU time, not wall
# time: its wall time (7.8-12.4 ms for ~4-5 ms of CPU, the 2-64-64-64-1 net on 2,000 points
# with its maps, load 3) is mostly waits for the GIL while the GUI thread draws, which that
# thread's frame time already counts; paced by it, that term set the spacing in 59-78% of
# the decisions, and the net drew 25.6 frames a second where its CPU allowed 32.9 (dock
# closed, load 4-5, bench/gui.py --compare-off-thread-wall). Nor are
# they closer than the job's wall time: one is in flight at a time, so one due before the
# last is finished waits for the next chunk's end, and the chunks, sized to the spacing,
# were shorter than the snapshots came (27.8 ms chunks, 20 snapshots a second, the job at
# 40-70 ms under load 6): more calls of the loop, each waiting for the GIL, for nothing.
MIN_SECONDS_OFF_THREAD = 0.001
OFF_THREAD_SHARE = 0.3
# Such a snapshot costs ~5 ms on that thread and a frame of ~8-15 ms on the GUI thread, where
# a preset's costs a frame only: they come at most this often, not up to max_snapshot_rate
# (60). Round 10's rule drew the 2-64-64-64-1 net 39-41 times a second at 0.90-0.92 of its
# headless rate (dock closed, load 1.3-1.6); capped at 36, this rule drew it 32 a second
# (the chunks' timing takes a tenth), at 45 39.6 with the ratio 0.91 (bench/gui.py).
OFF_THREAD_MAX_RATE = 45.0
DUE_TOLERANCE = 0.25  # of a chunk's time: a snapshot this early is on time
# A loop that releases the GIL (the fused loop, the scan loop on Numba, JAX) runs one chunk
# per snapshot, up to this long (a pause, a stop or a view's
# job waits at most about that). Each chunk is a round of the worker's event loop and Python
# between two compiled calls, and each time the worker takes the GIL back it may wait for
# the GUI thread, which draws meanwhile: 10 ms chunks cut by the snapshots made ~75 of those
# rounds a second, one chunk per snapshot makes 30-60. Measured in the window, alternating
# with 10 ms chunks (bench/gui.py --compare-max-chunk-ms 10, load 5-7): the fused presets'
# steps/s +16%, their ratio to headless +10%. JAX's nets then lost 17% (load 7-8.7): XLA
# computes a call on its own threads, idle from one call to the next. Since the JAX loop runs
# the next chunk ahead and XLA's threads yield to the GUI's (round 10: jax_loop.py,
# jax_setup.lower_xla_threads), one chunk per snapshot against 10 ms chunks, alternating
# segments (circle, spiral, overfitting, the 2-64-64-64-1 net, dock closed and open, load
# 3-6, two runs) gave it more steps/s in the window in 14 of 16 rows (+6% to +48%), ratios
# to headless 0.74-1.13 against 0.70-1.13 (bench/gui.py --compare-jax-short-chunks).
MAX_GIL_FREE_CHUNK_SECONDS = 0.033


class FrameSource(Protocol):
    """The outbox, as pacing sees it."""

    frame_seconds: float

    def undelivered(self) -> int: ...


class SnapshotPacing:
    """Owned by the worker thread; reads the outbox's counters, which are thread-safe."""

    def __init__(self, outbox: FrameSource, max_snapshot_rate: float, grid_rate: float):
        self._outbox = outbox
        self.min_interval = 1.0 / max_snapshot_rate
        self.min_grid_interval = 1.0 / grid_rate
        self.grid_seconds = 0.0  # smoothed time a snapshot with the grid took
        self.snapshot_seconds = 0.0  # smoothed time the worker took to make a snapshot
        # Smoothed CPU time a snapshot's evaluation (Trainer.finish_snapshot) took, on
        # whichever thread, and the snapshot thread's whole job (with the maps), in its
        # CPU time and in wall time, while it has one.
        self.evaluation_seconds = 0.0
        self.off_thread_seconds = 0.0
        self.off_thread_wall_seconds = 0.0
        # Space by the job's wall time instead, as before round 11 (bench/gui.py compares).
        self.off_thread_by_wall = False
        self.off_thread_max_rate = OFF_THREAD_MAX_RATE  # inf: no cap (before round 11)
        self.wait_for_frames = True  # see gui_still_drawing; False: as before round 11
        self.releases_gil = False  # of the current trainer's loop; set when one is built
        # Whether that loop runs one chunk per snapshot (see MAX_GIL_FREE_CHUNK_SECONDS).
        self.long_chunks = False
        self.max_chunk_seconds = MAX_GIL_FREE_CHUNK_SECONDS
        self.min_seconds_off_thread = MIN_SECONDS_OFF_THREAD  # see off_thread

    def should_wait_for_gui(self, milestone: bool) -> bool:
        """After posting a snapshot: let the GUI draw it before computing on?

        A GIL-free loop waits only after a milestone (each 1% of the run): waiting keeps
        its snapshot whole, since merging keeps only the latest outputs, so the outputs
        plot gets its 100 points however slow the GUI is. That is at most 100 short waits
        a run. A loop holding the GIL waits after every snapshot the GUI has not drawn.
        """
        if not self._outbox.undelivered():
            return False
        return milestone or not self.releases_gil

    def gui_still_drawing(self) -> bool:
        """Should an off-thread snapshot wait because the GUI has not yet drawn the last one?
        Finished meanwhile, the job and the frame took the GIL from each other and from the
        worker's calls of the loop (see OFF_THREAD_SHARE)."""
        return self.wait_for_frames and self._outbox.undelivered() > 0

    def off_thread(self) -> bool:
        """Are live snapshots finished on the snapshot thread (app/snapshot_pipeline.py)?
        Only beside a loop that releases the GIL (one holding it would stop that thread's
        Python for a whole chunk), and only when their evaluation is worth a thread switch."""
        return self.releases_gil and self.evaluation_seconds >= self.min_seconds_off_thread

    def snapshot_spacing(self) -> float:
        """Seconds from one snapshot to the next."""
        share = GUI_SHARE if self.releases_gil else GUI_SHARE_WHILE_GIL_HELD
        job = self.off_thread_wall_seconds if self.off_thread_by_wall else self.off_thread_seconds
        off_thread = 0.0
        if self.off_thread():
            off_thread = max(
                job / OFF_THREAD_SHARE,
                1 / self.off_thread_max_rate,
                self.off_thread_wall_seconds,
            )
        return max(
            self.min_interval,
            self._outbox.frame_seconds / share,
            self.snapshot_seconds / SNAPSHOT_SHARE,
            off_thread,
        )

    def chunk_seconds(self, base: float) -> float:
        """How long a chunk should compute, for a worker whose chunks take ``base`` seconds
        otherwise: a loop holding the GIL keeps ``base`` (the GUI's Python waits for each
        chunk to end); a loop that releases it (``long_chunks``) runs up to the next
        snapshot in one chunk, at most ``max_chunk_seconds``."""
        if not (self.releases_gil and self.long_chunks):
            return base
        return max(base, min(self.snapshot_spacing(), self.max_chunk_seconds))

    def steps_until_due(self, since_last: float, chunk_steps: int, chunk_seconds: float) -> int:
        """At most this many steps in the next chunk (of ``chunk_steps`` planned to take
        ``chunk_seconds``), so that it ends when the next snapshot is due,
        ``since_last`` seconds after the last one. Snapshots are taken between chunks: with
        10 ms chunks, a 29 ms spacing used to become 40 ms (the fourth chunk's end)."""
        remaining = self.snapshot_spacing() - since_last
        # Never a chunk shorter than the tolerance: each costs a call from Python, with the
        # GIL, and a chunk that ran quicker than planned must not be chased by ever smaller
        # ones (is_due counts that as on time). Nor one cut by less than the tolerance: a
        # chunk as long as the spacing (chunk_seconds) starts a little after the snapshot,
        # and running it whole keeps the chunk plan measuring whole chunks.
        cut = DUE_TOLERANCE * chunk_seconds < remaining < (1 - DUE_TOLERANCE) * chunk_seconds
        if not cut:
            return chunk_steps
        return max(1, math.ceil(chunk_steps * remaining / chunk_seconds))

    def is_due(self, since_last: float, chunk_seconds: float) -> bool:
        """The next snapshot is due ``since_last`` seconds after the last one: within a
        quarter of a chunk of its spacing (a chunk sized by steps_until_due ends about then,
        not exactly)."""
        return since_last >= self.snapshot_spacing() - DUE_TOLERANCE * chunk_seconds

    def note_snapshot_seconds(self, seconds: float) -> None:
        """The worker took ``seconds`` to make a snapshot (its maps not counted)."""
        old = self.snapshot_seconds
        self.snapshot_seconds = seconds if old == 0 else 0.7 * old + 0.3 * seconds

    def note_evaluation_seconds(self, seconds: float) -> None:
        """A snapshot's evaluation took ``seconds`` (on the snapshot thread, or not)."""
        self.evaluation_seconds = _smoothed(self.evaluation_seconds, seconds)

    def note_off_thread_seconds(self, cpu_seconds: float, wall_seconds: float) -> None:
        """The snapshot thread finished a snapshot (maps included) in ``cpu_seconds`` of its
        CPU time, ``wall_seconds`` from start to end."""
        self.off_thread_seconds = _smoothed(self.off_thread_seconds, cpu_seconds)
        self.off_thread_wall_seconds = _smoothed(self.off_thread_wall_seconds, wall_seconds)

    def note_grid_seconds(self, seconds: float) -> None:
        old = self.grid_seconds
        self.grid_seconds = seconds if old == 0 else 0.7 * old + 0.3 * seconds

    def grid_spacing(self) -> float:
        """Seconds from one boundary map to the next."""
        return max(self.min_grid_interval, self.grid_seconds / GRID_SHARE)


def _smoothed(old: float, new: float) -> float:
    return new if old == 0 else 0.7 * old + 0.3 * new
