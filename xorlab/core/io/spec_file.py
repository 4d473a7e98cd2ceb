"""Spec files: the "spec" part of an experiment file, on its own, for headless runs
(`landscape --spec FILE`, `train --spec FILE`): any network the builder can make.

Read defensively like experiment files: size-bounded, every way the file can be wrong is a
SpecFileError naming the field or the line.
"""

from __future__ import annotations

import json
from pathlib import Path

from xorlab.core.files.text_files import read_small_text
from xorlab.core.training.spec import ExperimentSpec, SpecError, validate

MAX_SPEC_BYTES = 1024 * 1024


class SpecFileError(ValueError):
    """A spec file that cannot be used, with a message for the person who named it."""


def spec_from_json(text: str) -> ExperimentSpec:
    """A validated spec from JSON text: a bare spec object ({"dataset": ..., "network": ...,
    "training": ...}), or a whole experiment file, whose "spec" part is taken."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecFileError(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    except (RecursionError, ValueError) as exc:
        raise SpecFileError(f"unreadable JSON: {exc}") from exc
    if isinstance(doc, dict) and isinstance(doc.get("spec"), dict):
        doc = doc["spec"]
    if not isinstance(doc, dict):
        raise SpecFileError("a spec file holds one object with dataset, network and training")
    try:
        spec = ExperimentSpec.from_dict(doc)
    except SpecError as exc:
        raise SpecFileError(str(exc)) from exc
    except (TypeError, ValueError, OverflowError) as exc:
        raise SpecFileError(f"spec: {exc}") from exc
    errors = validate(spec)
    if errors:
        raise SpecFileError("; ".join(str(e) for e in errors))
    return spec


def load_spec_file(path: Path | str) -> ExperimentSpec:
    path = Path(path)
    if path.is_dir():
        raise SpecFileError(f"{path} is a folder, not a spec file")
    return spec_from_json(read_small_text(path, MAX_SPEC_BYTES, SpecFileError))
