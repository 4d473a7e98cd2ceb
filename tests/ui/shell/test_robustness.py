"""Never crash, never lose work: a seeded churn of everything a person can do, corrupt
experiment files opened through the File menu, and bad CSVs chosen in the builder.

Qt warnings fail any test here (qt_log_level_fail) and the conftest guard fails one that
leaves a thread running, so "no crash" includes "nothing the framework complained about".
"""

from __future__ import annotations

import gc
import json
import os
import random
import threading
import time
import weakref
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QSpinBox

from tests.ui.windows import WindowFactory, set_field, step, wait_for_state
from xorlab.core.io.experiment import experiment_from_trainer, save_experiment
from xorlab.core.training.datasets import MAX_CSV_ROWS
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import MAX_EPOCHS
from xorlab.core.training.trainer import Trainer
from xorlab.ui.runtime import gui_gc, training_session
from xorlab.ui.shell.main_window import MainWindow

MINIMAL = preset_spec("xor-minimal")
BIAS = preset_spec("xor-bias")

CHURN_CYCLES = 200
REOPEN_EVERY = 20
CHURN_SEED = 20_240_611
MAX_RSS_GROWTH_MB = 100  # measured 42-51 MB; 88-100 MB while each compile leaked Numba code


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def assert_same_weights(actual, expected) -> None:
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-12)


# --- (a) churn ---------------------------------------------------------------------------


