"""JSON as Python reads it safely: numbers JSON allows but a double cannot hold, the
constants NaN and Infinity that Python writes but JSON does not define, and a key given
twice each become one error that names the field, e.g. ``history.costs[3]``.

The parser's hooks cannot know where they are, so they leave a marker in the document
and one walk afterwards reports the first marker with its path.
"""

from __future__ import annotations

import json
import math
from typing import Any

# More digits than any count xorlab writes (steps < 10^14); int() of 4,300+ digits raises.
MAX_INT_DIGITS = 30


class JsonFieldError(ValueError):
    """A value in the document that cannot be used; ``field`` is its dotted path."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


class _Bad:
    """What the parser saw in place of a usable value."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


class _Duplicated(dict):
    """An object in which ``key`` appeared more than once."""

    key: str = ""


def _parse_int(text: str) -> int | _Bad:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return _Bad(f"an integer of {digits:,} digits is too large")
    return int(text)


def _parse_float(text: str) -> float | _Bad:
    value = float(text)
    if math.isinf(value):
        return _Bad(f"{text[:24]}{'...' if len(text) > 24 else ''} is beyond the range of a double")
    return value


def _parse_constant(name: str) -> _Bad:
    return _Bad(f"{name} is not a number JSON allows (a value that was not finite?)")


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    doc: dict = {}
    for key, value in pairs:
        if key in doc:
            dup = _Duplicated(pairs)
            dup.key = key
            return dup
        doc[key] = value
    return doc


def loads_strict(text: str, root: str = "file") -> Any:
    """``json.loads`` that raises JsonFieldError for overflowing numbers, NaN/Infinity and
    duplicate keys; json.JSONDecodeError and RecursionError pass through."""
    doc = json.loads(
        text,
        parse_int=_parse_int,
        parse_float=_parse_float,
        parse_constant=_parse_constant,
        object_pairs_hook=_pairs,
    )
    _check(doc, root)
    return doc


def _check(doc: Any, root: str) -> None:
    stack: list[tuple[Any, str]] = [(doc, root)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, _Bad):
            raise JsonFieldError(where, value.reason)
        if isinstance(value, _Duplicated):
            raise JsonFieldError(where, f"the key '{value.key}' appears more than once")
        if isinstance(value, dict):
            prefix = "" if where == root and root == "file" else f"{where}."
            stack.extend((v, f"{prefix}{k}") for k, v in reversed(value.items()))
        elif isinstance(value, list):
            # Lists of plain numbers are the bulk of a file: skip them in one pass.
            if all(type(v) in (int, float) for v in value):
                continue
            stack.extend((v, f"{where}[{i}]") for i, v in reversed(list(enumerate(value))))
