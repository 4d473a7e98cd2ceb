"""Experiment files: the spec, its data, trained weights and history as versioned JSON.

JSON only (no pickle: opening a file must never run code), written atomically (a temporary
file then a rename) so a crash mid-save never leaves a broken file, and read defensively:
every way a file can be wrong becomes an ExperimentError that says what is wrong.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xorlab.core.files.safe_files import write_atomically
from xorlab.core.files.text_files import read_small_text
from xorlab.core.io.run_record import held_out_to_doc, moments_to_doc, read_held_out, read_moments
from xorlab.core.io.strict_json import JsonFieldError, loads_strict
from xorlab.core.training.datasets import Dataset, DatasetError, load_dataset, target_problem
from xorlab.core.training.moments import Moment
from xorlab.core.training.spec import ExperimentSpec, SpecError, validate
from xorlab.core.training.weights import layer_shapes, optimizer_state

FORMAT = "xorlab-experiment"
VERSION = 2  # 2 added the run's moments and test history (io.run_record); 1 still opens
READABLE_VERSIONS = (1, 2)
MAX_FILE_BYTES = 64 * 1024 * 1024


class ExperimentError(ValueError):
    """A file that cannot be saved or opened, with a message for the person who chose it."""


@dataclass(frozen=True, eq=False)
class Experiment:
    spec: ExperimentSpec
    dataset: Dataset
    weights: tuple[np.ndarray, ...] | None = None  # None: untrained, use the initial draw
    optimizer_state: tuple[np.ndarray, ...] = ()
    step: int = 0
    history: tuple[np.ndarray, np.ndarray] = field(
        default_factory=lambda: (np.empty(0, np.int64), np.empty(0))
    )
    log: tuple[tuple[int, float], ...] = ()
    moments: tuple[Moment, ...] = ()  # weights at log-spaced steps (version 2)
    test_history: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # (version 2)


# --- writing ----------------------------------------------------------------------------


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never half
    (through a symlink, refusing devices and folders: xorlab.core.files.safe_files)."""
    write_atomically(path, data, ExperimentError)


def _array(a: np.ndarray) -> dict[str, Any]:
    return {"shape": list(a.shape), "data": np.asarray(a, dtype=np.float64).ravel().tolist()}


def _finite_or_null(values: list[float]) -> list[float | None]:
    # JSON has no NaN or infinity: a cost that was not finite is written as null (the
    # standard way) so the work can always be saved, and is read back as NaN.
    return [v if math.isfinite(v) else None for v in values]


def experiment_to_json(exp: Experiment) -> str:
    epochs, costs = exp.history
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "spec": exp.spec.to_dict(),
        "dataset": {
            "name": exp.dataset.name,
            "inputs": list(exp.dataset.input_names),
            "targets": list(exp.dataset.target_names),
            "X": _array(exp.dataset.X),
            "y": _array(exp.dataset.y),
        },
        "weights": None if exp.weights is None else [_array(w) for w in exp.weights],
        "optimizer_state": [_array(s) for s in exp.optimizer_state],
        "step": exp.step,
        "history": {"epochs": epochs.tolist(), "costs": _finite_or_null(costs.tolist())},
        "log": [[epoch, *_finite_or_null([cost])] for epoch, cost in exp.log],
        "moments": moments_to_doc(exp.moments, _array),
        "test_history": None if exp.test_history is None else held_out_to_doc(exp.test_history),
    }
    return json.dumps(doc, indent=1, allow_nan=False)


def save_experiment(path: Path, exp: Experiment) -> None:
    try:
        text = experiment_to_json(exp)
    except ValueError as exc:  # NaN or inf cannot be written as JSON
        raise ExperimentError(f"the experiment holds non-finite numbers: {exc}") from exc
    atomic_write(Path(path), text.encode("utf-8"))


# --- reading ----------------------------------------------------------------------------


