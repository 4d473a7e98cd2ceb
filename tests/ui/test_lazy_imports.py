"""The window's thread imports PyTensor only through core/first_imports.

The window imports no PyTensor before its first paint; the worker thread imports it first,
under first_imports' lock. A view or menu action that imports a module pulling in PyTensor
on the window's thread without that lock could race the worker's import ("cannot import
name ... from partially initialized module"), e.g. File > Open or the Sweep dialog in the
first second. So every import inside a function under xorlab/ui of a module that imports
PyTensor (or Numba) when loaded comes after ``import_pytensor()`` / ``import_numba()`` in
that function, unless the function runs on the worker or a background runner, which take
the lock before their first command or job (training_session.on_command, background.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "xorlab"
HEAVY_ROOTS = ("pytensor", "numba")
LOCKING_CALLS = {"import_pytensor", "import_numba"}

# (file under xorlab/ui, function): where these functions run.
OFF_THE_WINDOW_THREAD = {
    ("runtime/training_session.py", "moment_snapshot"): "the worker",
    ("runtime/training_session.py", "_on_tick"): "the worker",
    ("runtime/training_session.py", "_build"): "the worker",
    ("runtime/training_session.py", "_restore"): "the worker",
    ("runtime/training_session.py", "_fail"): "the worker",
    ("runtime/training_session.py", "_do_step"): "the worker",
    ("landscape/landscape_tab.py", "landscape_job"): "a background runner",
    ("shell/exports.py", "_write_script"): "the worker (an export job)",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(tree: ast.Module) -> set[str]:
    """What a module imports when loaded (not under ``if TYPE_CHECKING``, not in functions)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def heavy_modules() -> set[str]:
    """xorlab's modules that import PyTensor or Numba when loaded, directly or through others."""
    imports = {
        module_name(path): top_level_imports(ast.parse(path.read_text()))
        for path in PACKAGE.rglob("*.py")
    }

    def parents(name: str) -> list[str]:
        parts = name.split(".")
        return [".".join(parts[:i]) for i in range(1, len(parts))]

    heavy = {name for name, deps in imports.items() if any(_is_root(d) for d in deps)}
    while True:
        more = {
            name
            for name, deps in imports.items()
            if name not in heavy and any(d in heavy or d.rsplit(".", 1)[0] in heavy for d in deps)
        }
        more |= {name for name in imports if any(p in heavy for p in parents(name))} - heavy
        if not more:
            return heavy
        heavy |= more


def _is_root(name: str) -> bool:
    return name.split(".")[0] in HEAVY_ROOTS


def unlocked_heavy_imports() -> list[str]:
    heavy = heavy_modules()
    found = []
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text())
        type_only = {
            id(sub)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for sub in ast.walk(node)
        }
        where = str(path.relative_to(PACKAGE / "ui"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if (where, function.name) in OFF_THE_WINDOW_THREAD:
                continue
            locked_at = [
                call.lineno
                for call in ast.walk(function)
                if isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id in LOCKING_CALLS
            ]
            for node in ast.walk(function):
                if id(node) in type_only:
                    continue
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    if (_is_root(name) or name in heavy) and not any(
                        line < node.lineno for line in locked_at
                    ):
                        found.append(f"{where}:{node.lineno} {function.name} imports {name}")
    return found


def test_the_scan_knows_which_modules_import_pytensor():
    heavy = heavy_modules()
    # The trainer does; the modules the window reads on a user action do not (File > Open
    # reads experiments, the status bar the batch table, the landscape the layer shapes).
    assert {"xorlab.core.training.trainer", "xorlab.core.training.model"} <= heavy
    assert "xorlab.core.graphs.params" in heavy and "xorlab.ui.sweep.dialog" in heavy
    light = {
        "xorlab.core.io.experiment",
        "xorlab.core.training.weights",
        "xorlab.core.training.shuffle",
        "xorlab.ui.shell.main_window",
    }
    assert not light & heavy


def test_the_window_thread_imports_pytensor_only_through_first_imports():
    assert unlocked_heavy_imports() == []
