"""State classes whose fields call back when they change, with no Qt (after glue's
``CallbackProperty`` / ``HasCallbackProperties``).

A field is declared once on the class, ``spec = StateField(None)``; reading it is a plain
attribute read, and assigning a value that differs from the current one calls every callback
added for that field with the new value. Assigning the same value calls nothing, so two views
that echo a value back to each other cannot loop. Values whose ``==`` is not a yes/no answer
(snapshots holding numpy arrays) are compared by identity (``identity=True``).

The state lives on the GUI thread: callbacks run synchronously in the thread that assigns,
in the order they were added. A Qt widget binds through ``xorlab.ui.runtime.state_binding``,
which stops calling it once the widget is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")
Callback = Callable[[Any], object]


class StateField(Generic[T]):
    """A field of an ``Evented`` class: its default, and how a change is recognised."""

    def __init__(self, default: T, *, identity: bool = False, doc: str = ""):
        self.default = default
        self.identity = identity
        self.name = ""
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> StateField[T]: ...
    @overload
    def __get__(self, obj: Evented, owner: type | None = None) -> T: ...

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return obj.__dict__.get(self.name, self.default)

    def __set__(self, obj: Evented, value: T) -> None:
        old = obj.__dict__.get(self.name, self.default)
        same = (old is value) if self.identity else _equal(old, value)
        if same:
            return  # an equal value keeps the stored one: nothing changed
        obj.__dict__[self.name] = value
        obj._notify(self.name, value)


def _equal(old: object, new: object) -> bool:
    if old is new:
        return True
    try:
        return bool(old == new)
    except (TypeError, ValueError):  # arrays inside: "ambiguous truth value"
        return False


class Evented:
    """Base of a state class: ``add_callback(field, fn)`` calls ``fn(new_value)`` whenever
    the field changes."""

    def __init__(self) -> None:
        self._callbacks: dict[str, list[Callback]] = {}

    @classmethod
    def field_names(cls) -> list[str]:
        return [
            name
            for klass in reversed(cls.__mro__)
            for name, value in vars(klass).items()
            if isinstance(value, StateField)
        ]

    def add_callback(self, name: str, callback: Callback) -> None:
        """Call ``callback(value)`` after each change of field ``name``."""
        if name not in self.field_names():
            raise ValueError(f"{type(self).__name__} has no field '{name}'")
        self._callbacks.setdefault(name, []).append(callback)

    def remove_callback(self, name: str, callback: Callback) -> None:
        """Stop calling ``callback``; removing one that was never added is not an error."""
        callbacks = self._callbacks.get(name, [])
        if callback in callbacks:
            callbacks.remove(callback)

    def callbacks(self, name: str) -> int:
        """How many callbacks field ``name`` has (tests check bindings are released)."""
        return len(self._callbacks.get(name, ()))

    def _notify(self, name: str, value: object) -> None:
        # A copy: a callback may add or remove callbacks (an unbinding view does).
        for callback in list(self._callbacks.get(name, ())):
            callback(value)
            if self.__dict__.get(name) is not value:
                # The callback set the field again: that nested change reached every
                # callback already, and the rest must not get this older value after it.
                return
