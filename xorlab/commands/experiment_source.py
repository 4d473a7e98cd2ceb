"""What a headless command works on, shared by `train` and `landscape`: a preset, a spec file
or a saved experiment (one of them), the flags that change its spec (--seed, --lr, --epochs),
and the trainer built from them.

One place, so both commands read the same files the same way and say the same thing when the
input is wrong: a field set by a flag is named by that flag ("--lr: must be above 0"), a spec
file or experiment that cannot be used is a message naming the file, never a traceback.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from xorlab.core.io.experiment import Experiment, ExperimentError, load_experiment, restore_into
from xorlab.core.io.spec_file import SpecFileError, load_spec
from xorlab.core.training.datasets import Dataset, DatasetError, load_dataset, target_problem
from xorlab.core.training.presets import PRESETS, preset_spec
from xorlab.core.training.spec import ExperimentSpec, FieldError, SpecError, validate
from xorlab.core.training.trainer import Trainer

DEFAULT_PRESET = "xor-minimal"
# What load_source raises: each a message for the person who typed the command.
SOURCE_ERRORS = (SpecError, SpecFileError, DatasetError, ExperimentError)
# The flags that set spec fields, so an error names what the user typed.
FLAGS = {
    "training.epochs": "--epochs",
    "training.learning_rate": "--lr",
    "network.seed": "--seed",
}


def add_source_options(parser: argparse.ArgumentParser, experiment_help: str) -> None:
    """--preset, --spec FILE or --experiment FILE (at most one), then --seed and --lr. Each
    command adds --epochs itself (train pairs it with --steps)."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--preset", choices=sorted(PRESETS), help=f"a preset (default: {DEFAULT_PRESET})"
    )
    source.add_argument(
        "--spec",
        metavar="FILE",
        help="the spec in FILE: JSON with 'dataset', 'network' and 'training' sections, the "
        "'spec' part of an experiment file (any network the builder can make)",
    )
    source.add_argument("--experiment", metavar="FILE", help=experiment_help)
    parser.add_argument("--seed", type=int, help="seed of the initial weights")
    parser.add_argument("--lr", type=float, help="learning rate")


@dataclass(frozen=True)
class Source:
    """The spec to use (the flags' changes applied, validated), its whole dataset (the
    trainer splits off the test samples) and the saved experiment it came from, if any."""

    spec: ExperimentSpec
    dataset: Dataset
    saved: Experiment | None = None

    def trainer(self, strategy: str = "auto") -> Trainer:
        """A trainer of this spec; a saved experiment's at its saved weights, step and
        history."""
        trainer = Trainer(self.spec, self.dataset, strategy=strategy)
        if self.saved is not None:
            restore_into(trainer, self.saved)
        return trainer


def load_source(args: argparse.Namespace) -> Source:
    """The source the options name; one of SOURCE_ERRORS when it cannot be used."""
    saved = load_experiment(Path(args.experiment)) if args.experiment else None
    if saved is not None:
        base = saved.spec
    elif args.spec:
        base = load_spec(Path(args.spec))
    else:
        base = preset_spec(args.preset or DEFAULT_PRESET)
    spec = base.with_changes(**spec_changes(args))
    try:
        if errors := validate(spec):
            raise SpecError(errors)
    except SpecError as exc:
        raise _flag_errors(exc, args) from None
    dataset = saved.dataset if saved is not None else load_dataset(spec.dataset)
    if wrong := target_problem(dataset, spec.training.cost):
        raise wrong
    return Source(spec, dataset, saved)


def spec_changes(args: argparse.Namespace) -> dict[str, dict]:
    """The spec fields --seed, --lr and --epochs set, as ExperimentSpec.with_changes takes."""
    network, training = {}, {}
    if args.seed is not None:
        network["seed"] = args.seed
    if args.lr is not None:
        training["learning_rate"] = args.lr
    if args.epochs is not None:
        training["epochs"] = args.epochs
    return {k: v for k, v in (("network", network), ("training", training)) if v}


def _flag_errors(exc: SpecError, args: argparse.Namespace) -> SpecError:
    """``exc`` with each field the user set by a flag named by that flag."""
    given = {field for field, flag in FLAGS.items() if _flag_value(args, flag) is not None}
    return SpecError(
        [FieldError(FLAGS[e.field], e.message) if e.field in given else e for e in exc.errors]
    )


def _flag_value(args: argparse.Namespace, flag: str) -> object:
    return getattr(args, flag.removeprefix("--"))
