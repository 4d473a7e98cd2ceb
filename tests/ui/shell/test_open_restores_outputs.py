"""Opening a saved run restores what it showed: the outputs plot over the whole run (not a
single point at the last epoch), time travel over the saved moments, the test curve."""

from __future__ import annotations

import numpy as np

from tests.ui.windows import wait_for_state
from xorlab.core.io.experiment import experiment_from_trainer, save_experiment
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer

SPEC = preset_spec("xor-minimal")


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_open_restores_outputs_history_and_time_travel(make_window, qtbot, tmp_path):
    trainer = Trainer(SPEC)
    while not trainer.done:
        trainer.run(937)
    path = tmp_path / "run.json"
    save_experiment(path, experiment_from_trainer(trainer))
    window = make_window(SPEC)
    assert window.open_experiment(str(path))
    wait_for_state(qtbot, window, "done")
    n_moments = len(trainer.moments)
    qtbot.waitUntil(lambda: len(window.outputs_plot.series) == n_moments)
    x = window.outputs_plot.series.x
    assert x[0] == 0 and x[-1] == 60_000  # the whole run, not 59999.8-60000.2
    # Each point is the outputs of that moment's saved weights, by numpy.
    k = n_moments // 2
    W1, W2 = trainer.moments[k].weights
    expected = sigmoid(sigmoid(trainer.dataset.X @ W1) @ W2)[:, 0]
    shown = [window.outputs_plot.series.column(j)[k] for j in range(4)]
    np.testing.assert_allclose(shown, expected, rtol=0, atol=1e-12)
    assert len(window.replay.timeline) == n_moments
    assert window.timeline_bar.slider.isEnabled()
    window.replay.show_index(k)
    assert window.replay.shown.step == trainer.moments[k].step


def test_open_restores_the_test_curve(make_window, qtbot, tmp_path):
    spec = preset_spec("circle-features").with_changes(
        dataset={"test_fraction": 0.3}, training={"epochs": 100}
    )
    trainer = Trainer(spec)
    trainer.run(trainer.total_steps)
    path = tmp_path / "split.json"
    save_experiment(path, experiment_from_trainer(trainer))
    window = make_window(spec)
    assert window.open_experiment(str(path))
    wait_for_state(qtbot, window, "done")
    epochs, costs, _ = trainer.test_history.data()
    qtbot.waitUntil(lambda: len(window.cost_plot.test_data()[0]) == len(epochs))
    np.testing.assert_array_equal(window.cost_plot.test_data()[1], costs)
