"""The Landscape tab's choices kept between sessions: the samples the cost is computed on,
the kind of directions (the gradient kind is the 1-D mode), the random directions' seed, the
two picked weights, the span (auto or a value), the grid size and the log colour scale.

Each choice is written when it changes (the window writes the file to disk when it closes)
and read back when a window is made. A saved value that is unknown, of the wrong type, out
of its control's range or corrupt is ignored and that control keeps its default: settings
files get hand-edited and outlive versions of the app. Picked weights that do not fit the
network being shown are kept (the next network may fit them); the tab says why it cannot
draw them, as it does for a pick made by hand.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings

from xorlab.ui.landscape.controls import LandscapeControls
from xorlab.ui.shell import settings as saved


class LandscapeTabSettings(QObject):
    """Restores ``controls``' saved choices, then keeps them saved."""

    def __init__(
        self, controls: LandscapeControls, settings: QSettings, parent: QObject | None = None
    ):
        super().__init__(parent if parent is not None else controls)
        self.controls = controls
        self.settings = settings
        self.restore()
        controls.changed.connect(self.save)
        controls.log_changed.connect(self.save)
        controls.picks_changed.connect(self.save)

    def restore(self) -> None:
        s, c = self.settings, self.controls
        # The span's value before "auto": unticking auto then asks for the restored span.
        c.span.setValue(saved.LANDSCAPE_SPAN.read(s))
        c.auto_span.setChecked(saved.LANDSCAPE_AUTO_SPAN.read(s))
        c.seed.setValue(saved.LANDSCAPE_SEED.read(s))
        c.grid.setValue(saved.LANDSCAPE_GRID.read(s))
        if (picks := saved.LANDSCAPE_PICKS.read(s)) is not None:
            c.set_picks(picks)
        c.set_kind(saved.LANDSCAPE_KIND.read(s))
        c.log.setChecked(saved.LANDSCAPE_LOG.read(s))
        c.set_samples(saved.LANDSCAPE_SAMPLES.read(s))

    def save(self, *_args) -> None:
        """Every choice, whichever changed (``log_changed`` passes its value: ignored)."""
        s, c = self.settings, self.controls
        request = c.request()
        saved.LANDSCAPE_KIND.write(s, request.kind)
        saved.LANDSCAPE_SEED.write(s, c.seed.value())
        saved.LANDSCAPE_PICKS.write(s, ",".join(p.name for p in c.picks))
        saved.LANDSCAPE_AUTO_SPAN.write(s, c.auto_span.isChecked())
        saved.LANDSCAPE_SPAN.write(s, c.span.value())
        saved.LANDSCAPE_GRID.write(s, c.grid.value())
        saved.LANDSCAPE_LOG.write(s, c.log.isChecked())
        saved.LANDSCAPE_SAMPLES.write(s, c.samples_choice())
