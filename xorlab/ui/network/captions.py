"""The network diagram's captions: layer titles, input/output names and 'bias' labels.

Captions keep their size on screen however far the diagram is zoomed out, so they are placed
by the side of the point they label (``data(0)`` names the side), and in a narrow view the
titles get shorter (``fit_titles``) and captions that would overlap are hidden
(``hide_crowded``). NetworkScene owns the items; these functions make and arrange them.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSimpleTextItem

from xorlab.ui.network import style
from xorlab.ui.network.layout import TITLE_LEVELS, Architecture

CAPTION_Z = 4.0
TITLE_GAP = 10.0  # pixels between neighbouring layer titles
NAME_OFFSET = 8.0  # scene units between a unit's edge and its name


def set_caption_text(item: QGraphicsSimpleTextItem, text: str) -> None:
    """Set a caption's text and re-anchor it on the side its data(0) names."""
    item.setText(text)
    w, h = item.boundingRect().width(), item.boundingRect().height()
    dx, dy = {
        "above": (-w / 2, -h),
        "below": (-w / 2, 0.0),
        "left": (-w, -h / 2),
        "right": (0.0, -h / 2),
    }[item.data(0)]
    item.setTransform(QTransform.fromTranslate(dx, dy))


def caption(
    text: str, at: QPointF, side: str, points: float = 9.0, bold: bool = False
) -> QGraphicsSimpleTextItem:
    """Text that keeps its size on screen however far the diagram is zoomed out."""
    item = QGraphicsSimpleTextItem()
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    item.setFont(font)
    item.setBrush(QColor(style.CAPTION_COLOR if bold else style.MUTED_COLOR))
    item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
    item.setData(0, side)
    set_caption_text(item, text)
    item.setPos(at)
    item.setZValue(CAPTION_Z)
    return item


def make_captions(
    arch: Architecture, centres: dict[tuple[int, int], QPointF], radius: float
) -> tuple[list[QGraphicsSimpleTextItem], list[QGraphicsSimpleTextItem]]:
    """Every caption of ``arch`` (titles first, then unit names, then 'bias'), and the
    layer titles among them, one per layer."""
    captions: list[QGraphicsSimpleTextItem] = []
    top = min(c.y() for c in centres.values()) - radius
    last = len(arch.sizes) - 1
    for layer in range(len(arch.sizes)):
        x = centres[(layer, 0)].x()
        captions.append(caption(arch.layer_title(layer), QPointF(x, top - 14), "above", bold=True))
    titles = list(captions)
    names_at = {0: "left", last: "right"}
    for layer, side in names_at.items():
        for unit in range(arch.sizes[layer]):
            centre = centres[(layer, unit)]
            dx = -radius - NAME_OFFSET
            dx = dx if side == "left" else -dx
            name = arch.unit_name(layer, unit)
            captions.append(caption(name.removeprefix("output "), centre + QPointF(dx, 0), side))
    for layer in range(len(arch.sizes)):
        if arch.has_bias_unit(layer):
            centre = centres[(layer, arch.sizes[layer])]
            captions.append(caption("bias", centre + QPointF(0, radius * 0.72 + 4), "below", 8))
    return captions, titles


def name_widths(captions: list[QGraphicsSimpleTextItem]) -> tuple[float, float]:
    """Pixels of the widest input name (left) and output name (right)."""
    widths = {"left": 0.0, "right": 0.0}
    for item in captions:
        side = item.data(0)
        if side in widths:
            widths[side] = max(widths[side], item.boundingRect().width())
    return widths["left"], widths["right"]


def fit_titles(
    arch: Architecture,
    titles: list[QGraphicsSimpleTextItem],
    level_now: int,
    column_pixels: float,
) -> int:
    """The most detailed title level whose titles fit between columns ``column_pixels``
    apart (TITLE_LEVELS: none fits, not even 'h1'); the titles show it when it changed."""
    metrics = QFontMetricsF(titles[0].font())

    def widest(level: int) -> float:
        lines = [arch.layer_title(k, level) for k in range(len(arch.sizes))]
        return max(metrics.horizontalAdvance(t) for text in lines for t in text.split("\n"))

    fits = (k for k in range(TITLE_LEVELS) if widest(k) + TITLE_GAP <= column_pixels)
    level = next(fits, TITLE_LEVELS)
    if level != level_now:
        for layer, title in enumerate(titles):
            if level < TITLE_LEVELS:
                set_caption_text(title, arch.layer_title(layer, level))
    return level


def hide_crowded(
    captions: list[QGraphicsSimpleTextItem],
    titles: list[QGraphicsSimpleTextItem],
    title_level: int,
    view_transform: QTransform,
) -> int:
    """Hide captions that would overlap one already shown on screen, in ``captions`` order;
    returns how many are hidden. Titles too long for any level are hidden outright."""
    shown: list[QRectF] = []
    hidden = 0
    title_set = set(titles)
    for item in captions:
        if item in title_set and title_level >= TITLE_LEVELS:
            item.hide()
            hidden += 1
            continue
        rect = item.deviceTransform(view_transform).mapRect(item.boundingRect())
        clash = any(rect.intersects(other) for other in shown)
        item.setVisible(not clash)
        if clash:
            hidden += 1
        else:
            shown.append(rect.adjusted(-2, -1, 2, 1))  # a little air between words
    return hidden
