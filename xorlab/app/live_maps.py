"""Which maps over the input plane a snapshot carries, and how fine, on the worker thread.

A snapshot of a 2-input run carries the decision map and, while the Network dock shows
neuron maps, every neuron's map, from one forward pass (core.training.plane_maps). While
training, a map whose points would cost more than ``budget`` seconds is taken on a coarser
grid (the spiral's 3 x 16 tanh net: ~2.4 ms for 64 x 64 points on one core, ~0.6 ms for
32 x 32), so maps can follow every snapshot; a settled snapshot (pause, stop, step, the end
of a run, a milestone) always has the fine grid, and a snapshot the run rests on (pause,
stop, step, the end, a reset) a finer one still, ``detail_resolution`` a side: the map of a
finished run is looked at closely, on plots up to ~600 px wide, where a 64 x 64 map drew its
contour in steps of 7-10 px; computed once per rest (~15 ms for the spiral's net), never
per live frame. Coarse, fine or detailed, the values are the network's own outputs at the
grid's points.

The neuron maps have a grid of their own (24 x 24), but a live snapshot on the coarse grid
of a network whose neurons are mostly not pictured (layers wider than MAX_MAP_UNITS are drawn
without pictures; their maps only show on hover) takes them on that coarse grid, from the
same points: the forward pass is what costs there, and one grid is one pass over 1,024
points instead of 1,600. For the 2-64-64-64-1 net, the maps of a snapshot took 1.6 ms of
CPU instead of 2.3 (of a ~4.5 ms job, app/snapshot_pipeline.py); for the spiral's 3 x 16,
whose 51 neurons are all pictured, the pictures cost more than the points: 1.45 ms instead
of 1.33, so it keeps both grids.

Qt-free; owned by the training session, on its thread (or its snapshot thread: see
app/snapshot_pipeline.py).
"""

from __future__ import annotations

import time
import weakref
from typing import TYPE_CHECKING

import numpy as np

from xorlab.core.training.datasets import Dataset, PlaneGrid, plane_grid
from xorlab.core.training.map_images import MAX_MAP_UNITS

if TYPE_CHECKING:
    from xorlab.core.training.plane_maps import PlaneMaps
    from xorlab.core.training.trainer import Trainer

COARSE_RESOLUTION = 32
DETAIL_RESOLUTION = 160  # at rest: ~3 px a grid step on the largest decision plot
LIVE_MAP_BUDGET = 0.002  # seconds a live snapshot's maps may take at the fine resolution


