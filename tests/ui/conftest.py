"""Shared set-up for the pytest-qt tests: offscreen Qt, private settings, a thread guard,
a window factory and the headless oracle trainer."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

# Before anything imports Qt: no display is needed, and none is touched.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QSettings  # noqa: E402

# pyqtgraph as the app imports it (its Qt modules forward to PySide6's on first use).
import xorlab.ui.shell.pyqtgraph_import  # noqa: E402,F401

# isort: split
from tests.ui.windows import WindowFactory  # noqa: E402
from xorlab.core.training.presets import preset_spec  # noqa: E402
from xorlab.core.training.spec import MAX_EPOCHS  # noqa: E402
from xorlab.core.training.trainer import Trainer  # noqa: E402
from xorlab.ui.runtime.background import leaked_background_threads  # noqa: E402
from xorlab.ui.runtime.worker import running_worker_threads  # noqa: E402

# The tutorial network without an epoch limit worth the name: one compile serves every test.
ENDLESS = preset_spec("xor-minimal").with_changes(training={"epochs": MAX_EPOCHS})


@pytest.fixture(scope="session", autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory, qapp) -> str:
    """QSettings go to a temporary INI file under a unique name, never the user's."""
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    QCoreApplication.setOrganizationName(f"xorlab-tests-{uuid.uuid4().hex[:8]}")
    QCoreApplication.setApplicationName("xorlab")
    return str(folder)


@pytest.fixture(autouse=True)
def no_thread_left_running():
    """Fail any test that leaves a training thread running (napari's guard)."""
    yield
    running = running_worker_threads()
    if running:
        for thread in running:  # stop them so one leak does not fail every later test
            thread.quit()
            thread.wait(30_000)
        pytest.fail(f"{len(running)} training thread(s) left running", pytrace=False)
    leaked = leaked_background_threads()  # ones asked to stop may finish their last job
    if leaked:
        for thread in leaked:
            thread.stop()
            thread.wait(30_000)
        pytest.fail(f"{len(leaked)} background job thread(s) left running", pytrace=False)


@pytest.fixture
def make_window(qtbot, tmp_path) -> Iterator[WindowFactory]:
    """Main windows with private settings, every one closed at the end (see windows.py)."""
    factory = WindowFactory(qtbot, str(tmp_path / "xorlab.ini"))
    yield factory
    factory.close_all()


@pytest.fixture(scope="session")
def _reference_trainer() -> Trainer:
    trainer = Trainer(ENDLESS)
    trainer.compile()
    return trainer


@pytest.fixture
def reference(_reference_trainer: Trainer) -> Trainer:
    """A headless trainer of the tutorial network on the GUI thread, at its initial weights
    and learning rate: the oracle for what the worker and the window trained."""
    _reference_trainer.set_learning_rate(ENDLESS.training.learning_rate)
    _reference_trainer.reset()
    return _reference_trainer
