"""Every connection of the network diagram as one graphics item, drawn in one go, and, in
the window, as a picture painted on a background thread so the GUI thread only blits it.

One ``QGraphicsLineItem`` per weight made the view paint item by item (style options, a save
and restore, a pen and a stroke each): 20-70 ms for the spiral's 609 lines, ~0.4 s for a
2-64-64-64-1 net's 8,577, on the GUI thread with the GIL held. Here the segments live in one
numpy array, sorted so the lines that share a pen are contiguous, and each line is a
``QPainter.drawLines`` call straight over that memory (no QLineF made per line).

Qt's raster engine still needs ~20-30 us per wide line, and PySide keeps the GIL through a
Qt call, so QPainter on another thread would take as long from the other threads.
``render_picture`` therefore rasterizes the lines with line_raster's Numba kernel, which
releases the GIL. With a picture renderer attached (``on_stale``), the item blits the newest
picture painted for the view and asks for a new one when the pens changed; the lines follow
the weights a picture behind (a new diagram of a few hundred lines paints them here once;
thousands wait for their first picture). Without one (a bare scene, a print), it paints its
lines itself with QPainter, cached in device pixels so a repaint that is not about the lines
is a blit.

Drawing order: dimmed lines first, then the selection's; within each, thin and faint pens
before wide and strong ones, so the large weights are on top where lines cross.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shiboken6
from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from xorlab.ui.network import line_raster, style

NO_KEY = -1  # a line whose weight is not known yet: drawn thin and grey
PAD = 12.0  # scene units around the segments' bounds (round caps, cosmetic widths)
LINE_BYTES = 4 * 8  # a QLineF is four doubles: x1, y1, x2, y2, as one row of ``segments``
# Up to this many lines (the spiral's 609: ~20 ms jagged) are painted on the GUI thread while
# there is no picture at all yet; more wait for their first picture.
FIRST_PAINT_LINES = 1000

Run = tuple[int, int, int, bool]  # start, stop, pen key, lit


def _unknown_pen() -> QPen:
    pen = QPen(QColor(style.MUTED_COLOR), 1.0)
    pen.setCosmetic(True)
    return pen


def paint_lines(
    painter: QPainter,
    segments: np.ndarray,
    runs: list[Run],
    pens: style.PenCache,
) -> None:
    """Paint ``segments`` (sorted by run, C-contiguous float64) run by run, one line per
    call; dimmed runs at DIMMED_OPACITY.

    One line per call, not a run per call: Qt strokes the lines of one call as one path, and
    an antialiased path of many crossing lines costs 2-3 times as much (609 lines: 61 against
    164 ms; jagged, about the same). Each line its own stroke also blends where lines cross
    as separate items did."""
    unknown = _unknown_pen()
    base = segments.ctypes.data
    opacity = painter.opacity()
    for start, stop, key, lit in runs:
        painter.setOpacity(opacity if lit else opacity * style.DIMMED_OPACITY)
        painter.setPen(unknown if key == NO_KEY else pens.pen(key))
        for i in range(start, stop):
            # drawLines(const QLineF *lines, int count) over the array's own memory.
            painter.drawLines(shiboken6.wrapInstance(base + i * LINE_BYTES, QLineF), 1)
    painter.setOpacity(opacity)


@dataclass(frozen=True)
class ViewKey:
    """What a picture was painted for: the painter's transform, the device's size and
    pixel ratio, and whether lines are antialiased."""

    transform: tuple[float, ...]
    width: int
    height: int
    ratio: float
    antialias: bool

    def same_place(self, other: ViewKey) -> bool:
        """Lines painted for ``other`` land where they would for this view."""
        return (self.transform, self.width, self.height, self.ratio) == (
            other.transform,
            other.width,
            other.height,
            other.ratio,
        )

    @classmethod
    def of(cls, painter: QPainter) -> ViewKey:
        t, device = painter.worldTransform(), painter.device()
        return cls(
            (t.m11(), t.m12(), t.m13(), t.m21(), t.m22(), t.m23(), t.m31(), t.m32(), t.m33()),
            device.width(),
            device.height(),
            float(device.devicePixelRatioF()),
            bool(painter.renderHints() & QPainter.RenderHint.Antialiasing),
        )


@dataclass(frozen=True)
class PictureJob:
    """Everything a picture needs, copied: the thread that paints it shares nothing."""

    version: int
    segments: np.ndarray
    runs: list[Run]
    view: ViewKey


@dataclass(frozen=True)
class EdgePicture:
    version: int
    view: ViewKey
    image: QImage
    # The painting thread's CPU time for it: the time it kept from the other threads (its
    # wall time also counts the waits for the GIL that the training loop holds).
    seconds: float


def _rgb(name: str) -> tuple[float, float, float]:
    return tuple(int(name[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def line_looks(runs: list[Run], count: int) -> tuple[np.ndarray, np.ndarray]:
    """Per line in drawing order: its width in pixels and its straight RGBA colour, as the
    pen of its key draws it (style.make_pen), dimmed lines at DIMMED_OPACITY."""
    widths = np.empty(count)
    colours = np.empty((count, 4))
    for start, stop, key, lit in runs:
        if key == NO_KEY:
            width, rgb, alpha = 1.0, _rgb(style.MUTED_COLOR), 1.0
        else:
            positive, rest = key % 2, key // 2
            steps, level = divmod(rest, style.ALPHA_LEVELS + 1)
            width = steps * style.WIDTH_STEP
            rgb = _rgb(style.POSITIVE_COLOR if positive else style.NEGATIVE_COLOR)
            alpha = 0.25 + 0.75 * level / style.ALPHA_LEVELS
        widths[start:stop] = width
        colours[start:stop] = (*rgb, alpha if lit else alpha * style.DIMMED_OPACITY)
    return widths, colours


def render_picture(job: PictureJob) -> EdgePicture:
    """The lines of ``job`` on a transparent image the size of its view, safe on any thread:
    rasterized by line_raster's Numba kernel with the GIL released (QPainter would hold it
    for the whole picture)."""
    start = time.thread_time()
    view = job.view
    ratio = view.ratio
    m11, m12, _m13, m21, m22, _m23, dx, dy, _m33 = view.transform
    x1, y1, x2, y2 = job.segments.T
    device = np.column_stack(
        [
            (m11 * x1 + m21 * y1 + dx) * ratio,
            (m12 * x1 + m22 * y1 + dy) * ratio,
            (m11 * x2 + m21 * y2 + dx) * ratio,
            (m12 * x2 + m22 * y2 + dy) * ratio,
        ]
    )
    widths, colours = line_looks(job.runs, len(job.segments))
    height, width = max(1, round(view.height * ratio)), max(1, round(view.width * ratio))
    pixels = line_raster.to_bytes(
        line_raster.rasterize((height, width), device, widths * ratio, colours, view.antialias)
    )
    image = QImage(
        pixels.data, width, height, 4 * width, QImage.Format.Format_RGBA8888_Premultiplied
    )
    image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)  # a copy
    image.setDevicePixelRatio(ratio)
    return EdgePicture(job.version, view, image, time.thread_time() - start)


class EdgesItem(QGraphicsItem):
    """The lines ``segments`` ((n, 4) scene coordinates), penned by ``set_keys`` (one
    ``style.pen_keys`` key per line) and dimmed but for ``set_lit``'s lines."""

    def __init__(self, segments: np.ndarray, pens: style.PenCache):
        super().__init__()
        self.segments = np.ascontiguousarray(segments, dtype=np.float64).reshape(-1, 4)
        self.pens = pens
        self.keys = np.full(len(self.segments), NO_KEY, dtype=np.int64)
        self.lit: np.ndarray | None = None  # bool per line; None: nothing is dimmed
        self.version = 0  # goes up whenever a line looks different
        self.paints = 0  # times the lines were painted here (not blitted)
        self.blits = 0  # times a background picture was drawn instead
        self.picture: EdgePicture | None = None
        # Called from paint() with the view a picture is wanted for, when the newest one is
        # not of this version and view (set by the diagram's picture renderer).
        self.on_stale: Callable[[ViewKey], None] | None = None
        self.wanted: ViewKey | None = None
        self._sorted = self.segments
        self._runs: list[Run] = []
        self._order = np.arange(len(self.segments))
        if len(self.segments):
            xs, ys = self.segments[:, 0::2], self.segments[:, 1::2]
            self._bounds = QRectF(
                float(xs.min()), float(ys.min()), float(np.ptp(xs)), float(np.ptp(ys))
            ).adjusted(-PAD, -PAD, PAD, PAD)
        else:
            self._bounds = QRectF()
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._arrange()

    def __len__(self) -> int:
        return len(self.segments)

    # --- what each line looks like ------------------------------------------------------

    def set_keys(self, keys: np.ndarray) -> int:
        """New pens (one key per line); returns how many lines changed pen. Only a change
        repaints the lines."""
        keys = np.asarray(keys, dtype=np.int64)
        if keys.shape != self.keys.shape:
            raise ValueError(f"{keys.size} pens for {self.keys.size} lines")
        changed = int(np.count_nonzero(keys != self.keys))
        if changed:
            self.keys = keys.copy()
            self._arrange()
        return changed

    def set_lit(self, lines: np.ndarray | None) -> None:
        """Full strength for ``lines`` (indices), the rest dimmed; None: none dimmed."""
        if lines is None:
            lit = None
        else:
            lit = np.zeros(len(self.segments), dtype=bool)
            lit[np.asarray(lines, dtype=np.int64)] = True
        same = (lit is None and self.lit is None) or (
            lit is not None and self.lit is not None and np.array_equal(lit, self.lit)
        )
        if not same:
            self.lit = lit
            self._arrange()

    def pen(self, index: int) -> QPen:
        key = int(self.keys[index])
        return _unknown_pen() if key == NO_KEY else self.pens.pen(key)

    def opacity_of(self, index: int) -> float:
        """1 for a line at full strength, ``style.DIMMED_OPACITY`` for a dimmed one."""
        if self.lit is None or self.lit[index]:
            return 1.0
        return style.DIMMED_OPACITY

    def line(self, index: int) -> QLineF:
        return QLineF(*(float(v) for v in self.segments[index]))

    def runs(self) -> list[Run]:
        """(start, stop, key, lit) of each pen's lines, in drawing order."""
        return list(self._runs)

    def drawing_order(self) -> np.ndarray:
        """Line indices in the order they are drawn (later ones on top)."""
        return self._order.copy()

    def _arrange(self) -> None:
        """Sort the segments into runs that share a pen and a strength, in drawing order."""
        lit = np.ones(len(self.keys), dtype=bool) if self.lit is None else self.lit
        order = np.lexsort((self.keys, lit))  # dimmed (False) first; by key within
        self._order = order
        self._sorted = np.ascontiguousarray(self.segments[order])
        keys, lits = self.keys[order], lit[order]
        cuts = np.flatnonzero((np.diff(keys) != 0) | (np.diff(lits) != 0)) + 1
        starts = np.concatenate(([0], cuts)) if len(order) else np.empty(0, dtype=np.int64)
        stops = np.concatenate((cuts, [len(order)])) if len(order) else starts
        self._runs = [
            (int(a), int(b), int(keys[a]), bool(lits[a]))
            for a, b in zip(starts.tolist(), stops.tolist(), strict=True)
        ]
        self.version += 1
        self.update()

    # --- pictures painted elsewhere -------------------------------------------------------

    def picture_job(self, view: ViewKey) -> PictureJob:
        """The current lines for ``view``, copied for another thread."""
        return PictureJob(self.version, self._sorted.copy(), list(self._runs), view)

    def take_picture(self, picture: EdgePicture) -> bool:
        """Show ``picture`` (painted by render_picture) from the next repaint on, even if of
        a view no longer wanted (it is stretched to the view till the next one); False for
        one of lines this item never had."""
        if picture.version > self.version:
            return False
        self.picture = picture
        self.update()
        return True

    def picture_is_current(self) -> bool:
        """The picture shown is of these very lines, for the view last painted."""
        picture = self.picture
        return (
            picture is not None and picture.version == self.version and picture.view == self.wanted
        )

    # --- QGraphicsItem --------------------------------------------------------------------

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        if self.on_stale is not None:
            view = ViewKey.of(painter)
            self.wanted = view
            picture = self.picture
            if picture is None or picture.version != self.version or picture.view != view:
                self.on_stale(view)
            if picture is None and len(self) <= FIRST_PAINT_LINES:
                # No picture yet (the first, or the kernel still compiling on a fresh
                # install): a few hundred lines are painted here once rather than missing.
                self.paints += 1
                paint_lines(painter, self._sorted, self._runs, self.pens)
                return
            if picture is not None:
                # Maybe of the pens (or antialiasing) before, or of another size (the view
                # was resized: stretched till the next one): the next one is on its way.
                # Thousands of lines are never painted here: they take the GUI thread ~1 s.
                painter.save()
                if picture.view.same_place(view):
                    painter.resetTransform()
                else:
                    painted_for = QTransform(*picture.view.transform)
                    painter.setWorldTransform(painted_for.inverted()[0] * painter.worldTransform())
                painter.drawImage(QPointF(0, 0), picture.image)
                painter.restore()
                self.blits += 1
            return
        self.paints += 1
        paint_lines(painter, self._sorted, self._runs, self.pens)

    def use_pictures(self, on_stale: Callable[[ViewKey], None] | None) -> None:
        """Blit pictures painted elsewhere (``on_stale(view)`` asks for one), or paint the
        lines here (None)."""
        self.on_stale = on_stale
        self.picture = None
        mode = QGraphicsItem.CacheMode
        # A picture is already a cache; painting here, Qt's device-pixel cache is one.
        self.setCacheMode(mode.NoCache if on_stale else mode.DeviceCoordinateCache)
        self.update()
