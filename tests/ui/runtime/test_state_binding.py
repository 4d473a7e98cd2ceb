"""Qt objects bound to the lab state: a binding ends with its widget, and the selection bus
is the state's selection as a signal, whichever side changed it."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QLabel

from xorlab.app.lab_state import LabState
from xorlab.app.selection import NOTHING, SelectionRef
from xorlab.ui.runtime.selection import SelectionBus
from xorlab.ui.runtime.state_binding import bind


def test_a_binding_follows_the_field_and_ends_when_its_widget_is_deleted(qtbot):
    state = LabState()
    label = QLabel()
    bind(state, "run", label, lambda run: label.setText(f"run {run}"))
    state.new_run()
    assert label.text() == "run 1" and state.callbacks("run") == 1
    shiboken6.delete(label)
    state.new_run()  # would raise "already deleted" if the label were still called
    assert state.run == 2 and state.callbacks("run") == 0


def test_the_selection_bus_carries_the_states_selection_both_ways(qtbot):
    state = LabState()
    bus = SelectionBus(state=state)
    seen: list[SelectionRef] = []
    bus.selection_changed.connect(seen.append)
    weight = SelectionRef.weight(0, 1, 2)
    assert bus.select(weight) and state.selection == weight and bus.current == weight
    assert not bus.select(weight)  # the same again: no signal, no loop
    state.selection = SelectionRef.matrix(1)  # written by another view of the state
    assert bus.current == SelectionRef.matrix(1)
    bus.clear()
    assert seen == [weight, SelectionRef.matrix(1), NOTHING] and state.selection == NOTHING
    assert SelectionBus().state is not state  # a bus on its own keeps a state of its own
