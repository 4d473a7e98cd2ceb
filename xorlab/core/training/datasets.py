"""Training data: truth tables, parity, 2-D point sets and CSV import.

Every dataset is an immutable pair of float64 arrays, X of shape (samples, inputs) and
y of shape (samples, outputs), with targets in [0, 1] for the classification sets.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xorlab.core.io.text_files import read_small_text
from xorlab.core.training.spec import DatasetSpec

MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_CSV_ROWS = 100_000
MAX_CSV_COLUMNS = 64
# The csv module's own limit (128 KiB per field), said in our words rather than its error.
MAX_CSV_FIELD = 128 * 1024
# A plain decimal number in ASCII. float() also takes '1_000', ' nan', 'infinity' and digits
# of any script ('١٢' is 12), which a spreadsheet would not read: refuse those here.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


@dataclass(frozen=True, eq=False)
class Dataset:
    name: str
    X: np.ndarray
    y: np.ndarray
    input_names: tuple[str, ...]
    target_names: tuple[str, ...]
    description: str = ""
    # The held-out samples when this is the training part of a train/test split
    # (core.training.split); None otherwise.
    test: Dataset | None = None
    row_lines: tuple[int, ...] = ()  # a CSV row's line in its file, for messages; else empty

    def __post_init__(self) -> None:
        for arr in (self.X, self.y):
            arr.setflags(write=False)

    @property
    def n_inputs(self) -> int:
        return self.X.shape[1]

    @property
    def n_outputs(self) -> int:
        return self.y.shape[1]

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]


class DatasetError(ValueError):
    """A dataset that cannot be built or read; ``line``/``column`` are 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.message, self.line, self.column = message, line, column
        where = ""
        if line is not None:
            where = f"line {line}" + (f", column {column}" if column is not None else "") + ": "
        super().__init__(where + message)


def _table(name: str, rows: list[tuple[int, ...]], targets: list[int], description: str) -> Dataset:
    X = np.array(rows, dtype=np.float64)
    y = np.array(targets, dtype=np.float64).reshape(-1, 1)
    inputs = tuple(f"x{i + 1}" for i in range(X.shape[1]))
    return Dataset(name, X, y, inputs, ("y",), description)


def _gate(name: str, rule, description: str) -> Dataset:
    rows = [(0, 0), (0, 1), (1, 0), (1, 1)]
    return _table(name, rows, [int(rule(a, b)) for a, b in rows], description)


def _parity(bits: int) -> Dataset:
    rows = list(itertools.product((0, 1), repeat=bits))
    return _table(f"parity{bits}", rows, [sum(r) % 2 for r in rows], f"{bits}-bit parity (odd = 1)")


TRUTH_TABLES = {
    # The 28-line tutorial's order.
    "xor": lambda: _table(
        "xor", [(1, 0), (0, 0), (0, 1), (1, 1)], [1, 0, 1, 0], "XOR, the 28-line tutorial's order"
    ),
    # The beginner (bias-unit) tutorial's order.
    "xor-beginner": lambda: _table(
        "xor-beginner",
        [(0, 1), (1, 0), (1, 1), (0, 0)],
        [1, 1, 0, 0],
        "XOR, the beginner tutorial's order",
    ),
    "and": lambda: _gate("and", lambda a, b: a and b, "AND"),
    "or": lambda: _gate("or", lambda a, b: a or b, "OR"),
    "nand": lambda: _gate("nand", lambda a, b: not (a and b), "NAND"),
    "nor": lambda: _gate("nor", lambda a, b: not (a or b), "NOR"),
    "xnor": lambda: _gate("xnor", lambda a, b: a == b, "XNOR"),
    "parity3": lambda: _parity(3),
    "parity4": lambda: _parity(4),
}


def _points(name: str, X: np.ndarray, labels: np.ndarray, description: str) -> Dataset:
    return Dataset(
        name,
        np.ascontiguousarray(X, dtype=np.float64),
        labels.astype(np.float64).reshape(-1, 1),
        ("x1", "x2"),
        ("y",),
        description,
    )


