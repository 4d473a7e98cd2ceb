"""Keeps a live plot's view around its data in steps, in place of pyqtgraph's auto-range.

Auto-range fits the view to the data exactly, so a curve that grows at every snapshot
changes the view at every snapshot: the axes regenerate their ticks, and because pyqtgraph
applies the new range while painting, the plot is painted a second time. On a 2-3-1 net
that was two thirds of the GUI's time per snapshot (~16 ms of ~24). Here the x range grows by
half again whenever the data reaches its end (never past the run's epoch limit, when
known), and the y range changes only when the data
leaves it or comes to fill less than half of it, so most snapshots only redraw the curves.

Zooming or panning with the mouse takes over from the follower, as it does from auto-range;
the plot's "A" button (or "View all") hands the view back.
"""

from __future__ import annotations

import math

import pyqtgraph as pg

GROW = 0.5  # x: room left past the data's end, as a share of its extent
PAD = 0.05  # y: margin above and below the data, as a share of its span
HEADROOM = 0.25  # y: margin on a side the data just crossed, so it need not change again soon
MIN_FILL = 0.5  # y: tighten once the data fills less than this share of the range
LIMIT_PAD = 0.02  # x: margin past the epoch limit, so the last point is not on the frame


class RangeFollower:
    """Sets ``plot_item``'s view from the extent of its data; see the module docstring."""

    def __init__(self, plot_item: pg.PlotItem):
        self.view_box = plot_item.getViewBox()
        self.following = True
        self.x_limit: float | None = None  # the run's last epoch, when known
        self._x: tuple[float, float] | None = None
        self._y: tuple[float, float] | None = None
        self._extent: tuple[float, float, float, float] | None = None
        self.view_box.disableAutoRange()
        self.view_box.sigRangeChangedManually.connect(self._on_range_changed_manually)
        self.view_box.sigStateChanged.connect(self._on_state_changed)

    def reset(self, x_limit: float | None = None) -> None:
        """A new run (up to epoch ``x_limit`` when known): forget the data, follow it again."""
        self.following = True
        self.x_limit = x_limit
        self._x = self._y = self._extent = None
        self.view_box.disableAutoRange()

    def refit_y(self) -> None:
        """The y coordinates changed meaning (a log axis toggled): fit y afresh."""
        self._y = None

    def follow(self, x_min: float, x_max: float, y_low: float, y_high: float) -> None:
        """The data now spans these, in view coordinates (log10 on a logarithmic axis)."""
        if not all(math.isfinite(v) for v in (x_min, x_max, y_low, y_high)):
            return
        self._extent = (x_min, x_max, y_low, y_high)
        if self.following:
            self._apply()

    def view_range(self) -> tuple[tuple[float, float] | None, tuple[float, float] | None]:
        """The x and y ranges the follower last set (None before any data)."""
        return self._x, self._y

    def _apply(self) -> None:
        assert self._extent is not None
        x_min, x_max, y_low, y_high = self._extent
        x = self._x
        if x is None or x_max > x[1] or x_min < x[0]:
            right = x_max + GROW * max(x_max - x_min, 1.0)
            if self.x_limit is not None and x_max <= self.x_limit:
                right = min(right, self.x_limit + LIMIT_PAD * (self.x_limit - x_min))
            x = (x_min, max(right, x_max))
        y = self._y
        span = y_high - y_low
        if span <= 0:  # one point, or a flat line: a range around it
            span = max(abs(y_high), 1.0) * 0.1
        if y is None or y_low < y[0] or y_high > y[1] or span < MIN_FILL * (y[1] - y[0]):
            below = HEADROOM if y is not None and y_low < y[0] else PAD
            above = HEADROOM if y is not None and y_high > y[1] else PAD
            y = (y_low - below * span, y_high + above * span)
        if (x, y) != (self._x, self._y):
            self._x, self._y = x, y
            self.view_box.setRange(xRange=x, yRange=y, padding=0)

    def _on_range_changed_manually(self, *_args: object) -> None:
        self.following = False

    def _on_state_changed(self, *_args: object) -> None:
        if any(self.view_box.state["autoRange"]):
            # The "A" button or "View all" turned auto-range on: follow the data again.
            self.view_box.disableAutoRange()  # comes back here with auto-range off
            self.following = True
            self._x = self._y = None
            if self._extent is not None:
                self._apply()
