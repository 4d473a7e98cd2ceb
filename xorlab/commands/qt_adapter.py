"""The one door from the headless side to Qt (the import-linter contract names it).

The command line and the headless sub-commands never import Qt; the two things they need it
for go through here, each importing Qt only when called, so `python main.py train` never
loads it: starting the desktop app, and rasterizing an SVG with QtSvg when no Graphviz can
draw PNG.
"""

from __future__ import annotations

import argparse
import os
import sys

from xorlab.core.graphs import render

# Pixels per SVG point when the CLI rasterizes SVG itself (no Graphviz): sharp on HiDPI.
RASTER_SCALE = 2.0


def launch_gui(args: argparse.Namespace) -> int:
    """Start the desktop app (or explain why no window can open here); its exit code."""
    from xorlab.ui.shell.launch import launch_gui as launch

    return launch(args)


def rasterize_svg(svg: str, scale: float = RASTER_SCALE) -> bytes:
    """PNG bytes of an SVG drawn by QtSvg on a white background, with no window."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
        from PySide6.QtGui import QColor, QImage, QPainter
        from PySide6.QtSvg import QSvgRenderer
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:
        raise render.RenderUnavailable(f"Qt is not available to rasterize SVG: {exc}") from None
    # A QApplication (not just QGuiApplication) so a later widget in this process still works.
    _app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "xorlab"])
    drawing = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not drawing.isValid():
        raise render.RenderError("Qt could not read the SVG to rasterize it")
    size = drawing.defaultSize()
    image = QImage(
        QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale))),
        QImage.Format.Format_ARGB32,
    )
    image.fill(QColor("white"))
    painter = QPainter(image)
    drawing.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise render.RenderError("Qt could not encode the PNG")
    return bytes(buffer.data().data())
