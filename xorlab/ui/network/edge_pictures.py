"""The diagram's lines painted on a background thread: the GUI thread blits the picture.

The lines item (edges.py) asks for a picture whenever the one it shows is not of its current
pens and view; one picture is painted at a time and asks meanwhile merge into one more
(JobRequest), so a burst of snapshots costs one more picture, not a queue. The painting
releases the GIL (line_raster's Numba kernel), yet on two cores its CPU is taken from the
training loop or the GUI, so pictures follow each other no more often than keeps painting to
PAINT_SHARE of the time by the painting thread's CPU clock, as the diagram's own repaints
were held to a quarter.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Slot

from xorlab.ui.network.edges import EdgePicture, EdgesItem, ViewKey, render_picture
from xorlab.ui.runtime.background import BackgroundRunner
from xorlab.ui.runtime.job_request import JobRequest

KIND = "diagram-lines"
MIN_INTERVAL = 1 / 30  # seconds between pictures, at least
PAINT_SHARE = 0.25  # of the time, at most, spent painting pictures


class EdgePictures(QObject):
    """Keeps the attached EdgesItem's picture current, painting on ``runner``'s thread."""

    def __init__(
        self,
        runner: BackgroundRunner,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ):
        super().__init__(parent)
        self.runner = runner
        self.edges: EdgesItem | None = None
        self._sent_to: EdgesItem | None = None
        self.render_seconds = 0.0  # smoothed CPU time a picture takes, on its thread
        self.pictures = 0  # pictures taken into the diagram
        self._hurry = False
        self.request = JobRequest(self._send, min_interval_s=MIN_INTERVAL, clock=clock, parent=self)
        runner.job_finished.connect(self._on_job_finished)
        runner.job_failed.connect(self._on_job_failed)

    def attach(self, edges: EdgesItem) -> None:
        """Paint pictures for ``edges`` (a new diagram's lines) from now on."""
        self.edges = edges
        edges.use_pictures(self._on_stale)

    def interval(self) -> float:
        """Seconds from one picture to the next, at least."""
        return self.request.min_interval_s

    def hurry(self) -> None:
        """The next picture without waiting out the interval (training has settled)."""
        self._hurry = True
        if self.edges is not None and not self.edges.picture_is_current():
            self.request.ask_now()

    def _on_stale(self, _view: ViewKey) -> None:
        if self._hurry:
            self.request.ask_now()
        else:
            self.request.ask()

    def _send(self) -> bool:
        edges = self.edges
        if edges is None or edges.wanted is None or edges.picture_is_current():
            return False
        self._sent_to = edges
        self.runner.submit(KIND, render_picture, edges.picture_job(edges.wanted))
        return True

    @Slot(str, object)
    def _on_job_finished(self, kind: str, picture: object) -> None:
        if kind != KIND or not isinstance(picture, EdgePicture):
            return
        old = self.render_seconds
        seconds = picture.seconds
        self.render_seconds = seconds if old == 0 else 0.7 * old + 0.3 * seconds
        self.request.min_interval_s = max(MIN_INTERVAL, self.render_seconds / PAINT_SHARE)
        edges = self.edges
        if self._sent_to is edges and edges is not None and edges.take_picture(picture):
            self.pictures += 1
            if self._hurry and edges.picture_is_current():
                self._hurry = False
        self.request.answer(picture)
        if self._hurry and edges is not None and not edges.picture_is_current():
            self.request.ask_now()

    @Slot(str, object)
    def _on_job_failed(self, kind: str, _error: object) -> None:
        if kind == KIND:
            self.request.fail("the lines could not be painted")
