"""The Landscape tab's choices, without a window: what they request and when they say so."""

from __future__ import annotations

import pytest

from xorlab.core.landscape.directions import WeightPick
from xorlab.ui.landscape.controls import DEFAULT_PICKS, LandscapeControls


@pytest.fixture
def controls(qtbot):
    widget = LandscapeControls()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_defaults_request_the_principal_directions(controls):
    request = controls.request()
    assert (request.kind, request.grid, request.span, request.picks) == ("pca", 41, None, None)
    assert not controls.seed.isVisible() and not controls.picks_label.isVisible()


def test_each_choice_changes_the_request_once(controls, qtbot):
    changes = []
    controls.changed.connect(lambda: changes.append(controls.request()))
    controls.set_kind("random")
    controls.seed.setValue(9)
    controls.auto_span.setChecked(False)
    controls.span.setValue(2.5)
    controls.grid.setValue(21)
    controls.grid.setValue(21)  # no change: no request
    assert [r.kind for r in changes] == ["random"] * 5
    controls.set_samples("test")  # the same request on other samples: recomputed
    assert len(changes) == 6 and controls.samples_choice() == "test"
    changes.pop()
    last = changes[-1]
    assert (last.seed, last.span, last.grid) == (9, 2.5, 21)
    assert controls.seed.isVisible()
    log = []
    controls.log_changed.connect(log.append)
    controls.log.setChecked(True)
    assert log == [True] and len(changes) == 5  # colours only: no recompute


def test_picked_weights_are_the_newest_two(controls):
    assert controls.picks == DEFAULT_PICKS
    assert controls.pick(WeightPick(0, 1, 2))
    assert not controls.pick(WeightPick(0, 1, 2))  # the same weight again changes nothing
    assert controls.pick(WeightPick(1, 3, 0))
    controls.set_kind("weights")
    assert controls.request().picks == (WeightPick(0, 1, 2), WeightPick(1, 3, 0))
    assert controls.picks_label.text() == "W1[1,2] × W2[3,0]"


def test_an_unknown_kind_is_refused(controls):
    with pytest.raises(ValueError):
        controls.set_kind("sideways")
    with pytest.raises(ValueError):
        controls.set_samples("validation")


def test_every_control_is_named_and_explained(controls):
    """The seed, the span and "log colours" said nothing when hovered."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QWidget

    kinds = (QComboBox, QAbstractSpinBox, QAbstractButton)
    found = [
        w
        for w in controls.findChildren(QWidget)
        if isinstance(w, kinds) and not w.objectName().startswith("qt_")
    ]
    assert {w.objectName() for w in found} >= {"landscape.seed", "landscape.span", "landscape.log"}
    for widget in found:
        assert widget.objectName().startswith("landscape.")
        assert len(widget.toolTip()) > 15, widget.objectName()
