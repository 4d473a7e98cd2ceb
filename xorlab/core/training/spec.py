"""What an experiment is: frozen dataclasses for the dataset, network and training, and
``validate`` which turns any field's bad value into a readable message naming the field.

Specs are plain data so the GUI can bind widgets to them, experiments can be saved as JSON,
and the worker thread can rebuild a trainer from one without sharing mutable state.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

ACTIVATIONS = ("sigmoid", "tanh", "relu", "softplus", "linear")
INITS = ("uniform", "rand", "glorot")
COSTS = ("sse", "mse", "bce")
OPTIMIZERS = ("sgd", "momentum", "adam")
SCHEDULES = ("full", "sample", "minibatch")
# Input features for 2-D data (core.training.features); the raw inputs are the default.
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
RAW_FEATURES = ("x1", "x2")
# Datasets that have exactly two inputs, the only ones features apply to (CSV is checked
# when it is read).
TWO_INPUT_DATASETS = (
    "xor",
    "xor-beginner",
    "and",
    "or",
    "nand",
    "nor",
    "xnor",
    "circle",
    "gaussians",
    "spiral",
    "xor-quadrants",
    "plane",
    "gaussian-bumps",
)
# Regression datasets (real-valued targets): cross-entropy does not apply.
REGRESSION_DATASETS = ("plane", "gaussian-bumps")

INIT_LABELS = {
    "uniform": "uniform(-1, 1)",
    "rand": "uniform[0, 1) (rand)",
    "glorot": "Glorot uniform",
}
COST_LABELS = {
    "sse": "sum of squared errors",
    "mse": "mean squared error",
    "bce": "binary cross-entropy",
}
OPTIMIZER_LABELS = {"sgd": "gradient descent", "momentum": "momentum", "adam": "Adam"}
SCHEDULE_LABELS = {
    "full": "full batch",
    "sample": "per sample, in dataset order",
    "minibatch": "mini-batches",
}

MAX_NEURONS = 64
# Deeper nets work but compile for tens of seconds and rarely teach more here.
MAX_LAYERS = 16
MAX_EPOCHS = 100_000_000
MAX_SEED = 2**32 - 1
# At least a tenth of the samples stays to train on.
MAX_TEST_FRACTION = 0.9


@dataclass(frozen=True)
class DatasetSpec:
    """Which training data: a named truth table or point set, or a CSV file."""

    name: str = "xor"
    size: int = 200  # point sets only
    noise: float = 0.1  # point sets only
    seed: int = 0  # point sets only
    path: str = ""  # csv only
    # Share of the samples held out to measure generalization (point sets and CSV only);
    # which ones is drawn from ``seed``. 0 trains on everything, as the tutorials do.
    test_fraction: float = 0.0


@dataclass(frozen=True)
class NetworkSpec:
    """Layer sizes and activations; the input and output sizes come from the dataset."""

    hidden: tuple[int, ...] = (3,)
    activations: tuple[str, ...] = ("sigmoid",)
    output_activation: str = "sigmoid"
    bias: bool = False
    init: str = "uniform"
    seed: int = 1234
    # What enters the first layer: the raw inputs by default, or features of 2-D inputs.
    features: tuple[str, ...] = RAW_FEATURES


@dataclass(frozen=True)
class TrainingSpec:
    """How the weights are fitted. An epoch is one pass over the training set."""

    cost: str = "sse"
    optimizer: str = "sgd"
    learning_rate: float = 0.01
    momentum: float = 0.9
    schedule: str = "full"
    batch_size: int = 4
    shuffle: bool = False  # a new seeded sample order every epoch (sample/minibatch only)
    l2: float = 0.0
    l1: float = 0.0  # the L1 penalty's factor (bias rows are not penalised, as for L2)
    epochs: int = 60_000
    log_every: int = 10_000  # epochs between progress lines, as the tutorials print them
    # Stop conditions (core.training.stop_rules); 0 turns each off.
    target_cost: float = 0.0
    plateau_epochs: int = 0
    plateau_tolerance: float = 0.001  # relative improvement the plateau rule asks for


@dataclass(frozen=True)
class ExperimentSpec:
    dataset: DatasetSpec = field(default_factory=DatasetSpec)
    network: NetworkSpec = field(default_factory=NetworkSpec)
    training: TrainingSpec = field(default_factory=TrainingSpec)

    def with_changes(self, **parts: Any) -> ExperimentSpec:
        """Return a copy with ``dataset=``, ``network=`` or ``training=`` field dicts merged in."""
        merged = {}
        for name, changes in parts.items():
            merged[name] = replace(getattr(self, name), **changes)
        return replace(self, **merged)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["network"]["hidden"] = list(self.network.hidden)
        data["network"]["activations"] = list(self.network.activations)
        data["network"]["features"] = list(self.network.features)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExperimentSpec:
        """Build a spec from plain data, raising SpecError for unknown keys or wrong types."""
        if not isinstance(data, dict):
            raise SpecError([FieldError("spec", "must be an object")])
        errors: list[FieldError] = []
        parts: dict[str, Any] = {}
        for part_name, part_cls in (
            ("dataset", DatasetSpec),
            ("network", NetworkSpec),
            ("training", TrainingSpec),
        ):
            raw = data.get(part_name, {})
            if not isinstance(raw, dict):
                errors.append(FieldError(part_name, "must be an object"))
                continue
            parts[part_name] = _part_from_dict(part_name, part_cls, raw, errors)
        unknown = set(data) - {"dataset", "network", "training"}
        errors += [FieldError(key, "unknown section") for key in sorted(unknown)]
        if errors:
            raise SpecError(errors)
        return cls(**parts)


@dataclass(frozen=True)
class FieldError:
    """A problem with one field, ``field`` being a dotted path such as ``network.hidden``."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class SpecError(ValueError):
    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "int": int,
    "float": (int, float),
    "str": str,
    "bool": bool,
}