class Churn:
    """Seeded random actions on a window, reopened every REOPEN_EVERY cycles."""

    VALID_EDITS = {
        "training.learning_rate": ["0.01", "0.1", "0.5", "1e6"],  # 1e6 diverges
        "training.epochs": ["300", "5000", str(MAX_EPOCHS)],
        "network.seed": ["1", "2", "3"],
    }
    INVALID_EDITS = {
        "training.learning_rate": ["", "abc", "-1", "1e400", "nan"],
        "training.epochs": ["0", "1e12", "x"],
        "network.seed": ["-5", "1.5"],
    }
    ACTIONS = {  # name: weight
        "train": 4,
        "pause_resume": 3,
        "step": 3,
        "stop": 1,
        "reset": 1,
        "valid_edit": 4,
        "invalid_edit": 2,
        # A new weight seed no longer recompiles, so size changes are what compile mid-churn.
        "hidden_size": 3,
        "act_while_compiling": 2,  # chance alone catches too few compiles on a warm cache
        "act_while_training": 3,  # nor, on a loaded machine, enough actions mid-run
        "speed": 2,  # capped runs last: actions land mid-training
        "preset": 2,
        "tab": 1,
        "save": 1,
        "export": 1,
        "wait": 3,
    }

    def __init__(
        self, qtbot, factory: WindowFactory, folder: Path, seed: int, gate: threading.Event
    ):
        self.qtbot = qtbot
        self.gate = gate  # while clear, a compile starting waits at its first step
        self.factory = factory
        self.folder = folder
        self.rng = random.Random(seed)
        self.compiles = 0
        self.window = self._open(MINIMAL, wait_until="ready")
        self.closing: list[MainWindow] = []
        self.states = Counter()  # the worker's state when each action was taken
        self.done = Counter()  # actions taken
        self.landed_in_training = 0  # actions _act_while_training took mid-run
        self.reopened = 0

    def cycle(self, index: int) -> None:
        if index and index % REOPEN_EVERY == 0:
            self.reopen()
        names, weights = zip(*self.ACTIONS.items(), strict=True)
        name = self.rng.choices(names, weights)[0]
        self.states[self.window.worker.state] += 1
        self.done[name] += 1
        getattr(self, f"_{name}")()
        self.qtbot.wait(self.rng.choice([0, 1, 5, 15]))
        self.forget_closed()

    def reopen(self) -> None:
        """Close without waiting (mid-compile or mid-run) and open a new window at once."""
        self.states[f"closed while {self.window.worker.state}"] += 1
        self.window.close()
        assert not self.window.isVisible()
        self.closing.append(self.window)
        self.factory.windows.remove(self.window)
        self.window = self._open(self.rng.choice([MINIMAL, BIAS]), wait_until=None)
        self.reopened += 1

    def _open(self, spec, wait_until: str | None) -> MainWindow:
        window = self.factory(spec, wait_until=None)
        window.worker.compiled.connect(self._on_compiled)
        if wait_until:
            wait_for_state(self.qtbot, window, wait_until)
        return window

    def _on_compiled(self, _seconds: float) -> None:
        self.compiles += 1

    def forget_closed(self) -> None:
        for window in list(self.closing):
            runners = window.background_runners()  # of the tabs built (not the lazy ones)
            if window.worker.wait(0) and all(r.wait(0) for r in runners):
                self.closing.remove(window)
                window.deleteLater()

    def settle(self) -> None:
        def settled() -> bool:
            self.forget_closed()
            return not self.closing

        self.qtbot.waitUntil(settled, timeout=30_000)

    # --- actions ---

    def _trigger(self, action, fallback) -> None:
        """Click it when enabled; otherwise send the command anyway, out of turn."""
        if action.isEnabled():
            action.trigger()
        else:
            fallback()

    def _train(self) -> None:
        self._trigger(self.window.actions.train, self.window.worker.train)

    def _pause_resume(self) -> None:
        self._trigger(self.window.actions.pause_resume, self.window.worker.pause)

    def _step(self) -> None:
        self._trigger(self.window.actions.step, self.window.worker.step)

    def _stop(self) -> None:
        self._trigger(self.window.actions.stop, self.window.worker.stop)

    def _reset(self) -> None:
        self._trigger(self.window.actions.reset, self.window.worker.reset)

    def _edit(self, table: dict[str, list[str]]) -> None:
        path = self.rng.choice(sorted(table))
        set_field(self.qtbot, self.window, path, self.rng.choice(table[path]))

    def _valid_edit(self) -> None:
        self._edit(self.VALID_EDITS)

    def _invalid_edit(self) -> None:
        self._edit(self.INVALID_EDITS)

    def _hidden_size(self) -> None:
        box = self.window.builder.findChild(QSpinBox, "builder.hidden[0].size")
        if box is not None and box.isEnabled():
            box.setValue(self.rng.choice([2, 3]))

    def _act_while_compiling(self) -> None:
        """A size change, then another action while the compile is held open (a warm compile
        of a network seen before takes milliseconds: chance alone would rarely land one)."""
        window = self.window
        if window.worker.state in ("training", "paused"):
            self._stop()
            self.qtbot.waitUntil(lambda: window.worker.state not in ("training", "paused"))
        if not window.builder.is_valid():  # an invalid field holds every compile back
            for path, text in (("training.learning_rate", "0.1"), ("training.epochs", "5000")):
                set_field(self.qtbot, window, path, text)
            set_field(self.qtbot, window, "network.seed", "1")
        box = window.builder.findChild(QSpinBox, "builder.hidden[0].size")
        if box is None or not box.isEnabled() or not window.builder.is_valid():
            return
        # Requests merge: a size the worker has compiled already would need no compile.
        taken = {box.value()}
        if window.last_snapshot is not None:
            taken.add(window.last_snapshot.weights[0].shape[1])
        self.gate.clear()
        try:
            box.setValue(next(size for size in (2, 3, 4) if size not in taken))
            self.qtbot.waitUntil(lambda: window.worker.state == "compiling", timeout=10_000)
            name = self.rng.choice(["train", "pause_resume", "step", "stop", "valid_edit", "tab"])
            self.states[window.worker.state] += 1
            self.done[name] += 1
            getattr(self, f"_{name}")()
        finally:
            self.gate.set()

    def _act_while_training(self) -> None:
        """Train a run capped at 100 steps a second and act while it trains: however fast or
        slow the machine, the action lands mid-run (chance alone depends on the speed)."""
        window, worker = self.window, self.window.worker
        if worker.state not in ("training", "paused"):
            self.qtbot.waitUntil(lambda: worker.state != "compiling", timeout=30_000)
            # A valid spec at a learning rate that does not diverge.
            for path, text in (("training.learning_rate", "0.1"), ("training.epochs", "5000")):
                set_field(self.qtbot, window, path, text)
            set_field(self.qtbot, window, "network.seed", "1")
            self.qtbot.waitUntil(lambda: worker.state != "compiling", timeout=30_000)
            if worker.state == "diverged":
                worker.reset()
                self.qtbot.waitUntil(lambda: worker.state == "ready", timeout=10_000)
            if worker.state in ("idle", "error"):
                return
        window.speed.choose("100")
        worker.train()
        self.qtbot.waitUntil(lambda: worker.state in ("training", "diverged"), timeout=30_000)
        if worker.state == "diverged":  # a paused run at a learning rate of 1e6
            return
        name = self.rng.choice(["pause_resume", "step", "stop", "reset", "valid_edit", "tab"])
        self.states[worker.state] += 1
        self.done[name] += 1
        self.landed_in_training += 1
        getattr(self, f"_{name}")()

    def _speed(self) -> None:
        self.window.speed.choose(self.rng.choice(["full", "10000", "1000", "100"]))

    def _preset(self) -> None:
        name = self.rng.choice(["xor-minimal", "xor-bias"])
        if self.rng.random() < 0.5:
            self.window.open_preset(name)  # File > Open preset
        else:  # the builder's combo, when it is not locked by training
            combo = self.window.builder.preset_combo
            if combo.isEnabled():
                combo.setCurrentIndex(combo.findData(name))

    def _tab(self) -> None:
        self.window.show_tab(self.rng.choice(["Training", "Graph", "Expression", "Training"]))

    def _save(self) -> None:
        self.window.experiment_files.save_path(str(self.folder / "churn.json"))

    def _export(self) -> None:
        kind = self.rng.choice(["weights", "history", "plots"])
        self.window.experiment_files.exports.export_to(kind, str(self.folder / f"churn.{kind}"))

    def _wait(self) -> None:
        self.qtbot.wait(self.rng.choice([20, 50, 120]))


