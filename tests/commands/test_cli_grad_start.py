"""`grad` starts lean (issue 11, item 5): it prints its values before the optimized compile
that only adds notes, imports no GUI or Numba, and a process that runs it skips the
collector's work at exit. The numbers are the tutorial's and numpy's."""

from __future__ import annotations

import gc
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xorlab.cli import main
from xorlab.core.expression import values

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = "exp(sin(x**2))"


def _fresh(code: str) -> str:
    """What a fresh interpreter in the repository prints for ``code`` (its last line)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
        check=True, timeout=300,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def test_the_values_are_printed_before_the_optimized_compile(capsys, monkeypatch):
    printed_before_compile = []
    compile_and_evaluate = values.evaluate

    def evaluate(expr, at):  # what beside_optimized calls to compile the optimized graph
        printed_before_compile.append(capsys.readouterr().out)
        return compile_and_evaluate(expr, at)

    monkeypatch.setattr(values, "evaluate", evaluate)
    assert main(["grad", "(x-x)/(x-x)", "--at", "3"]) == 0
    assert printed_before_compile == [
        "f(3) = undefined (0/0)\nf'(3) = undefined (f is not finite here)\n"
    ]
    # The note that needs the compile follows, comparing the optimized graph's value.
    notes = capsys.readouterr().out.splitlines()
    assert len(notes) == 1
    assert notes[0].startswith("note: PyTensor's optimized graph gives f = 1.0 (as written")


def test_the_answer_is_the_tutorials_and_agrees_with_json(capsys):
    assert main(["grad", TUTORIAL, "--at", "15", "--check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert float(lines[0].removeprefix("f(15) = ")) == pytest.approx(
        math.exp(math.sin(225.0)), rel=1e-15
    )
    df = float(lines[1].removeprefix("f'(15) = "))
    assert df == pytest.approx(2 * 15 * math.cos(225.0) * math.exp(math.sin(225.0)), rel=1e-12)
    assert df == pytest.approx(4.3474041, abs=1e-7)
    fd = float(lines[2].removeprefix("finite difference = ").split()[0])
    assert fd == pytest.approx(df, rel=1e-8)
    assert main(["grad", TUTORIAL, "--at", "15", "--json", "--check"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["df"], record["finite_difference"]) == (df, fd)
    assert record["optimized"]["df"] == pytest.approx(df, rel=1e-12)


def test_a_note_that_needs_the_compile_still_comes_for_finite_values(capsys):
    # (exp(x)-1)/x at 1e-17: as written 0/1e-17 = 0, PyTensor's expm1 rewrite gives 1.
    assert main(["grad", "(exp(x)-1)/x", "--at", "1e-17"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "f(1e-17) = 0.0"
    assert out[2].startswith("note: PyTensor's optimized graph gives f = 1.0 (as written: 0.0)")


def _heavy_imports_of(argv: list[str]) -> str:
    probe = (
        "import sys, io, contextlib\n"
        "from xorlab.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        f"    main({argv!r})\n"
        "heavy = ('PySide6', 'pyqtgraph', 'numba', 'pydot', 'pytensor', 'numpy')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    return _fresh(probe)


def test_grad_imports_no_gui_or_numba_and_help_no_pytensor():
    assert _heavy_imports_of(["grad", TUTORIAL, "--at", "15"]) == "['pytensor', 'numpy']"
    assert _heavy_imports_of(["grad", "--help"]) == "[]"


def test_only_the_program_skips_the_collection_at_exit_and_the_compiler_probe(capsys):
    frozen, flags = gc.get_freeze_count(), os.environ.get("PYTENSOR_FLAGS")
    assert main(["grad", "x**2", "--at", "3"]) == 0  # a test (or any caller) goes on
    assert gc.get_freeze_count() == frozen
    assert os.environ.get("PYTENSOR_FLAGS") == flags
    assert capsys.readouterr().out == "f(3) = 9.0\nf'(3) = 6.0\n"
    as_program = (
        "import gc, sys\n"
        "sys.argv = ['main.py', 'grad', 'x**2', '--at', '3']\n"
        "from xorlab.cli import main\n"
        "code = main()\n"
        "import pytensor\n"
        "print(code, gc.get_freeze_count() > 0, repr(pytensor.config.cxx))\n"
    )
    assert _fresh(as_program).endswith("0 True ''")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (None, "cxx="),
        ("base_compiledir=/tmp/x", "base_compiledir=/tmp/x,cxx="),
        ("cxx=clang++", "cxx=clang++"),  # the user's own compiler stays
        ("gcc__cxxflags=-O1", "gcc__cxxflags=-O1"),  # a flag naming it: left alone
    ],
)
def test_grad_tells_pytensor_there_is_no_compiler_unless_the_user_said(monkeypatch, before, after):
    from xorlab.commands import grad

    if before is None:
        monkeypatch.delenv("PYTENSOR_FLAGS", raising=False)
    else:
        monkeypatch.setenv("PYTENSOR_FLAGS", before)
    try:
        grad.configure_process()
    finally:
        gc.enable()  # configure_process is for a process of its own, not pytest's
    assert os.environ["PYTENSOR_FLAGS"] == after


def test_grad_turns_automatic_collection_off_in_its_own_process():
    # A one-shot process: full collections traversed PyTensor's objects for no garbage worth
    # freeing. The answer is the same.
    code = (
        "import contextlib, gc, io, json, sys\n"
        "from xorlab.cli import main\n"
        f"sys.argv = ['main.py', 'grad', {TUTORIAL!r}, '--at', '15']\n"
        "printed = io.StringIO()\n"
        "with contextlib.redirect_stdout(printed):\n"
        "    code = main()\n"
        "print(json.dumps([gc.isenabled(), code, printed.getvalue().splitlines()[:2]]))\n"
    )
    enabled, code, lines = json.loads(_fresh(code))
    assert (enabled, code) == (False, 0)
    assert lines == ["f(15) = 0.39451627767868064", "f'(15) = 4.347404090286684"]