def _part_from_dict(
    part_name: str, part_cls: type, raw: dict[str, Any], errors: list[FieldError]
) -> Any:
    known = {f.name: f for f in fields(part_cls)}
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        path = f"{part_name}.{key}"
        if key not in known:
            errors.append(FieldError(path, "unknown field"))
            continue
        kind = str(known[key].type)
        if kind.startswith("tuple"):
            item_type: type = int if "int" in kind else str
            if not isinstance(value, (list, tuple)) or not all(
                isinstance(v, item_type) and not isinstance(v, bool) for v in value
            ):
                errors.append(FieldError(path, f"must be a list of {item_type.__name__}"))
                continue
            value = tuple(value)
        else:
            expected = _FIELD_TYPES[kind]
            is_bool = isinstance(value, bool)
            if not isinstance(value, expected) or (is_bool and kind != "bool"):
                errors.append(FieldError(path, f"must be of type {kind}"))
                continue
            if kind == "float":
                value = float(value)
        kwargs[key] = value
    return part_cls(**kwargs)


def _check_choice(errors: list[FieldError], path: str, value: str, choices: tuple[str, ...]):
    if value not in choices:
        errors.append(FieldError(path, f"'{value}' is not one of {', '.join(choices)}"))


def _check_number(
    errors: list[FieldError],
    path: str,
    value: float,
    low: float,
    high: float,
    *,
    low_open: bool = False,
) -> None:
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int beyond float range
        errors.append(
            FieldError(path, f"must be at most {exact(high)}, got {len(str(value))} digits")
        )
        return
    if not finite:
        errors.append(FieldError(path, "must be a finite number"))
    elif value < low or (low_open and value == low) or value > high:
        left = "(" if low_open else "["
        errors.append(
            FieldError(path, f"must be in {left}{exact(low)}, {exact(high)}], got {exact(value)}")
        )


