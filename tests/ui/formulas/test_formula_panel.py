"""The Formulas tab: the numbers it shows are the FormulaTracer's (itself checked against
numpy in tests/core/training/test_formulas.py), traced on the worker thread, refreshed at a
low rate."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from PySide6.QtGui import QTextCursor, QTextTable

from xorlab.app.formula_job import FormulaResult, tracer_for
from xorlab.app.trainer_jobs import TrainerJob
from xorlab.core.training.formulas import FormulaTracer
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import MAX_EPOCHS
from xorlab.core.training.trainer import Trainer
from xorlab.ui.formulas.html import num, render_html
from xorlab.ui.formulas.panel import REFRESH_INTERVAL_S, FormulaPanel, sample_text
from xorlab.ui.runtime.worker import TrainingWorker

BIAS = preset_spec("xor-bias")
ENDLESS = preset_spec("xor-minimal").with_changes(training={"epochs": MAX_EPOCHS})


@pytest.fixture(scope="module")
def oracle() -> Trainer:
    """A headless xor-bias trainer and its tracer, on the test's thread."""
    trainer = Trainer(BIAS)
    trainer.compile()
    return trainer


@pytest.fixture
def panel(qtbot):
    worker = TrainingWorker()
    panel = FormulaPanel(worker)
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    panel.show()
    worker.start()
    yield panel
    worker.shutdown()


def tables(panel: FormulaPanel) -> list[list[list[str]]]:
    """Every table in the panel's document, as rows of cell texts."""
    found = []
    for frame in panel.view.document().rootFrame().childFrames():
        if not isinstance(frame, QTextTable):
            continue
        rows = []
        for r in range(frame.rows()):
            row = []
            for c in range(frame.columns()):
                cell = frame.cellAt(r, c)
                cursor = cell.firstCursorPosition()
                cursor.setPosition(
                    cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor
                )
                row.append(cursor.selectedText().replace("\u2028", " ").replace("\u2029", " "))
            rows.append(row)
        found.append(rows)
    return found


def assert_tables_show(panel: FormulaPanel, trace) -> None:
    """Forward tables (one per layer), then backward (last layer first), then gradients."""
    shown = tables(panel)
    n = len(trace.layers)
    assert len(shown) == 3 * n
    for layer, table in zip(trace.layers, shown[:n], strict=True):
        n_in = layer.inputs.size
        for i in range(n_in):
            assert table[1 + i][0].endswith(f"= {num(layer.inputs[i])}")
            for j in range(layer.weighted_sums.size):
                assert table[1 + i][1 + j].startswith(f"{num(layer.weights[i, j])} × ")
        assert table[1 + n_in][1:] == [num(v) for v in layer.weighted_sums]
        assert table[2 + n_in][1:] == [num(v) for v in layer.outputs]
    for layer, table in zip(reversed(trace.layers), shown[n : 2 * n], strict=True):
        assert [row[2] for row in table[1:]] == [num(d) for d in layer.deltas]
    for layer, table in zip(trace.layers, shown[2 * n :], strict=True):
        for i in range(layer.gradient.shape[0]):
            for j in range(layer.gradient.shape[1]):
                cell = table[1 + i][1 + j]
                assert f"= {num(layer.gradient[i, j])} " in cell
                assert cell.endswith(f"step {num(layer.step[i, j])}")


def assert_same_trace(got, want) -> None:
    assert got.sample == want.sample and got.cost == pytest.approx(want.cost, abs=1e-12)
    for a, b in zip(got.layers, want.layers, strict=True):
        for name in ("inputs", "weights", "weighted_sums", "outputs", "deltas", "gradient", "step"):
            np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=0, atol=1e-12)


def test_panel_shows_the_tracers_numbers_and_follows_training(qtbot, panel, oracle):
    panel.worker.set_spec(BIAS)
    qtbot.waitUntil(lambda: panel.result is not None, timeout=30_000)
    data = oracle.dataset
    texts = [panel.sample_box.itemText(i) for i in range(panel.sample_box.count())]
    assert texts == [sample_text(data, i) for i in range(4)]
    assert texts[2] == f"sample 3: {data.X[2, 0]:g},{data.X[2, 1]:g} → {data.y[2, 0]:g}"

    panel.set_sample(2)
    qtbot.waitUntil(lambda: panel.result.trace.sample == 2, timeout=10_000)
    oracle.reset()
    expected = FormulaTracer(oracle).trace(2)
    assert panel.result.epoch == 0 and not panel.result.replayed
    assert_same_trace(panel.result.trace, expected)
    assert_tables_show(panel, panel.result.trace)
    assert "Weights of epoch 0 (live)" in panel.status.text()
    text = panel.view.toPlainText()
    assert f"= {num(expected.cost)}" in text and "Per sample:" in text

    # One epoch more (4 per-sample steps): the panel refreshes by itself.
    panel.worker.step()
    qtbot.waitUntil(lambda: panel.result.epoch == 1, timeout=10_000)
    oracle.run(oracle.steps_per_epoch)
    assert_same_trace(panel.result.trace, FormulaTracer(oracle).trace(2))
    assert_tables_show(panel, panel.result.trace)

    panel.plain_box.setChecked(True)
    assert panel.view.toPlainText().startswith("Sample 3: x = [")  # explain()'s lines