def test_churn_of_random_actions_never_crashes_leaks_or_loses_control(
    qtbot, make_window, tmp_path, reference, record_property, request, monkeypatch
):
    started = time.perf_counter()
    gate = threading.Event()
    gate.set()
    real_steps = training_session.compile_steps
    monkeypatch.setattr(
        training_session,
        "compile_steps",
        lambda trainer, grid: [lambda: gate.wait(30), *real_steps(trainer, grid)],
    )
    # Earlier tests' closed windows may linger until a collection; holding them keeps the
    # count below about this test's windows alone, whenever the GUI-thread collector runs.
    earlier_windows = list(_main_windows())
    collecting_threads: set[int] = set()

    def on_collection(phase: str, _info: dict) -> None:
        if phase == "start":
            collecting_threads.add(threading.get_ident())

    gc.callbacks.append(on_collection)
    request.addfinalizer(lambda: gc.callbacks.remove(on_collection))
    churn = Churn(qtbot, make_window, tmp_path, CHURN_SEED, gate)
    # Take every path once before measuring memory: first uses fill caches for good (fonts,
    # the graph renderer, the expression lab's compiled functions).
    for name in Churn.ACTIONS:
        getattr(churn, f"_{name}")()
        qtbot.wait(20)
    for tab in ("Graph", "Expression", "Training"):
        churn.window.show_tab(tab)
        qtbot.wait(300)
    churn.reopen()
    churn.settle()
    gc.collect()
    rss_before = rss_mb()
    rss_curve = []

    for index in range(CHURN_CYCLES):
        churn.cycle(index)
        if index % 50 == 49:
            rss_curve.append(round(rss_mb() - rss_before))
    churn.settle()

    # Every kind of action ran, often while compiling and while training.
    assert set(churn.done) == set(Churn.ACTIONS), churn.done
    assert churn.states["compiling"] >= 8, churn.states
    assert churn.states["training"] >= churn.landed_in_training >= 5, churn.states
    assert churn.reopened == CHURN_CYCLES // REOPEN_EVERY
    # The window still answers and trains exactly: the tutorial network's first steps.
    window = churn.window
    window.open_preset("xor-minimal")
    qtbot.waitUntil(lambda: window.worker.state == "ready" and window.spec == MINIMAL)
    qtbot.waitUntil(lambda: window.last_snapshot is not None and window.last_snapshot.step == 0)
    assert window.builder.is_valid()
    step(qtbot, window, 3)
    reference.reset()
    reference.run(3)
    assert_same_weights(window.last_snapshot.weights, reference.get_weights())

    gc.collect()
    growth = rss_mb() - rss_before
    seconds = time.perf_counter() - started
    summary = (
        f"{seconds:.1f} s, RSS +{growth:.0f} MB (every 50 cycles: {rss_curve}), "
        f"{churn.compiles} compiles, {churn.reopened} reopens, states {dict(churn.states)}"
    )
    record_property("churn", summary)
    print("churn:", summary)
    # Cycles holding Qt objects are collected on the GUI thread only
    # (see xorlab/ui/runtime/gui_gc.py).
    assert collecting_threads == {threading.main_thread().ident}
    # Closed windows are freed, not kept alive by a connection or a cycle.
    assert live_main_windows() == len(earlier_windows) + 1
    # Compiles add little (functions are shared, bench/compile_memory.py); most of the growth
    # is reopened windows' Qt caches and cycles the GUI-thread collector has yet to free.
    assert growth < MAX_RSS_GROWTH_MB, summary