def exact(value: float) -> str:
    """``value`` as short as ``:g`` where that is exact, else every digit it needs, so a
    message never shows a bound and a value that look alike (1e+08 vs 100000001)."""
    short = f"{value:g}"
    if float(short) == value:
        return short
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _check_features(errors: list[FieldError], features: tuple[str, ...], dataset: str) -> None:
    if not features:
        errors.append(FieldError("network.features", "needs at least one feature"))
        return
    for name in features:
        _check_choice(errors, "network.features", name, FEATURES)
    if len(set(features)) != len(features):
        errors.append(FieldError("network.features", "lists a feature twice"))
    if tuple(features) != RAW_FEATURES and dataset not in (*TWO_INPUT_DATASETS, "csv"):
        errors.append(
            FieldError("network.features", f"features need two inputs; '{dataset}' has more")
        )


def validate(spec: ExperimentSpec) -> list[FieldError]:
    """Every problem with the spec as a readable message; an empty list means it can train.

    Dataset availability (a CSV that cannot be read) is checked when the data is loaded.
    """
    errors: list[FieldError] = []
    net, tr, ds = spec.network, spec.training, spec.dataset
    if not 1 <= len(net.hidden) <= MAX_LAYERS:
        errors.append(
            FieldError(
                "network.hidden", f"needs 1 to {MAX_LAYERS} hidden layers, got {len(net.hidden)}"
            )
        )
    for i, size in enumerate(net.hidden):
        if not 1 <= size <= MAX_NEURONS:
            errors.append(
                FieldError(f"network.hidden[{i}]", f"needs 1 to {MAX_NEURONS} neurons, got {size}")
            )
    if len(net.activations) != len(net.hidden):
        errors.append(FieldError("network.activations", "needs one activation per hidden layer"))
    for i, act in enumerate(net.activations):
        _check_choice(errors, f"network.activations[{i}]", act, ACTIVATIONS)
    _check_choice(errors, "network.output_activation", net.output_activation, ACTIVATIONS)
    _check_choice(errors, "network.init", net.init, INITS)
    _check_features(errors, net.features, spec.dataset.name)
    _check_number(errors, "network.seed", net.seed, 0, MAX_SEED)
    _check_choice(errors, "training.cost", tr.cost, COSTS)
    _check_choice(errors, "training.optimizer", tr.optimizer, OPTIMIZERS)
    _check_choice(errors, "training.schedule", tr.schedule, SCHEDULES)
    _check_number(errors, "training.learning_rate", tr.learning_rate, 0.0, 1e6, low_open=True)
    _check_number(errors, "training.momentum", tr.momentum, 0.0, 0.9999)
    _check_number(errors, "training.l2", tr.l2, 0.0, 10.0)
    _check_number(errors, "training.l1", tr.l1, 0.0, 10.0)
    _check_number(errors, "training.batch_size", tr.batch_size, 1, 100_000)
    _check_number(errors, "training.epochs", tr.epochs, 1, MAX_EPOCHS)
    _check_number(errors, "training.log_every", tr.log_every, 1, MAX_EPOCHS)
    _check_number(errors, "training.target_cost", tr.target_cost, 0.0, 1e6)
    _check_number(errors, "training.plateau_epochs", tr.plateau_epochs, 0, MAX_EPOCHS)
    _check_number(errors, "training.plateau_tolerance", tr.plateau_tolerance, 0.0, 0.99)
    if tr.cost == "bce" and net.output_activation != "sigmoid":
        errors.append(
            FieldError("training.cost", "binary cross-entropy needs a sigmoid output activation")
        )
    if tr.cost == "bce" and ds.name in REGRESSION_DATASETS:
        errors.append(
            FieldError(
                "training.cost",
                "a regression dataset needs a squared error (its targets are not 0 or 1)",
            )
        )
    _check_number(errors, "dataset.size", ds.size, 4, 100_000)
    _check_number(errors, "dataset.noise", ds.noise, 0.0, 10.0)
    _check_number(errors, "dataset.seed", ds.seed, 0, MAX_SEED)
    _check_number(errors, "dataset.test_fraction", ds.test_fraction, 0.0, MAX_TEST_FRACTION)
    return errors
