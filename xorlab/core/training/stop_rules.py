"""When a run stops before its epoch limit: at a target cost, or on a plateau.

Both rules look at the training history's per-epoch cost (what the cost plot draws):
- target: the first epoch whose cost is at or below ``training.target_cost`` is the last;
- plateau: an epoch's cost "improves" when it is below the best so far by more than
  ``training.plateau_tolerance`` of it (relative); the run stops once
  ``training.plateau_epochs`` epochs in a row brought no improvement (as Keras's
  EarlyStopping with a relative min_delta).
A value of 0 turns a rule off. The trainer stops exactly after the epoch a rule names,
however the run is chunked (see Trainer._run_chunk), so a headless run and a run in the
window stop at the same epoch with the same weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from xorlab.core.training.spec import TrainingSpec


@dataclass(frozen=True)
class Stop:
    epoch: int  # the last epoch run (0-based, as the history numbers them)
    rule: str  # "target_cost" or "plateau"
    message: str


class StopRules:
    """The plateau rule's memory (best cost, epochs since it improved) between chunks."""

    def __init__(self, training: TrainingSpec):
        self.target = training.target_cost
        self.patience = training.plateau_epochs
        self.tolerance = training.plateau_tolerance
        self.best = math.inf
        self.stale = 0  # epochs in a row without an improvement

    @property
    def active(self) -> bool:
        return self.target > 0 or self.patience > 0

    def check(self, first_epoch: int, costs: np.ndarray) -> Stop | None:
        """The first of these consecutive epochs' costs that stops the run, if any; the
        plateau memory moves on through the epochs up to it (or all of them)."""
        limit = costs.size
        target_hit = None
        if self.target > 0:
            hits = np.flatnonzero(costs <= self.target)
            if hits.size:
                target_hit = int(hits[0])
                limit = target_hit + 1
        if self.patience > 0:
            # Sequential by nature (the threshold follows the best); runs only when asked for.
            best, stale, factor = self.best, self.stale, 1.0 - self.tolerance
            for i, cost in enumerate(costs[:limit].tolist()):
                if cost < best * factor or best == math.inf:
                    best, stale = cost, 0
                else:
                    stale += 1
                    if stale >= self.patience:
                        self.best, self.stale = best, stale
                        epoch = first_epoch + i
                        return Stop(
                            epoch,
                            "plateau",
                            f"the cost did not improve by {100 * self.tolerance:g}% in "
                            f"{self.patience:,} epochs (best {best:.6g}); stopped at epoch "
                            f"{epoch + 1:,}",
                        )
            self.best, self.stale = best, stale
        if target_hit is not None:
            epoch = first_epoch + target_hit
            return Stop(
                epoch,
                "target_cost",
                f"the cost reached the target {self.target:g} at epoch {epoch + 1:,} "
                f"({costs[target_hit]:.6g})",
            )
        return None
