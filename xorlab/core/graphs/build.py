"""Which graph (forward output, cost, gradient, training step) x which stage (symbolic, optimized)
-> a GraphView: DOT text, debugprint text, stats and an inspectable record per node.

Symbolic graphs are the expressions as model.py builds them, before any rewrite. Optimized
graphs are the ``maker.fgraph`` of the function as PyTensor compiles it, what actually runs
(the training step's is ``trainer.step_fn``'s), rewritten but never linked: no machine code.

Threads: build graphs on the thread that owns the trainer. Optimized views compile functions
and every view reads the current weights; neither is safe while another thread trains. The
GraphView that comes back is plain data (copies only) and may go to any thread.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from pytensor.compile.maker import FunctionMaker
from pytensor.compile.mode import get_mode
from pytensor.compile.rebuild import construct_function_ins_and_outs
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Variable
from pytensor.graph.traversal import toposort

from xorlab.core.first_imports import import_numba_for
from xorlab.core.graphs.choices import EXPRESSION_PARTS, STAGES, TARGETS
from xorlab.core.graphs.nodes import EdgeInfo, NodeInfo
from xorlab.core.graphs.stats import GraphStats, RewriteComparison, compare
from xorlab.core.graphs.view import GraphError, GraphView, graph_from_function, graph_from_outputs
from xorlab.core.training.trainer import Trainer

__all__ = [
    "EXPRESSION_PARTS",
    "STAGES",
    "TARGETS",
    "EdgeInfo",
    "GraphError",
    "GraphStats",
    "GraphView",
    "NodeInfo",
    "RewriteComparison",
    "build_graph",
    "compare",
    "compile_mode_name",
    "graph_from_function",
    "graph_from_outputs",
    "expression_op_count",
    "graph_of_expression",
    "rewrite_comparison",
    "with_current_values",
]


# --- the network's graphs ----------------------------------------------------------------------


@dataclass
class _TrainerGraphs:
    """Per-trainer cache: compiled per-target functions and built views (structure only)."""

    functions: dict[str, FunctionMaker] = field(default_factory=dict)
    train_outputs: tuple[list[Variable], list[SharedVariable | None]] | None = None
    views: dict[tuple[str, str, int | str], GraphView] = field(default_factory=dict)


_CACHE: weakref.WeakKeyDictionary[Any, _TrainerGraphs] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def _cache_for(owner: Any) -> _TrainerGraphs:
    with _CACHE_LOCK:
        entry = _CACHE.get(owner)
        if entry is None:
            entry = _CACHE[owner] = _TrainerGraphs()
        return entry


def build_graph(trainer: Trainer, target: str, stage: str, param: int = 0) -> GraphView:
    """The ``target`` graph (a TARGETS key) of ``trainer`` at ``stage`` (a STAGES key).

    ``param`` picks the weight matrix (0 for W1) for the 'grad' target. The first optimized
    view of a target compiles a function (about a second); views are cached per trainer and
    only the shared values are refreshed on later calls. Call on the trainer's thread.
    """
    _check_choice("target", target, TARGETS)
    _check_choice("stage", stage, STAGES)
    _check_param(trainer, target, param)
    key = (target, stage, param if target == "grad" else 0)
    cache = _cache_for(trainer)
    view = cache.views.get(key)
    if view is None:
        view = cache.views[key] = _build(trainer, cache, *key)
    return with_current_values(view, trainer)


def rewrite_comparison(trainer: Trainer, target: str, param: int = 0) -> RewriteComparison:
    """What PyTensor's rewrites did to ``target``: symbolic stats against optimized."""
    return compare(
        build_graph(trainer, target, "symbolic", param).stats,
        build_graph(trainer, target, "optimized", param).stats,
    )


def with_current_values(view: GraphView, trainer: Trainer) -> GraphView:
    """``view`` with fresh copies of the trainer's shared values (weights, optimizer state)."""
    shared = {v.name: v for v in (*trainer.params, *trainer.state, trainer.learning_rate)}
    nodes = dict(view.nodes)
    for node_id, info in view.nodes.items():
        var = shared.get(info.names[0]) if info.category == "shared" else None
        if var is not None:
            nodes[node_id] = replace(info, value=np.array(var.get_value(borrow=True), copy=True))
    return replace(view, nodes=nodes)


