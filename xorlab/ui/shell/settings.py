"""What the app remembers between runs, read defensively.

Settings files get edited by hand, copied between versions and made read-only; none of that
may stop the app from starting. Every value is type-checked on the way in and anything
unusable falls back to the default, and a file that cannot be written is reported once in
the log rather than raised.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QByteArray, QSettings

from xorlab.core.training.spec import ExperimentSpec, SpecError, validate

log = logging.getLogger(__name__)

GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
LAST_SPEC = "experiment/last_spec"
LOG_COST = "view/log_cost"
CURRENT_TAB = "view/tab"
GRAPH_TARGET = "graph/target"
GRAPH_PARAM = "graph/param"
GRAPH_MODE = "graph/mode"
GRAPH_VALUES_ROW = "graph/values_row"
GRAPH_SHOW_VALUES = "graph/show_values"


def splitter_key(name: str) -> str:
    return f"splitters/{name}"


def read_bytes(settings: QSettings, key: str) -> QByteArray | None:
    """A saved geometry or state blob, or None when missing or of the wrong type."""
    try:
        value = settings.value(key)
    except Exception:  # a corrupt value can fail to deserialize
        return None
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def read_bool(settings: QSettings, key: str, default: bool) -> bool:
    try:
        value = settings.value(key, default)
    except Exception:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"  # INI files store booleans as text
    return default


def read_int(settings: QSettings, key: str, default: int) -> int:
    """An integer, or ``default`` when missing or not a whole number (INI files store text)."""
    try:
        value = settings.value(key, default)
    except Exception:
        return default
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return default
    return default


def read_str(settings: QSettings, key: str, default: str = "") -> str:
    try:
        value = settings.value(key, default)
    except Exception:
        return default
    return value if isinstance(value, str) else default


def read_spec(settings: QSettings) -> ExperimentSpec | None:
    """The spec saved at the last exit, or None when there is none or it no longer makes
    sense (an older format, a hand edit, a CSV file that moved is fine: loading reports it)."""
    text = read_str(settings, LAST_SPEC)
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
    settings.setValue(LAST_SPEC, json.dumps(spec.to_dict()))


def sync(settings: QSettings) -> bool:
    """Write to disk now; False (and a log line) when the file cannot be written."""
    settings.sync()
    if settings.status() != QSettings.Status.NoError:
        log.warning(
            "could not save settings to %s (%s)", settings.fileName(), settings.status().name
        )
        return False
    return True
