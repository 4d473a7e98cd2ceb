"""The training run's state, as the worker reports it and every view reads it.

A StrEnum: each member equals its old string ("training" == RunState.TRAINING), so a state
that crossed a Qt signal as ``str`` still compares equal, and code being converted keeps
working. The groups below name the questions views ask of a state, once.
"""

from __future__ import annotations

from enum import StrEnum


class RunState(StrEnum):
    IDLE = "idle"  # no network yet
    COMPILING = "compiling"
    READY = "ready"  # compiled, at step 0
    TRAINING = "training"
    PAUSED = "paused"
    STOPPED = "stopped"  # ended early by Stop
    DONE = "done"  # reached the epoch limit
    DIVERGED = "diverged"  # the cost overflowed; the last good weights are kept
    ERROR = "error"


# A compiled run whose weights hold still: views showing them refresh once, not on a timer.
SETTLED = (RunState.READY, RunState.PAUSED, RunState.DONE, RunState.STOPPED, RunState.DIVERGED)
# A run is under way (training or paused): what shapes the network is locked.
UNDER_WAY = (RunState.TRAINING, RunState.PAUSED)
# Holding still mid-run: Step trains one more epoch, Resume continues.
STEPPABLE = (RunState.READY, RunState.PAUSED, RunState.DIVERGED)
