import numpy as np
import pytest

from xorlab.core.training.datasets import (
    DATASET_NAMES,
    DatasetError,
    load_dataset,
    parse_csv,
    plane_grid,
    read_csv,
)
from xorlab.core.training.spec import DatasetSpec


def test_truth_tables_follow_their_rules():
    xor = load_dataset(DatasetSpec("xor"))
    np.testing.assert_array_equal(xor.X, [[1, 0], [0, 0], [0, 1], [1, 1]])
    np.testing.assert_array_equal(xor.y[:, 0], [1, 0, 1, 0])
    beginner = load_dataset(DatasetSpec("xor-beginner"))
    np.testing.assert_array_equal(beginner.X, [[0, 1], [1, 0], [1, 1], [0, 0]])
    np.testing.assert_array_equal(beginner.y[:, 0], [1, 1, 0, 0])
    rules = {
        "and": np.logical_and,
        "or": np.logical_or,
        "xnor": np.equal,
        "nand": lambda a, b: ~np.logical_and(a, b),
        "nor": lambda a, b: ~np.logical_or(a, b),
    }
    for name, rule in rules.items():
        ds = load_dataset(DatasetSpec(name))
        a, b = ds.X[:, 0].astype(bool), ds.X[:, 1].astype(bool)
        np.testing.assert_array_equal(ds.y[:, 0], rule(a, b).astype(float), err_msg=name)
    for bits in (3, 4):
        ds = load_dataset(DatasetSpec(f"parity{bits}"))
        assert ds.X.shape == (2**bits, bits)
        np.testing.assert_array_equal(ds.y[:, 0], ds.X.sum(axis=1) % 2)


@pytest.mark.parametrize("name", ["circle", "gaussians", "spiral", "xor-quadrants"])
def test_point_sets_are_reproducible_balanced_and_sized(name):
    a = load_dataset(DatasetSpec(name, size=120, noise=0.1, seed=5))
    b = load_dataset(DatasetSpec(name, size=120, noise=0.1, seed=5))
    c = load_dataset(DatasetSpec(name, size=120, noise=0.1, seed=6))
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, c.X)
    assert a.X.shape == (120, 2) and set(np.unique(a.y)) == {0.0, 1.0}
    assert 0.3 < a.y.mean() < 0.7


def test_xor_quadrants_labels_follow_the_signs_without_noise():
    ds = load_dataset(DatasetSpec("xor-quadrants", size=200, noise=0.0, seed=1))
    np.testing.assert_array_equal(ds.y[:, 0], (ds.X[:, 0] > 0) != (ds.X[:, 1] > 0))


def test_every_named_dataset_loads_or_explains():
    for name in DATASET_NAMES:
        if name == "csv":
            with pytest.raises(DatasetError, match="no CSV"):
                load_dataset(DatasetSpec("csv"))
        else:
            assert load_dataset(DatasetSpec(name)).n_samples >= 4
    with pytest.raises(DatasetError, match="unknown dataset"):
        load_dataset(DatasetSpec("nope"))


def test_csv_import_reads_inputs_then_targets(tmp_path):
    path = tmp_path / "gate.csv"
    path.write_text("a,b,target\n0,0,0\n0,1,1\n1,0,1\n\n1,1,0\n")
    ds = read_csv(path)
    assert ds.input_names == ("a", "b") and ds.target_names == ("target",)
    np.testing.assert_array_equal(ds.y[:, 0], [0, 1, 1, 0])
    two = parse_csv("x1,x2,y1,y2\n0,1,1,0\n1,1,0,1\n")
    assert two.n_inputs == 2 and two.n_outputs == 2
    unmarked = parse_csv("p,q,r\n1,2,3\n")
    assert unmarked.n_inputs == 2 and unmarked.target_names == ("r",)


@pytest.mark.parametrize(
    "text, message, line, column",
    [
        ("", "empty", None, None),
        ("0,1,1\n1,0,1\n", "header", 1, None),
        ("a,b,y\n", "no data rows", 1, None),
        ("a,b,y\n0,1,1\n0,1\n", "has 2 values", 3, None),
        ("a,b,y\n0,1,1\n0,x,1\n", "'x' in column 'b' is not a number", 3, 2),
        ("a,b,y\n0,nan,1\n", "holds nan", 2, 2),
        ("y\n1\n", "at least two columns", 1, None),
        ("y,a\n1,0\n", "target columns must come last", 1, None),
    ],
)
def test_malformed_csv_names_the_line_and_column(text, message, line, column):
    with pytest.raises(DatasetError, match=message) as info:
        parse_csv(text)
    assert (info.value.line, info.value.column) == (line, column)


def test_unreadable_or_binary_csv_files_give_messages(tmp_path):
    with pytest.raises(DatasetError, match="cannot read"):
        read_csv(tmp_path / "missing.csv")
    binary = tmp_path / "data.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(DatasetError, match="not UTF-8"):
        read_csv(binary)


def test_plane_grid_spans_the_points_with_x_varying_fastest():
    ds = load_dataset(DatasetSpec("xor"))
    grid = plane_grid(ds, resolution=5)
    assert grid.points.shape == (25, 2)
    assert grid.x_range[0] < 0 < 1 < grid.x_range[1]
    assert grid.points[1, 0] > grid.points[0, 0] and grid.points[1, 1] == grid.points[0, 1]
    with pytest.raises(DatasetError):
        plane_grid(load_dataset(DatasetSpec("parity3")))
