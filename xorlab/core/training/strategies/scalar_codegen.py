"""Python source of a Numba training loop from unrolled step expressions, and its compiled,
disk-cached function.

The source is written to a file named by its hash under PyTensor's compile directory and
imported from there, so Numba's own cache (``cache=True``) finds it in the next process and
a warm compile is a file load.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytensor

from xorlab.core.training.strategies.scalar_graph import (
    HELPERS_SOURCE,
    OPS,
    ScalarGraph,
    Sym,
    Value,
)

# Bump when the generated source's meaning changes, so stale cache files are not reused.
CODEGEN_VERSION = 1


def _literal(v: Value) -> str:
    if isinstance(v, bool):
        return repr(v)
    v = float(v)
    if math.isnan(v):
        return "math.nan"
    if math.isinf(v):
        return "math.inf" if v > 0 else "(-math.inf)"
    return f"({v!r})"


def _name(graph: ScalarGraph, v: Value) -> str:
    if isinstance(v, Sym):
        return graph.names.get(v.id, f"t{v.id}")
    return _literal(v)


def _reachable(graph: ScalarGraph, outputs: Sequence[Value]) -> list[int]:
    """Ids of the non-input nodes the outputs need, in creation (topological) order."""
    seen: set[int] = set()
    stack = [v.id for v in outputs if isinstance(v, Sym)]
    while stack:
        i = stack.pop()
        if i in seen:
            continue
        seen.add(i)
        op, args = graph.nodes[i]
        if op != "input":
            stack.extend(a.id for a in args if isinstance(a, Sym))
    return sorted(i for i in seen if graph.nodes[i][0] != "input")


def step_lines(graph: ScalarGraph, outputs: Sequence[Value], indent: str) -> list[str]:
    """Straight-line assignments computing ``outputs`` into out0, out1, ..."""
    lines = []
    for i in _reachable(graph, outputs):
        op, args = graph.nodes[i]
        expr = OPS[op][1].format(*(_name(graph, a) for a in args))
        lines.append(f"{indent}t{i} = {expr}")
    for k, v in enumerate(outputs):
        lines.append(f"{indent}out{k} = {_name(graph, v)}")
    return lines


def loop_source(
    graph: ScalarGraph,
    variants: Sequence[Sequence[Value]],
    n_state: int,
    data_names: Sequence[str],
) -> str:
    """A function ``train(state, data, lr, position, n_steps, costs)``.

    ``variants[p]`` are the outputs (cost, new state...) of a step on batch position p; a
    single variant serves every position, reading its sample values ``data_names`` from
    ``data[position]``. ``state`` is read at the start and written back at the end.
    """
    spe = len(variants)
    head = [
        "import math",
        "from numba import njit",
        HELPERS_SOURCE,
        "",
        # nogil: a chunk runs for ~10 ms on the worker thread; holding the GIL that long
        # starves the GUI thread's slots and repaints.
        '@njit(cache=True, nogil=True, error_model="numpy")',
        "def train(state, data, lr, position, n_steps, costs):",
        *(f"    s{j} = state[{j}]" for j in range(n_state)),
        "    pos = position",
        "    for k in range(n_steps):",
    ]
    body: list[str] = []
    news = ", ".join(f"out{j + 1}" for j in range(n_state))
    olds = ", ".join(f"s{j}" for j in range(n_state))
    for p, outputs in enumerate(variants):
        indent = "        "
        if spe > 1:
            body.append(f"        {'if' if p == 0 else 'elif'} pos == {p}:")
            indent += "    "
        body += [f"{indent}{name} = data[pos, {j}]" for j, name in enumerate(data_names)]
        body += step_lines(graph, outputs, indent)
    tail = [
        "        costs[k] = out0",
        f"        {olds}{',' if n_state == 1 else ''} = {news}{',' if n_state == 1 else ''}",
        "        pos += 1",
        f"        if pos == {max(spe, 1) if not data_names else 'data.shape[0]'}:",
        "            pos = 0",
        *(f"    state[{j}] = s{j}" for j in range(n_state)),
        "",
    ]
    return "\n".join(head + body + tail)


def cache_dir() -> Path:
    return Path(pytensor.config.compiledir) / "xorlab_fused"


def compile_source(source: str) -> Callable:
    """Import ``source`` from a file named by its hash and return its ``train`` function."""
    digest = hashlib.sha256(f"{CODEGEN_VERSION}\n{source}".encode()).hexdigest()[:24]
    module_name = f"xorlab_fused_{digest}"
    if module_name in sys.modules:
        return sys.modules[module_name].train
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{module_name}.py"
    if not path.exists():
        # Atomic: another process may be importing the same file right now.
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(source)
        os.replace(tmp, path)
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[module_name] = module
    return module.train
