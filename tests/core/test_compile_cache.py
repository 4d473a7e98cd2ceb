"""The compile cache is chosen before PyTensor loads: the folder PyTensor's own settings
name, or a temporary one (and a notice) when that cannot be written."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from pytensor.configparser import parse_config_string

from xorlab.core import compile_cache

ROOT = Path(__file__).resolve().parents[2]


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home"), **values}


def test_the_default_folder_is_pytensor_in_the_home(tmp_path):
    assert compile_cache.configured_folders(env(tmp_path)) == {
        "base_compiledir": tmp_path / "home" / ".pytensor"
    }


def test_the_flags_win_over_the_files_and_the_leftmost_file_wins(tmp_path):
    left, right = tmp_path / "left.rc", tmp_path / "right.rc"
    left.write_text("[global]\nbase_compiledir = /from/left\n")
    right.write_text("[global]\nbase_compiledir = /from/right\ncompiledir = /c/right\n")
    rc = os.pathsep.join(map(str, (left, right)))
    assert compile_cache.configured_folders(env(tmp_path, PYTENSORRC=rc)) == {
        "base_compiledir": Path("/from/left"),
        "compiledir": Path("/c/right"),
    }
    flags = "floatX=float64,base_compiledir='~/my, cache',base_compiledir=~/last"
    folders = compile_cache.configured_folders(env(tmp_path, PYTENSORRC=rc, PYTENSOR_FLAGS=flags))
    assert folders["base_compiledir"] == tmp_path / "home" / "last"


def test_a_folder_that_can_be_written_changes_nothing(tmp_path):
    environ = env(tmp_path, PYTENSOR_FLAGS=f"base_compiledir={tmp_path / 'cache'}")
    assert compile_cache.ensure_writable(environ) is None
    assert environ["PYTENSOR_FLAGS"] == f"base_compiledir={tmp_path / 'cache'}"
    assert (tmp_path / "cache").is_dir()  # made, as PyTensor would at its first compile


@pytest.mark.parametrize("setting", ["base_compiledir", "compiledir"])
def test_a_folder_that_cannot_be_written_is_replaced_by_a_temporary_one(
    tmp_path, monkeypatch, setting
):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    # A temporary folder whose name needs quoting in PYTENSOR_FLAGS (a comma, a quote).
    spare_root = tmp_path / "tmp, it's here"
    spare_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spare_root))
    environ = env(tmp_path, PYTENSOR_FLAGS=f"floatX=float64,{setting}={blocker / 'cache'}")
    notice = compile_cache.ensure_writable(environ)
    assert notice is not None
    assert str(blocker / "cache") in notice and "Not a directory" in notice
    parsed = parse_config_string(environ["PYTENSOR_FLAGS"])  # as PyTensor will read it
    assert parsed["floatX"] == "float64"
    spare = Path(parsed[setting])
    assert spare.is_relative_to(spare_root) and spare.parent.exists()
    assert compile_cache.ensure_writable(environ) is None  # the new folder can be written


def test_pytensor_then_compiles_into_the_temporary_folder(tmp_path):
    """In a fresh interpreter, as `python main.py` runs it: PyTensor reads its folder once,
    at import, and its Numba cache module makes that folder when imported."""
    blocker = tmp_path / "a file"
    blocker.write_text("")
    script = (
        "from xorlab.core import compile_cache\n"
        "print(compile_cache.ensure_writable() is not None)\n"
        "import pytensor\n"
        "from pytensor.link.numba.cache import NUMBA_CACHE_PATH\n"
        "print(pytensor.config.base_compiledir)\n"
        "print(NUMBA_CACHE_PATH.is_dir())\n"
    )
    environ = {**os.environ, "PYTENSOR_FLAGS": f"base_compiledir={blocker / 'cache'}"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    told, folder, numba_made = result.stdout.split("\n")[:3]
    assert told == "True" and numba_made == "True"
    assert Path(folder).name.startswith("xorlab-pytensor-")
    assert not Path(folder).exists()  # removed at exit
