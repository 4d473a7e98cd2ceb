"""The selection shared by linked views: a weight, a whole weight matrix or a neuron.

The network diagram and the Graph tab both subscribe to one SelectionBus and publish to it,
so picking W1[0, 2] in the diagram highlights W1, its gradient and its update in the graph,
and picking 'update of W2' in the graph highlights W2's connections in the diagram, without
either view importing the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

KINDS = ("none", "weight", "param", "neuron")


@dataclass(frozen=True)
class SelectionRef:
    """What is selected, in the network's own terms (indices are 0-based).

    - 'weight': the connection ``W{param+1}[row, col]``: from unit ``row`` of layer ``param``
      (the last row is the bias unit when there is one) to neuron ``col`` of layer param+1;
    - 'param': the whole matrix ``W{param+1}``;
    - 'neuron': unit ``row`` of layer ``param`` (layer 0 is the input layer; a unit index
      equal to the layer's size is its bias unit);
    - 'none': nothing.
    """

    kind: str = "none"
    param: int = -1
    row: int = -1
    col: int = -1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown selection kind '{self.kind}'; choose one of {KINDS}")

    @classmethod
    def weight(cls, param: int, row: int, col: int) -> SelectionRef:
        return cls("weight", param, row, col)

    @classmethod
    def matrix(cls, param: int) -> SelectionRef:
        return cls("param", param)

    @classmethod
    def neuron(cls, layer: int, unit: int) -> SelectionRef:
        return cls("neuron", layer, unit)

    @property
    def is_empty(self) -> bool:
        return self.kind == "none"

    def weight_name(self) -> str:
        """'W1[0,2]', 'W2' or '' for a neuron or nothing."""
        if self.kind == "weight":
            return f"W{self.param + 1}[{self.row},{self.col}]"
        if self.kind == "param":
            return f"W{self.param + 1}"
        return ""

    def params(self, n_params: int) -> tuple[int, ...]:
        """The weight matrices this selection belongs to: a neuron's incoming matrix (or,
        for an input unit, the first matrix) and its outgoing one."""
        if self.kind in ("weight", "param"):
            return (self.param,) if 0 <= self.param < n_params else ()
        if self.kind == "neuron":
            layer = self.param
            touched = [p for p in (layer - 1, layer) if 0 <= p < n_params]
            return tuple(touched)
        return ()


NOTHING = SelectionRef()


class SelectionBus(QObject):
    """Holds the current selection; ``selection_changed(ref)`` when it changes."""

    selection_changed = Signal(object)  # SelectionRef

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._current = NOTHING

    @property
    def current(self) -> SelectionRef:
        return self._current

    def select(self, ref: SelectionRef | None) -> bool:
        """Make ``ref`` (None: nothing) the selection; True if that changed it. Re-selecting
        the current selection emits nothing, so views echoing it back cannot loop."""
        ref = ref if ref is not None else NOTHING
        if ref == self._current:
            return False
        self._current = ref
        self.selection_changed.emit(ref)
        return True

    def clear(self) -> None:
        self.select(NOTHING)
