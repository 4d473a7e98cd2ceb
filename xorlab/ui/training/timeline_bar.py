"""The time-travel bar under the training plots: a slider over the stored snapshots, a
play/pause replay button, and the epoch shown: "Live: epoch N", or "Viewing epoch N of M —
not live" beside a Back to live button.

The slider moves over stored snapshots, not epochs: they are spaced about logarithmically,
so the early epochs, where a network changes fastest, get as much room as the late ones.
Its right end is live. ``EpochMarker`` draws the replayed epoch on a curve plot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import QRect, QSize, Qt, Slot
from PySide6.QtGui import QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractSlider,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QVBoxLayout,
    QWidget,
)

from xorlab.ui.runtime.replay import ReplayController
from xorlab.ui.widgets.steady_box import SteadyBox

if TYPE_CHECKING:
    from xorlab.core.training.trainer import TrainingSnapshot

REPLAY_COLOR = "#B8860B"  # dark goldenrod: apart from every curve colour, readable as text
NOTICE_STYLE = (
    "QLabel { background: #FFF4D6; color: #6B4E00; border: 1px solid #E3C77A; "
    "border-radius: 4px; padding: 2px 8px; }"
)
LIVE_STYLE = "QLabel { color: #5A5A5A; padding: 2px 8px; }"
MIN_SLIDER_WIDTH = 240  # pixels: shorter, the notice goes on a row of its own


class EpochMarker:
    """A vertical line on a curve plot at the replayed epoch, hidden while live."""

    def __init__(self, plot_item: pg.PlotItem):
        pen = pg.mkPen(REPLAY_COLOR, width=2)
        pen.setCosmetic(True)
        self.line = pg.InfiniteLine(
            angle=90,
            movable=False,
            pen=pen,
            label="epoch {value:,.0f}",
            # Beside the line near the top, inside the plot whichever side it is on.
            labelOpts={"position": 0.93, "color": REPLAY_COLOR, "anchors": [(0, 0.5), (1, 0.5)]},
        )
        self.line.setZValue(20)
        self.line.setVisible(False)
        plot_item.addItem(self.line, ignoreBounds=True)

    def on_replay_changed(self, snapshot: TrainingSnapshot | None) -> None:
        if snapshot is None:
            self.line.setVisible(False)
            return
        self.line.setVisible(True)  # first: a hidden line's label ignores moves
        self.line.setPos(float(snapshot.epoch))

    def epoch(self) -> float | None:
        """Where the marker stands, or None while hidden."""
        return float(self.line.value()) if self.line.isVisible() else None


class SteadySlider(QSlider):
    """A slider that repaints only when its handle moves on screen. While training, every
    stored snapshot widens the range and moves the value to its end, and QSlider repainted
    itself each time (~0.4 ms a snapshot, the style sheet's style) with the handle where
    it was, at the right end."""

    def __init__(self, orientation: Qt.Orientation):
        super().__init__(orientation)
        self._painted: QRect | None = None  # the handle's rectangle at the last paint
        self._quiet = False  # inside set_range_and_value

    def _handle_rect(self) -> QRect:
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        return self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self
        )

    def set_range_and_value(self, maximum: int, value: int) -> None:
        """Range 0..``maximum`` and ``value`` in one change, repainted only if the handle
        moved (setRange alone moves it for a moment, before the value follows)."""
        self._quiet = True
        try:
            self.setRange(0, maximum)
            self.setValue(value)
        finally:
            self._quiet = False
        if self._handle_rect() != self._painted:
            self.update()

    def sliderChange(self, change: QAbstractSlider.SliderChange) -> None:  # noqa: N802
        moves = (
            QAbstractSlider.SliderChange.SliderRangeChange,
            QAbstractSlider.SliderChange.SliderValueChange,
        )
        if change in moves and (self._quiet or self._handle_rect() == self._painted):
            return  # the same picture (or set_range_and_value decides): no repaint
        super().sliderChange(change)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self._painted = self._handle_rect()
        super().paintEvent(event)


class TimelineBar(QWidget):
    """Binds to a ReplayController: the slider and buttons drive it, its signals update them."""

    def __init__(
        self,
        replay: ReplayController,
        marked_plots: tuple[pg.PlotItem, ...] = (),
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("timeline")
        self.replay = replay
        self.markers = [EpochMarker(item) for item in marked_plots]

        self.play_button = QPushButton()
        self.play_button.setObjectName("timeline.play")
        self.play_button.setToolTip(
            "Replay the run: the decision map, the table and the network as they were, "
            "epoch after epoch"
        )
        self.play_button.clicked.connect(self._on_play_clicked)

        self.slider = SteadySlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timeline.slider")
        self.slider.setToolTip(
            "Drag to look at an earlier moment of training. Snapshots are kept about evenly "
            "on a logarithmic scale (epochs 1, 2, 5, 10, 20, ...), where a network changes "
            "fastest; the right end is live."
        )
        self.slider.setRange(0, 0)
        self.slider.setPageStep(10)
        self.slider.valueChanged.connect(self._on_slider_value_changed)

        self.notice = QLabel()
        self.notice.setObjectName("timeline.notice")
        # "Live: epoch N" changes at every snapshot: in a steady box its new text repaints
        # it without laying out the window again (see steady_box).
        self.notice_box = SteadyBox(self.notice)
        self._notice_style = ""
        # Room for most notices, so the slider keeps its length while it is dragged.
        widest = "Viewing epoch 1,000,000 of 10,000,000 — not live"
        self.notice_reserve = self.fontMetrics().horizontalAdvance(widest) + 24
        self.notice_box.setMinimumWidth(self.notice_reserve)
        self.live_button = QPushButton("Back to live")
        self.live_button.setObjectName("timeline.live")
        self.live_button.setToolTip("Show the network as it is now and follow training again")
        self.live_button.clicked.connect(self.replay.go_live)
        policy = self.live_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.live_button.setSizePolicy(policy)

        self.title = QLabel("<b>Time travel</b>")
        self.title.setToolTip(self.slider.toolTip())
        # One row when the slider keeps MIN_SLIDER_WIDTH beside the notice; otherwise the
        # notice moves under the slider, which then spans the whole row.
        self.slider_row = QHBoxLayout()
        self.slider_row.setContentsMargins(0, 0, 0, 0)
        self.slider_row.addWidget(self.title)
        self.slider_row.addWidget(self.play_button)
        self.slider_row.addWidget(self.slider, 1)
        self.notice_row = QHBoxLayout()
        self.notice_row.setContentsMargins(0, 0, 0, 0)
        self.notice_row.addStretch(1)
        self.one_row = True
        self.slider_row.addWidget(self.notice_box)
        self.slider_row.addWidget(self.live_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 4)
        layout.setSpacing(2)
        layout.addLayout(self.slider_row)
        layout.addLayout(self.notice_row)

        replay.timeline_changed.connect(self._on_timeline_changed)
        replay.replay_changed.connect(self._on_replay_changed)
        replay.playing_changed.connect(self._on_playing_changed)
        replay.snapshot_shown.connect(self._on_snapshot_shown)
        for marker in self.markers:
            replay.replay_changed.connect(marker.on_replay_changed)
        self._on_playing_changed(False)
        self._update_notice()

    # --- public ----------------------------------------------------------------------------

    def notice_text(self) -> str:
        return self.notice.text()

    def minimumSizeHint(self) -> QSize:
        """The width of the two-row arrangement: one row is only chosen where it fits, so it
        must not hold the whole window wider."""
        spacing = self.slider_row.spacing()
        margins = self.layout().contentsMargins()
        first = [self.title, self.play_button, self.slider]
        first_row = sum(w.minimumSizeHint().width() for w in first) + 2 * spacing
        second_row = (
            self.notice_box.minimumSizeHint().width()
            + self.live_button.sizeHint().width()
            + spacing
        )
        width = max(first_row, second_row) + margins.left() + margins.right()
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _arrange(self, width: int) -> None:
        spacing = self.slider_row.spacing()
        beside = [self.title, self.play_button, self.live_button]
        fixed = sum(w.sizeHint().width() for w in beside) + self.notice_reserve
        margins = self.layout().contentsMargins()
        room = width - margins.left() - margins.right() - fixed - 4 * spacing
        one_row = room >= MIN_SLIDER_WIDTH
        if one_row == self.one_row:
            return
        self.one_row = one_row
        target = self.slider_row if one_row else self.notice_row
        # On a row of its own the notice may change length: nothing beside it moves.
        self.notice_box.setMinimumWidth(self.notice_reserve if one_row else 0)
        for widget in (self.notice_box, self.live_button):
            target.addWidget(widget)  # moves it out of the other row

    # --- slots -----------------------------------------------------------------------------

    @Slot()
    def _on_play_clicked(self) -> None:
        self.replay.toggle_playing()

    @Slot(int)
    def _on_slider_value_changed(self, value: int) -> None:
        self.replay.show_index(value)

    @Slot()
    def _on_timeline_changed(self) -> None:
        self._sync_slider()

    @Slot(object)
    def _on_replay_changed(self, snapshot: TrainingSnapshot | None) -> None:
        self._sync_slider()
        self._update_notice()

    @Slot(object)
    def _on_snapshot_shown(self, snapshot: TrainingSnapshot) -> None:
        if not self.replay.is_replaying:
            self._update_notice()

    @Slot(bool)
    def _on_playing_changed(self, playing: bool) -> None:
        pixmaps = QStyle.StandardPixmap
        icon = pixmaps.SP_MediaPause if playing else pixmaps.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText("Pause" if playing else "Replay")

    # --- helpers ---------------------------------------------------------------------------

    def _sync_slider(self) -> None:
        n = len(self.replay.timeline)
        self.slider.blockSignals(True)  # a position set from here is not a request
        self.slider.set_range_and_value(max(0, n - 1), max(0, self.replay.shown_index()))
        self.slider.blockSignals(False)
        self.slider.setEnabled(n > 1)
        self.play_button.setEnabled(n > 1)
        if n == 0:
            self._update_notice()

    def _update_notice(self) -> None:
        replayed, latest = self.replay.replayed, self.replay.latest
        if replayed is not None:
            now = f" of {latest.epoch:,}" if latest is not None else ""
            self.notice.setText(f"Viewing epoch {replayed.epoch:,}{now} — not live")
            self.notice.setToolTip(f"Cost at epoch {replayed.epoch:,}: {replayed.cost:.6g}")
            self._set_notice_style(NOTICE_STYLE)
            self.live_button.setVisible(True)
            return
        self._set_notice_style(LIVE_STYLE)
        self.notice.setText(f"Live: epoch {latest.epoch:,}" if latest else "No snapshots yet")
        self.notice.setToolTip("")
        self.live_button.setVisible(False)

    def _set_notice_style(self, style: str) -> None:
        # Only when it changes: a style sheet set again re-polishes the label and lays out
        # the window (this runs at every snapshot while live).
        if style != self._notice_style:
            self._notice_style = style
            self.notice.setStyleSheet(style)


def training_page(plots: QWidget, bar: TimelineBar) -> QWidget:
    """The Training tab: the plots above, the time-travel bar under them."""
    page = QWidget()
    page.setObjectName("training_page")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(plots, 1)
    layout.addWidget(bar)
    return page
