"""The window's worker lowers the interpreter's GIL switch interval (gil_switch.py)."""

from __future__ import annotations

import sys

import pytest

from xorlab.ui.runtime.gil_switch import SWITCH_INTERVAL_S, share_the_gil_finely
from xorlab.ui.runtime.worker import TrainingWorker


@pytest.fixture
def switch_interval():
    before = sys.getswitchinterval()
    yield
    sys.setswitchinterval(before)


def test_cpythons_default_is_lowered_a_lower_one_kept(switch_interval):
    sys.setswitchinterval(0.005)  # CPython's default
    share_the_gil_finely()
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_S)
    sys.setswitchinterval(SWITCH_INTERVAL_S / 2)
    share_the_gil_finely()
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_S / 2)


def test_a_training_worker_sets_it(qtbot, switch_interval):
    sys.setswitchinterval(0.005)
    worker = TrainingWorker()
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_S)
    worker.request_shutdown()
