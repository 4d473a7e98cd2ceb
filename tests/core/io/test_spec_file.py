"""Spec files for `train --spec`: the builder's spec round-trips; bad files are messages."""

from __future__ import annotations

import json

import pytest

from xorlab.core.io.spec_file import SpecFileError, load_spec, spec_from_json, spec_to_json
from xorlab.core.training.presets import PRESETS


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_round_trips(name, tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(spec_to_json(PRESETS[name].spec))
    assert load_spec(path) == PRESETS[name].spec


def test_missing_sections_take_the_defaults():
    spec = spec_from_json('{"training": {"epochs": 5}}')
    assert spec.training.epochs == 5 and spec.dataset.name == "xor"


@pytest.mark.parametrize(
    "text, message",
    [
        ("{", "not valid JSON (line 1"),
        ("[1, 2]", "spec: must be an object"),
        ('{"network": {"hidden": [0]}}', "network.hidden[0]: needs 1 to 64 neurons"),
        ('{"network": {"hidden": "3"}}', "network.hidden: must be a list of int"),
        ('{"training": {"learning_rate": 1e400}}', "training.learning_rate: must be a finite"),
        ('{"dataset": {"test_fraction": 2}}', "dataset.test_fraction: must be in [0, 0.9]"),
        ('{"optimiser": {}}', "optimiser: unknown section"),
        ('{"format": "xorlab-experiment", "spec": {}}', "pass it with --experiment"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_bad_spec_text_is_a_message(text, message):
    with pytest.raises(SpecFileError) as info:
        spec_from_json(text)
    assert message in str(info.value)


def test_bad_files_are_messages(tmp_path):
    with pytest.raises(SpecFileError, match="cannot read"):
        load_spec(tmp_path / "missing.json")
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SpecFileError, match="not a text file"):
        load_spec(binary)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"x": "a" * (2 * 2**20)}))
    with pytest.raises(SpecFileError, match="limit"):
        load_spec(big)
