"""Landscape functions compiled once per network for the whole session (compiling is the
slow part; the function cache shares them, this keeps them from being evicted)."""

from __future__ import annotations

import pytest

from xorlab.core.landscape.batched_cost import cost_functions
from xorlab.core.training.datasets import load_dataset
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import ExperimentSpec

from ..variants import VARIANTS

_FUNCTIONS: dict = {}


def functions_for(spec: ExperimentSpec):
    # Every field the batched cost depends on (the cost and its penalties, the network).
    key = (spec.network, spec.training.cost, spec.training.l2, spec.training.l1, spec.dataset)
    if key not in _FUNCTIONS:
        ds = load_dataset(spec.dataset)
        _FUNCTIONS[key] = (
            cost_functions(spec.network, spec.training, ds.n_inputs, ds.n_outputs),
            ds,
        )
    return _FUNCTIONS[key]


def variant_spec(name: str) -> ExperimentSpec:
    if name in VARIANTS:
        return preset_spec("xor-minimal").with_changes(**VARIANTS[name])
    return preset_spec(name)


@pytest.fixture
def landscape_functions():
    return functions_for