def test_cycles_are_collected_by_the_gui_thread_timer(qtbot, make_window):
    make_window(MINIMAL)
    collector = gui_gc.install()
    assert collector is gui_gc.install() and not gc.isenabled()

    class Node:
        pass

    probe = Node()
    probe.cycle = probe
    dead = weakref.ref(probe)
    del probe
    for _ in range(collector.thresholds[0] + 10):  # past the first threshold
        node = Node()
        node.cycle = node
    del node
    assert dead() is not None  # nothing collects on its own any more
    qtbot.waitUntil(lambda: dead() is None, timeout=5 * gui_gc.INTERVAL_MS)


def _main_windows() -> list[MainWindow]:
    found = []
    for obj in gc.get_objects():
        try:
            if isinstance(obj, MainWindow):
                found.append(obj)
        except ReferenceError:  # a dead weak proxy
            continue
    return found


def live_main_windows() -> int:
    return len(_main_windows())


# --- (b) corrupt experiment files ------------------------------------------------------------


def _good_document(reference: Trainer, tmp_path: Path) -> dict:
    reference.reset()
    reference.run(2)
    path = tmp_path / "template.json"
    save_experiment(path, experiment_from_trainer(reference))
    return json.loads(path.read_text())


def _with(doc: dict, dotted: str, value) -> dict:
    doc = json.loads(json.dumps(doc))
    *parents, last = dotted.split(".")
    target = doc
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return doc


