"""Runs the headless ``train --spec FILE --json`` command the way a user would, in its own
process, for the tests that check its report (and the file it saves) against the engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from xorlab.core.training.spec import ExperimentSpec

ROOT = Path(__file__).resolve().parents[3]


def train_spec_json(
    tmp_path: Path, spec: ExperimentSpec, save: bool = False
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The command's JSON report and, with ``save``, the experiment file it wrote."""
    spec_path, saved = tmp_path / "spec.json", tmp_path / "run.json"
    spec_path.write_text(json.dumps(spec.to_dict()))
    command = [sys.executable, str(ROOT / "main.py"), "train", "--spec", str(spec_path), "--json"]
    if save:
        command += ["--save", str(saved)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), json.loads(saved.read_text()) if save else None
