"""Numbers on the command line: negative scientific notation, exact range messages, and
text that is not UTF-8 (issue 10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xorlab.cli import main
from xorlab.core.training.spec import exact

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("args", "field", "expected"),
    [
        (["grad", "x**2", "--at", "-1e5", "--json"], "x", -1e5),
        (["grad", "x**2", "--at", "-2.5E-3", "--json"], "x", -2.5e-3),
        (["grad", "x**2", "--at", "-.5e1", "--json"], "x", -5.0),
        (["grad", "x", "--range", "-1e3", "1e3", "--points", "3", "--json"], "x", [-1e3, 0, 1e3]),
    ],
)
def test_negative_scientific_notation_is_a_number(capsys, args, field, expected):
    assert main(args) == 0
    record = json.loads(capsys.readouterr().out)
    assert record[field] == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1e8, "1e+08"),
        (100_000_001, "100000001"),
        (5e6, "5e+06"),
        (0.1, "0.1"),
        (1e6 + 1e-9, "1000000.000000001"),
        (-0.001, "-0.001"),
        (2.5, "2.5"),
    ],
)
def test_numbers_in_messages_are_exact(value, shown):
    assert exact(value) == shown and float(shown) == value


def test_invalid_utf8_in_an_expression_is_called_invalid_text():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "grad", b"x+\xff\xfe", "--at", "1"],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2
    assert "invalid text" in err and "nested too deeply" not in err and "Traceback" not in err
