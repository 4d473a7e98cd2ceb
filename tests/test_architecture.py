"""The house's rules (docs/ARCHITECTURE.md): the layers and the Qt-free parts, checked by
import-linter's contracts in pyproject.toml, by what importing really loads, and no import
cycles between modules."""

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "pyqtgraph", "shiboken6")


def test_import_linter_contracts_hold():
    # (``python -m importlinter.cli`` runs nothing: that module has no __main__ block.)
    code = (
        "import sys; from importlinter.cli import lint_imports;"
        f"sys.exit(lint_imports(config_filename={str(ROOT / 'pyproject.toml')!r}, no_cache=True))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Every contract the layering relies on is there and was checked.
    for name in ("Layers:", "Features do not import", "never import Qt", "qt_adapter", "cycles"):
        assert name in result.stdout


def _loaded_qt_after(code: str) -> list[str]:
    probe = code + f"\nimport sys\nprint([m for m in sys.modules if m.split('.')[0] in {QT!r}])\n"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return eval(result.stdout.strip().splitlines()[-1])


def test_importing_the_core_loads_no_qt():
    code = "import xorlab.core.training.trainer, xorlab.core.training.datasets"
    code += ", xorlab.core.training.presets, xorlab.core.graphs.build, xorlab.core.io.experiment"
    assert _loaded_qt_after(code) == []


def test_importing_the_app_logic_loads_no_qt():
    modules = sorted(p.stem for p in (ROOT / "xorlab" / "app").glob("*.py"))
    assert "speed_limit" in modules
    code = "\n".join(f"import xorlab.app.{m}" for m in modules if m != "__init__")
    assert _loaded_qt_after(code) == []


def test_the_command_line_loads_no_qt_to_build_every_command():
    code = "import xorlab.cli\nxorlab.cli.build_parser()"
    assert _loaded_qt_after(code) == []


def _cycles(graph: grimp.ImportGraph) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_no_import_cycles_between_modules():
    runtime = grimp.build_graph("xorlab", cache_dir=None, exclude_type_checking_imports=True)
    assert _cycles(runtime) == []
    with_hints = grimp.build_graph("xorlab", cache_dir=None)
    assert _cycles(with_hints) == []  # not even through type hints
