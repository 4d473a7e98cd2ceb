"""Spec files: the "spec" part of an experiment file on its own, so any network the builder
can make is one JSON file away from headless training (``train --spec FILE``)."""

from __future__ import annotations

import json
from pathlib import Path

from xorlab.core.io.text_files import read_small_text
from xorlab.core.training.spec import ExperimentSpec, SpecError, validate

# A spec is a few hundred bytes; anything near this is not one.
MAX_SPEC_BYTES = 1024 * 1024


class SpecFileError(ValueError):
    """A spec file that cannot be read, with a message naming what is wrong."""


def spec_from_json(text: str) -> ExperimentSpec:
    """The spec in ``text``: an object with ``dataset``, ``network`` and ``training``
    sections (each optional, defaults filled in), checked as the builder checks it."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecFileError(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise SpecFileError("the JSON is nested too deeply") from None
    if isinstance(doc, dict) and "format" in doc and "spec" in doc:
        raise SpecFileError("this is a whole experiment file: pass it with --experiment")
    try:
        spec = ExperimentSpec.from_dict(doc)
    except SpecError as exc:
        raise SpecFileError(str(exc)) from exc
    errors = validate(spec)
    if errors:
        raise SpecFileError("; ".join(str(e) for e in errors))
    return spec


def load_spec(path: Path) -> ExperimentSpec:
    path = Path(path)
    text = read_small_text(path, MAX_SPEC_BYTES, SpecFileError)
    try:
        return spec_from_json(text)
    except SpecFileError as exc:
        raise SpecFileError(f"{path.name}: {exc}") from exc


def spec_to_json(spec: ExperimentSpec) -> str:
    return json.dumps(spec.to_dict(), indent=1, allow_nan=False)
