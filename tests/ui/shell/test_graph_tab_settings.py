"""The Graph tab's choices (graph, gradient weight, stage, values row, "Show values",
splitters) are saved and come back in a new window; unusable saved values are ignored."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from tests.ui.windows import CLOSE_WAIT_MS, wait_for_state
from xorlab.core.training.datasets import load_dataset
from xorlab.core.training.presets import preset_spec
from xorlab.ui.graph.tab import GraphTab
from xorlab.ui.graph.values_panel import GraphValuesPanel
from xorlab.ui.shell import settings as saved
from xorlab.ui.shell.graph_tab_settings import GraphTabSettings
from xorlab.ui.shell.main_window import MainWindow

BIAS = preset_spec("xor-bias")


def make_tab(qtbot, settings: QSettings):
    tab = GraphTab(None)
    qtbot.addWidget(tab)
    panel = GraphValuesPanel(tab, None)
    keeper = GraphTabSettings(tab, settings, panel)
    panel.on_run_reset(load_dataset(BIAS.dataset))
    return tab, panel, keeper


def test_choices_are_written_as_they_change_and_read_back(qtbot, tmp_path):
    path = str(tmp_path / "graph.ini")
    settings = QSettings(path, QSettings.Format.IniFormat)
    tab, panel, _ = make_tab(qtbot, settings)
    assert (tab.target, tab.mode, panel.rows, panel.show_box.isChecked()) == (
        "train", "optimized", (0,), False
    )  # fmt: skip
    tab.target_box.setCurrentIndex(tab.target_box.findData("grad"))
    tab.param_box.addItems(["W1", "W2"])  # as the first graph of a 2-layer network lists them
    tab.param_box.setCurrentIndex(1)
    tab.stage_buttons["side"].click()
    panel.set_row(None)
    panel.show_box.setChecked(True)
    tab.main_splitter.setSizes([500, 300])
    tab.main_splitter.splitterMoved.emit(500, 1)  # as a drag does
    settings.sync()

    again = QSettings(path, QSettings.Format.IniFormat)
    assert again.value(saved.GRAPH_TARGET.key) == "grad"
    restored, restored_panel, _ = make_tab(qtbot, again)
    assert restored.target == "grad" and restored.param == 1
    assert restored.param_box.isVisibleTo(restored)
    assert restored.mode == "side" and restored.stage_buttons["side"].isChecked()
    assert restored_panel.rows is None and restored_panel.show_box.isChecked()
    assert restored.main_splitter.saveState() == tab.main_splitter.saveState()


@pytest.mark.parametrize(
    "text",
    [
        "[graph]\ntarget=everything\nparam=abc\nmode=upside-down\nvalues_row=x\n"
        "show_values=maybe\n[splitters]\ngraph.main_splitter=@ByteArray(zz)\n"
        "graph.side_splitter=12\n",
        "[graph]\ntarget=@Invalid()\nparam=-4\nmode=3\nvalues_row=99\nshow_values=2\n",
        "[graph]\ntarget\nparam=--4\nmode=1e9\n\x00\x01garbage=\n",
    ],
    ids=["unknown", "wrong-types", "corrupt"],
)
def test_unusable_saved_choices_fall_back_to_the_defaults(qtbot, tmp_path, text):
    path = tmp_path / "broken.ini"
    path.write_text(text, encoding="utf-8")
    tab, panel, _ = make_tab(qtbot, QSettings(str(path), QSettings.Format.IniFormat))
    assert (tab.target, tab.param, tab.mode) == ("train", 0, "optimized")
    assert tab.stage_buttons["optimized"].isChecked()
    assert panel.rows == (0,) and not panel.show_box.isChecked()  # row 99 does not exist


def test_a_new_window_shows_the_graph_tab_as_it_was_left(qtbot, tmp_path):
    path = str(tmp_path / "xorlab.ini")
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(BIAS, settings=QSettings(path, QSettings.Format.IniFormat))
        windows.append(window)
        window.show()
        return window

    try:
        first = make()
        wait_for_state(qtbot, first, "ready")
        first.show_tab("graph")
        tab, panel = first.graph_tab, first.graph_page.values_panel
        tab.set_target("grad", 1)
        qtbot.waitUntil(lambda: tab.bundle is not None and tab.bundle.request.param == 1,
                        timeout=CLOSE_WAIT_MS)  # fmt: skip
        tab.set_mode("symbolic")
        panel.set_row(3)
        panel.show_box.setChecked(True)
        first.close()
        qtbot.waitUntil(lambda: not first.worker.is_running(), timeout=CLOSE_WAIT_MS)

        second = make()
        tab, panel = second.graph_tab, second.graph_page.values_panel
        assert (tab.target, tab.param, tab.mode) == ("grad", 1, "symbolic")
        assert panel.show_box.isChecked()
        qtbot.waitUntil(lambda: panel.row_box.count() > 0, timeout=CLOSE_WAIT_MS)
        assert panel.rows == (3,)
        qtbot.waitUntil(lambda: tab.bundle is not None, timeout=CLOSE_WAIT_MS)
        assert tab.bundle.request == type(tab.bundle.request)("grad", 1)
        assert tab.param_box.currentText() == "W2"
    finally:
        for window in windows:
            window.experiment_files.prompts_enabled = False
            window.close()
            assert window.worker.wait(CLOSE_WAIT_MS)
