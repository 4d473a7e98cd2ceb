"""What the network diagram draws on its items: neuron maps as pictures, and a selection as
the lines and units it concerns at full strength with the rest dimmed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from xorlab.app.selection import SelectionRef
from xorlab.ui.network import style
from xorlab.ui.network.layout import Architecture
from xorlab.ui.network.scene import NetworkScene

if TYPE_CHECKING:
    from xorlab.core.training.neuron_maps import NeuronMaps
    from xorlab.core.training.plane_maps import NeuronImages


def paint_maps(
    scene: NetworkScene,
    maps: NeuronMaps | None,
    enabled: bool,
    images: NeuronImages | None = None,
) -> None:
    """Each unit's map (inputs included) as its picture; none for layers too wide to read,
    when ``enabled`` is off, or for maps of another architecture. ``images``: the maps
    already coloured (by the worker), so drawing them is only making pixmaps."""
    arch = scene.arch
    if arch is None:
        return
    show = maps is not None and enabled and maps_fit(maps, arch)
    if images is not None and tuple(len(layer) for layer in images) != tuple(arch.sizes):
        images = None
    for layer, size in enumerate(arch.sizes):
        too_many = size > style.MAX_MAP_UNITS
        for unit in range(size):
            pixmap = None
            if show and not too_many and images is not None:
                picture = images[layer][unit]
                pixmap = style.rgba_pixmap(picture) if picture is not None else None
            elif show and not too_many:
                values = layer_map(maps, layer, unit)
                if values is not None:
                    activation = "input" if layer == 0 else _activation(arch, layer)
                    low, high = style.value_range(activation, values)
                    pixmap = style.map_image(values, low, high, round_=True)
            scene.set_map(layer, unit, pixmap)


def paint_selection(scene: NetworkScene, ref: SelectionRef) -> None:
    """A weight: its line, ringed at both ends; a matrix: all its lines; a neuron: its
    incoming and outgoing lines, ringed. Nothing selected: every line at full strength."""
    arch = scene.arch
    if arch is None or ref.is_empty:
        scene.highlight(None, [])
        return
    last = len(arch.sizes) - 1
    if ref.kind == "weight":
        index = scene.line_of(ref.param, ref.row, ref.col)
        lines = np.array([index] if index is not None else [], dtype=np.int64)
        scene.highlight(lines, [(ref.param, ref.row), (ref.param + 1, ref.col)])
    elif ref.kind == "param":
        scene.highlight(scene.lines_where(ref.param), [])
    else:
        layer, unit = ref.param, ref.row
        parts = []
        if 1 <= layer <= last and unit < arch.sizes[layer]:
            parts.append(scene.lines_where(layer - 1, col=unit))
        if layer < last:
            parts.append(scene.lines_where(layer, row=unit))
        lines = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
        scene.highlight(lines, [(layer, unit)])


def _activation(arch: Architecture, layer: int) -> str:
    return arch.activations[layer - 1] if layer - 1 < len(arch.activations) else ""


def maps_fit(maps: NeuronMaps, arch: Architecture) -> bool:
    """Maps of this very architecture (not one from before a new network was compiled)."""
    units = (maps.inputs.shape[2], *(layer.shape[2] for layer in maps.layers))
    return units == arch.sizes


def layer_map(maps: NeuronMaps, layer: int, unit: int) -> np.ndarray | None:
    source = maps.inputs if layer == 0 else maps.layers[layer - 1]
    if source.ndim != 3 or unit >= source.shape[2]:
        return None
    return source[:, :, unit]
