"""Which ExperimentSpec fields the builder edits with which widget, and when each applies.

A field that does not apply to the current choices (the point-set fields for a truth table,
the CSV path for anything but 'csv', momentum without the momentum optimizer, the batch size
without minibatches) is hidden and not checked.
"""

from __future__ import annotations

from xorlab.core.training.datasets import DATASET_NAMES, POINT_SETS
from xorlab.core.training.spec import (
    ACTIVATIONS,
    COST_LABELS,
    COSTS,
    INIT_LABELS,
    INITS,
    OPTIMIZER_LABELS,
    OPTIMIZERS,
    SCHEDULE_LABELS,
    SCHEDULES,
    TWO_INPUT_DATASETS,
)
from xorlab.ui.builder.texts import DATASET_LABELS

NUMBER_FIELDS = {  # path: (objectName, kind)
    "dataset.size": ("builder.dataset_size", "int"),
    "dataset.noise": ("builder.dataset_noise", "float"),
    "dataset.seed": ("builder.dataset_seed", "int"),
    "dataset.test_fraction": ("builder.test_fraction", "float"),
    "network.seed": ("builder.weight_seed", "int"),
    "training.learning_rate": ("builder.learning_rate", "float"),
    "training.momentum": ("builder.momentum", "float"),
    "training.batch_size": ("builder.batch_size", "int"),
    "training.l2": ("builder.l2", "float"),
    "training.l1": ("builder.l1", "float"),
    "training.epochs": ("builder.epochs", "int"),
    "training.log_every": ("builder.log_every", "int"),
    "training.target_cost": ("builder.target_cost", "float"),
    "training.plateau_epochs": ("builder.plateau_epochs", "int"),
    "training.plateau_tolerance": ("builder.plateau_tolerance", "float"),
}
CHOICE_FIELDS = {  # path: (objectName, [(label, value)])
    "dataset.name": ("builder.dataset", [(DATASET_LABELS.get(n, n), n) for n in DATASET_NAMES]),
    "network.output_activation": ("builder.output_activation", [(a, a) for a in ACTIVATIONS]),
    "network.init": ("builder.init", [(INIT_LABELS[i], i) for i in INITS]),
    "training.cost": ("builder.cost", [(COST_LABELS[c], c) for c in COSTS]),
    "training.optimizer": ("builder.optimizer", [(OPTIMIZER_LABELS[o], o) for o in OPTIMIZERS]),
    "training.schedule": ("builder.schedule", [(SCHEDULE_LABELS[s], s) for s in SCHEDULES]),
}
POINT_SET_FIELDS = ("dataset.size", "dataset.noise", "dataset.seed")
SPLIT_FIELDS = ("dataset.test_fraction",)
CONDITIONAL_FIELDS = (
    *POINT_SET_FIELDS,
    *SPLIT_FIELDS,
    "dataset.path",
    "network.features",
    "training.momentum",
    "training.batch_size",
)


def applies(path: str, dataset: str | None, optimizer: str | None, schedule: str | None) -> bool:
    """Whether field ``path`` applies to the chosen dataset, optimizer and schedule."""
    if path in POINT_SET_FIELDS:
        return dataset in POINT_SETS
    if path == "network.features":  # Playground's features of the plane's x1 and x2
        return dataset in TWO_INPUT_DATASETS or dataset == "csv"
    if path in SPLIT_FIELDS:  # truth tables are never split (core.training.split)
        return dataset in POINT_SETS or dataset == "csv"
    if path == "dataset.path":
        return dataset == "csv"
    if path == "training.momentum":
        return optimizer == "momentum"
    if path == "training.batch_size":
        return schedule == "minibatch"
    return True
