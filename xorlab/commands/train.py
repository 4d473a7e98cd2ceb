"""`train`: train a preset or experiment headless, printing the tutorial's progress lines."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

from xorlab.core.datasets import DatasetError
from xorlab.core.presets import PRESETS, preset_spec
from xorlab.core.spec import ExperimentSpec, SpecError
from xorlab.core.trainer import DivergenceError, Trainer

# Steps per compiled call; large enough that Python overhead vanishes, small enough that a
# divergence rolls back little.
CHUNK_STEPS = 20_000


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a network headless and print the tutorial's progress lines",
        description="Train a preset headless. Prints a progress line every `log_every` epochs "
        "(the cost of the epoch's last step, before its update, as the tutorials print it), "
        "then the outputs and cost of the trained network.",
    )
    parser.add_argument(
        "--preset", default="xor-minimal", choices=sorted(PRESETS), help="what to train"
    )
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--epochs", type=int, help="epochs (passes over the data) to train")
    length.add_argument("--steps", type=int, help="parameter updates to train")
    parser.add_argument("--seed", type=int, help="seed of the initial weights")
    parser.add_argument("--lr", type=float, help="learning rate")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")


def _spec_from_args(args: argparse.Namespace) -> ExperimentSpec:
    spec = preset_spec(args.preset)
    network, training = {}, {}
    if args.seed is not None:
        network["seed"] = args.seed
    if args.lr is not None:
        training["learning_rate"] = args.lr
    if args.epochs is not None:
        training["epochs"] = args.epochs
    return spec.with_changes(network=network, training=training)


def run(args: argparse.Namespace) -> int:
    try:
        spec = _spec_from_args(args)
        trainer = Trainer(spec)
        if args.steps is not None:
            if args.steps < 1:
                raise SpecError([])  # reported below with the flag's own words
            epochs = math.ceil(args.steps / trainer.steps_per_epoch)
            trainer = Trainer(spec.with_changes(training={"epochs": epochs}), trainer.dataset)
    except (SpecError, DatasetError) as exc:
        message = str(exc) or "--steps must be at least 1"
        print(f"xorlab train: {message}", file=sys.stderr)
        return 2
    target_steps = args.steps if args.steps is not None else trainer.total_steps
    start = time.perf_counter()
    diverged = None
    printed = 0
    while trainer.step_count < target_steps:
        try:
            trainer.run(min(CHUNK_STEPS, target_steps - trainer.step_count))
        except DivergenceError as exc:
            diverged = str(exc)
            break
        if not args.json:
            printed = _print_log(trainer, printed)
    seconds = time.perf_counter() - start
    outputs, cost = trainer.evaluate()
    if args.json:
        print(
            json.dumps(
                {
                    "preset": args.preset,
                    "outputs": outputs[:, 0].tolist()
                    if outputs.shape[1] == 1
                    else outputs.tolist(),
                    "cost": cost,
                    "log": [[epoch, c] for epoch, c in trainer.log],
                    "steps": trainer.step_count,
                    "epochs": trainer.epoch,
                    "seconds": seconds,
                    "diverged": diverged,
                }
            )
        )
    else:
        _print_log(trainer, printed)
        _print_result(trainer, outputs, cost, seconds)
        if diverged:
            print(f"stopped: {diverged}", file=sys.stderr)
    return 1 if diverged else 0


def _print_log(trainer: Trainer, already: int) -> int:
    lines = list(trainer.log)[already:]
    for epoch, cost in lines:
        print(f"epoch {epoch:>7}  cost {cost:.10f}")
    return already + len(lines)


def _print_result(trainer: Trainer, outputs, cost: float, seconds: float) -> None:
    ds = trainer.dataset
    print(f"\ntrained {trainer.step_count} steps ({trainer.epoch} epochs) in {seconds:.2f} s")
    if ds.n_samples <= 32:
        print("inputs -> target : output")
        for x, t, o in zip(ds.X, ds.y, outputs, strict=True):
            row = ",".join(f"{v:g}" for v in x)
            print(
                f"  {row} -> {','.join(f'{v:g}' for v in t)} : {', '.join(f'{v:.6f}' for v in o)}"
            )
    print(
        f"outputs: [{', '.join(f'{v:.6f}' for v in outputs[:8, 0])}{', ...' if ds.n_samples > 8 else ''}]"
    )
    print(f"cost: {cost:.10f}")