def circle(size: int, noise: float, seed: int) -> Dataset:
    rng = np.random.RandomState(seed)
    radius = np.concatenate(
        [rng.uniform(0, 0.5, size // 2), rng.uniform(0.7, 1.0, size - size // 2)]
    )
    angle = rng.uniform(0, 2 * math.pi, size)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += rng.normal(0, noise * 0.5, X.shape)
    labels = np.arange(size) < size // 2
    return _points("circle", X, labels, "inner disc (1) inside a ring (0)")


def gaussians(size: int, noise: float, seed: int) -> Dataset:
    rng = np.random.RandomState(seed)
    half = size // 2
    spread = 0.15 + noise
    X = np.vstack([rng.normal(0.5, spread, (half, 2)), rng.normal(-0.5, spread, (size - half, 2))])
    labels = np.arange(size) < half
    return _points("gaussians", X, labels, "two gaussian blobs")


def spiral(size: int, noise: float, seed: int) -> Dataset:
    rng = np.random.RandomState(seed)
    half = size // 2
    t = np.sqrt(rng.uniform(0, 1, size)) * 3 * math.pi
    sign = np.where(np.arange(size) < half, 1.0, -1.0)
    X = np.column_stack([sign * t * np.cos(t), sign * t * np.sin(t)]) / (3 * math.pi)
    X += rng.normal(0, noise * 0.1, X.shape)
    return _points("spiral", X, np.arange(size) < half, "two interleaved spirals")


def xor_quadrants(size: int, noise: float, seed: int) -> Dataset:
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (size, 2))
    # Keep points off the axes so the classes stay separable at zero noise.
    X += np.sign(X) * 0.05
    labels = (X[:, 0] > 0) != (X[:, 1] > 0)
    X += rng.normal(0, noise * 0.2, X.shape)
    return _points("xor-quadrants", X, labels, "XOR of the signs of x1 and x2")


def plane(size: int, noise: float, seed: int) -> Dataset:
    """Regression: the target is a tilted plane, (x1 + x2) / 2, in [-1, 1] (Playground's
    "plane"); noise jitters the targets."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (size, 2))
    targets = (X[:, 0] + X[:, 1]) / 2 + rng.normal(0, noise * 0.2, size)
    return _points("plane", X, targets, "regression: the plane (x1 + x2) / 2")


# Playground's "multi-Gaussian" regression set: signed bumps at six centres (its layout,
# scaled from its [-6, 6] plane to [-1, 1]).
BUMP_CENTRES = np.array([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]]) / 6
BUMP_SIGNS = np.array([-1.0, 1.0, -1.0, 1.0, -1.0, 1.0])
BUMP_WIDTH = 0.25  # standard deviation of each bump


def bump_values(X: np.ndarray) -> np.ndarray:
    """The gaussian-bumps target at each row of X (samples, 2), noise-free."""
    d2 = ((X[:, None, :] - BUMP_CENTRES[None, :, :]) ** 2).sum(axis=2)
    return (BUMP_SIGNS * np.exp(-d2 / (2 * BUMP_WIDTH**2))).sum(axis=1)


def gaussian_bumps(size: int, noise: float, seed: int) -> Dataset:
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (size, 2))
    targets = bump_values(X) + rng.normal(0, noise * 0.2, size)
    return _points("gaussian-bumps", X, targets, "regression: six signed gaussian bumps")


POINT_SETS = {
    "circle": circle,
    "gaussians": gaussians,
    "spiral": spiral,
    "xor-quadrants": xor_quadrants,
    "plane": plane,
    "gaussian-bumps": gaussian_bumps,
}
# Point sets whose targets are real numbers: a linear output and a squared error fit them.
REGRESSION_SETS = ("plane", "gaussian-bumps")

DATASET_NAMES = (*TRUTH_TABLES, *POINT_SETS, "csv")


@dataclass(frozen=True, eq=False)
class PlaneGrid:
    """A square grid over a 2-input dataset's plane, padded around its points."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    resolution: int
    points: np.ndarray  # (resolution**2, 2), x varying fastest


def plane_grid(dataset: Dataset, resolution: int = 64, pad: float = 0.25) -> PlaneGrid:
    """The grid a decision-boundary map evaluates the network on (2-input datasets only)."""
    if dataset.n_inputs != 2:
        raise DatasetError("a decision boundary needs exactly two inputs")
    lo, hi = dataset.X.min(axis=0), dataset.X.max(axis=0)
    margin = np.maximum(hi - lo, 1e-9) * pad
    lo, hi = lo - margin, hi + margin
    xs = np.linspace(lo[0], hi[0], resolution)
    ys = np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    return PlaneGrid((float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1])), resolution, points)


def load_dataset(spec: DatasetSpec) -> Dataset:
    """Build the dataset a spec names; raises DatasetError with a readable message."""
    if spec.name in TRUTH_TABLES:
        return TRUTH_TABLES[spec.name]()
    if spec.name in POINT_SETS:
        return POINT_SETS[spec.name](spec.size, spec.noise, spec.seed)
    if spec.name == "csv":
        if not spec.path:
            raise DatasetError("no CSV file chosen")
        return read_csv(Path(spec.path))
    raise DatasetError(f"unknown dataset '{spec.name}'; choose one of {', '.join(DATASET_NAMES)}")


