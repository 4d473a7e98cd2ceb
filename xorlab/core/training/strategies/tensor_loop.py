"""K steps in a PyTensor ``scan``: the model's matrix graph, run by PyTensor's backend.

Compared with scanning over a (K, batch) matrix of sample rows and gathering ``X[rows]`` each
step: a full-batch loop has no sequence at all (``n_steps`` only, X and y constants), and a
mini-batch loop scans over batch positions and slices a constant (steps, batch, inputs) table,
so every step reads contiguous memory and no index matrix is built per call.
"""

from __future__ import annotations

import numpy as np
import pytensor
import pytensor.tensor as pt

from xorlab.core.training import model
from xorlab.core.training.function_cache import SharedFunction, compile_shared
from xorlab.core.training.strategies.base import LoopProblem, StrategyUnavailable, TrainingLoop
from xorlab.core.training.strategies.nogil_numba import releasing_gil, runs_without_gil


class NotCached(StrategyUnavailable):
    """The loop's native code is neither in this process nor in the disk cache: making it
    would be a cold Numba compile (tens of CPU-seconds), which the caller declined."""


class ScanLoop(TrainingLoop):
    """The loop compiled in the trainer's mode (Numba by default).

    ``cached_only``: raise NotCached instead of compiling native code that no cache holds
    (core/training/tiers.py's upgrade from jax, which pays only when the load is cheap).
    PyTensor's rewrites and code generation run first either way (~0.3-1 s): the cache key
    is a hash of the rewritten graph, so there is no cheaper way to ask."""

    name = "scan"

    def __init__(self, problem: LoopProblem, mode: str | None = None, cached_only: bool = False):
        super().__init__(problem)
        self.mode = mode if mode is not None else problem.mode
        # Shared by every loop of the same computation (see core.function_cache): the final
        # weights and state come back as outputs and are written to the shared variables.
        self._call = self._compile()
        self._fn = self._call.function
        if cached_only and not native_code_cached(self._fn):
            raise NotCached("the scan loop is not in the compile cache")
        # Numba compiles on the first call: make it now, leaving the state as it was.
        saved = [np.array(v, copy=True) for v in self.read_state()]
        self.run(0, 1)
        self.write_state(saved)

    def _compile(self) -> SharedFunction:
        p = self.problem
        net, tr = p.spec.network, p.spec.training
        n_params = len(p.params)
        carried = [*p.params, *p.state]
        on_numba = self.mode in (None, "NUMBA")
        mode = self.mode
        if on_numba:  # here, not at import: it imports Numba (~1 s)
            from xorlab.core.training.strategies.numba_setup import prepare_numba, scan_mode

            prepare_numba()
            mode = scan_mode(self.mode)
        numpy_tanh = on_numba and uses_large_tanh(p)
        if numpy_tanh:
            # Imported here: it imports Numba (~1 s), which the window need not wait for.
            from xorlab.core.training.strategies.numpy_tanh import with_numpy_tanh

        # Shape-free: no layer size enters the graph, so the compiled loop depends on the
        # network's structure only (layer count, activations, optimizer, data), and a net of
        # never-seen sizes reuses one compiled before: from core.function_cache in this
        # process, from Numba's disk cache in the next (PyTensor keys it on the graph's ops
        # and constants, and folded sizes were constants: every new size compiled ~15 s).
        initial = carried

        def step(Xb, yb, carried_now):
            params, state = carried_now[:n_params], carried_now[n_params:]
            cost, new_params, new_state = model.training_step(
                params, state, Xb, yb, p.learning_rate, net, tr
            )
            outputs = [cost, *new_params, *new_state]
            return with_numpy_tanh(outputs) if numpy_tanh else outputs

        if p.full_batch:
            n_steps = pt.lscalar("n_steps")
            X, y = pt.constant(np.ascontiguousarray(p.X)), pt.constant(np.ascontiguousarray(p.y))
            inputs = [n_steps]
            outputs = pytensor.scan(
                lambda *c: step(X, y, c),
                n_steps=n_steps,
                outputs_info=[None, *initial],
                return_updates=False,
            )
        else:
            positions = pt.lvector("positions")
            # Shared, not constants: a constant's static batch size of 1 trips a PyTensor
            # rewrite into logging errors (conflicting assumptions about a 1x1 matrix).
            Xs, ys = (pytensor.shared(np.ascontiguousarray(a)) for a in p.batch_data())
            self._tables = (Xs, ys)  # replaced each epoch when shuffling
            inputs = [positions]

            outputs = pytensor.scan(
                lambda pos, *c: step(Xs[pos], ys[pos], c),
                sequences=[positions],
                outputs_info=[None, *initial],
                return_updates=False,
            )
        costs, finals = outputs[0], outputs[1:]
        # On Numba, compiled to release the GIL (strategies/nogil_numba.py): the window draws
        # while a chunk trains (numpy's tanh is called without Python, see numpy_tanh.py).
        mode = releasing_gil(self.mode)
        self.releases_gil = runs_without_gil(mode)
        return compile_shared(
            inputs, [costs, *(seq[-1] for seq in finals)], mode, f"training_loop_{self.name}"
        )

    def set_batch_data(self, X: np.ndarray, y: np.ndarray) -> None:
        # Shared variables are inputs of the cached function, passed at each call.
        for table, value in zip(self._tables, (X, y), strict=True):
            table.set_value(np.ascontiguousarray(value, dtype=np.float64), borrow=True)

    def rebind(self, problem: LoopProblem) -> None:
        old = self.problem
        mapping = dict(
            zip(
                (*old.params, *old.state, old.learning_rate),
                (*problem.params, *problem.state, problem.learning_rate),
                strict=True,
            )
        )
        self._call = self._call.rebound(mapping)
        super().rebind(problem)

    def run(self, position: int, n_steps: int) -> np.ndarray:
        if n_steps <= 0:
            return np.empty(0)
        if self.problem.full_batch:
            costs, *finals = self._call(n_steps)
        else:
            spe = self.problem.steps_per_epoch
            costs, *finals = self._call((position + np.arange(n_steps)) % spe)
        # Owned copies: the shared variables then hold no storage of the compiled function.
        self.write_state([np.array(value, dtype=np.float64) for value in finals])
        return np.asarray(costs)


def native_code_cached(fn: object) -> bool:
    """Whether calling the compiled ``fn`` the first time loads machine code rather than
    compiling it: it ran before in this process, or Numba's disk cache holds an entry for
    its final function (PyTensor's linker keeps that dispatcher as ``fn.vm.jit_fn``). The
    final function's cache entry holds the code of everything it calls, so a hit there
    compiles nothing. Numba's cache index is private API: anything unexpected answers
    False (the caller then does without the loop, never compiles by mistake)."""
    try:
        dispatcher = fn.vm.jit_fn  # type: ignore[attr-defined]
        if dispatcher.signatures:  # compiled or loaded already (an earlier identical loop)
            return True
        return bool(dispatcher._cache._cache_file._load_index())
    except Exception:
        return False


def uses_large_tanh(problem: LoopProblem) -> bool:
    """Whether a tanh layer holds enough values per step for numpy's tanh to pay off."""
    from xorlab.core.training.strategies.numpy_tanh import MIN_VALUES, loop_available

    net = problem.spec.network
    return loop_available() and any(
        act == "tanh" and problem.batch_size * units >= MIN_VALUES
        for act, units in zip(net.activations, net.hidden, strict=True)
    )
