"""An honest colour range for a cost surface that may hold huge, infinite or NaN values.

A diverged region or a huge span can put costs of 1e30 (or inf) beside the 0.03 of the
valley the learner wants to see; a linear scale over all of it paints one flat colour. The
scale is clipped instead, and says so: values above the top are drawn in the top colour, and
non-finite ones too, so the picture is never blank and never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Linear scale: when the largest cost is this many times the 95th percentile, clip there.
CLIP_RATIO = 20.0
CLIP_QUANTILE = 95.0
# Log scale: at most this many decades below the top, so a cost of exactly 0 has a colour.
MAX_DECADES = 12.0


@dataclass(frozen=True)
class ColourScale:
    low: float  # in the displayed unit: cost, or log10(cost) with ``log``
    high: float
    log: bool
    message: str  # "" when nothing was clipped or hidden


def colour_scale(costs: np.ndarray, log: bool = False) -> ColourScale:
    costs = np.asarray(costs, dtype=np.float64)
    finite = costs[np.isfinite(costs)]
    bad = costs.size - finite.size
    notes = []
    if finite.size == 0:
        return ColourScale(0.0, 1.0, log, "every point's cost is infinite or NaN (diverged)")
    if bad:
        notes.append(f"{bad} points overflow (NaN or infinite): drawn in the top colour")
    if log:
        positive = finite[finite > 0]
        high = float(np.log10(positive.max())) if positive.size else 0.0
        low = float(np.log10(positive.min())) if positive.size else high - 1.0
        if high - low > MAX_DECADES:
            low = high - MAX_DECADES
            notes.append(f"colours cover the top {MAX_DECADES:g} decades of cost")
    else:
        low, high = float(finite.min()), float(finite.max())
        top = float(np.percentile(finite, CLIP_QUANTILE))
        if top > low and high - low > CLIP_RATIO * (top - low):
            notes.append(
                f"colour scale clipped at {top:.4g} ({CLIP_QUANTILE:g}th percentile); "
                f"the highest cost is {high:.4g}"
            )
            high = top
    if not high > low:  # a flat surface: any non-empty range draws it
        high = low + (abs(low) * 1e-6 or 1.0)
    return ColourScale(low, high, log, "; ".join(notes))


def displayed(costs: np.ndarray, scale: ColourScale) -> np.ndarray:
    """The values to colour: finite, in [low, high], log10 of the cost with a log scale."""
    values = np.asarray(costs, dtype=np.float64)
    with np.errstate(all="ignore"):
        if scale.log:
            values = np.log10(np.where(values > 0, values, 0.0))
            values = np.where(np.isneginf(values), scale.low, values)
    values = np.where(np.isfinite(values), values, scale.high)
    return np.clip(values, scale.low, scale.high)
