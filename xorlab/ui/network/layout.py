"""The network diagram's shape: which units each layer has, what they are called, and how far
apart columns and units sit so the picture fills a view of a given shape: plain arithmetic."""

from __future__ import annotations

from dataclasses import dataclass

from xorlab.core.training.datasets import Dataset
from xorlab.core.training.features import uses_features
from xorlab.core.training.spec import NetworkSpec
from xorlab.ui.network import style


@dataclass(frozen=True)
class Architecture:
    """Units per layer (input to output, bias units not counted) and what to call them."""

    sizes: tuple[int, ...]
    bias: bool
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    activations: tuple[str, ...] = ()  # per non-input layer, when known

    @classmethod
    def from_shapes(
        cls,
        shapes: list[tuple[int, int]],
        input_names: tuple[str, ...],
        output_names: tuple[str, ...],
        activations: tuple[str, ...] = (),
    ) -> Architecture:
        bias = shapes[0][0] == len(input_names) + 1
        sizes = (shapes[0][0] - int(bias), *(cols for _, cols in shapes))
        return cls(sizes, bias, input_names, output_names, activations)

    def shapes(self) -> list[tuple[int, int]]:
        extra = int(self.bias)
        return [(self.sizes[i] + extra, self.sizes[i + 1]) for i in range(len(self.sizes) - 1)]

    def has_bias_unit(self, layer: int) -> bool:
        return self.bias and layer < len(self.sizes) - 1

    def unit_name(self, layer: int, unit: int) -> str:
        if unit >= self.sizes[layer]:
            return "bias unit (1)"
        if layer == 0:
            return self.input_names[unit] if unit < len(self.input_names) else f"x{unit + 1}"
        if layer == len(self.sizes) - 1:
            names = self.output_names
            return f"output {names[unit] if unit < len(names) else unit + 1}"
        return f"h{layer}.{unit + 1}" if len(self.sizes) > 3 else f"h{unit + 1}"

    def layer_title(self, layer: int, level: int = 0) -> str:
        """A column's title, shorter at each ``level`` for columns closer together: 0
        'hidden 2\n16 × tanh', 1 'h2\n16 tanh', 2 'h2' (TITLE_LEVELS: none at all)."""
        last = len(self.sizes) - 1
        act = self.activations[layer - 1] if 0 < layer <= len(self.activations) else ""
        if layer == 0:
            return "in" if level else "input"
        if level:
            name = "out" if layer == last else f"h{layer}"
            return f"{name}\n{self.sizes[layer]} {act}" if act and level == 1 else name
        name = "output" if layer == last else ("hidden" if last == 2 else f"hidden {layer}")
        return f"{name}\n{self.sizes[layer]} × {act}" if act else name


TITLE_LEVELS = 3  # layer_title's levels of detail; at this one the titles are hidden


def gaps_for(arch: Architecture, aspect: float, radius: float) -> tuple[float, float]:
    """(column gap, unit gap) so the picture is about ``aspect`` times wider than tall: tall
    columns spread sideways, and in a narrow view few units spread downwards, so the network
    fills the view instead of a strip of it."""
    columns = max(len(arch.sizes) - 1, 1)
    rows = max(n - 1 + int(arch.has_bias_unit(k)) for k, n in enumerate(arch.sizes))
    unit_gap = style.UNIT_GAP
    height = rows * unit_gap + style.BIAS_GAP + 2 * radius
    column_gap = min(max(aspect * height / columns, style.MIN_COLUMN_GAP), style.MAX_COLUMN_GAP)
    width = columns * column_gap + 2 * radius
    if rows and width / height > aspect:
        wanted = (width / aspect - style.BIAS_GAP - 2 * radius) / rows
        unit_gap = min(max(wanted, style.UNIT_GAP), style.MAX_UNIT_GAP)
    return column_gap, unit_gap


def architecture_for(
    shapes: list[tuple[int, int]], dataset: Dataset | None, network: NetworkSpec | None
) -> Architecture:
    """The architecture of weights shaped ``shapes``, its units named after ``dataset``'s
    columns (x1, x2... when they do not fit) and its activations ``network``'s, when known."""
    n_inputs = shapes[0][0] if dataset is None else dataset.n_inputs
    inputs = dataset.input_names if dataset is not None else ()
    if network is not None and uses_features(network):
        # The input neurons are the features computed from the data's columns.
        n_inputs, inputs = len(network.features), tuple(network.features)
    outputs = dataset.target_names if dataset is not None else ()
    if len(inputs) != n_inputs:
        inputs = tuple(f"x{i + 1}" for i in range(n_inputs))
    activations: tuple[str, ...] = ()
    if network is not None and len(network.hidden) + 1 == len(shapes):
        activations = (*network.activations, network.output_activation)
    return Architecture.from_shapes(shapes, inputs, outputs, activations)
