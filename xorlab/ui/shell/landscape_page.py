"""The Landscape tab's page, built the first time the tab is shown (see lazy_page).

Building the tab (its plot, colour bar and controls) was a fifth of building the window, for
a tab most sessions open late or never. Until it is built, the page keeps what the tab would
have followed from the start: the current run's dataset (the worker's run_reset) and the
weights picked in the diagram or the Graph tab, in order. The tab gets both when built, after
its saved choices are restored, as a tab built with the window would have had them. Its
path and centre need nothing kept: they are the replay's stored snapshots.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Slot

from xorlab.ui.landscape.landscape_tab import LandscapeTab
from xorlab.ui.shell.landscape_tab_settings import LandscapeTabSettings
from xorlab.ui.shell.lazy_page import LazyPage

if TYPE_CHECKING:
    from xorlab.core.training.datasets import Dataset
    from xorlab.core.training.spec import ExperimentSpec
    from xorlab.ui.runtime.replay import ReplayController
    from xorlab.ui.runtime.selection import SelectionBus
    from xorlab.ui.runtime.worker import TrainingWorker


class LandscapePage(LazyPage):
    """The tab's page; its arguments are the LandscapeTab's and the window's settings."""

    def __init__(
        self,
        worker: TrainingWorker,
        replay: ReplayController,
        bus: SelectionBus,
        spec_source: Callable[[], ExperimentSpec],
        settings: QSettings,
    ):
        super().__init__("landscape_tab", self._build_tab)
        self.worker, self.replay, self.bus = worker, replay, bus
        self.spec_source, self.saved = spec_source, settings
        self.settings: LandscapeTabSettings | None = None
        self._dataset: Dataset | None = None
        self._picks: list = []  # SelectionRefs of weights, oldest first
        worker.run_reset.connect(self._on_run_reset)
        bus.selection_changed.connect(self._on_selection)

    @Slot(object, object)
    def _on_run_reset(self, dataset: Dataset, _grid) -> None:
        self._dataset = dataset

    @Slot(object)
    def _on_selection(self, ref) -> None:
        if getattr(ref, "kind", "") == "weight":
            self._picks.append(ref)

    def _build_tab(self) -> LandscapeTab:
        self.worker.run_reset.disconnect(self._on_run_reset)
        self.bus.selection_changed.disconnect(self._on_selection)
        tab = LandscapeTab(self.worker, self.replay, self.bus, self.spec_source)
        self.settings = LandscapeTabSettings(tab.controls, self.saved)
        tab.catch_up(self._dataset, self._picks)
        self._dataset, self._picks = None, []
        return tab
