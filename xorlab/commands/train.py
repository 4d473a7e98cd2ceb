"""`train`: train a preset or experiment headless, printing the tutorial's progress lines."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace

import numpy as np

from xorlab.commands.experiment_source import (
    DEFAULT_PRESET,
    SOURCE_ERRORS,
    add_source_options,
    load_source,
)
from xorlab.commands.stop_signals import StopRequest, stop_on_signals
from xorlab.core.files.safe_files import check_target
from xorlab.core.io.experiment import (
    ExperimentError,
    experiment_from_trainer,
    save_experiment,
)
from xorlab.core.training.held_out import mean_abs_error
from xorlab.core.training.moments import MAX_MOMENTS
from xorlab.core.training.progress_log import format_line
from xorlab.core.training.spec import MAX_EPOCHS, FieldError, SpecError
from xorlab.core.training.strategies import STRATEGIES, StrategyUnavailable
from xorlab.core.training.tiers import QUICK_TIER_YIELD
from xorlab.core.training.trainer import DivergenceError, Trainer, batch_table

# Steps per compiled call; large enough that Python overhead vanishes, small enough that a
# divergence rolls back little.
CHUNK_STEPS = 20_000
# Steps per call on the quick tier (~0.3-10 ms each), so the fast loop takes over soon after
# its background compile ends.
QUICK_CHUNK_STEPS = 16


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a network headless and print the tutorial's progress lines",
        description="Train a preset headless. Prints a progress line every `log_every` epochs "
        "(the cost of the epoch's last step, before its update, as the tutorials print it), "
        "then the outputs and cost of the trained network.",
    )
    add_source_options(
        parser, experiment_help="continue training a saved experiment where it stopped"
    )
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--epochs", type=int, help="epochs (passes over the data) to train")
    length.add_argument("--steps", type=int, help="parameter updates to train")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.add_argument("--save", metavar="FILE", help="save the trained experiment to FILE")
    parser.add_argument(
        "--backend",
        default="auto",
        choices=STRATEGIES,
        help="how the training loop is compiled: 'fused' (generated scalar loop, tiny nets), "
        "'scan' (PyTensor scan on Numba), 'jax' (needs JAX) or 'auto' (default: picks by size)",
    )


def _build_trainer(args: argparse.Namespace) -> Trainer:
    """The trainer the options ask for; a saved experiment continues where it stopped."""
    source = load_source(args)
    spec, dataset, saved = source.spec, source.dataset, source.saved
    if args.steps is not None:
        if args.steps < 1:
            raise SpecError([FieldError("--steps", "must be at least 1")])
        if args.epochs is None:
            # Room for the asked steps beyond those already trained.
            done = saved.step if saved else 0
            per_epoch = len(
                batch_table(dataset.n_samples, spec.training.schedule, spec.training.batch_size)
            )
            room = MAX_EPOCHS * per_epoch - done
            if args.steps > room:
                raise SpecError(
                    [FieldError("--steps", f"must be at most {room}, got {args.steps}")]
                )
            spec = spec.with_changes(training={"epochs": -(-(done + args.steps) // per_epoch)})
    return replace(source, spec=spec).trainer(args.backend)


def run(args: argparse.Namespace) -> int:
    with stop_on_signals() as stop:
        return _run(args, stop)


def _run(args: argparse.Namespace, stop: StopRequest) -> int:
    try:
        if args.save is not None:
            check_target(args.save, ExperimentError)  # before training, not after
        trainer = _build_trainer(args)
        compile_seconds = _prepare(trainer, args.backend)
    except (*SOURCE_ERRORS, StrategyUnavailable) as exc:
        print(f"xorlab train: {exc}", file=sys.stderr)
        return 2
    first_step = trainer.step_count
    target_steps = trainer.total_steps
    if args.steps is not None:
        target_steps = min(trainer.step_count + args.steps, trainer.total_steps)
    start = time.perf_counter()
    diverged = None
    printed = 0
    quick_steps = 0  # steps trained on the quick tier before the fast loop took over
    # Each chunk ends in a moment kept for --save (MAX_MOMENTS per run): a saved run then
    # replays its outputs and time travel in the app.
    moment_chunk = max(1, trainer.total_steps // MAX_MOMENTS)
    # The signal only sets a flag: each chunk runs whole, then the loop looks at it.
    while trainer.step_count < target_steps and not stop.requested and trainer.stop is None:
        chunk = min(CHUNK_STEPS if trainer.at_full_speed else QUICK_CHUNK_STEPS, moment_chunk)
        try:
            result = trainer.run(min(chunk, target_steps - trainer.step_count))
            if not trainer.at_full_speed:
                quick_steps = trainer.step_count
                if trainer.compiling_in_background:
                    time.sleep(result.seconds * QUICK_TIER_YIELD)
        except DivergenceError as exc:
            diverged = str(exc)
            break
        if not args.json:
            printed = _print_log(trainer, printed)
    seconds = time.perf_counter() - start
    trained = trainer.step_count - first_step
    outputs, cost = trainer.evaluate()
    test = _test_figures(trainer)
    if args.json:
        print(
            json.dumps(
                {
                    **test,
                    "preset": None
                    if args.spec or args.experiment
                    else args.preset or DEFAULT_PRESET,
                    "outputs": outputs[:, 0].tolist()
                    if outputs.shape[1] == 1
                    else outputs.tolist(),
                    "cost": cost,
                    "log": [[epoch, c] for epoch, c in trainer.log],
                    "steps": trainer.step_count,
                    "trained_steps": trained,
                    "epochs": trainer.epoch,
                    "seconds": seconds,
                    "strategy": trainer.tier,
                    "compile_seconds": compile_seconds,
                    "quick_tier_steps": quick_steps,
                    "fast_loop_failure": trainer.fast_loop_failure,
                    "diverged": diverged,
                    # A stop rule (target_cost, plateau) or a signal (SIGINT, SIGTERM).
                    "stopped_by": trainer.stop.rule if trainer.stop else (stop.name or None),
                    "stop_reason": trainer.stop.message if trainer.stop else None,
                }
            )
        )
    else:
        _print_log(trainer, printed)
        _print_result(trainer, outputs, cost, seconds, trained)
        if test:
            score = (
                f"test accuracy: {100 * test['test_accuracy']:.1f}%"
                if "test_accuracy" in test
                else f"test mean absolute error: {test['test_error']:.6f}"
            )
            print(
                f"test cost: {test['test_cost']:.10f}  {score} "
                f"({trainer.test_dataset.n_samples} held-out samples)"
            )
        if trained:
            warm_up = f" after {quick_steps:,} steps on the quick tier" if quick_steps else ""
            print(
                f"engine: {trainer.tier} loop{warm_up}, training began after "
                f"{compile_seconds:.2f} s, "
                f"{trained / seconds if seconds > 0 else float('inf'):,.0f} steps/s"
            )
        if trainer.fast_loop_failure:
            print(
                f"the fast loop could not compile, so training stayed on the quick tier: "
                f"{trainer.fast_loop_failure}",
                file=sys.stderr,
            )
        if trainer.stop:
            print(f"stopped early: {trainer.stop.message}")
        if diverged:
            print(f"stopped: {diverged}", file=sys.stderr)
        if stop.requested:
            print(
                f"stopped by {stop.name} after {trainer.step_count} of {target_steps} steps",
                file=sys.stderr,
            )
    if args.save:
        try:
            save_experiment(args.save, experiment_from_trainer(trainer))
        except ExperimentError as exc:
            print(f"xorlab train: {exc}", file=sys.stderr)
            return 1
        if stop.requested and not args.json:
            print(f"saved to {args.save}", file=sys.stderr)
    if stop.requested:
        return stop.exit_code
    return 1 if diverged else 0


def _preset_name(args: argparse.Namespace) -> str | None:
    """The preset trained, for --json; None for a spec file or a saved experiment."""
    return None if args.spec or args.experiment else args.preset or DEFAULT_PRESET


def _test_figures(trainer: Trainer) -> dict[str, float]:
    """The held-out samples' cost and accuracy, when the spec splits its data."""
    if trainer.test_dataset is None:
        return {}
    outputs, cost, accuracy = trainer.evaluate_test()
    if np.isnan(accuracy):  # regression: an error, not an accuracy
        return {"test_cost": cost, "test_error": mean_abs_error(outputs, trainer.test_dataset.y)}
    return {"test_cost": cost, "test_accuracy": accuracy}


