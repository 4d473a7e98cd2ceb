"""Start-up: the window imports no PyTensor, tabs nobody opened are built when first shown
(and then are whole and work), and the worker starts once the window has painted."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from tests.ui.windows import step
from xorlab.app.selection import SelectionRef
from xorlab.core.training.presets import preset_spec
from xorlab.ui.graph.export import ExportError
from xorlab.ui.shell.automation import Automation
from xorlab.ui.shell.first_paint import AfterFirstPaint
from xorlab.ui.shell.lazy_page import LazyPage

HEAVY = ("pytensor", "numba", "scipy")


def _imported_by(code: str) -> list[str]:
    """Which of HEAVY a fresh interpreter has imported after running ``code``."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_window_and_the_command_line_import_no_pytensor():
    # Everything `python main.py` imports before the window shows, and the window itself.
    assert _imported_by("import xorlab.cli, xorlab.ui.shell.application") == []
    assert _imported_by("import xorlab.ui.shell.main_window") == []


def test_the_qt_free_modules_are_imported_before_qt():
    # PySide6 reads the source of every module imported after it: `python main.py` imports
    # numpy and xorlab's Qt-free modules first (before_qt.py). Recorded in import order.
    probe = (
        "import sys\n"
        "order = []\n"
        "class Recorder:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        order.append(name)\n"
        "sys.meta_path.insert(0, Recorder())\n"
        "import xorlab.cli, xorlab.ui.shell.application, xorlab.ui.shell.main_window\n"
        "qt = order.index('PySide6.QtCore')\n"
        "late = [m for m in order[qt:] if m.split('.')[0] == 'numpy'\n"
        "        or m.startswith(('xorlab.core', 'xorlab.app'))]\n"
        "print(late)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_app_is_imported_without_cycle_collections_and_then_frozen():
    # launch.import_app: no automatic collection while the window's modules load, and what
    # they made is left out of later collections; automatic collection is as it was.
    code = (
        "import gc, json, sys\n"
        "from xorlab.ui.shell.launch import import_app\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: runs.append(info['generation']))\n"
        "run_app = import_app()\n"
        "during = list(runs)\n"
        "frozen = gc.get_freeze_count()\n"
        "print(json.dumps([during, frozen > 50_000, gc.isenabled(), run_app.__name__,\n"
        "                  'xorlab.ui.shell.main_window' in sys.modules]))\n"
    )
    assert json.loads(_run(code)[-1]) == [[], True, True, "run_app", True]


def test_building_the_window_imports_no_pytensor():
    # run_app's steps for `python main.py --preset spiral`, up to the window built (not
    # shown, so its worker has not started): none of it needs PyTensor.
    code = (
        "import os, tempfile\n"
        "from PySide6.QtCore import QSettings\n"
        "from xorlab.cli import build_parser\n"
        "from xorlab.ui.shell.application import create_application\n"
        "from xorlab.ui.shell.automation import initial_spec\n"
        "from xorlab.ui.shell.main_window import MainWindow\n"
        "app = create_application()\n"
        "spec, problem = initial_spec(build_parser().parse_args(['--preset', 'spiral']))\n"
        "assert spec is not None and problem is None\n"
        "path = os.path.join(tempfile.mkdtemp(), 'x.ini')\n"
        "window = MainWindow(spec, settings=QSettings(path, QSettings.Format.IniFormat))\n"
    )
    assert _imported_by(code) == []


def test_the_landscape_is_built_when_first_shown(make_window, qtbot):
    window = make_window(preset_spec("xor-minimal"))
    assert not window.landscape_page.is_built() and not window.graph_page.is_built()
    assert window.findChild(QWidget, "landscape_tab") is None
    assert window.tab_names() == [
        "Training", "Graph", "Expression", "Formulas", "Log", "Landscape"
    ]  # fmt: skip
    # The Expression tab is built with the window (its page's width sets the window's) and
    # imports PyTensor only when it computes: it still works.
    window.show_tab("expression")
    tab = window.expression_tab
    qtbot.waitUntil(lambda: tab.result is not None, timeout=60_000)
    assert abs(tab.result.df - 4.347404090286684) < 1e-9  # the beginner tutorial's f'(15)

    assert window.show_tab("landscape")
    assert window.landscape_page.is_built()
    landscape = window.findChild(QWidget, "landscape_tab")
    assert landscape is window.landscape_tab and landscape.isVisible()
    assert window.findChild(QWidget, "landscape.picks") is not None
    assert window.tabs.currentWidget() is window.landscape_page


def test_the_graph_tab_is_built_when_first_shown_with_what_it_missed(make_window, qtbot, tmp_path):
    window = make_window(preset_spec("xor-bias"))
    page = window.graph_page
    assert not page.is_built() and window.findChild(QWidget, "graph_tab") is None
    # File > Export graph is there from the start; with no graph yet it says so.
    assert {a.objectName() for a in page.exporter.actions.values()} >= {
        "action.export_graph.dot", "action.export_graph.svg"
    }  # fmt: skip
    with pytest.raises(ExportError, match="no graph to save yet"):
        page.exporter.export_to("dot", tmp_path / "early.dot")
    step(qtbot, window, 2)
    window.network_views.bus.select(SelectionRef.matrix(1))  # picked in the diagram
    assert not page.is_built()

    window.show_tab("graph")
    tab = window.graph_tab
    assert page.is_built() and tab.isVisible() and tab is window.findChild(QWidget, "graph_tab")
    qtbot.waitUntil(lambda: tab.bundle is not None and not tab.busy(), timeout=60_000)
    assert tab.bundle.param_names == ("W1", "W2")
    # The values bar lists the rows of the run that began before the tab existed.
    panel = page.values_panel
    assert panel.dataset is not None and panel.row_box.count() == 4 + 1  # each row, and all
    # The weight picked earlier is highlighted in the graph drawn now.
    qtbot.waitUntil(lambda: bool(page.link.highlighted[tab.active_stage]), timeout=60_000)
    # Export saves the graph on screen through the same File menu actions.
    saved = page.exporter.export_to("dot", tmp_path / "graph.dot")
    assert saved.read_text().startswith("digraph")
    # Focus hides the docks, and leaving the tab brings them back.
    window.builder_dock.show()
    tab.focus_button.click()
    assert not window.builder_dock.isVisible()
    window.show_tab("training")
    assert window.builder_dock.isVisible() and not tab.focus_button.isChecked()


def test_the_graph_tab_asked_for_by_the_command_line_is_built_and_drawn(
    make_window, qtbot, tmp_path
):
    # `python main.py --tab graph --screenshot ...`: the tab is built when shown, and the
    # screenshot waits until its graph is drawn (the page's content is the tab).
    window = make_window(preset_spec("xor-minimal"), wait_until=None)
    shot = tmp_path / "graph.png"
    args = argparse.Namespace(
        train=False, screenshot=str(shot), quit_when_done=False, tab="graph", backend=None,
        speed=None,
    )  # fmt: skip
    automation = Automation(window, args)
    automation.start()
    qtbot.waitUntil(shot.is_file, timeout=60_000)
    assert window.tabs.currentWidget() is window.graph_page and window.graph_page.is_built()
    tab = window.graph_tab
    assert tab.bundle is not None and tab.canvases[tab.active_stage].is_drawn()


def test_a_landscape_built_late_has_what_it_missed(make_window, qtbot):
    window = make_window(preset_spec("xor-minimal"))
    step(qtbot, window, 3)
    bus = window.network_views.bus
    bus.select(SelectionRef.weight(0, 1, 2))
    bus.select(SelectionRef.weight(1, 0, 0))
    assert not window.landscape_page.is_built()

    window.show_tab("landscape")
    tab = window.landscape_tab
    assert tab.dataset is not None and tab.dataset.n_samples == 4
    assert tab.controls.picks_label.text() == "W1[1,2] × W2[0,0]"
    # Its first surface is centred on the shown weights, with the cost the Training tab shows.
    qtbot.waitUntil(lambda: tab.landscape is not None, timeout=60_000)
    assert abs(tab.landscape.centre_cost - window.last_snapshot.cost) < 1e-9


def test_a_window_with_unbuilt_tabs_closes_and_saves(make_window, tmp_path):
    window = make_window(preset_spec("xor-minimal"))
    window.experiment_files.prompts_enabled = False
    assert window.save_settings()
    window.close()
    assert window.worker.wait(30_000)
    assert not window.landscape_page.is_built()


def test_a_lazy_page_builds_once(qtbot):
    built: list[QWidget] = []

    def build() -> QWidget:
        built.append(QWidget())
        built[-1].setObjectName("inner")
        return built[-1]

    page = LazyPage("thing", build)
    qtbot.addWidget(page)
    assert page.objectName() == "thing.lazy_page" and not page.is_built()
    page.show()
    assert page.is_built() and page.findChild(QWidget, "inner") is built[0]
    assert page.page() is page.content is built[0]
    page.hide()
    page.show()
    assert len(built) == 1


def test_the_start_waits_for_the_first_paint(qtbot):
    shown = QWidget()
    qtbot.addWidget(shown)
    calls: list[str] = []
    AfterFirstPaint(shown, shown, lambda: calls.append("shown"), timeout_ms=60_000)
    shown.show()
    qtbot.waitUntil(lambda: calls == ["shown"])  # painted, then started: once
    shown.update()
    qtbot.wait(50)
    assert calls == ["shown"]

    hidden = QWidget()
    qtbot.addWidget(hidden)
    AfterFirstPaint(hidden, hidden, lambda: calls.append("hidden"), timeout_ms=60_000)
    qtbot.waitUntil(lambda: calls == ["shown", "hidden"])  # never shown: at the loop's start


def test_the_worker_of_a_hidden_window_starts_with_the_event_loop(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from xorlab.ui.shell.main_window import MainWindow

    settings = QSettings(str(tmp_path / "x.ini"), QSettings.Format.IniFormat)
    window = MainWindow(preset_spec("xor-minimal"), settings=settings)
    assert not window.worker.is_running()  # nothing compiles while the window is built
    qtbot.waitUntil(lambda: window.worker.state == "ready", timeout=60_000)
    window.experiment_files.prompts_enabled = False
    window.close()
    assert window.worker.wait(30_000)
    assert isinstance(window.worker_start, QObject)


def test_the_plots_have_no_menu_to_build(make_window, monkeypatch):
    # The styled plots have their mouse menus off; built with them, each view box's menu was
    # made at start only to be thrown away. Right-clicking a plot offers nothing, as before.
    import pyqtgraph  # noqa: F401  (the module below is named like its class: from sys.modules)

    view_box_module = sys.modules["pyqtgraph.graphicsItems.ViewBox.ViewBox"]

    built = []
    menu_class = view_box_module.ViewBoxMenu

    def counted(view_box):
        built.append(view_box)
        return menu_class(view_box)

    monkeypatch.setattr(view_box_module, "ViewBoxMenu", counted)
    window = make_window(preset_spec("xor-minimal"))
    window.show_tab("expression")
    items = [
        window.cost_plot.plot_item,
        window.outputs_plot.plot_item,
        window.boundary.plot_item,
        window.expression_tab.f_plot.getPlotItem(),
        window.expression_tab.df_plot.getPlotItem(),
    ]
    for item in items:
        assert not item.menuEnabled() and not item.getViewBox().menuEnabled()
        assert item.getViewBox().menu is None
        assert item.getViewBox().getContextMenus(None) == []
    # Only the colour bar's (pyqtgraph's ColorBarItem builds its plot with one, then turns
    # it off): none of the plots' own.
    assert not any(item.getViewBox() in built for item in items)
    assert len(built) <= 1


def _run(code: str) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()


def test_pyqtgraph_makes_qt_classes_when_first_used():
    # pyqtgraph.Qt copies every name of PySide6's QtCore, QtGui and QtWidgets, which makes
    # all their classes (0.25 s); imported as the app does, it makes only those it uses, and
    # its modules hand out PySide6's own objects.
    code = (
        "import json\n"
        "import PySide6.QtCore as C, PySide6.QtGui as G, PySide6.QtWidgets as W\n"
        "listed = [len(dir(m)) for m in (C, G, W)]\n"
        "listings = [m.__dict__['__dir__'] for m in (C, G, W)]\n"
        "import xorlab.ui.shell.pyqtgraph_import\n"
        "import pyqtgraph as pg\n"
        "made = sum(len(m.__dict__) for m in (C, G, W))\n"
        "same = [pg.Qt.QtCore.QTimer is C.QTimer, pg.QtGui.QPen is G.QPen,\n"
        "        pg.Qt.QtWidgets.QGraphicsView is W.QGraphicsView, pg.QtCore.Qt is C.Qt]\n"
        "from pyqtgraph.Qt.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "plot = pg.PlotWidget()\n"
        "curve = plot.plot([1.0, 2.0, 3.0], [3.0, 1.0, 2.0])\n"
        "x, y = curve.getData()\n"
        "try:\n"
        "    pg.Qt.QtCore.NoSuchThing\n"
        "    missing = 'found'\n"
        "except AttributeError:\n"
        "    missing = 'AttributeError'\n"
        "kept = [m.__dict__['__dir__'] is d for m, d in zip((C, G, W), listings)]\n"
        "print(json.dumps([kept, made, sum(listed),\n"
        "                  same, list(map(float, y)), missing]))\n"
    )
    kept, made, all_names, same, y, missing = json.loads(_run(code)[-1])
    assert kept == [True] * 3  # PySide6's modules list all their names again
    assert made < all_names / 2  # far from all of them made
    assert same == [True] * 4
    assert y == [3.0, 1.0, 2.0]
    assert missing == "AttributeError"


def test_a_pyqtgraph_imported_before_is_kept():
    code = (
        "import pyqtgraph\n"
        "from xorlab.ui.shell.pyqtgraph_import import import_pyqtgraph\n"
        "import PySide6.QtCore as C\n"
        "print(import_pyqtgraph() is pyqtgraph, pyqtgraph.Qt.QtCore.QTimer is C.QTimer)\n"
    )
    assert _run(code)[-1] == "True True"


def test_the_style_sheet_is_applied_to_the_built_window():
    # With the application's style sheet in force, every insertion of a widget into its
    # parent polishes its subtree again: the window is built first, then styled once.
    code = (
        "import os, tempfile\n"
        "from PySide6.QtCore import QSettings\n"
        "from xorlab.core.training.presets import preset_spec\n"
        "from xorlab.ui.shell import application\n"
        "from xorlab.ui.shell.main_window import MainWindow\n"
        "app = application.create_application()\n"
        "print(repr(app.styleSheet()))\n"
        "sheets = []\n"
        "build = MainWindow.__init__\n"
        "def recorded(self, *args, **kwargs):\n"
        "    sheets.append(app.styleSheet())\n"
        "    build(self, *args, **kwargs)\n"
        "MainWindow.__init__ = recorded\n"
        "path = os.path.join(tempfile.mkdtemp(), 'x.ini')\n"
        "settings = QSettings(path, QSettings.Format.IniFormat)\n"
        "window = application.open_window(preset_spec('xor-minimal'), settings=settings)\n"
        "print(sheets == [''], app.styleSheet() == application.style_sheet() != '')\n"
        "print(window.toolbar.objectName(), window.isVisible())\n"
    )
    assert _run(code)[-3:] == ["''", "True True", "training_toolbar False"]