def read_csv(path: Path) -> Dataset:
    """Read a CSV with a header row of numeric columns.

    Target columns are those whose header starts with ``target`` or is ``y``/``y1``...;
    if none is marked, the last column is the target. Targets must come last.
    """
    text = read_small_text(path, MAX_CSV_BYTES, DatasetError, encoding="utf-8-sig")
    return parse_csv(text, name=path.stem)


def _is_target(header: str) -> bool:
    h = header.strip().lower()
    return h.startswith("target") or h == "y" or (h.startswith("y") and h[1:].isdigit())


def parse_csv(text: str, name: str = "csv") -> Dataset:
    rows = _csv_rows(text)
    rows = [(line, r) for line, r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise DatasetError("the file is empty")
    header_line, header = rows[0]
    header = [h.strip() for h in header]
    if len(header) < 2:
        raise DatasetError("needs at least two columns (inputs, then target)", header_line)
    if len(header) > MAX_CSV_COLUMNS:
        raise DatasetError(
            f"has {len(header)} columns; the limit is {MAX_CSV_COLUMNS}", header_line
        )
    if all(_looks_numeric(h) for h in header):
        raise DatasetError("the first row must be a header naming the columns", header_line)
    body = rows[1:]
    if not body:
        raise DatasetError("has a header but no data rows", header_line)
    if len(body) > MAX_CSV_ROWS:
        raise DatasetError(f"has {len(body)} rows; the limit is {MAX_CSV_ROWS}")
    values = np.empty((len(body), len(header)), dtype=np.float64)
    for r, (line, row) in enumerate(body):
        if len(row) != len(header):
            raise DatasetError(f"has {len(row)} values, the header has {len(header)}", line)
        for c, cell in enumerate(row):
            values[r, c] = _number(cell, header[c], line, c + 1)
    marked = [_is_target(h) for h in header]
    n_targets = sum(marked) or 1
    if any(marked) and marked[-n_targets:] != [True] * n_targets:
        raise DatasetError("target columns must come last", header_line)
    if n_targets >= len(header):
        raise DatasetError("needs at least one input column before the targets", header_line)
    return Dataset(
        name,
        values[:, :-n_targets].copy(),
        values[:, -n_targets:].copy(),
        tuple(header[:-n_targets]),
        tuple(header[-n_targets:]),
        f"imported from {name}.csv",
        row_lines=tuple(line for line, _ in body),
    )


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each record; a record may span lines inside quotes."""
    reader = csv.reader(io.StringIO(text))
    rows = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        line = reader.line_num
        if "field larger than field limit" in str(exc):
            raise DatasetError(
                f"a field is over {MAX_CSV_FIELD // 1024} KiB (an unclosed quote?)", line
            ) from None
        raise DatasetError(f"cannot read the CSV here: {exc}", line) from None
    return rows


def _number(cell: str, column: str, line: int, col: int) -> float:
    text = cell.strip()
    if not _NUMBER.fullmatch(text):
        if not _looks_numeric(text):
            raise DatasetError(f"'{text[:20]}' in column '{column}' is not a number", line, col)
        if not text.isascii():
            raise DatasetError(
                f"'{text[:20]}' in column '{column}' uses digits other than 0-9", line, col
            )
        value = float(text)
        if not math.isfinite(value):
            raise DatasetError(f"column '{column}' holds {text}", line, col)
        raise DatasetError(
            f"'{text[:20]}' in column '{column}' is not a plain decimal number", line, col
        )
    value = float(text)
    if not math.isfinite(value):  # 1e999
        raise DatasetError(f"column '{column}' holds {text}, beyond double range", line, col)
    return value


def target_problem(dataset: Dataset, cost: str) -> DatasetError | None:
    """Why ``dataset`` cannot be learned with ``cost``, or None: binary cross-entropy needs
    targets in [0, 1] (class probabilities). Names the CSV line and column when known."""
    if cost != "bce":
        return None
    outside = np.argwhere((dataset.y < 0) | (dataset.y > 1))
    if not len(outside):
        return None
    row, col = (int(i) for i in outside[0])
    value = float(dataset.y[row, col])
    message = (
        f"target '{dataset.target_names[col]}' is {value:g}; binary cross-entropy "
        f"(classification) needs targets from 0 to 1 ({len(outside)} outside)"
    )
    if dataset.row_lines:
        return DatasetError(message, dataset.row_lines[row], dataset.n_inputs + col + 1)
    return DatasetError(f"row {row + 1}: {message}")


def _looks_numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
