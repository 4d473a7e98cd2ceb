"""The Landscape tab's choices (samples, directions, seed, picked weights, span, grid, log
colours) are saved as they change and come back in a new window; unusable saved values are
ignored."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from xorlab.core.landscape.directions import WeightPick
from xorlab.core.landscape.surface import LandscapeRequest
from xorlab.ui.landscape.controls import DEFAULT_PICKS, LandscapeControls
from xorlab.ui.shell import settings as saved
from xorlab.ui.shell.landscape_tab_settings import LandscapeTabSettings

DEFAULTS = LandscapeRequest(kind="pca", grid=41, span=None, seed=0, picks=None)


def make_controls(qtbot, settings: QSettings) -> LandscapeControls:
    controls = LandscapeControls()
    qtbot.addWidget(controls)
    LandscapeTabSettings(controls, settings)
    return controls


def ini(tmp_path, name: str = "xorlab.ini") -> QSettings:
    return QSettings(str(tmp_path / name), QSettings.Format.IniFormat)


def test_choices_are_written_as_they_change_and_read_back(qtbot, tmp_path):
    settings = ini(tmp_path)
    controls = make_controls(qtbot, settings)
    assert controls.request() == DEFAULTS and not controls.log.isChecked()
    assert controls.samples_choice() == "training"
    controls.set_samples("test")
    controls.set_kind("random")
    controls.seed.setValue(7)
    controls.auto_span.setChecked(False)
    controls.span.setValue(2.5)
    controls.grid.setValue(21)
    controls.log.setChecked(True)
    controls.pick(WeightPick(0, 1, 0))
    controls.pick(WeightPick(1, 2, 0))
    settings.sync()

    again = ini(tmp_path)
    assert again.value(saved.LANDSCAPE_KIND.key) == "random"
    assert again.value(saved.LANDSCAPE_PICKS.key) == "W1[1,0],W2[2,0]"
    restored = make_controls(qtbot, again)
    assert restored.request() == LandscapeRequest(kind="random", grid=21, span=2.5, seed=7)
    assert restored.span.isEnabled() and restored.seed.isVisibleTo(restored)
    assert restored.log.isChecked() and restored.samples_choice() == "test"
    assert restored.picks == (WeightPick(0, 1, 0), WeightPick(1, 2, 0))

    # The 1-D mode and the two-weights kind come back too, the latter with its axes.
    restored.set_kind("gradient")
    assert make_controls(qtbot, ini(tmp_path)).request().kind == "gradient"
    restored.set_kind("weights")
    request = make_controls(qtbot, ini(tmp_path)).request()
    assert (request.kind, request.picks) == ("weights", (WeightPick(0, 1, 0), WeightPick(1, 2, 0)))


@pytest.mark.parametrize(
    "text",
    [
        "[landscape]\ndirections=sideways\nseed=-3\npicks=W0[1,1]\nauto_span=maybe\n"
        "span=nan\ngrid=1000\nlog=2\nsamples=validation\n",
        "[landscape]\ndirections=3\nseed=abc\npicks=7\nauto_span=@Invalid()\nspan=-1\n"
        "grid=2\nlog=@ByteArray(zz)\nsamples=1\n",
        "[landscape]\ndirections\nseed=1e99\npicks=W1[0,0],W1[0,0],W2[0,0]\nspan=1e300\n"
        "grid=41.5\n\x00\x01garbage=\n",
    ],
    ids=["unknown", "wrong-types", "corrupt"],
)
def test_unusable_saved_choices_fall_back_to_the_defaults(qtbot, tmp_path, text):
    path = tmp_path / "broken.ini"
    path.write_text(text, encoding="utf-8")
    controls = make_controls(qtbot, QSettings(str(path), QSettings.Format.IniFormat))
    assert controls.request() == DEFAULTS
    assert controls.picks == DEFAULT_PICKS and controls.span.value() == 1.0
    assert not controls.log.isChecked() and not controls.span.isEnabled()
    assert controls.samples_choice() == "training"


def test_a_new_window_shows_the_landscape_choices_as_they_were_left(make_window, tmp_path):
    first = make_window(None, wait_until=None)
    controls = first.landscape_tab.controls
    controls.set_kind("gradient")
    controls.grid.setValue(31)
    controls.log.setChecked(True)
    first.close()

    second = make_window(None, wait_until=None)
    tab = second.landscape_tab
    request = tab.controls.request()
    assert (request.kind, request.grid) == ("gradient", 31)
    assert tab.controls.log.isChecked() and tab.plot.log  # the plot draws what the box says
