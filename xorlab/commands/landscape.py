"""`landscape`: train (or load) a network headless, then print the cost surface around its
weights and the path training took, as text or JSON, and draw it to a PNG with ``-o``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from xorlab.commands.experiment_source import SOURCE_ERRORS, add_source_options, load_source
from xorlab.commands.train import CHUNK_STEPS
from xorlab.core.io.experiment import ExperimentError, atomic_write
from xorlab.core.io.png import encode_png
from xorlab.core.landscape.batched_cost import cost_functions
from xorlab.core.landscape.colour_scale import colour_scale
from xorlab.core.landscape.directions import DirectionError, parse_picks
from xorlab.core.landscape.picture import render
from xorlab.core.landscape.surface import (
    DEFAULT_GRID,
    Landscape,
    LandscapeRequest,
    RecordedPath,
    compute_landscape,
)
from xorlab.core.training.strategies import STRATEGIES, StrategyUnavailable
from xorlab.core.training.trainer import DivergenceError, Trainer

_SAMPLES_NAMES = {
    "training": "training samples (the cost training minimises)",
    "test": "held-out test samples",
}
# Snapshots recorded along a headless run, log-spaced in epochs like the app's timeline.
PATH_POINTS = 200


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "landscape",
        help="the cost surface around the trained weights and the path training took",
        description="Train a network as `train` does (or load a saved experiment), then "
        "evaluate the total cost on a grid over a plane through the final weights: "
        "cost(W + a*d1 + b*d2). Prints the surface and the projected path of the recorded "
        "snapshots; -o draws it.",
    )
    add_source_options(
        parser, experiment_help="a saved experiment, at its saved weights (not trained)"
    )
    parser.add_argument("--epochs", type=int, help="epochs to train (default: the spec's)")
    parser.add_argument(
        "--grid", type=int, default=DEFAULT_GRID, help=f"points a side (default {DEFAULT_GRID})"
    )
    parser.add_argument(
        "--directions",
        default="random",
        metavar="KIND",
        help="random (filter-normalised, seeded), pca (the path's principal directions), "
        "weights:W1[0,1],W2[2,0] (two weights as axes) or gradient (1-D: along the gradient)",
    )
    parser.add_argument(
        "--direction-seed", type=int, default=0, help="seed of the random directions (default 0)"
    )
    parser.add_argument(
        "--span", type=float, help="half-width of the plane (default: fitted to the path)"
    )
    parser.add_argument(
        "--cost-on",
        choices=("training", "test"),
        default="training",
        help="whose cost: the training samples (the cost training minimises; default) or the "
        "held-out test samples of a train/test split, along the same directions",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("-o", "--output", metavar="PNG", help="draw the landscape to PNG")
    parser.add_argument("--log", action="store_true", help="log colour scale in the picture")
    parser.add_argument("--backend", default="auto", choices=STRATEGIES, help="training loop")


def _request(args: argparse.Namespace) -> LandscapeRequest:
    kind, _, picks = args.directions.partition(":")
    kind = kind.strip().lower()
    request = LandscapeRequest(
        kind=kind,
        grid=args.grid,
        span=args.span,
        seed=args.direction_seed,
        picks=parse_picks(picks) if kind == "weights" else None,
    )
    if kind != "weights" and picks:
        raise DirectionError(f"'{args.directions}': only weights: takes a list")
    request.check()
    return request


def _trainer(args: argparse.Namespace) -> tuple[Trainer, bool]:
    """The trainer to look at, and whether it is to be trained here (not a saved one)."""
    source = load_source(args)
    return source.trainer(args.backend), source.saved is None


def train_recording(trainer: Trainer, points: int = PATH_POINTS) -> tuple[RecordedPath, str]:
    """Train to the end, keeping the weights at log-spaced epochs (the first and last
    included); returns the path and a divergence message ("" when none)."""
    spe = trainer.steps_per_epoch
    total = trainer.spec.training.epochs
    marks = np.unique(np.geomspace(1, max(total, 1), points).astype(np.int64))
    epochs, weights = [trainer.epoch], [tuple(trainer.get_weights())]
    diverged = ""
    for mark in marks:
        try:
            while trainer.step_count < min(int(mark) * spe, trainer.total_steps):
                trainer.run(min(CHUNK_STEPS, int(mark) * spe - trainer.step_count))
        except DivergenceError as exc:
            diverged = str(exc)
        if trainer.epoch > epochs[-1]:
            epochs.append(trainer.epoch)
            weights.append(tuple(trainer.get_weights()))
        if diverged:
            break
    return RecordedPath(tuple(epochs), tuple(weights)), diverged


def run(args: argparse.Namespace) -> int:
    try:
        request = _request(args)
        trainer, to_train = _trainer(args)
        if to_train:
            trainer.compile()
        test = trainer.test_dataset
        if args.cost_on == "test" and test is None:
            raise DirectionError(
                "--cost-on test: this spec holds no test samples (set dataset.test_fraction)"
            )
    except (*SOURCE_ERRORS, StrategyUnavailable, DirectionError) as exc:
        print(f"xorlab landscape: {exc}", file=sys.stderr)
        return 2
    if to_train:
        path, diverged = train_recording(trainer)
    else:
        path, diverged = RecordedPath((trainer.epoch,), (tuple(trainer.get_weights()),)), ""
    ds = trainer.dataset
    spec = trainer.spec
    functions = cost_functions(spec.network, spec.training, ds.n_inputs, ds.n_outputs)
    try:
        landscape = compute_landscape(
            functions,
            ds.X,
            ds.y,
            trainer.get_weights(),
            request,
            path,
            float(trainer.learning_rate.get_value()),
            cost_on=(test.X, test.y) if args.cost_on == "test" else None,
        )
    except DirectionError as exc:
        print(f"xorlab landscape: {exc}", file=sys.stderr)
        return 2
    # The cost train reports for these weights (on the same samples): the centre's.
    trained_cost = trainer.evaluate_test()[1] if args.cost_on == "test" else trainer.evaluate()[1]
    samples = test.n_samples if args.cost_on == "test" else ds.n_samples
    if args.json:
        doc = landscape.to_json()
        doc.update(
            epochs=trainer.epoch,
            trained_cost=trained_cost,
            cost_on=args.cost_on,
            samples=samples,
            diverged=diverged or None,
        )
        print(json.dumps(doc, allow_nan=False))
    else:
        print(f"cost on the {samples} {_SAMPLES_NAMES[args.cost_on]}")
        _print_summary(landscape, trainer, trained_cost, diverged)
    if args.output:
        return _write_picture(args, landscape)
    return 0


def _write_picture(args: argparse.Namespace, landscape: Landscape) -> int:
    if landscape.betas is None:
        print("xorlab landscape: -o draws a plane; the gradient mode is 1-D", file=sys.stderr)
        return 2
    try:
        atomic_write(Path(args.output), encode_png(render(landscape, log=args.log)))
    except ExperimentError as exc:
        print(f"xorlab landscape: {exc}", file=sys.stderr)
        return 1
    if not args.json:
        print(f"picture: {args.output}")
    return 0


def _print_summary(landscape: Landscape, trainer: Trainer, cost: float, diverged: str) -> None:
    costs = landscape.costs
    print(f"trained {trainer.epoch} epochs; cost at the centre {landscape.centre_cost:.10f}")
    print(f"directions: {', '.join(landscape.axis_names)}")
    finite = costs[np.isfinite(costs)]
    shape = "x".join(str(n) for n in costs.shape)
    print(f"grid {shape} over [-{landscape.span:.4g}, {landscape.span:.4g}]", end="")
    if finite.size:
        masked = np.where(np.isfinite(costs), costs, np.inf)
        lowest = np.unravel_index(np.argmin(masked), costs.shape)
        at = ", ".join(f"{axis[i]:.4g}" for axis, i in zip(_axes(landscape), lowest, strict=True))
        print(f": cost {finite.min():.6g} to {finite.max():.6g}, lowest at ({at})")
    else:
        print(": no finite cost")
    if landscape.gradient_norm is not None:
        print(f"|gradient| at the centre {landscape.gradient_norm:.6g}")
    if landscape.step is not None:
        print(
            f"one full-batch gradient descent step (learning rate x |gradient|) lands at "
            f"{landscape.step:.6g}: cost {landscape.step_cost:.10g}"
        )
        if trainer.spec.training.optimizer != "sgd":
            print(f"note: {trainer.spec.training.optimizer} takes other steps than this one")
    print(f"path: {len(landscape.path_epochs)} snapshots, epochs {_epoch_range(landscape)}")
    scale = colour_scale(costs)
    for note in (*landscape.notes, scale.message, diverged):
        if note:
            print(f"note: {note}")


def _axes(landscape: Landscape) -> list[np.ndarray]:
    return [landscape.alphas] if landscape.betas is None else [landscape.alphas, landscape.betas]


def _epoch_range(landscape: Landscape) -> str:
    e = landscape.path_epochs
    return f"{e[0]} to {e[-1]}" if e.size else "none"
