import numpy as np
import pytest

from xorlab.core.sweep.runs import run_sweep, sweep_runs
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import SpecError
from xorlab.core.training.trainer import Trainer


def test_sweep_grid_labels_and_limits():
    base = preset_spec("xor-minimal")
    runs = sweep_runs(base, seeds=[1, 2], learning_rates=[0.1, 0.5, 1.0])
    assert len(runs) == 6 and runs[0].label == "seed=1 lr=0.1"
    assert runs[-1].spec.network.seed == 2 and runs[-1].spec.training.learning_rate == 1.0
    assert sweep_runs(base, hidden_sizes=[2, 8])[1].spec.network.hidden == (8,)
    with pytest.raises(SpecError, match="learning_rate"):
        sweep_runs(base, learning_rates=[-1.0])
    with pytest.raises(SpecError, match="limit"):
        sweep_runs(base, seeds=range(20), learning_rates=[0.1] * 20)


def test_sweep_results_equal_separate_trainings():
    base = preset_spec("xor-minimal").with_changes(training={"epochs": 3000})
    runs = sweep_runs(base, seeds=[1, 5], learning_rates=[0.5, 1e6])
    seen = []
    results = run_sweep(runs, target_cost=0.9, on_result=seen.append)
    assert [r.label for r in seen] == [r.label for r in runs]
    diverged = [r for r in results if r.spec.training.learning_rate == 1e6]
    assert all("diverged" in r.diverged for r in diverged)
    # A run sharing a compiled trainer gives exactly what its own trainer gives.
    check = results[2]
    own = Trainer(check.spec)
    own.run(3000)
    outputs, cost = own.evaluate()
    assert check.final_cost == pytest.approx(cost, abs=1e-12)
    np.testing.assert_allclose(check.history_costs, own.history.data()[1], atol=1e-12)
    assert check.accuracy == float(np.mean((outputs > 0.5) == (own.dataset.y > 0.5)))
    if check.epochs_to_target is not None:
        assert check.history_costs[check.history_epochs == check.epochs_to_target][0] <= 0.9