def _prepare(trainer: Trainer, backend: str) -> float:
    """Seconds until training can begin. "auto" starts at once on the quick tier while the
    fast loop compiles in the background (a cold compile of a large net takes tens of
    seconds); a named engine is compiled first, so one that cannot serve the network is an
    error before any step."""
    start = time.perf_counter()
    if backend == "auto":
        trainer.start_tiered()
    else:
        trainer.compile()
    return time.perf_counter() - start


def _print_log(trainer: Trainer, already: int) -> int:
    lines = list(trainer.log)[already:]
    for epoch, cost in lines:
        print(format_line(epoch, cost))
    sys.stdout.flush()  # progress shows at once through a pipe (| tee) too
    return already + len(lines)


def _print_result(trainer: Trainer, outputs, cost: float, seconds: float, trained: int) -> None:
    ds = trainer.dataset
    if trained == trainer.step_count:
        print(f"\ntrained {trained} steps ({trainer.epoch} epochs) in {seconds:.2f} s")
    elif trained:
        print(
            f"\ntrained {trained} more steps in {seconds:.2f} s, "
            f"{trainer.step_count} in all ({trainer.epoch} epochs)"
        )
    else:
        print(
            f"\nnothing to train: the experiment has run all its {trainer.step_count} steps "
            f"({trainer.epoch} epochs); add --steps or --epochs to go on"
        )
    if ds.n_samples <= 32:
        print("inputs -> target : output")
        for x, t, o in zip(ds.X, ds.y, outputs, strict=True):
            row = ",".join(f"{v:g}" for v in x)
            print(
                f"  {row} -> {','.join(f'{v:g}' for v in t)} : {', '.join(f'{v:.6f}' for v in o)}"
            )
    print(
        f"outputs: [{', '.join(f'{v:.6f}' for v in outputs[:8, 0])}"
        f"{', ...' if ds.n_samples > 8 else ''}]"
    )
    print(f"cost: {cost:.10f}")