# name: (how to make the file from a good document, words the message must contain)
CORRUPT_FILES = {
    "truncated": (lambda doc, p: p.write_text(json.dumps(doc)[:700]), "not valid JSON"),
    "empty": (lambda doc, p: p.write_text(""), "not valid JSON"),
    "binary": (lambda doc, p: p.write_bytes(bytes(range(256)) * 4), "not a text file"),
    "not an object": (lambda doc, p: p.write_text("[1, 2, 3]"), "not an xorlab experiment"),
    "other format": (
        lambda doc, p: p.write_text(json.dumps(_with(doc, "format", "notebook"))),
        "not an xorlab experiment",
    ),
    "wrong version": (
        lambda doc, p: p.write_text(json.dumps(_with(doc, "version", 99))),
        "version 99",
    ),
    "version as text": (
        lambda doc, p: p.write_text(json.dumps(_with(doc, "version", "1"))),
        "version '1'",
    ),
    "spec is a list": (
        lambda doc, p: p.write_text(json.dumps(_with(doc, "spec", [1, 2]))),
        "wrong type",
    ),
    "weights are text": (
        lambda doc, p: p.write_text(
            json.dumps(_with(doc, "weights.0.data", ["a"] * len(doc["weights"][0]["data"])))
        ),
        'weights[0].data[0]: "a" is not a number',
    ),
    "step is text": (
        lambda doc, p: p.write_text(json.dumps(_with(doc, "step", "three"))),
        "step: must be a non-negative integer",
    ),
    "10^9 neurons": (
        lambda doc, p: p.write_text(json.dumps(_with(doc, "spec.network.hidden", [10**9]))),
        "spec:",
    ),
    "NaN weights": (
        lambda doc, p: p.write_text(
            json.dumps(doc).replace(json.dumps(doc["weights"][0]["data"][0]), "NaN", 1)
        ),
        "weights[0].data[0]: NaN is not a number JSON allows",
    ),
    "weights of another shape": (
        lambda doc, p: p.write_text(
            json.dumps(_with(doc, "weights.0", {"shape": [1, 1], "data": [0.5]}))
        ),
        "the network needs",
    ),
    "nested too deeply": (
        lambda doc, p: p.write_text("[" * 100_000 + "]" * 100_000),
        "nested too deeply",
    ),
    "over 64 MiB": (lambda doc, p: os.truncate(_touch(p), 65 * 2**20), "the limit is 64 MiB"),
    "missing": (lambda doc, p: None, "No such file"),
    "a folder": (lambda doc, p: p.mkdir(), "it is a folder"),
    # issue 10: a FIFO used to hang the window for good, /dev/zero to end in MemoryError
    "a FIFO": (lambda doc, p: os.mkfifo(p), "a FIFO"),
    "link to /dev/zero": (lambda doc, p: p.symlink_to("/dev/zero"), "a character device"),
    "duplicate key": (
        lambda doc, p: p.write_text(json.dumps(doc).replace('"step":', '"step": 0, "step":')),
        "the key 'step' appears more than once",
    ),
    "int of 5000 digits": (
        lambda doc, p: p.write_text(
            json.dumps(_with(doc, "step", 7)).replace('"step": 7', '"step": ' + "7" * 5000)
        ),
        "step: an integer of 5,000 digits",
    ),
}


def _touch(path: Path) -> Path:
    path.touch()
    return path  # truncate() then makes it sparse: large without using the disk


@pytest.mark.parametrize("case", sorted(CORRUPT_FILES))
def test_a_corrupt_experiment_is_a_message_and_the_open_one_stays(
    qtbot, make_window, tmp_path, reference, monkeypatch, case
):
    make_file, words = CORRUPT_FILES[case]
    doc = _good_document(reference, tmp_path)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc))
    window = make_window(BIAS)
    files = window.experiment_files
    assert files.open_path(str(good))
    wait_for_state(qtbot, window, "paused")
    step(qtbot, window)  # unsaved progress on top of the file: must survive too
    before = (window.spec, window.last_snapshot.step, window.last_snapshot.weights)

    bad = tmp_path / "bad.json"
    make_file(doc, bad)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    files.open_action.trigger()

    assert window.banner.isVisible() and window.banner.kind == "error"
    assert window.banner.title() == "Cannot open bad.json."
    assert words.lower() in window.banner.text().lower(), window.banner.text()
    assert window.banner.text().endswith("The experiment on screen is unchanged.")
    assert QApplication.activeModalWidget() is None
    qtbot.wait(50)  # nothing reaches the worker: no compile, no new run
    assert window.worker.state == "paused"
    assert (window.spec, window.last_snapshot.step) == before[:2]
    assert_same_weights(window.last_snapshot.weights, before[2])
    assert files.path == str(good) and window.isWindowModified()
    assert files.recent.paths() == [str(good)]
    step(qtbot, window)  # and the experiment carries on
    assert window.last_snapshot.step == 4


# --- (c) bad CSV files in the builder ---------------------------------------------------------


def _sparse(path: Path, size: int) -> None:
    path.write_text("a,b,target\n")
    os.truncate(path, size)