class FakeClock:
    """The panel's clock: seconds move only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_refreshes_are_rate_limited_and_skipped_while_hidden(qtbot, panel):
    worker = panel.worker
    clock = FakeClock()
    panel.job.clock = clock
    sent: list[float] = []
    submit = worker.submit_job

    def counting(job: TrainerJob) -> None:
        sent.append(clock())
        submit(job)

    worker.submit_job = counting
    engines: list[str] = []
    worker.engine_chosen.connect(engines.append)
    worker.set_spec(ENDLESS)
    qtbot.waitUntil(lambda: worker.state == "ready" and panel.result is not None, timeout=30_000)
    # At full speed: the quick tier a run starts on makes fewer snapshots on a busy machine.
    # The fast loop compiles from Train on: train to it, pause, and count from the resume.
    worker.train()
    qtbot.waitUntil(lambda: engines[-1:] not in ([], ["numpy"]), timeout=60_000)
    worker.pause()
    qtbot.waitUntil(lambda: worker.state == "paused" and not panel.job.pending, timeout=10_000)
    snapshots: list[object] = []
    worker.snapshot_ready.connect(snapshots.append)
    sent.clear()
    worker.resume()
    # Time stands still: however many snapshots arrive, no trace goes within the interval
    # of the last one.
    qtbot.waitUntil(lambda: len(snapshots) > 20, timeout=30_000)
    assert sent == []
    clock.now += REFRESH_INTERVAL_S
    qtbot.waitUntil(lambda: len(sent) == 1, timeout=10_000)  # due: exactly one goes
    qtbot.waitUntil(lambda: not panel.job.pending, timeout=10_000)
    seen = len(snapshots)
    qtbot.waitUntil(lambda: len(snapshots) > seen + 10, timeout=30_000)
    assert len(sent) == 1  # the next waits for the clock again
    clock.now += REFRESH_INTERVAL_S
    qtbot.waitUntil(lambda: len(sent) == 2 and panel.result.epoch > 0, timeout=10_000)
    assert np.diff(sent).min() >= REFRESH_INTERVAL_S
    epoch = panel.result.epoch

    panel.hide()
    qtbot.waitUntil(lambda: not panel.job.pending, timeout=10_000)
    sent.clear()
    clock.now += 10 * REFRESH_INTERVAL_S
    seen = len(snapshots)
    qtbot.waitUntil(lambda: len(snapshots) > seen + 10, timeout=30_000)
    assert sent == []  # hidden: no traces, however much time passed
    worker.pause()
    qtbot.waitUntil(lambda: worker.state == "paused", timeout=10_000)
    panel.show()  # catches up once with the paused weights
    qtbot.waitUntil(lambda: len(sent) == 1 and panel.result.epoch > epoch, timeout=10_000)
    clock.now += 10 * REFRESH_INTERVAL_S
    qtbot.wait(300)
    assert len(sent) == 1  # paused: nothing new to trace


def test_tracers_are_cached_per_trainer_and_die_with_it(qtbot, panel):
    worker = panel.worker
    worker.set_spec(BIAS)
    qtbot.waitUntil(lambda: panel.result is not None, timeout=30_000)
    answers = []
    worker.job_done.connect(lambda kind, value: answers.append(value) if kind == "probe" else None)
    for asked in (1, 2):
        worker.submit_job(TrainerJob("probe", lambda trainer: id(tracer_for(trainer))))
        qtbot.waitUntil(lambda asked=asked: len(answers) == asked, timeout=10_000)
    assert answers[0] == answers[1]  # compiled once

    trainer = Trainer(BIAS)  # on this thread, for the test only
    tracer = tracer_for(trainer)
    assert tracer_for(trainer) is tracer and tracer.trainer is trainer
    alive = weakref.ref(trainer)
    del trainer
    gc.collect()
    assert alive() is None  # the cache does not keep trainers (and their functions) alive


def test_notes_name_the_optimizer_and_how_the_batch_combines(oracle):
    oracle.reset()
    trace = FormulaTracer(oracle).trace(1)

    def html(**training) -> str:
        spec = BIAS.with_changes(training=training)
        spe = {"full": 4, "sample": 1, "minibatch": training.get("batch_size", 4)}
        result = FormulaResult(0, trace, 5, spec, 4, spe[spec.training.schedule], False)
        return render_html(result, "1,0 → 1")

    sgd = html()
    assert "Per sample:" in sgd and "Momentum" not in sgd and "Adam" not in sgd
    momentum = html(optimizer="momentum", momentum=0.8, schedule="full")
    assert "Momentum:</b> the actual step also depends on past gradients" in momentum
    assert "v ← 0.8·v" in momentum
    assert "the real update sums the gradients of all 4 samples" in momentum
    adam = html(optimizer="adam", schedule="minibatch", batch_size=2, cost="mse")
    assert "Adam:</b> the actual step also depends on past gradients" in adam
    assert "Mini-batches of 2:</b> the real update averages" in adam
    l2 = html(l2=0.01, schedule="full")
    w = trace.layers[0].weights[0, 0]
    assert f"+ 2·0.01·{num(w) if w >= 0 else f'({num(w)})'} = " in l2
    assert "(the L2 part counts once)" in l2


def test_a_zero_product_shows_no_minus_sign():
    """The tutorial's sample 1 has x2 = 0: -2.898 x 0 is -0.0, which read "= −0"."""
    assert num(-2.898 * 0.0) == "0"
    assert num(-0.0) == num(0.0) == "0"
    assert num(-2.898) == "−2.898" and num(-1e-20) == "−1e−20"
