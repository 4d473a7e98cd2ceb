"""Desktop conventions: an icon on the window, a desktop entry setup.sh installs for the
user, resources shipped inside a non-editable install, and an About box with versions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import PySide6
import pytensor

from xorlab.ui.shell import app_resources
from xorlab.ui.shell.help_dialogs import about_html, component_versions

REPO = Path(__file__).resolve().parents[3]


def test_the_window_and_the_app_have_the_svg_icon(qtbot, make_window):
    icon = app_resources.app_icon()
    assert not icon.pixmap(48, 48).isNull()  # the SVG rasterizes
    window = make_window(None, wait_until=None)
    assert not window.windowIcon().pixmap(32, 32).isNull()


def test_resources_come_from_the_top_level_folder_in_a_checkout():
    for name in (app_resources.STYLE_SHEET, app_resources.ICON, app_resources.DESKTOP_ENTRY):
        path = app_resources.resource_path(name)
        assert path is not None and path.read_bytes() == (REPO / "resources" / name).read_bytes()
    assert app_resources.resource_path("missing.qss") is None
    assert app_resources.read_text("missing.qss") == ""


def test_a_non_editable_install_ships_and_loads_the_resources(tmp_path):
    target = tmp_path / "site"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    installed = target / "xorlab" / "resources"
    for name in (app_resources.STYLE_SHEET, app_resources.ICON, app_resources.DESKTOP_ENTRY):
        assert not (installed / name).is_symlink()
        assert (installed / name).read_bytes() == (REPO / "resources" / name).read_bytes()
    # The installed app (not this checkout) finds its style sheet inside itself.
    code = (
        "from xorlab.ui.shell.application import style_sheet\n"
        "from xorlab.ui.shell import app_resources\n"
        "print(app_resources.resource_path('style.qss'))\n"
        "print(len(style_sheet()))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    path, length = done.stdout.split()
    assert Path(path) == installed / "style.qss"
    assert int(length) == len((REPO / "resources" / "style.qss").read_text(encoding="utf-8")) > 0


def test_setup_installs_the_desktop_entry_for_the_user(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "XORLAB_SETUP_DESKTOP_ONLY": "1"}
    env.pop("XDG_DATA_HOME", None)
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "setup.sh"), "--desktop"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    entry = (tmp_path / ".local/share/applications/xorlab.desktop").read_text(encoding="utf-8")
    fields = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line)
    assert fields["Type"] == "Application" and fields["Icon"] == "xorlab"
    assert fields["Exec"] == f'"{REPO}/.venv/bin/xorlab"'
    assert fields["StartupWMClass"] == "xorlab"
    icon = tmp_path / ".local/share/icons/hicolor/scalable/apps/xorlab.svg"
    assert icon.read_bytes() == (REPO / "resources" / "xorlab.svg").read_bytes()
    bad = subprocess.run(
        ["bash", str(REPO / "scripts" / "setup.sh"), "--bogus"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and "unknown option" in bad.stderr


def test_about_gives_the_versions_it_runs_on():
    versions = component_versions()
    assert versions["Python"] == ".".join(map(str, sys.version_info[:3]))
    assert versions["PySide6"] == PySide6.__version__
    assert versions["PyTensor"] == pytensor.__version__
    dot = shutil.which("dot")
    if dot is not None:
        said = subprocess.run([dot, "-V"], capture_output=True, text=True, check=False)
        number = re.search(r"version (\S+)", said.stderr + said.stdout).group(1)
        assert versions["Graphviz"] == f"{number} (dot)"
    else:
        assert versions["Graphviz"] in ("not installed",) or "WebAssembly" in versions["Graphviz"]
    html = about_html(versions)
    for name, value in versions.items():
        assert f"<td style='padding-right:12px'>{name}</td><td>{value}</td>" in html


def test_graphviz_version_without_dot_names_the_fallback(monkeypatch):
    from xorlab.core.graphs import render

    monkeypatch.setattr(render, "dot_program", lambda: None)
    monkeypatch.setattr(render, "wasm_installed", lambda: True)
    assert render.graphviz_version().endswith("(WebAssembly)")
    monkeypatch.setattr(render, "wasm_installed", lambda: False)
    assert render.graphviz_version() == "not installed"


def test_the_desktop_entry_names_the_installed_command():
    entry = (REPO / "resources" / "xorlab.desktop").read_text(encoding="utf-8")
    assert "\nExec=xorlab\n" in entry  # the console script pip and pipx put on PATH