def symbolic_outputs(
    trainer: Trainer, target: str, param: int = 0
) -> tuple[list[Variable], list[str], list[SharedVariable | None]]:
    """The outputs of ``target``'s symbolic graph, their names and the shared variable each
    updates (None but for the training step): what build_graph draws and graph_values
    evaluates, the same variables, so their node ids agree."""
    _check_choice("target", target, TARGETS)
    _check_param(trainer, target, param)
    if target == "train":
        outputs, updates = _train_outputs(trainer, _cache_for(trainer))
        names = [f"update of {u.name}" if u is not None else "cost" for u in updates]
        return outputs, names, updates
    sym = trainer.symbolic
    output, name = {
        "output": (sym.output, "output"),
        "cost": (sym.cost, "cost"),
        "grad": (sym.grads[param], f"d cost / d {trainer.params[param].name}"),
    }[target]
    return [output], [name], [None]


def _check_param(trainer: Trainer, target: str, param: int) -> None:
    n_params = len(trainer.params)
    if target == "grad" and not 0 <= param < n_params:
        raise GraphError(
            f"param {param} does not exist: this network has {n_params} weight matrices "
            f"(0 to {n_params - 1})"
        )


def _check_choice(what: str, value: str, choices: dict[str, str]) -> None:
    if value not in choices:
        raise GraphError(f"unknown {what} '{value}'; choose one of: {', '.join(choices)}")


def _build(
    trainer: Trainer, cache: _TrainerGraphs, target: str, stage: str, param: int
) -> GraphView:
    weight = trainer.params[param].name
    label = f"d cost / d {weight}"
    title = {
        "output": "Forward pass",
        "cost": "Cost",
        "grad": f"Gradient {label}",
        "train": "Training step",
    }[target] + f" ({stage})"
    if stage == "symbolic":
        outputs, names, updates = symbolic_outputs(trainer, target, param)
        return graph_from_outputs(outputs, names, updates=updates, title=title, target=target)
    fn = _compiled(trainer, cache, target, param)
    name = {"output": "output", "cost": "cost", "grad": label, "train": "cost"}[target]
    return graph_from_function(
        fn, [name], title=f"{title}, {_mode_name(trainer, fn)}", target=target
    )


def _train_outputs(
    trainer: Trainer, cache: _TrainerGraphs
) -> tuple[list[Variable], list[SharedVariable | None]]:
    """The step's cost and update expressions, rebuilt exactly as step_fn compiles them."""
    if cache.train_outputs is None:
        cost, new_params, new_state = trainer.step_expressions()
        cost.name = "cost"
        outputs = [cost, *new_params, *new_state]
        cache.train_outputs = (outputs, [None, *trainer.params, *trainer.state])
    return cache.train_outputs


def _compiled(trainer: Trainer, cache: _TrainerGraphs, target: str, param: int) -> FunctionMaker:
    """The target's function as compiled in the trainer's mode, rewritten but not linked.

    Linking is what makes machine code (Numba's, which it keeps for good), and the view only
    needs the rewritten graph: the same one a compile gives (the training step's is
    trainer.step_fn's, which single steps would run), without new native code for every
    trainer the Graph tab shows."""
    key = target if target in ("cost", "output", "train") else f"grad{param}"
    maker = cache.functions.get(key)
    if maker is None:
        sym = trainer.symbolic
        inputs = [sym.X] if target == "output" else [sym.X, sym.y]
        updates: list = []
        if target == "train":
            outputs, updated = _train_outputs(trainer, cache)
            output = outputs[0]
            updates = list(zip(updated[1:], outputs[1:], strict=True))
            name = "training_step"
        else:
            output = {"cost": sym.cost, "output": sym.output}.get(target)
            output = sym.grads[param] if output is None else output
            name = "predict" if target == "output" else key
        maker = cache.functions[key] = _rewritten(inputs, output, updates, trainer.mode, name)
    return maker


