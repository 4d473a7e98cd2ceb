"""Every save and export goes through the safe writer: a new file follows the umask (it
used to come out 0600), an existing one keeps its mode, a symlink stays a link (issue 10)."""

from __future__ import annotations

import os
import stat

import pytest

from xorlab.cli import main
from xorlab.core.io import experiment as ex
from xorlab.core.io.script_export import write_script
from xorlab.core.sweep.report import write_sweep_csv

WRITERS = {
    "experiment.json": lambda t, p: ex.save_experiment(p, ex.experiment_from_trainer(t)),
    "weights.npz": lambda t, p: ex.export_weights_npz(p, t.get_weights()),
    "history.csv": lambda t, p: ex.export_history_csv(p, *t.history.data()),
    "script.py": lambda t, p: write_script(p, t.spec, t.dataset),
    "sweep.csv": lambda t, p: write_sweep_csv(p, [], 0.01),
    "graph.dot": lambda t, p: main(["graph", "--format", "dot", "-o", str(p)]),
    "graph.txt": lambda t, p: main(["graph", "--format", "txt", "-o", str(p)]),
}


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_new_files_follow_the_umask_and_old_ones_keep_their_mode(
    tmp_path, minimal_trainer, umask_022, name
):
    write = WRITERS[name]
    new = tmp_path / name
    write(minimal_trainer, new)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    new.chmod(0o600)
    real = tmp_path / f"real-{name}"
    real.write_bytes(b"old")
    real.chmod(0o664)
    link = tmp_path / f"link-{name}"
    link.symlink_to(real)
    for target in (new, link):
        write(minimal_trainer, target)
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    assert link.is_symlink() and stat.S_IMODE(real.stat().st_mode) == 0o664
    assert real.read_bytes() == new.read_bytes()
    assert real.read_bytes() != b"old"