def _need(doc: dict, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in doc:
        raise ExperimentError(f"{where}: missing '{key}'")
    value = doc[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ExperimentError(f"{where}.{key}: wrong type ({type(value).__name__})")
    return value


def _read_array(doc: Any, where: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    if not isinstance(doc, dict):
        raise ExperimentError(f"{where}: must be an object with 'shape' and 'data'")
    dims = _need(doc, "shape", list, where)
    data = _need(doc, "data", list, where)
    if not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 10**6 for d in dims):
        raise ExperimentError(f"{where}.shape: must be small non-negative integers")
    if math.prod(dims) != len(data):
        raise ExperimentError(f"{where}: shape {dims} does not match {len(data)} values")
    if shape is not None and tuple(dims) != shape:
        raise ExperimentError(f"{where}: shape {tuple(dims)}, the network needs {shape}")
    for i, value in enumerate(data):
        if type(value) not in (int, float):  # no text, no true/false, no null
            shown = json.dumps(value)[:20]
            raise ExperimentError(f"{where}.data[{i}]: {shown} is not a number")
    try:
        array = np.array(data, dtype=np.float64).reshape(dims)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ExperimentError(f"{where}: values must be numbers") from exc
    if not np.isfinite(array).all():
        raise ExperimentError(f"{where}: holds NaN or infinite values")
    return array


def experiment_from_json(text: str) -> Experiment:
    try:
        doc = loads_strict(text)
    except JsonFieldError as exc:
        raise ExperimentError(str(exc)) from exc
    except json.JSONDecodeError as exc:
        raise ExperimentError(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "the file may be truncated or not an experiment"
        ) from exc
    except RecursionError as exc:
        raise ExperimentError("the JSON is nested too deeply") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ExperimentError("this is not an xorlab experiment file")
    version = doc.get("version")
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        raise ExperimentError(
            f"written by format version {version!r}; this xorlab reads versions 1 and {VERSION}"
        )
    try:
        spec = ExperimentSpec.from_dict(_need(doc, "spec", dict, "file"))
    except SpecError as exc:
        raise ExperimentError(f"spec: {exc}") from exc
    except (TypeError, ValueError) as exc:
        raise ExperimentError(f"spec: {exc}") from exc
    errors = validate(spec)
    if errors:
        raise ExperimentError("spec: " + "; ".join(str(e) for e in errors))
    dataset = _read_dataset(_need(doc, "dataset", dict, "file"), spec)
    if wrong := target_problem(dataset, spec.training.cost):
        raise ExperimentError(f"dataset.y: {wrong}")
    shapes = layer_shapes(spec.network, dataset.n_inputs, dataset.n_outputs)
    raw_weights = doc.get("weights")
    weights = None
    if raw_weights is not None:
        if not isinstance(raw_weights, list) or len(raw_weights) != len(shapes):
            raise ExperimentError(f"weights: the network needs {len(shapes)} weight matrices")
        weights = tuple(
            _read_array(w, f"weights[{i}]", s)
            for i, (w, s) in enumerate(zip(raw_weights, shapes, strict=True))
        )
    expected_state = optimizer_state(spec.training, [np.zeros(s) for s in shapes])
    raw_state = doc.get("optimizer_state", [])
    if not isinstance(raw_state, list) or len(raw_state) not in (0, len(expected_state)):
        raise ExperimentError("optimizer_state: does not match the optimizer")
    state = tuple(
        _read_array(s, f"optimizer_state[{i}]", e.shape)
        for i, (s, e) in enumerate(zip(raw_state, expected_state, strict=False))
    )
    step = doc.get("step", 0)
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise ExperimentError("step: must be a non-negative integer")
    moments = read_moments(
        doc.get("moments"),
        _read_array,
        ExperimentError,
        shapes,
        [e.shape for e in expected_state],
        step,
    )
    held_out = read_held_out(doc.get("test_history"), ExperimentError)
    return Experiment(
        spec,
        dataset,
        weights,
        state,
        step,
        _read_history(doc),
        _read_log(doc),
        moments,
        held_out,
    )


def _read_dataset(doc: dict, spec: ExperimentSpec) -> Dataset:
    X = _read_array(doc.get("X"), "dataset.X")
    y = _read_array(doc.get("y"), "dataset.y")
    if X.ndim != 2 or y.ndim != 2 or X.shape[0] != y.shape[0] or X.shape[0] == 0:
        raise ExperimentError("dataset: X and y must be 2-D with the same number of rows")
    for label, array in (("dataset.X", X), ("dataset.y", y)):
        if array.shape[1] == 0:
            raise ExperimentError(f"{label}: has no columns (shape {list(array.shape)})")
    names = doc.get("inputs", []), doc.get("targets", [])
    if not all(isinstance(n, list) and all(isinstance(s, str) for s in n) for n in names):
        raise ExperimentError("dataset: column names must be lists of text")
    if len(names[0]) != X.shape[1] or len(names[1]) != y.shape[1]:
        raise ExperimentError("dataset: column names do not match the data")
    name = doc.get("name") if isinstance(doc.get("name"), str) else spec.dataset.name
    return Dataset(name, X, y, tuple(names[0]), tuple(names[1]), f"from an experiment ({name})")


def _read_history(doc: dict) -> tuple[np.ndarray, np.ndarray]:
    raw = doc.get("history", {"epochs": [], "costs": []})
    if not isinstance(raw, dict):
        raise ExperimentError("history: must be an object")
    epochs, costs = raw.get("epochs", []), raw.get("costs", [])
    if not isinstance(epochs, list) or not isinstance(costs, list) or len(epochs) != len(costs):
        raise ExperimentError("history: epochs and costs must be lists of the same length")
    for i, epoch in enumerate(epochs):
        if type(epoch) is not int or epoch < 0:
            raise ExperimentError(f"history.epochs[{i}]: must be a non-negative integer")
    for i, cost in enumerate(costs):
        if cost is not None and type(cost) not in (int, float):
            raise ExperimentError(f"history.costs[{i}]: must be a number (or null)")
    return (
        np.array(epochs, dtype=np.int64),
        np.array([math.nan if c is None else c for c in costs], dtype=np.float64),
    )


def _read_log(doc: dict) -> tuple[tuple[int, float], ...]:
    raw = doc.get("log", [])
    if not isinstance(raw, list):
        raise ExperimentError("log: must be a list")
    lines = []
    for line in raw:
        if (
            not isinstance(line, list)
            or len(line) != 2
            or type(line[0]) is not int
            or (line[1] is not None and type(line[1]) not in (int, float))
        ):
            raise ExperimentError(f"log[{len(lines)}]: each line must be [epoch, cost]")
        lines.append((line[0], math.nan if line[1] is None else float(line[1])))
    return tuple(lines)


def load_experiment(path: Path) -> Experiment:
    path = Path(path)
    return experiment_from_json(read_small_text(path, MAX_FILE_BYTES, ExperimentError))


# --- trainers -----------------------------------------------------------------------------


def experiment_from_trainer(trainer) -> Experiment:
    """Capture a trainer's spec, data, weights, optimizer state and history (copies)."""
    n = len(trainer.params)
    state = trainer.get_state()
    return Experiment(
        spec=trainer.spec,
        dataset=trainer.full_dataset,  # all samples: the spec's split is made again on opening
        weights=tuple(state[:n]),
        optimizer_state=tuple(state[n:]),
        step=trainer.step_count,
        history=trainer.history.data(),
        log=tuple(trainer.log),
        moments=tuple(trainer.moments[i] for i in range(len(trainer.moments))),
        test_history=trainer.test_history.data() if trainer.test_dataset is not None else None,
    )


def restore_into(trainer, exp: Experiment) -> None:
    """Put a saved experiment's weights, state and history into a trainer.

    The trainer may use other training settings (more epochs, another learning rate) but
    needs the same network shapes; optimizer state carries over only for the same optimizer.
    The partial cost of an epoch interrupted mid-way is not saved: its point is then summed
    from the steps run after loading.
    """
    trainer.reset()
    if exp.weights is not None:
        try:
            trainer.set_weights(list(exp.weights))
        except ValueError as exc:
            raise ExperimentError(f"the saved weights do not fit this network: {exc}") from exc
        same_optimizer = exp.spec.training.optimizer == trainer.spec.training.optimizer
        if same_optimizer and exp.optimizer_state:
            trainer.set_state(list(exp.weights) + list(exp.optimizer_state))
    trainer.step_count = min(exp.step, trainer.total_steps)
    trainer.history.extend(*exp.history)
    trainer.history.take_new()  # restored points are history, not news for the next snapshot
    trainer.log.extend(exp.log)
    for moment in exp.moments:
        if moment.step <= trainer.step_count:
            trainer.moments.add(moment)
    if exp.test_history is not None and trainer.test_dataset is not None:
        trainer.test_history.extend(*exp.test_history)
        trainer.test_history.take_new()
        trainer.test_history.last_step = trainer.step_count


def dataset_for(spec: ExperimentSpec) -> Dataset:
    """The dataset a spec names, with DatasetError turned into an ExperimentError."""
    try:
        return load_dataset(spec.dataset)
    except DatasetError as exc:
        raise ExperimentError(str(exc)) from exc


# --- exports ------------------------------------------------------------------------------


def export_weights_npz(path: Path, weights: list[np.ndarray]) -> None:
    import io

    buffer = io.BytesIO()
    np.savez(buffer, **{f"W{i + 1}": w for i, w in enumerate(weights)})
    atomic_write(Path(path), buffer.getvalue())


def export_history_csv(path: Path, epochs: np.ndarray, costs: np.ndarray) -> None:
    lines = ["epoch,cost"] + [
        f"{e},{c!r}" for e, c in zip(epochs.tolist(), costs.tolist(), strict=True)
    ]
    atomic_write(Path(path), ("\n".join(lines) + "\n").encode("utf-8"))
