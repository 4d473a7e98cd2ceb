"""The run state enum: equal to the strings the worker used to report, so a state that
crossed a Qt signal as str still compares equal to its member."""

from __future__ import annotations

from xorlab.app.run_state import SETTLED, STEPPABLE, UNDER_WAY, RunState


def test_every_state_equals_its_old_string_and_round_trips():
    names = "idle compiling ready training paused stopped done diverged error".split()
    assert [state.value for state in RunState] == names
    for name in names:
        assert RunState(name) == name and RunState(name) is RunState[name.upper()]
        assert {name: 1}[RunState(name)] == 1  # the same hash: dict keys work either way


def test_the_groups_views_ask_about():
    assert RunState.TRAINING not in SETTLED and "paused" in SETTLED
    assert set(STEPPABLE) <= set(SETTLED)
    assert UNDER_WAY == (RunState.TRAINING, RunState.PAUSED)
