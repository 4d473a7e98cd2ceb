"""The train/test split: a seeded choice of held-out samples, so overfitting can be seen.

The split is a pure function of the number of samples, ``dataset.test_fraction`` and
``dataset.seed``, so a saved experiment stores the whole data once and splits it again on
opening, and the same spec always holds out the same samples. Truth tables are never split:
their few rows are the whole problem, there is nothing to generalize to.
"""

from __future__ import annotations

import numpy as np

from xorlab.core.training.datasets import POINT_SETS, Dataset
from xorlab.core.training.spec import DatasetSpec

# Mixed into the dataset seed so the held-out samples do not follow the point generator's
# own draws from RandomState(seed) (the circle's first draws are its radii).
SPLIT_SEED_SALT = 0x5EED_7E57


def splits(spec: DatasetSpec) -> bool:
    """Whether this dataset spec holds samples out for testing."""
    return spec.test_fraction > 0 and (spec.name in POINT_SETS or spec.name == "csv")


def held_out_rows(n_samples: int, fraction: float, seed: int) -> np.ndarray:
    """Sorted indices of the held-out samples: round(n * fraction) of them, at least one
    sample always left to train on."""
    n_test = min(int(round(n_samples * fraction)), n_samples - 1)
    if n_test <= 0:
        return np.empty(0, dtype=np.int64)
    rng = np.random.RandomState((seed ^ SPLIT_SEED_SALT) % 2**32)
    return np.sort(rng.permutation(n_samples)[:n_test]).astype(np.int64)


def split_dataset(dataset: Dataset, spec: DatasetSpec) -> Dataset:
    """The training part of ``dataset``, its ``test`` attribute holding the held-out part
    (None without a split). Samples keep their order within each part."""
    if not splits(spec):
        return dataset
    held_out = held_out_rows(dataset.n_samples, spec.test_fraction, spec.seed)
    if held_out.size == 0:
        return dataset
    keep = np.ones(dataset.n_samples, dtype=bool)
    keep[held_out] = False

    def part(rows: np.ndarray, what: str, test: Dataset | None = None) -> Dataset:
        return Dataset(
            dataset.name,
            np.ascontiguousarray(dataset.X[rows]),
            np.ascontiguousarray(dataset.y[rows]),
            dataset.input_names,
            dataset.target_names,
            f"{dataset.description} ({what})" if dataset.description else what,
            test=test,
            # CSV messages name the file's line of a sample, in either part.
            row_lines=tuple(dataset.row_lines[r] for r in rows) if dataset.row_lines else (),
        )

    test = part(held_out, "test samples")
    return part(np.flatnonzero(keep), "training samples", test)
