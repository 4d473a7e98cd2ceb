"""K training steps in one XLA call: the model's training step, converted to JAX by PyTensor,
inside a ``jax.lax.fori_loop`` whose trip count is an argument.

Why not PyTensor's scan on JAX (the loop this replaces): JAX compiles a scan once per length,
so serving any chunk meant a compile per block length (up to seven, ~1 s each), and PyTensor
rewrote the scan's graph twice (outer and inner) before any of them: a never-seen spiral net
reached full speed ~50 s after Train on a cold machine. Here the step graph (no scan) gets
PyTensor's rewrites once, ``jax_funcify`` turns it into a JAX function, and a ``fori_loop``
with a dynamic trip count runs it: one XLA compile serves every chunk of up to ``BLOCK``
steps, longer chunks are several calls. The costs come back in a buffer of ``BLOCK`` slots,
the first ``n`` of them written.

Every input has its full static shape (weights, state, one batch), so PyTensor folds shapes
to constants and JAX traces no shape arithmetic; the batch tables and the learning rate are
arguments, never constants: a shuffled epoch or a new rate does not recompile, and XLA's
persistent cache (jax_setup.py) keys on the network's structure and sizes, not on its data.
Sizes are in the compiled code: every new layer size compiles anew (~2 CPU-seconds), where
the shape-free scan on Numba reused one compiled for other sizes (but took 30-60 s cold).

Numbers: float64 throughout (x64 is switched on before tracing, and checked); the same step
graph as the other loops, so a run on this loop matches the numpy oracle to ~1e-15 per step.

Running ahead: XLA computes a call on its own thread (``tf_XLAEigen``), and JAX returns from
the call at once. Without more, that thread idles from the end of one chunk to the next call:
while the caller copies the results, makes a snapshot, posts it and, in the window, waits to
take the GIL back from a GUI thread that holds it through its painting. So each ``run``
starts the next chunk's first part (from the state it leaves) before it returns, as many
steps as the caller's time between runs lasted lately (``ahead_steps``); the next ``run``
uses it when it asks for at least those steps from that very state (the same values bit
for bit, batch, learning rate and batches), and otherwise drops it. A
chunk split into two calls is the same steps on the same compiled code, so the numbers are
the ones a single call gives.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable
from pytensor.graph.fg import FunctionGraph

from xorlab.core.training import model
from xorlab.core.training.engines import jax_available
from xorlab.core.training.function_cache import same_graph
from xorlab.core.training.strategies.base import LoopProblem, StrategyUnavailable, TrainingLoop

JAX_MISSING = "JAX is not installed: pip install jax"

# Steps one call can run: the size of the cost buffer each call fills (32 KB). A chunk of more
# steps is several calls, each one dispatch (~20-50 us) against BLOCK steps of >= 1 us.
BLOCK = 4096

# PyTensor's rewrites for the step before conversion: FAST_RUN's and the JAX backend's own
# (shape ops JAX can trace), without those JAX cannot run (C-only, BLAS, in-place). On the
# spiral's step they take ~0.5-0.9 s (PyTensor's scan on JAX: ~6.5 s, both at load ~5);
# XLA then fuses on its own.
REWRITES = ("fast_run", "jax")
EXCLUDED = ("cxx_only", "BlasOpt", "inplace", "local_careduce_fusion")

# A fixed share of a run's steps to run of the next chunk ahead instead of ``ahead_steps``'
# (0: none; None: ahead_steps). Read at every run: a bench compares in one process
# (bench/gui.py --compare-ahead), a test counts parts used and dropped whatever the clock.
AHEAD_SHARE: float | None = None
# At most this share of a run ahead: the worker cuts a chunk to end when a snapshot is due,
# to a quarter of its usual length at the least (app/pacing.py, DUE_TOLERANCE), and a part
# run ahead longer than the chunk asked for is dropped (its compute lost). In the window
# (bench/gui.py --compare-ahead, load 7-8) a half dropped 5-15% of its parts, a quarter
# 0-2%; the 2-64-64-64-1 net, whose snapshots take the worker ~5 ms, gained from a half.
MAX_AHEAD_SHARE = 0.5
# Whether a new loop sets XLA's threads nicer than the app's (jax_setup.lower_xla_threads).
LOWER_XLA_THREADS = True
GAP_MARGIN = 1.5  # run ahead that much longer than the gaps lately
GAP_SMOOTHING = 0.3  # weight of the newest gap
MAX_GAP_SECONDS = 0.05  # a longer gap is a pause, not the worker's work between chunks


def ahead_steps(n_steps: int, gap_seconds: float, step_seconds: float) -> int:
    """Steps to run ahead after a run of ``n_steps``: enough to keep XLA's thread computing
    through the caller's usual time between runs (``gap_seconds``, smoothed), at
    ``step_seconds`` a step, and at most MAX_AHEAD_SHARE of the run."""
    most = int(n_steps * MAX_AHEAD_SHARE)
    if step_seconds <= 0:
        return most
    return min(most, int(np.ceil(GAP_MARGIN * gap_seconds / step_seconds)))


@dataclass(eq=False)
class _Ahead:
    """The first part of the next chunk, started before the last ``run`` returned."""

    position: int  # its first step's batch
    steps: int
    start: tuple[np.ndarray, ...]  # the state it started from, as written to the variables
    learning_rate: np.float64
    tables: tuple[Any, Any]  # the batch tables it reads (compared by identity)
    costs: Any  # device buffer of BLOCK costs, the first ``steps`` written
    values: tuple[Any, ...]  # device arrays: the state after its steps

    def serves(
        self, position: int, n_steps: int, state: list[np.ndarray], lr: np.float64, tables
    ) -> bool:
        """Whether a chunk of ``n_steps`` from ``position`` on ``state`` begins with it."""
        return (
            position == self.position
            and n_steps >= self.steps
            and lr == self.learning_rate
            and tables is self.tables
            and len(state) == len(self.start)
            and all(_same(a, b) for a, b in zip(state, self.start, strict=True))
        )


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Bit for bit the same array (``a is b`` unless someone set the variable since)."""
    if a is b:
        return True
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


