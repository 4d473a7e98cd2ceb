"""The parts of an experiment file added in format version 2: the run's moments (weights and
optimizer state at log-spaced steps, so an opened run replays its outputs and time travel)
and the test history of a train/test split. Version 1 files have neither; they open as
before, with only the cost curve.

Reading is as defensive as the rest of the file: a count bound, shapes checked against the
network, steps in order and within the run, numbers finite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from xorlab.core.training.moments import MAX_MOMENTS, Moment

# (array document, where, expected shape) -> array; experiment.py's reader, passed in.
ReadArray = Callable[[Any, str, tuple[int, ...]], np.ndarray]


def moments_to_doc(moments: tuple[Moment, ...], array: Callable) -> list[dict]:
    return [
        {
            "step": m.step,
            "epoch": m.epoch,
            "weights": [array(w) for w in m.weights],
            "optimizer_state": [array(s) for s in m.optimizer_state],
        }
        for m in moments
    ]


def read_moments(
    raw: Any,
    read_array: ReadArray,
    error: type[Exception],
    shapes: list[tuple[int, ...]],
    state_shapes: list[tuple[int, ...]],
    last_step: int,
) -> tuple[Moment, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_MOMENTS:
        raise error(f"moments: must be a list of at most {MAX_MOMENTS}")
    moments: list[Moment] = []
    for k, item in enumerate(raw):
        where = f"moments[{k}]"
        if not isinstance(item, dict):
            raise error(f"{where}: must be an object")
        step, epoch = item.get("step"), item.get("epoch")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (step, epoch)):
            raise error(f"{where}: step and epoch must be whole numbers")
        previous = moments[-1].step if moments else -1
        if not previous < step <= last_step or not 0 <= epoch <= step:
            raise error(f"{where}: steps must rise and stay within the run's {last_step}")
        weights, state = item.get("weights"), item.get("optimizer_state", [])
        if not isinstance(weights, list) or len(weights) != len(shapes):
            raise error(f"{where}.weights: the network needs {len(shapes)} weight matrices")
        if not isinstance(state, list) or len(state) != len(state_shapes):
            raise error(f"{where}.optimizer_state: does not match the optimizer")
        moments.append(
            Moment(
                step,
                epoch,
                tuple(
                    read_array(w, f"{where}.weights[{i}]", s)
                    for i, (w, s) in enumerate(zip(weights, shapes, strict=True))
                ),
                tuple(
                    read_array(v, f"{where}.optimizer_state[{i}]", s)
                    for i, (v, s) in enumerate(zip(state, state_shapes, strict=True))
                ),
            )
        )
    return tuple(moments)


def held_out_to_doc(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> dict:
    epochs, costs, accuracy = data
    return {
        "epochs": epochs.tolist(),
        "costs": costs.tolist(),
        # NaN (a regression's accuracy) is not JSON: null.
        "accuracy": [None if np.isnan(a) else a for a in accuracy.tolist()],
    }


def read_held_out(raw: Any, error: type[Exception]) -> tuple[np.ndarray, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise error("test_history: must be an object")
    try:
        epochs = np.array(raw.get("epochs", []), dtype=np.int64)
        costs = np.array(raw.get("costs", []), dtype=np.float64)
        accuracy = np.array(
            [np.nan if a is None else a for a in raw.get("accuracy", [])], dtype=np.float64
        )
    except (TypeError, ValueError, OverflowError) as exc:
        raise error("test_history: must hold numbers") from exc
    if epochs.ndim != 1 or not epochs.shape == costs.shape == accuracy.shape:
        raise error("test_history: epochs, costs and accuracy must be lists of one length")
    if not np.isfinite(costs).all():
        raise error("test_history: holds NaN or infinite costs")
    return epochs, costs, accuracy
