"""The upgrade's race, one per network computation in the process, and its verdict.

The upgrade (core/training/tiers.py) races the scan loop against the jax loop on the run
itself and keeps the faster. Raced by each trainer on its own, two trainers of the same
network in one process ended on different loops: the window's and a headless trainer's in
bench/gui.py (regression: the window on jax, the headless side on scan, ratio 0.71-0.76;
the spiral and the 2-64-64-64-1 net the other way round in another run), and a second Train
of a network raced it again. Where the two loops are close, each race's noise decides; the
GUI's share of the machine moves each race's laps as well.

So the race belongs to the computation, as its compiled loops already do
(core/training/function_cache.py): every trainer of the same computation notes its laps in
one ``SharedRace`` (tiers.py), the verdict is reached once over all of them, and it stands for the
process: a trainer arriving later takes it without racing (the winner's load only, a cache
hit in this process, or nothing at all when the running loop won). Each trainer still takes
its own turns between the two loops, so a trainer under the window's load and one without
it each add laps of both loops, and neither loop is timed only under one of them.

The key is what the compiled loops depend on: the network and the training recipe (not
the seed, learning rate, epoch limit, progress interval or stop rules, which are applied in
place, as app/requests.compile_key leaves out) and the training data, batch table and mode.
A field added to the spec later that is missing from that list only splits a race in two.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import replace

import numpy as np

from xorlab.core.training.strategies.base import LoopProblem
from xorlab.core.training.tiers import SharedRace

# Computations whose race is kept (least recently used dropped first): a session rarely
# trains more than a few networks, and each race holds a few hundred floats.
MAX_RACES = 64


def computation_key(problem: LoopProblem) -> tuple:
    """What the training loops of ``problem`` compute (see the module docstring)."""
    spec = problem.spec
    network = replace(spec.network, seed=0)
    training = replace(
        spec.training,
        learning_rate=1.0,
        epochs=1,
        log_every=1,
        target_cost=0.0,
        plateau_epochs=0,
        plateau_tolerance=0.0,
    )
    data = hashlib.sha1()
    for array in (problem.X, problem.y, problem.batches):
        array = np.ascontiguousarray(array)
        data.update(f"{array.dtype}{array.shape}".encode())
        data.update(array.tobytes())
    return (network, training, str(problem.mode), problem.shuffle, data.hexdigest())


_races: OrderedDict[tuple, SharedRace] = OrderedDict()
_lock = threading.Lock()


def shared_race(key: tuple, incumbent: str, challenger: str) -> SharedRace:
    """The race of the computation ``key`` between these loops: the one run or running in
    this process, or a new one."""
    with _lock:
        race = _races.get((key, incumbent, challenger))
        if race is None:
            race = _races[(key, incumbent, challenger)] = SharedRace(incumbent, challenger)
            while len(_races) > MAX_RACES:
                _races.popitem(last=False)
        _races.move_to_end((key, incumbent, challenger))
        return race


def decided_race(key: tuple, incumbent: str, challenger: str) -> SharedRace | None:
    """The race of ``key`` between these loops if it has a winner, else None."""
    with _lock:
        race = _races.get((key, incumbent, challenger))
    return race if race is not None and race.winner is not None else None


def clear() -> None:
    """Forget every race (tests; a bench comparing races)."""
    with _lock:
        _races.clear()