@dataclass(eq=False)
class _Compiled:
    """One jitted chunk function and the graph it was made from (for the in-process cache)."""

    inputs: tuple[Variable, ...]
    outputs: tuple[Variable, ...]
    chunk: Callable[..., Any]
    block: int  # the steps one call can run (its cost buffer's length)
    # Times JAX traced ``chunk`` (each trace is a compile): its dispatch cache keeps one entry
    # per kind of argument (numpy state, the device arrays a call before returned), one trace.
    traces: list[int]


# Jitted functions by computation, shared by every loop of the same network in the process
# (an edit back to an earlier shape, a sweep, the tests): converting and tracing again would
# cost ~1 s even when XLA's persistent cache holds the machine code.
_compiled: list[_Compiled] = []
_compiled_lock = threading.Lock()
MAX_COMPILED = 32


class JaxLoop(TrainingLoop):
    """The training step as one JAX function, ``n`` steps per XLA call (see the module
    docstring); compiled on construction, one XLA compile per network."""

    name = "jax"
    # XLA runs a call (up to BLOCK steps) without the GIL: the GUI's Python runs meanwhile
    # (another thread ran at 0.88 of its own speed during a spiral chunk; 0.69 beside the
    # scan on Numba). The scan on JAX this replaced made a Python call per 4**i steps and
    # was paced as holding the GIL.
    releases_gil = True

    def __init__(self, problem: LoopProblem):
        if not jax_available():
            raise StrategyUnavailable(JAX_MISSING)
        super().__init__(problem)
        from xorlab.core.training.strategies.jax_setup import prepare_jax

        self._jax = prepare_jax()
        compiled = _compiled_for(problem, self._jax)
        self._chunk, self.block = compiled.chunk, compiled.block
        self._ahead: _Ahead | None = None
        self.ahead_used = 0  # chunks begun by the part run ahead, and parts dropped (benches)
        self.ahead_dropped = 0
        self._returned: float | None = None  # when the last run returned (perf_counter)
        self._gap = 0.0  # the caller's time between runs, smoothed (for ahead_steps)
        self._step_seconds = 0.0  # a step's wall time in the last run
        self.set_batch_data(*problem.batch_data())
        # XLA compiles at the first call: make it now (0 steps: the state stays as it was).
        costs, _ = self._call(0, 0, tuple(self.read_state()))
        costs.block_until_ready()
        if LOWER_XLA_THREADS:
            from xorlab.core.training.strategies.jax_setup import lower_xla_threads

            lower_xla_threads()  # XLA's threads exist once it has run a call
        if costs.dtype != np.float64:  # x64 off: the numbers would not be the oracle's
            raise StrategyUnavailable(f"JAX computes in {costs.dtype}, not float64")

    def set_batch_data(self, X: np.ndarray, y: np.ndarray) -> None:
        # Device arrays made once per epoch order, not converted again at every call.
        jnp = self._jax.numpy
        self._tables = (
            jnp.asarray(np.ascontiguousarray(X, dtype=np.float64)),
            jnp.asarray(np.ascontiguousarray(y, dtype=np.float64)),
        )

    def _learning_rate(self) -> np.float64:
        return np.float64(self.problem.learning_rate.get_value(borrow=True))

    def _call(
        self, n_steps: int, position: int, values: tuple, lr: np.float64 | None = None
    ) -> tuple[Any, tuple]:
        lr = self._learning_rate() if lr is None else lr
        spe = self.problem.steps_per_epoch
        return self._chunk(n_steps, position, spe, *self._tables, values, lr)

    def run(self, position: int, n_steps: int) -> np.ndarray:
        if n_steps <= 0:
            return np.empty(0)
        started = time.perf_counter()
        if self._returned is not None:
            gap = min(started - self._returned, MAX_GAP_SECONDS)
            self._gap += GAP_SMOOTHING * (gap - self._gap)
        spe = self.problem.steps_per_epoch
        state = self.read_state()
        lr = self._learning_rate()
        ahead, self._ahead = self._ahead, None
        calls: list[tuple[Any, int]] = []  # (cost buffer, its steps), in order
        values, done = tuple(state), 0
        if ahead is not None:
            if ahead.serves(position, n_steps, state, lr, self._tables):
                calls.append((ahead.costs, ahead.steps))
                values, done = ahead.values, ahead.steps
                self.ahead_used += 1
            else:
                self.ahead_dropped += 1
        # Every call is queued before any result is read: XLA chains them on its thread.
        for start in range(done, n_steps, self.block):
            n = min(self.block, n_steps - start)
            buffer, values = self._call(n, (position + start) % spe, values, lr)
            calls.append((buffer, n))
        if not self.runs_ahead:  # another loop's chunk comes next (base.TrainingLoop)
            next_steps = 0
        elif AHEAD_SHARE is None:
            next_steps = ahead_steps(n_steps, self._gap, self._step_seconds)
        else:
            next_steps = int(n_steps * AHEAD_SHARE)
        self._run_ahead((position + n_steps) % spe, next_steps, values, lr)
        costs = np.concatenate([np.asarray(buffer)[:n] for buffer, n in calls])
        # Copies: JAX hands back read-only buffers the other compiled functions cannot take.
        written = [np.array(value, dtype=np.float64) for value in values]
        self.write_state(written)
        if self._ahead is not None:
            self._ahead.start = tuple(written)
        self._returned = time.perf_counter()
        if n_steps > done:  # the steps this call computed (a part run ahead began before)
            self._step_seconds = (self._returned - started) / (n_steps - done)
        return costs

    def _run_ahead(self, position: int, n_steps: int, values: tuple, lr: np.float64) -> None:
        """Start the next chunk's first ``n_steps`` (see the module docstring). Not across an
        epoch's end when each epoch has its own order: the next epoch's batches differ."""
        if self.problem.shuffle:
            n_steps = min(n_steps, self.problem.steps_per_epoch - position)
        n_steps = min(n_steps, self.block)
        if n_steps <= 0:
            return
        costs, after = self._call(n_steps, position, values, lr)
        self._ahead = _Ahead(position, n_steps, (), lr, self._tables, costs, after)


