"""The network diagram's words around the picture: the colour legend and the maps box above
it, the status line below it (hints, edits, problems)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel

from xorlab.ui.network import style
from xorlab.ui.widgets.plot_style import BAD_COLOR

# A narrow panel wraps the legend between entries only.
LEGEND = " &nbsp; ".join(
    f"<span style='white-space:nowrap'>{entry}</span>"
    for entry in (
        f"<b style='color:{style.POSITIVE_COLOR}'>━━</b> positive",
        f"<b style='color:{style.NEGATIVE_COLOR}'>━━</b> negative",
        "width ∝ \u2060|\u2060w\u2060|",  # word joiners: no line break inside |w|
        "<b style='color:#555'>[1]</b> bias unit",
    )
)


def legend_label() -> QLabel:
    legend = QLabel(LEGEND)
    legend.setObjectName("network.legend")
    legend.setWordWrap(True)  # a narrow dock wraps it rather than widening the window
    return legend


def maps_box() -> QCheckBox:
    """The 'maps' box, hidden until the data has two inputs (a plane to map)."""
    box = QCheckBox("maps")
    box.setObjectName("network.show_maps")
    box.setChecked(True)
    box.setToolTip("Show what each neuron computes over the input plane")
    box.hide()
    return box


def status_label() -> QLabel:
    status = QLabel()
    status.setObjectName("network.status")
    status.setWordWrap(True)
    return status


def header_layout(legend: QLabel, maps: QCheckBox) -> QHBoxLayout:
    header = QHBoxLayout()
    header.setContentsMargins(6, 2, 6, 0)
    header.addWidget(legend, 1)
    header.addSpacing(8)
    header.addWidget(maps)
    return header


def status_html(text: str, error: bool = False) -> str:
    """``text`` in the muted colour, or the problem colour when ``error``."""
    colour = BAD_COLOR if error else style.MUTED_COLOR
    return f"<span style='color:{colour}'>{text}</span>"
