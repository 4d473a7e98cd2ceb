"""The lab's one state model, headless: fields that call back on change, the run's snapshots
(newest, replayed, shown), the shared selection, and "modified" against the saved baseline."""

from __future__ import annotations

import numpy as np
import pytest

from xorlab.app.evented import Evented, StateField
from xorlab.app.lab_state import Baseline, LabState
from xorlab.app.run_state import RunState
from xorlab.app.selection import NOTHING, SelectionRef
from xorlab.core.training.presets import PRESETS, preset_spec
from xorlab.core.training.trainer import TrainingSnapshot

MINIMAL = preset_spec("xor-minimal")
BIAS = preset_spec("xor-bias")


def snapshot(step: int, value: float = 0.0) -> TrainingSnapshot:
    empty = np.empty(0)
    weights = (np.full((2, 2), value), np.full((2, 1), value))
    return TrainingSnapshot(step, step, weights, empty, 0.0, empty, empty)


def recorder(state: Evented, name: str) -> list:
    seen: list = []
    state.add_callback(name, seen.append)
    return seen


# --- evented fields ------------------------------------------------------------------------


class Knobs(Evented):
    level: StateField[int] = StateField(1)
    thing: StateField[object] = StateField(None, identity=True)


def test_a_field_calls_back_once_per_change_with_the_new_value():
    knobs = Knobs()
    seen = recorder(knobs, "level")
    assert knobs.level == 1 and Knobs.field_names() == ["level", "thing"]
    knobs.level = 2
    knobs.level = 2  # the same value: nothing to redraw
    knobs.level = 3
    assert seen == [2, 3] and knobs.level == 3
    knobs.remove_callback("level", seen.append)
    knobs.level = 4
    assert seen == [2, 3] and knobs.callbacks("level") == 0
    knobs.remove_callback("level", seen.append)  # twice: harmless


def test_identity_fields_call_back_for_an_equal_but_new_object_and_arrays_compare_safely():
    knobs = Knobs()
    seen = recorder(knobs, "thing")
    first, second = [1], [1]
    knobs.thing = first
    knobs.thing = first
    knobs.thing = second  # equal, but a new snapshot is news
    assert seen == [first, second] and seen[1] is second
    # A value field holding arrays: "==" is ambiguous, so a new array counts as a change.
    levels = recorder(knobs, "level")
    knobs.level = np.zeros(3)
    knobs.level = np.zeros(3)
    assert len(levels) == 2


def test_unknown_fields_are_refused_and_callbacks_may_unbind_while_called():
    knobs = Knobs()
    with pytest.raises(ValueError, match="no field 'levle'"):
        knobs.add_callback("levle", print)
    calls: list[int] = []

    def once(value: int) -> None:
        calls.append(value)
        knobs.remove_callback("level", once)

    knobs.add_callback("level", once)
    after = recorder(knobs, "level")
    knobs.level = 5
    knobs.level = 6
    assert calls == [5] and after == [5, 6]


def test_a_callback_that_changes_the_field_again_ends_the_older_news():
    knobs = Knobs()
    knobs.add_callback("level", lambda v: setattr(knobs, "level", min(v, 10)))  # a clamp
    seen = recorder(knobs, "level")
    knobs.level = 50
    assert knobs.level == 10 and seen == [10]  # never 50 after 10
    knobs.level = 7
    assert seen == [10, 7]


def test_two_views_echoing_the_selection_to_each_other_do_not_loop():
    state = LabState()
    echoes: list[SelectionRef] = []

    def diagram(ref: SelectionRef) -> None:  # a view that re-selects what it was told
        echoes.append(ref)
        state.selection = ref

    state.add_callback("selection", diagram)
    state.add_callback("selection", lambda ref: setattr(state, "selection", ref))
    state.selection = SelectionRef.weight(0, 1, 0)
    state.selection = SelectionRef.weight(0, 1, 0)
    assert echoes == [SelectionRef.weight(0, 1, 0)]
    state.selection = NOTHING
    assert echoes[-1] == NOTHING and state.selection.is_empty


# --- the lab's state ---------------------------------------------------------------------------


def test_a_new_state_holds_the_default_spec_idle_and_nothing_shown():
    state = LabState()
    assert state.spec == PRESETS["xor-minimal"].spec and state.spec_valid
    assert state.run_state == RunState.IDLE and state.run == 0
    assert state.latest is None and state.shown is None and not state.is_replaying
    assert state.selection == NOTHING and not state.modified
    assert state.baseline is not None and state.baseline.spec == state.spec
    assert LabState(BIAS).spec == BIAS and LabState(BIAS).baseline.spec == BIAS


def test_the_shown_snapshot_is_the_replayed_one_else_the_newest_and_a_run_clears_both():
    state = LabState()
    latest, runs = recorder(state, "latest"), recorder(state, "run")
    first, second = snapshot(10), snapshot(20)
    state.add_snapshot(first)
    state.add_snapshot(second)
    assert state.shown is second and latest == [first, second]
    state.replayed = first
    assert state.shown is first and state.is_replaying
    state.add_snapshot(snapshot(30))  # training goes on while the learner looks back
    assert state.shown is first and state.latest.step == 30
    state.new_run()
    assert state.latest is None and state.replayed is None and state.shown is None
    assert runs == [1] and latest[-1] is None


def test_modified_compares_the_spec_and_weights_with_the_baseline_rather_than_sticking():
    state = LabState(MINIMAL)
    modified = recorder(state, "modified")
    faster = MINIMAL.with_changes(training={"learning_rate": 0.5})
    state.spec = faster
    assert state.modified
    state.spec = MINIMAL  # edited back: nothing to save
    assert not state.modified and modified == [True, False]
    state.new_run()
    state.add_snapshot(snapshot(0))  # the untrained network the seed draws
    assert not state.modified
    state.add_snapshot(snapshot(5))
    assert state.modified
    state.new_run()  # Reset: step 0 again
    assert not state.modified


def test_a_saved_baseline_counts_its_weights():
    state = LabState(MINIMAL)
    trained = snapshot(100, 0.25)
    state.add_snapshot(trained)
    assert state.modified
    state.set_baseline(Baseline(MINIMAL, 100, tuple(w.copy() for w in trained.weights)))
    assert not state.modified
    state.add_snapshot(snapshot(100, 0.5))  # the same step, other weights (an edit)
    assert state.modified


def test_a_baseline_that_starts_a_run_ignores_the_old_runs_late_snapshots():
    state = LabState(MINIMAL)
    state.add_snapshot(snapshot(500))
    assert state.modified
    state.set_baseline(Baseline(BIAS), new_run=True)
    state.spec = BIAS  # the builder shows the opened experiment
    state.add_snapshot(snapshot(600))  # the replaced run's snapshot, still on its way
    assert not state.modified
    state.new_run()
    state.add_snapshot(snapshot(3))
    assert state.modified
