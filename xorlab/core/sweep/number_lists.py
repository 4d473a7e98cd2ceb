"""Comma-separated lists of numbers as a person types them ("0.1, 0.5 1e-2"), with messages
that say which item is wrong and why."""

from __future__ import annotations

import math
import re

MAX_ITEMS = 50
_SEPARATORS = re.compile(r"[,;\s]+")


class ListError(ValueError):
    pass


def _items(text: str) -> list[str]:
    items = [item for item in _SEPARATORS.split(text.strip()) if item]
    if len(items) > MAX_ITEMS:
        raise ListError(f"{len(items)} values; at most {MAX_ITEMS}")
    return items


def _unique(values: list) -> list:
    seen: list = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def parse_ints(text: str, low: int, high: int) -> list[int]:
    """Whole numbers in [low, high], duplicates dropped; an empty text gives []."""
    values = []
    for item in _items(text):
        try:
            value = int(item)
        except ValueError:
            raise ListError(f"'{item}' is not a whole number") from None
        if not low <= value <= high:
            raise ListError(f"{value} is outside {low:,}..{high:,}")
        values.append(value)
    return _unique(values)


def parse_floats(text: str, low: float, high: float, low_open: bool = False) -> list[float]:
    """Finite numbers in [low, high] (or (low, high]), duplicates dropped; "" gives []."""
    values = []
    for item in _items(text):
        try:
            value = float(item)
        except ValueError:
            raise ListError(f"'{item}' is not a number") from None
        if not math.isfinite(value):
            raise ListError(f"'{item}' is not a finite number")
        if value < low or (low_open and value == low) or value > high:
            bound = "above" if low_open else "at least"
            raise ListError(f"{value:g} must be {bound} {low:g} and at most {high:g}")
        values.append(value)
    return _unique(values)
