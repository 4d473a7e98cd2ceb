import numpy as np
import pytest

from xorlab.core.training.datasets import (
    DATASET_NAMES,
    DatasetError,
    load_dataset,
    parse_csv,
    plane_grid,
    read_csv,
    target_problem,
)
from xorlab.core.training.presets import preset_spec
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


# --- hostile CSV (issue 10) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message, line, column",
    [
        ("a,b,y\n0,1,1\n0," + "9" * 140_000 + ",1\n", "over 128 KiB", 3, None),
        ('a,b,y\n0,1,1\n0,"' + "x" * 140_000 + "\n", "over 128 KiB", 3, None),  # open quote
        ("a,b,y\n0,1,1\n0,\u0661,1\n", "digits other than 0-9", 3, 2),  # Arabic-Indic 1
        ("a,b,y\n\uff11,0,1\n", "digits other than 0-9", 2, 1),  # fullwidth 1
        ("a,b,y\n0,1,\u0967\n", "digits other than 0-9", 2, 3),  # Devanagari 1
        ("a,b,y\n0,1_000,1\n", "not a plain decimal number", 2, 2),
        ("a,b,y\n0,1e999,1\n", "beyond double range", 2, 2),
        ("a,b,y\n0,infinity,1\n", "holds infinity", 2, 2),
    ],
)
def test_hostile_csv_cells_name_the_line_and_column(text, message, line, column):
    with pytest.raises(DatasetError, match=message) as info:
        parse_csv(text)
    assert (info.value.line, info.value.column) == (line, column)


def test_plain_numbers_still_read():
    ds = parse_csv("a,b,y\n -1.5 ,+.5,1\n2.,3e-2,0\n1E+2,0,1\n")
    np.testing.assert_array_equal(ds.X, [[-1.5, 0.5], [2.0, 0.03], [100.0, 0.0]])
    assert ds.row_lines == (2, 3, 4)


def test_classification_targets_outside_0_1_name_line_and_column():
    ds = parse_csv("a,b,y\n0,1,1\n\n0,0,0\n1,1,2.5\n1,0,-1\n")
    assert target_problem(ds, "mse") is None and target_problem(ds, "sse") is None
    problem = target_problem(ds, "bce")
    assert (problem.line, problem.column) == (5, 3)
    assert "target 'y' is 2.5" in str(problem) and "(2 outside)" in str(problem)
    assert target_problem(parse_csv("a,y\n0,0\n1,1\n0.5,0.25\n"), "bce") is None


def test_a_bce_experiment_on_a_regression_csv_is_refused_by_train(tmp_path, capsys):
    from xorlab.cli import main
    from xorlab.core.io.experiment import Experiment, experiment_to_json

    text = "a,b,y\n0,0,0\n0,1,3\n1,0,1\n1,1,0\n"
    spec = preset_spec("xor-minimal").with_changes(
        dataset={"name": "csv", "path": "reg.csv"}, training={"cost": "bce", "epochs": 1}
    )
    path = tmp_path / "exp.json"
    path.write_text(experiment_to_json(Experiment(spec, parse_csv(text))))
    assert main(["train", "--experiment", str(path)]) == 2
    err = capsys.readouterr().err
    assert "dataset.y: row 2: target 'y' is 3" in err and "Traceback" not in err
