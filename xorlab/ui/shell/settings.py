"""What the app remembers between runs: every setting declared once (app/settings.Setting),
read defensively.

Settings files get edited by hand, copied between versions and made read-only; none of that
may stop the app from starting. Every value is type-checked on the way in and anything
unusable falls back to the default, and a file that cannot be written is reported once in
the log rather than raised.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QByteArray, QSettings

from xorlab.app.settings import (
    Setting,
    as_bool,
    as_float,
    as_int,
    as_str,
    as_str_list,
    one_of,
    within,
)
from xorlab.app.speed_limit import FULL, RATES
from xorlab.core.landscape.directions import DirectionError, WeightPick, parse_picks
from xorlab.core.landscape.surface import DEFAULT_GRID, KINDS, MAX_GRID, MAX_SPAN, MIN_GRID
from xorlab.core.training.spec import ExperimentSpec, SpecError, validate

log = logging.getLogger(__name__)


def _blob(value: object) -> QByteArray | None:
    """A saved geometry or state blob (not empty)."""
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


# Every setting the app keeps, declared once: key, default, how a stored value is checked.
GEOMETRY = Setting("window/geometry", None, _blob)
WINDOW_STATE = Setting("window/state", None, _blob)
LAST_SPEC = Setting("experiment/last_spec", "", as_str)  # JSON; read_spec checks it
LOG_COST = Setting("view/log_cost", False, as_bool)
CURRENT_TAB = Setting("view/tab", "", as_str)
GRAPH_TARGET = Setting("graph/target", "", as_str)
GRAPH_PARAM = Setting("graph/param", 0, as_int)
GRAPH_MODE = Setting("graph/mode", "", as_str)
GRAPH_VALUES_ROW = Setting("graph/values_row", 0, as_int)
GRAPH_SHOW_VALUES = Setting("graph/show_values", False, as_bool)
ENGINE = Setting("training/engine", "auto", as_str)  # the Engine menu checks it is installed
SPEED = Setting("training/speed", FULL, one_of(RATES))
RECENT_FILES = Setting("files/recent", [], as_str_list)
LAST_FOLDER = Setting("files/last_folder", "", as_str)


def _picks(value: object) -> tuple[WeightPick, WeightPick] | None:
    """Two weights as the app names them, 'W1[0,1],W2[2,0]'."""
    if not isinstance(value, str):
        return None
    try:
        return parse_picks(value)
    except DirectionError:
        return None


# The Landscape tab's choices (the gradient kind is its 1-D mode).
LANDSCAPE_KIND = Setting("landscape/directions", "pca", one_of(KINDS))
LANDSCAPE_SEED = Setting("landscape/seed", 0, within(as_int, 0, 999_999))
LANDSCAPE_PICKS = Setting("landscape/picks", None, _picks)  # None: the controls' default
LANDSCAPE_AUTO_SPAN = Setting("landscape/auto_span", True, as_bool)
LANDSCAPE_SPAN = Setting("landscape/span", 1.0, within(as_float, 1e-4, MAX_SPAN))
LANDSCAPE_GRID = Setting("landscape/grid", DEFAULT_GRID, within(as_int, MIN_GRID, MAX_GRID))
LANDSCAPE_LOG = Setting("landscape/log", False, as_bool)
LANDSCAPE_SAMPLES = Setting("landscape/samples", "training", one_of(("training", "test")))


def splitter(name: str) -> Setting[QByteArray | None]:
    """A splitter's sizes, by the splitter's objectName."""
    return Setting(f"splitters/{name}", None, _blob)


def read_spec(settings: QSettings) -> ExperimentSpec | None:
    """The spec saved at the last exit, or None when there is none or it no longer makes
    sense (an older format, a hand edit, a CSV file that moved is fine: loading reports it)."""
    text = LAST_SPEC.read(settings)
    if not text:
        return None
    try:
        spec = ExperimentSpec.from_dict(json.loads(text))
    except (ValueError, SpecError, TypeError) as exc:
        log.warning("ignoring the saved experiment: %s", exc)
        return None
    if validate(spec):
        log.warning("ignoring the saved experiment: it is not valid any more")
        return None
    return spec


def write_spec(settings: QSettings, spec: ExperimentSpec) -> None:
    LAST_SPEC.write(settings, json.dumps(spec.to_dict()))


def sync(settings: QSettings) -> bool:
    """Write to disk now; False (and a log line) when the file cannot be written."""
    settings.sync()
    if settings.status() != QSettings.Status.NoError:
        log.warning(
            "could not save settings to %s (%s)", settings.fileName(), settings.status().name
        )
        return False
    return True