def _compiled_for(problem: LoopProblem, jax: Any) -> _Compiled:
    """The jitted ``chunk(n, position, steps_per_epoch, X_table, y_table, values, lr) ->
    (costs, values)``, n <= its block,
    for ``problem``'s network, from the in-process cache when the same computation was
    compiled before."""
    inputs, outputs = _step_graph(problem)
    with _compiled_lock:
        for entry in _compiled:
            if same_graph(entry.inputs, entry.outputs, inputs, outputs):
                return entry
    traces = [0]
    entry = _Compiled(
        inputs, outputs, _jit_chunk(inputs, outputs, jax, BLOCK, traces), BLOCK, traces
    )
    with _compiled_lock:
        _compiled.append(entry)
        del _compiled[:-MAX_COMPILED]
    return entry


def _static(value: np.ndarray, name: str) -> Variable:
    return pt.tensor(name, dtype="float64", shape=np.shape(value))


def _step_graph(problem: LoopProblem) -> tuple[tuple[Variable, ...], tuple[Variable, ...]]:
    """The training step on stand-ins of static shape: inputs (X, y, params, state, lr),
    outputs (cost, new params, new state)."""
    Xs, ys = problem.batch_data()
    X, y = _static(Xs[0], "X"), _static(ys[0], "y")
    params = [_static(v.get_value(borrow=True), v.name or "w") for v in problem.params]
    state = [_static(v.get_value(borrow=True), v.name or "s") for v in problem.state]
    lr = pt.scalar("learning_rate", dtype="float64")
    spec = problem.spec
    cost, new_params, new_state = model.training_step(
        params, state, X, y, lr, spec.network, spec.training
    )
    return (X, y, *params, *state, lr), (cost, *new_params, *new_state)


def _jit_chunk(
    inputs: tuple[Variable, ...],
    outputs: tuple[Variable, ...],
    jax: Any,
    block: int,
    traces: list[int],
) -> Callable[..., Any]:
    from pytensor.compile.mode import optdb
    from pytensor.graph.rewriting.db import RewriteDatabaseQuery
    from pytensor.link.jax.dispatch import jax_funcify

    # Cloned: the cache keeps the graph as built, for comparing later requests with it.
    graph = FunctionGraph(list(inputs), list(outputs), clone=True)
    optdb.query(RewriteDatabaseQuery(include=list(REWRITES), exclude=list(EXCLUDED))).rewrite(graph)
    step = jax_funcify(graph)
    jnp, lax = jax.numpy, jax.lax

    # Everything but the step is an argument: loops of the same step on other data share it.
    def chunk(n, position, spe, X_table, y_table, values, lr):
        traces[0] += 1  # Python runs only while JAX traces

        def body(k, carry):
            costs, values = carry
            batch = (position + k) % spe
            cost, *new_values = step(X_table[batch], y_table[batch], *values, lr)
            return costs.at[k].set(cost), tuple(new_values)

        return lax.fori_loop(0, n, body, (jnp.zeros(block, dtype=jnp.float64), tuple(values)))

    return jax.jit(chunk)
