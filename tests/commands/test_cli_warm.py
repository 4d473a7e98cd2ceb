"""`python main.py warm`, and set-up running it: which presets it compiles, what it says when
one cannot be compiled or no cache can be written, and that what it writes is what the next
process finds."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xorlab.cli import main
from xorlab.commands import warm
from xorlab.core.training.presets import PRESETS
from xorlab.core.training.strategies import StrategyUnavailable

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def warmed(monkeypatch):
    """warm_preset replaced by a recorder: these tests are about the command, not compiling."""
    names: list[str] = []

    def record(name: str, backend: str = "auto") -> str:
        names.append(name)
        if name == "parity3":
            raise StrategyUnavailable("cannot unroll this here")
        return f"{backend}-for-{name}"

    monkeypatch.setattr(warm, "warm_preset", record)
    return names


def test_without_presets_named_every_preset_is_warmed_in_order(warmed, capsys):
    code = main(["warm"])
    out = capsys.readouterr()
    assert warmed == list(PRESETS)
    lines = out.out.splitlines()
    assert lines[0].startswith(f"warming {len(PRESETS)} presets into the compile caches ")
    for name, line in zip(PRESETS, lines[1:], strict=False):
        assert line.split()[0] == name
    assert "  circle           auto-for-circle loop, " in out.out
    # One preset that cannot compile is said; the others are still warmed.
    assert "  parity3          not warmed: StrategyUnavailable: cannot unroll this here" in out.out
    assert f"warmed {len(PRESETS) - 1} of {len(PRESETS)} in " in lines[-1]
    assert code == 1 and "xorlab warm: not warmed: parity3" in out.err


def test_named_presets_are_warmed_once_each_with_the_engine_asked(warmed, capsys):
    code = main(["warm", "--preset", "spiral", "--preset", "xor-bias", "--preset", "spiral"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert warmed == ["spiral", "xor-bias"]
    assert out.out.splitlines()[0].startswith("warming 2 presets into ")
    warmed.clear()
    assert main(["warm", "--preset", "circle", "--backend", "scan"]) == 0
    assert "scan-for-circle loop" in capsys.readouterr().out


def test_an_unknown_preset_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["warm", "--preset", "nope"])
    assert exit_.value.code == 2 and "invalid choice: 'nope'" in capsys.readouterr().err


def test_without_numba_nothing_is_compiled_and_it_says_why(warmed, monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "numba" else real(name, *a)
    )
    assert main(["warm"]) == 2
    assert warmed == []
    assert "xorlab warm: Numba is not installed" in capsys.readouterr().err


def test_a_cache_folder_that_cannot_be_written_is_a_message(tmp_path):
    # As root, permissions do not stop a write: a folder under a regular file cannot exist.
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {**os.environ, "PYTENSOR_FLAGS": f"base_compiledir={blocker / 'cache'}"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "warm"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("xorlab warm: cannot use PyTensor's compile folder: ")
    assert "PYTENSOR_FLAGS=base_compiledir=DIR" in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(warm.CacheUnusable, match="cannot write to the compile cache"):
        warm._check_writable(blocker / "numba", "a hint")


def test_an_engine_that_is_not_installed_is_said_per_preset(capsys, monkeypatch):
    from xorlab.core.training.strategies import choose

    monkeypatch.setattr(choose, "jax_available", lambda: False)  # as without JAX installed
    code = main(["warm", "--preset", "xor-minimal", "--backend", "jax"])
    out = capsys.readouterr()
    assert code == 1
    assert "  xor-minimal      not warmed: StrategyUnavailable: JAX is not installed" in out.out


# The loop the next process builds, as `train` and the window build it (start_tiered), and
# how often Numba found it in its disk cache or compiled it.
NEXT_PROCESS = """
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer
trainer = Trainer(preset_spec("xor-minimal"))
trainer.start_tiered()
trainer.loop_fn
trainer.run(8)
stats = trainer.loop_fn._train.stats
print(sum(stats.cache_hits.values()), sum(stats.cache_misses.values()), trainer.tier)
"""


def test_what_warm_compiles_is_what_the_next_process_loads(tmp_path):
    env = {**os.environ, "PYTENSOR_FLAGS": f"base_compiledir={tmp_path / 'cache'}"}
    env.pop("NUMBA_CACHE_DIR", None)  # as set-up and the app run: Numba's default place
    run = {"capture_output": True, "text": True, "env": env, "cwd": ROOT, "timeout": 300}
    warmed = subprocess.run(
        [sys.executable, "main.py", "warm", "--preset", "xor-minimal"], check=False, **run
    )
    assert warmed.returncode == 0, warmed.stderr
    assert "  xor-minimal      fused loop, " in warmed.stdout
    assert "warmed 1 of 1 in " in warmed.stdout
    next_run = subprocess.run([sys.executable, "-c", NEXT_PROCESS], check=False, **run)
    assert next_run.returncode == 0, next_run.stderr
    assert next_run.stdout.split() == ["1", "0", "fused"]  # found on disk, nothing compiled


# --- set-up runs it ------------------------------------------------------------------------


def _checkout(tmp_path: Path, warm_exit: int) -> tuple[Path, dict[str, str], Path]:
    """A checkout holding setup.sh whose venv is installed already (its stamp matches), with a
    venv python that logs its arguments and exits with ``warm_exit``, and a PATH without apt."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup.sh", root / "scripts")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (root / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(root / "pyproject.toml", root / ".venv" / ".xorlab-installed")
    log = tmp_path / "python.log"
    python = root / ".venv" / "bin" / "python"
    python.write_text(f'#!/bin/bash\necho "$@" >> "{log}"\nexit {warm_exit}\n')
    python.chmod(0o755)
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("dirname", "cmp", "cp", "sed", "cat", "id"):
        (tools / tool).symlink_to(shutil.which(tool))
    (tools / "python3").symlink_to(sys.executable)
    return root, {**os.environ, "PATH": str(tools)}, log


def _setup(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [shutil.which("bash"), str(root / "scripts" / "setup.sh"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


COMPILE = "-m compileall -q xorlab main.py\n"  # the app's bytecode, before any warm-up


def test_setup_warms_the_presets_unless_told_not_to(tmp_path):
    root, env, log = _checkout(tmp_path, warm_exit=0)
    done = _setup(root, env)
    assert done.returncode == 0, done.stderr
    assert log.read_text() == COMPILE + "main.py warm\n"
    assert "setup: compiling the presets' training loops" in done.stdout
    log.unlink()
    assert _setup(root, env, "--no-warm").returncode == 0
    assert _setup(root, {**env, "XORLAB_SETUP_NO_WARM": "1"}).returncode == 0
    assert log.read_text() == COMPILE * 2
    log.unlink()
    helped = _setup(root, env, "--help")
    assert helped.returncode == 0 and "--no-warm" in helped.stdout
    assert "XORLAB_SETUP_NO_WARM=1" in helped.stdout and not log.exists()


def test_a_failed_warm_up_is_said_and_setup_still_succeeds(tmp_path):
    root, env, log = _checkout(tmp_path, warm_exit=1)  # compileall fails too: said, not fatal
    done = _setup(root, env)
    assert done.returncode == 0
    assert log.read_text() == COMPILE + "main.py warm\n"
    assert "could not compile xorlab's bytecode" in done.stderr
    assert "the warm-up did not finish; each preset compiles at its first run" in done.stderr
