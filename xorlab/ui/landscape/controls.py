"""The Landscape tab's choices: directions, their seed or picked weights, span, grid size and
colour scale. The widget holds them and says when they change; it computes nothing."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from xorlab.core.landscape.directions import WeightPick
from xorlab.core.landscape.surface import (
    DEFAULT_GRID,
    KIND_LABELS,
    KINDS,
    MAX_GRID,
    MAX_SPAN,
    MIN_GRID,
    LandscapeRequest,
)

DEFAULT_PICKS = (WeightPick(0, 0, 0), WeightPick(1, 0, 0))  # the first weight of W1 and W2
# Which samples the cost is computed on: the training set (the cost training minimises, the
# default) or the held-out test set of a train/test split.
SAMPLES = {"training": "training cost", "test": "test cost"}
# The directions box may shrink to this many characters (its text elided) before the tab
# asks for more width: the tab's minimum width is the window's too.
KIND_MIN_CHARS = 8


class LandscapeControls(QWidget):
    changed = Signal()  # a choice changed: the landscape needs recomputing
    log_changed = Signal(bool)  # only the colour scale changed: redraw, no recompute
    picks_changed = Signal()  # the picked weights changed (they matter to "two weights" only)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("landscape.controls")
        self.picks: tuple[WeightPick, WeightPick] = DEFAULT_PICKS

        self.kind = QComboBox()
        self.kind.setObjectName("landscape.directions")
        for kind in ("pca", "random", "weights", "gradient"):
            self.kind.addItem(KIND_LABELS[kind], kind)
        self.set_kind("pca")  # the path lies in the plane: the picture that explains most
        self.kind.setToolTip(
            "Principal: the two directions the path moved most, so it lies in the plane.\n"
            "Random: two seeded directions, each neuron's part scaled to its weights "
            "(Li et al. 2018).\nTwo weights: pick them in the Network diagram or the Graph "
            "tab; the axes are their values.\nAlong the gradient: the cost on the line "
            "downhill, and where one step at the learning rate lands."
        )
        self.seed = QSpinBox()
        self.seed.setObjectName("landscape.seed")
        self.seed.setRange(0, 999_999)
        self.seed.setPrefix("seed ")
        self.seed.setToolTip("The seed of the two random directions: another seed, another plane")
        self.picks_label = QLabel()
        self.picks_label.setObjectName("landscape.picks")
        self.picks_label.setToolTip("Click two weights in the Network diagram or the Graph tab")
        self.auto_span = QCheckBox("auto")
        self.auto_span.setObjectName("landscape.auto_span")
        self.auto_span.setChecked(True)
        self.auto_span.setToolTip("Fit the plane to the path (and to one step in 1-D)")
        self.span = QDoubleSpinBox()
        self.span.setObjectName("landscape.span")
        self.span.setRange(1e-4, MAX_SPAN)
        self.span.setDecimals(4)
        self.span.setValue(1.0)
        self.span.setPrefix("± ")
        self.span.setToolTip(
            "How far the plane reaches from the weights shown, along each direction (turn "
            "off auto to set it)"
        )
        self.span.setEnabled(False)
        self.grid = QSpinBox()
        self.grid.setObjectName("landscape.grid")
        self.grid.setRange(MIN_GRID, MAX_GRID)
        self.grid.setValue(DEFAULT_GRID)
        self.grid.setSuffix(" points")
        self.grid.setToolTip("Grid points a side")
        self.log = QCheckBox("log colours")
        self.log.setObjectName("landscape.log")
        self.log.setToolTip(
            "Colour by log10 of the cost: the valley floor's small differences show, not only "
            "the walls"
        )
        self.samples = QComboBox()
        self.samples.setObjectName("landscape.samples")
        for key, label in SAMPLES.items():
            self.samples.addItem(label, key)
        self.samples.setToolTip(
            "Training cost: the cost training minimises, on the training samples (the "
            "Training tab's cost).\nTest cost: the same total cost on the held-out samples of "
            "a train/test split."
        )

        # Two rows, so the tab never makes the window wider than the narrowest layout allows
        # (one row asked for ~700 px). The directions box takes its full width when there is
        # room and shrinks first when there is not.
        natural = self.kind.sizeHint().width()
        self.kind.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.kind.setMinimumContentsLength(KIND_MIN_CHARS)
        self.kind.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.kind.setMaximumWidth(natural)
        directions = QHBoxLayout()
        directions.addWidget(self.samples)
        directions.addWidget(QLabel("Directions"))
        directions.addWidget(self.kind, 1)
        for widget in (self.seed, self.picks_label):
            directions.addWidget(widget)
        directions.addStretch(0)
        extent = QHBoxLayout()
        extent.addWidget(QLabel("Span"))
        for widget in (self.auto_span, self.span, self.grid, self.log):
            extent.addWidget(widget)
        extent.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(directions)
        layout.addLayout(extent)

        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.seed.valueChanged.connect(self.changed)
        self.samples.currentIndexChanged.connect(self.changed)
        self.auto_span.toggled.connect(self._on_auto_span)
        # Without keyboard tracking a spin box reports a value once it is entered (Return,
        # focus out) or stepped with the arrows, not at every digit typed.
        for box in (self.span, self.grid):
            box.setKeyboardTracking(False)
        self.span.valueChanged.connect(self._on_span_edited)
        self.grid.valueChanged.connect(self._on_grid_edited)
        self.log.toggled.connect(self.log_changed)
        self._grid_value = self.grid.value()
        self._span_value = self.span.value()
        self._sync_visible()

    def request(self) -> LandscapeRequest:
        kind = self.kind.currentData()
        return LandscapeRequest(
            kind=kind,
            grid=self.grid.value(),
            span=None if self.auto_span.isChecked() else self.span.value(),
            seed=self.seed.value(),
            picks=self.picks if kind == "weights" else None,
        )

    def samples_choice(self) -> str:
        """ "training" or "test": which samples the cost is computed on."""
        return self.samples.currentData()

    def set_samples(self, samples: str) -> None:
        if samples not in SAMPLES:
            raise ValueError(f"unknown samples '{samples}'")
        self.samples.setCurrentIndex(self.samples.findData(samples))

    def set_kind(self, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown directions '{kind}'")
        self.kind.setCurrentIndex(self.kind.findData(kind))

    def pick(self, pick: WeightPick) -> bool:
        """Take a weight picked elsewhere: the newest two picks are the axes. True when the
        axes changed."""
        if pick == self.picks[1]:
            return False
        self.set_picks((self.picks[1], pick))
        return True

    def set_picks(self, picks: tuple[WeightPick, WeightPick]) -> None:
        """Both axes at once (restored settings); the tab recomputes on ``changed`` only."""
        if picks == self.picks:
            return
        self.picks = picks
        self._sync_visible()
        self.picks_changed.emit()

    def _sync_visible(self) -> None:
        kind = self.kind.currentData()
        self.seed.setVisible(kind == "random")
        self.picks_label.setVisible(kind == "weights")
        self.picks_label.setText(f"{self.picks[0].name} × {self.picks[1].name}")

    def _on_kind_changed(self, _index: int) -> None:
        self._sync_visible()
        self.changed.emit()

    def _on_auto_span(self, auto: bool) -> None:
        self.span.setEnabled(not auto)
        self.changed.emit()

    def _on_span_edited(self, *_value) -> None:
        if self.span.value() != self._span_value:
            self._span_value = self.span.value()
            self.changed.emit()

    def _on_grid_edited(self, *_value) -> None:
        if self.grid.value() != self._grid_value:
            self._grid_value = self.grid.value()
            self.changed.emit()
