import math

import pytest

from xorlab.core.training.presets import PRESETS
from xorlab.core.training.spec import ExperimentSpec, SpecError, validate


def _fields(spec):
    return {e.field for e in validate(spec)}


def test_presets_are_valid_and_round_trip_through_dicts():
    for preset in PRESETS.values():
        assert validate(preset.spec) == [], preset.name
        assert ExperimentSpec.from_dict(preset.spec.to_dict()) == preset.spec


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"network": {"hidden": (0,)}}, "network.hidden[0]"),
        ({"network": {"hidden": (65,), "activations": ("tanh",)}}, "network.hidden[0]"),
        ({"network": {"hidden": (), "activations": ()}}, "network.hidden"),
        ({"network": {"activations": ("sigmoid", "tanh")}}, "network.activations"),
        ({"network": {"activations": ("swish",)}}, "network.activations[0]"),
        ({"network": {"init": "zeros"}}, "network.init"),
        ({"network": {"seed": -1}}, "network.seed"),
        ({"training": {"learning_rate": 0.0}}, "training.learning_rate"),
        ({"training": {"learning_rate": -1.0}}, "training.learning_rate"),
        ({"training": {"learning_rate": math.nan}}, "training.learning_rate"),
        ({"training": {"learning_rate": math.inf}}, "training.learning_rate"),
        ({"training": {"learning_rate": 1e300}}, "training.learning_rate"),
        ({"training": {"epochs": 0}}, "training.epochs"),
        ({"training": {"batch_size": 0}}, "training.batch_size"),
        ({"training": {"l2": -0.1}}, "training.l2"),
        ({"training": {"momentum": 1.0}}, "training.momentum"),
        ({"training": {"cost": "bce"}, "network": {"output_activation": "tanh"}}, "training.cost"),
        ({"dataset": {"size": 10**9}}, "dataset.size"),
    ],
)
def test_bad_fields_are_named_with_a_readable_message(changes, field):
    spec = PRESETS["xor-minimal"].spec.with_changes(**changes)
    errors = validate(spec)
    assert field in {e.field for e in errors}
    assert all(len(e.message) > 10 for e in errors)


def test_from_dict_rejects_wrong_types_and_unknown_keys():
    good = PRESETS["xor-bias"].spec.to_dict()
    bad = {**good, "network": {**good["network"], "hidden": "3", "bias": 1, "colour": "red"}}
    with pytest.raises(SpecError) as info:
        ExperimentSpec.from_dict(bad)
    fields = {e.field for e in info.value.errors}
    assert fields == {"network.hidden", "network.bias", "network.colour"}
    with pytest.raises(SpecError):
        ExperimentSpec.from_dict([1, 2])
    ints_as_floats = {**good, "training": {**good["training"], "learning_rate": 1}}
    assert ExperimentSpec.from_dict(ints_as_floats).training.learning_rate == 1.0
