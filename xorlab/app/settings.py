"""Settings declared once: each is a ``Setting`` (its key, its default and how a stored value
is checked), read and written through one mechanism, in the manner of Orange's ``Setting()``.

Settings files get edited by hand, copied between versions and made read-only; none of that
may stop the app from starting. So reading never raises: a missing, corrupt, unknown or
mistyped value gives the default. Qt-free: the store is anything with QSettings' ``value``
and ``setValue`` (the declarations live in ui/shell/settings.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")


class Store(Protocol):
    def value(self, key: str, default: object = None) -> object: ...

    def setValue(self, key: str, value: object) -> None: ...  # noqa: N802 (QSettings' name)


@dataclass(frozen=True)
class Setting(Generic[T]):
    """``parse`` turns a stored value into the setting's value, or None when unusable."""

    key: str
    default: T
    parse: Callable[[object], T | None]

    def read(self, store: Store) -> T:
        try:
            value = store.value(self.key)
        except Exception:  # a corrupt value can fail to deserialize
            return self.default
        if value is None:
            return self.default
        parsed = self.parse(value)
        return self.default if parsed is None else parsed

    def write(self, store: Store, value: T) -> None:
        store.setValue(self.key, value)


def as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"  # INI files store booleans as text
    return None


def as_int(value: object) -> int | None:
    """A whole number (INI files store text); a bool is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def as_float(value: object) -> float | None:
    """A finite number (INI files store text); a bool is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def within(parse: Callable[[object], T | None], low: T, high: T) -> Callable[[object], T | None]:
    """``parse``, then only values in [low, high] (a spin box's range)."""

    def parse_within(value: object) -> T | None:
        parsed = parse(value)
        return parsed if parsed is not None and low <= parsed <= high else None

    return parse_within


def as_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def one_of(choices: Collection[str]) -> Callable[[object], str | None]:
    """A string among ``choices`` (a key of a table, a known name)."""
    return lambda value: value if isinstance(value, str) and value in choices else None


def as_str_list(value: object) -> list[str] | None:
    """Non-blank strings, without repeats; INI files store a one-item list as text."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return None
    return list(dict.fromkeys(p for p in value if isinstance(p, str) and p.strip()))