# name: (file contents, or a function making the file; words the inline message contains)
BAD_CSVS = {
    "no header": ("0,0,0\n0,1,1\n1,0,1\n1,1,0\n", "first row must be a header"),
    "ragged": ("a,b,target\n0,0,0\n0,1\n1,0,1\n", "Line 3: has 2 values, the header has 3"),
    "text": ("a,b,target\n0,0,0\n0,yes,1\n", "Line 3, column 2: 'yes' in column 'b'"),
    "empty": ("", "the file is empty"),
    "blank lines only": ("\n\n  \n", "the file is empty"),
    "header only": ("a,b,target\n", "has a header but no data rows"),
    "one column": ("target\n0\n1\n", "needs at least two columns"),
    "only targets": ("y1,y2\n0,1\n1,0\n", "needs at least one input column"),
    "targets not last": ("target,a\n0,1\n", "target columns must come last"),
    "infinite value": ("a,b,target\n0,inf,0\n", "column 'b' holds inf"),
    "not UTF-8": (b"a,b,target\n0,\xff,1\n", "not a text file (not UTF-8)"),
    "over 20 MiB": (lambda p: _sparse(p, 21 * 2**20), "the limit is 20 MiB"),
    "too many rows": (
        "a,b,target\n" + "0,1,1\n" * (MAX_CSV_ROWS + 1),
        f"has {MAX_CSV_ROWS + 1} rows",
    ),
    "too many columns": (",".join(f"c{i}" for i in range(70)) + "\n", "the limit is 64"),
    "missing": (None, "cannot read"),
    # issue 10
    "field over 128 KiB": ('a,b,target\n0,"' + "1" * 200_000 + '",1\n', "Line 2: a field is over"),
    "Arabic-Indic digits": ("a,b,target\n0,\u0661,1\n", "column 2: '\u0661' in column 'b' uses"),
    "a FIFO": (lambda p: os.mkfifo(p), "a FIFO"),
    "link to /dev/urandom": (lambda p: p.symlink_to("/dev/urandom"), "a character device"),
}


def test_classification_targets_outside_0_1_are_an_inline_message(qtbot, make_window, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("a,b,target\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    bce = MINIMAL.with_changes(dataset={"name": "csv", "path": str(good)}, training={"cost": "bce"})
    window = make_window(bce)
    assert window.builder.is_valid()
    bad = tmp_path / "scores.csv"
    bad.write_text("a,b,target\n0,0,0\n0,1,7\n1,0,1\n")
    window.builder.load_csv(str(bad))
    error = window.builder.findChild(QLabel, "builder.csv_path.error")
    assert "line 3, column 3: target 'target' is 7" in error.text().lower(), error.text()
    assert not window.builder.is_valid() and window.spec == bce


@pytest.mark.parametrize("case", sorted(BAD_CSVS))
def test_a_bad_csv_is_an_inline_message_and_the_previous_spec_stays(
    qtbot, make_window, tmp_path, monkeypatch, case
):
    content, words = BAD_CSVS[case]
    good = tmp_path / "good.csv"
    good.write_text("a,b,target\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    window = make_window(MINIMAL.with_changes(dataset={"name": "csv", "path": str(good)}))
    spec = window.spec
    assert spec.dataset.path == str(good) and window.builder.is_valid()

    bad = tmp_path / "bad.csv"
    if callable(content):
        content(bad)
    elif isinstance(content, bytes):
        bad.write_bytes(content)
    elif content is not None:
        bad.write_text(content)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    window.builder.csv_field.browse_button.click()

    error = window.builder.findChild(QLabel, "builder.csv_path.error")
    assert error.isVisible() and words.lower() in error.text().lower(), error.text()
    assert not window.builder.is_valid() and not window.actions.train.isEnabled()
    assert window.spec == spec  # the last valid spec stays in force
    qtbot.wait(50)
    assert window.worker.state == "ready" and not window.banner.isVisible()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(good), ""))
    window.builder.csv_field.browse_button.click()  # choosing the good file again mends it
    assert window.builder.is_valid() and window.spec == spec and error.isHidden()