class LiveMaps:
    """The grids of the current run and the choice between them."""

    def __init__(
        self,
        coarse_resolution: int = COARSE_RESOLUTION,
        budget: float = LIVE_MAP_BUDGET,
        detail_resolution: int = DETAIL_RESOLUTION,
    ):
        self.coarse_resolution = coarse_resolution
        self.detail_resolution = detail_resolution
        self.budget = budget
        self.fine: PlaneGrid | None = None
        self.coarse: PlaneGrid | None = None
        self.detail: PlaneGrid | None = None
        self.neuron_grid: PlaneGrid | None = None
        self.palette: np.ndarray | None = None  # set while neuron maps are wanted
        # Whether neuron maps may share the live coarse grid (neuron_grid_for); False: on
        # their own grid always, as before round 11 (bench/gui.py compares).
        self.share_coarse_grid = True
        self.seconds_per_point = 0.0  # smoothed cost of the forward pass per grid point
        # What the last maps took; None when they compiled the forward pass (a trainer's
        # first maps) or were the detailed map of a run at rest: neither says what the
        # next live ones will cost (a detailed map counted as live spaced the next run's
        # maps 250 ms apart until the smoothing forgot it).
        self.last_seconds: float | None = None
        self._timed: weakref.ref[Trainer] | None = None  # the trainer whose maps are warm

    def new_run(self, dataset: Dataset, fine: PlaneGrid | None) -> None:
        """The grids for ``dataset``; ``fine`` is the run's decision grid (None: no maps)."""
        from xorlab.core.training.neuron_maps import map_grid

        self.fine = fine
        self.coarse = self.detail = self.neuron_grid = None
        if fine is not None:
            coarse = min(self.coarse_resolution, fine.resolution)
            self.coarse = fine if coarse == fine.resolution else plane_grid(dataset, coarse)
            detail = self.detail_resolution
            self.detail = plane_grid(dataset, detail) if detail > fine.resolution else fine
            self.neuron_grid = map_grid(dataset)

    def want_neuron_maps(self, palette: np.ndarray | None) -> None:
        """Neuron maps in every snapshot with maps, coloured through ``palette`` (256, 4)
        uint8; None: the decision map only (nobody looks at neuron maps)."""
        self.palette = None if palette is None else np.array(palette, dtype=np.uint8)

    def grid_for(self, settled: bool, at_rest: bool = False) -> PlaneGrid | None:
        """The detailed grid ``at_rest``; the fine one when ``settled`` or when it fits the
        budget, else the coarse one."""
        if at_rest and self.detail is not None:
            return self.detail
        if self.fine is None or settled:
            return self.fine
        points = len(self.fine.points)
        if self.palette is not None and self.neuron_grid is not None:
            points += len(self.neuron_grid.points)
        if self.seconds_per_point * points < self.budget:
            return self.fine
        return self.coarse

    def neuron_grid_for(self, trainer: Trainer, grid: PlaneGrid) -> PlaneGrid | None:
        """Where the neuron maps go beside a decision map on ``grid``: that very grid when
        it is the live coarse one and at most a quarter of the network's neurons are
        pictured (see the module docstring), else the neuron maps' own grid."""
        if not self.share_coarse_grid:
            return self.neuron_grid
        if grid is self.coarse and grid is not self.fine and few_pictured(trainer):
            return grid
        return self.neuron_grid

    def warm_for(self, trainer: Trainer) -> bool:
        """Whether the maps of ``trainer`` were computed before (their forward pass is
        compiled, and their cost known)."""
        return self._timed is not None and self._timed() is trainer

    def compute(
        self,
        trainer: Trainer,
        settled: bool,
        at_rest: bool = False,
        weights: tuple[np.ndarray, ...] | None = None,
        step: int | None = None,
    ) -> PlaneMaps | None:
        """The maps of ``trainer``'s current weights (or of ``weights``, from ``step``: then
        on any thread, once warm_for(trainer); one call at a time), timed for the budget."""
        from xorlab.core.training.plane_maps import plane_maps

        grid = self.grid_for(settled, at_rest)
        if grid is None:
            return None
        palette = self.palette  # once: the worker may change it meanwhile
        wanted = palette is not None
        start = time.perf_counter()
        neuron_grid = self.neuron_grid_for(trainer, grid) if wanted else None
        maps = plane_maps(trainer, grid, neuron_grid, palette, weights, step)
        self.last_seconds = time.perf_counter() - start
        if self._timed is None or self._timed() is not trainer:
            self._timed = weakref.ref(trainer)
            self.last_seconds = None  # compiled just now
            return maps
        points = len(grid.points)
        if neuron_grid is not None and neuron_grid is not grid:
            points += len(neuron_grid.points)
        per_point = self.last_seconds / points
        if at_rest:
            self.last_seconds = None
        old = self.seconds_per_point
        self.seconds_per_point = per_point if old == 0 else 0.7 * old + 0.3 * per_point
        return maps


def few_pictured(trainer: Trainer) -> bool:
    """At most a quarter of ``trainer``'s neurons (inputs and outputs included) are drawn
    as pictures in the network diagram: its layers are mostly wider than MAX_MAP_UNITS."""
    shapes = [p.get_value(borrow=True).shape for p in trainer.params]  # fixed for a trainer
    units = [shapes[0][0] - int(trainer.spec.network.bias), *(shape[1] for shape in shapes)]
    pictured = sum(n for n in units if n <= MAX_MAP_UNITS)
    return 4 * pictured <= sum(units)
