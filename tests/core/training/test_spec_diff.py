from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec_diff import SAME, describe_difference

MINIMAL = preset_spec("xor-minimal")


def test_labels_name_the_earlier_runs_values_where_they_differ():
    lr = MINIMAL.with_changes(training={"learning_rate": 0.5})
    assert describe_difference(lr, MINIMAL) == "lr 0.5"
    assert describe_difference(MINIMAL, lr) == "lr 0.01"
    seed = MINIMAL.with_changes(network={"seed": 3})
    assert describe_difference(seed, MINIMAL) == "seed 3"
    deep = MINIMAL.with_changes(network={"hidden": (4, 2), "activations": ("tanh", "relu")})
    assert describe_difference(deep, MINIMAL) == "hidden 4-2, tanh/relu"
    assert describe_difference(MINIMAL, MINIMAL) == SAME


def test_irrelevant_fields_are_left_out_and_long_labels_are_cut():
    # Momentum only matters with the momentum optimizer; log_every never.
    quiet = MINIMAL.with_changes(training={"momentum": 0.5, "log_every": 7})
    assert describe_difference(quiet, MINIMAL) == SAME
    busy = MINIMAL.with_changes(
        network={"seed": 9, "bias": True},
        training={"learning_rate": 2.0, "optimizer": "adam", "epochs": 500},
    )
    assert describe_difference(busy, MINIMAL) == "lr 2, seed 9, bias, +2 more"
    circle = preset_spec("circle")
    noisier = circle.with_changes(dataset={"noise": 0.3})
    assert describe_difference(noisier, circle) == "noise 0.3"
    assert describe_difference(circle, MINIMAL).startswith("lr 0.03, seed 1, hidden 4")