def _rewritten(
    inputs: list[Variable], output: Variable, updates: list, mode: str | None, name: str
) -> FunctionMaker:
    """What pytensor.function does before linking (pytensor.compile.maker.function)."""
    ins, outs = construct_function_ins_and_outs(
        inputs,
        output,
        updates=updates,
        givens=None,
        no_default_updates=False,
        rebuild_strict=True,
        allow_input_downcast=None,
    )
    import_numba_for(mode)  # the Graph tab rewrites on its own thread
    chosen = get_mode(mode)
    return chosen.function_maker(
        ins,
        outs,
        chosen,
        accept_inplace=False,
        profile=None,
        on_unused_input="ignore",
        name=name,
        trust_input=False,
    )


def _mode_name(trainer: Trainer, maker: FunctionMaker) -> str:
    return compile_mode_name(trainer.mode, maker.linker)


def compile_mode_name(mode: str | None, linker: object | None = None) -> str:
    """How the optimized views compile a trainer's functions, in words: its mode, or
    PyTensor's default mode with that mode's linker ("default mode, Numba linker"). Not the
    loop training runs on: the engine compiles its own (fused, jax, scan; the quick tier)."""
    if mode is not None:
        return f"mode {mode}"
    linker = linker if linker is not None else get_mode(None).linker
    return f"default mode, {type(linker).__name__.removesuffix('Linker')} linker"


# --- the expression lab's graphs ---------------------------------------------------------------


def graph_of_expression(
    expression: Any, which: str = "f", stage: str = "symbolic", *, with_text: bool = True
) -> GraphView:
    """The graph of an expression.Expression: ``which`` is 'f', 'df' (its derivative) or
    'both'. The optimized graph is that of ``expression.rewritten_scalar`` (rewritten once).
    ``with_text=False``: no debugprint text (``text`` is ''), for a view that shows none."""
    from xorlab.core.expression import expression as expression_module

    if which not in EXPRESSION_PARTS:
        raise GraphError(f"unknown part '{which}'; choose one of: {', '.join(EXPRESSION_PARTS)}")
    _check_choice("stage", stage, STAGES)
    names = ["f(x)", "f'(x)"]
    chosen = {"f": [0], "df": [1], "both": [0, 1]}[which]
    title = f"{' and '.join(names[i] for i in chosen)} of {expression.text} ({stage})"
    cache = _cache_for(expression)
    key = ("expression", stage, which, with_text)
    # A view with its text serves a request without.
    view = cache.views.get(key) or cache.views.get(("expression", stage, which, True))
    if view is None:
        if stage == "symbolic":
            outputs = [(expression.f, expression.df)[i] for i in chosen]
            view = graph_from_outputs(
                outputs,
                [names[i] for i in chosen],
                title=title,
                target="expression",
                with_text=with_text,
            )
        else:
            fn = expression_module.rewritten_scalar(expression)
            select = None if which == "both" else chosen
            view = graph_from_function(
                fn, names, select=select, title=title, target="expression", with_text=with_text
            )
        cache.views[key] = view
    return view


def expression_op_count(expression: Any, which: str = "f", stage: str = "symbolic") -> int:
    """How many ops ``graph_of_expression(expression, which, stage)`` has (its
    ``stats.apply_nodes``), counted without building the view when it is not built yet: a
    message about a graph too big to draw names the parts that fit."""
    from xorlab.core.expression import expression as expression_module
    from xorlab.core.graphs.view import _ancestor_applies

    if which not in EXPRESSION_PARTS:
        raise GraphError(f"unknown part '{which}'; choose one of: {', '.join(EXPRESSION_PARTS)}")
    _check_choice("stage", stage, STAGES)
    views = _cache_for(expression).views
    view = views.get(("expression", stage, which, False)) or views.get(
        ("expression", stage, which, True)
    )
    if view is not None:
        return view.stats.apply_nodes
    if stage == "symbolic":
        outputs = {
            "f": [expression.f],
            "df": [expression.df],
            "both": [expression.f, expression.df],
        }
        return sum(1 for _ in toposort(outputs[which]))
    fgraph = expression_module.rewritten_scalar(expression).fgraph
    chosen = {"f": [0], "df": [1], "both": [0, 1]}[which]
    return len(_ancestor_applies([fgraph.outputs[i] for i in chosen]))
