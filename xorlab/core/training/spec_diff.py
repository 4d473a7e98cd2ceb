"""What sets one experiment apart from another, in a few words for a curve's legend.

An earlier run's cost curve stays on the plot labelled by how its spec differs from the
current one ("lr 0.5", "seed 3", "hidden 4-2"), so a learner comparing runs reads the cause of
each difference off the legend.
"""

from __future__ import annotations

from collections.abc import Callable

from xorlab.core.training.datasets import POINT_SETS
from xorlab.core.training.spec import ExperimentSpec

SAME = "same settings"
MAX_PARTS = 3


def _g(value: float) -> str:
    return f"{value:g}"


def _schedule(spec: ExperimentSpec) -> str:
    tr = spec.training
    if tr.schedule == "full":
        return "full batch"
    if tr.schedule == "sample":
        return "per sample"
    return f"batches of {tr.batch_size}"


# (what it is called, how to read it off a spec); in the order a learner changes them.
_PARTS: tuple[tuple[str, Callable[[ExperimentSpec], str]], ...] = (
    ("lr", lambda s: f"lr {_g(s.training.learning_rate)}"),
    ("seed", lambda s: f"seed {s.network.seed}"),
    ("hidden", lambda s: "hidden " + "-".join(str(n) for n in s.network.hidden)),
    ("activations", lambda s: "/".join(s.network.activations)),
    ("output", lambda s: f"{s.network.output_activation} output"),
    ("bias", lambda s: "bias" if s.network.bias else "no bias"),
    ("init", lambda s: f"init {s.network.init}"),
    ("optimizer", lambda s: s.training.optimizer),
    ("momentum", lambda s: f"momentum {_g(s.training.momentum)}"),
    ("cost", lambda s: f"cost {s.training.cost}"),
    ("schedule", _schedule),
    ("l2", lambda s: f"L2 {_g(s.training.l2)}"),
    ("l1", lambda s: f"L1 {_g(s.training.l1)}"),
    ("test split", lambda s: f"test split {_g(s.dataset.test_fraction)}"),
    ("epochs", lambda s: f"{s.training.epochs:,} epochs"),
    ("dataset", lambda s: f"data {s.dataset.name}"),
    ("size", lambda s: f"{s.dataset.size} points"),
    ("noise", lambda s: f"noise {_g(s.dataset.noise)}"),
    ("data seed", lambda s: f"data seed {s.dataset.seed}"),
    ("file", lambda s: f"file {s.dataset.path.rsplit('/', 1)[-1]}"),
)


def _relevant(name: str, spec: ExperimentSpec) -> bool:
    """Fields that do not apply (momentum without momentum, point-set options of a truth
    table) would only add noise to a label."""
    if name == "momentum":
        return spec.training.optimizer == "momentum"
    if name in ("size", "noise", "data seed"):
        return spec.dataset.name in POINT_SETS
    if name == "file":
        return spec.dataset.name == "csv"
    return True


def describe_difference(run: ExperimentSpec, current: ExperimentSpec) -> str:
    """``run``'s settings where they differ from ``current``, e.g. "lr 0.5, seed 3";
    ``SAME`` when nothing that matters differs. At most three parts, then "+k more"."""
    parts = [
        read(run)
        for name, read in _PARTS
        if read(run) != read(current) and (_relevant(name, run) or _relevant(name, current))
    ]
    if not parts:
        return SAME
    if len(parts) > MAX_PARTS:
        extra = len(parts) - MAX_PARTS
        parts = [*parts[:MAX_PARTS], f"+{extra} more"]
    return ", ".join(parts)
