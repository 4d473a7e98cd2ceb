"""A traced sample written out as rich text: one table per layer for the forward pass, the
cost, the deltas of the backward pass and each weight's gradient and step, every block with
a sentence on what it means. Only formatting: every number comes from the FormulaTracer.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from xorlab.app.formula_job import FormulaResult
from xorlab.core.training.features import uses_features
from xorlab.core.training.spec import COST_LABELS, ExperimentSpec

if TYPE_CHECKING:
    from xorlab.core.training.formulas import LayerTrace, SampleTrace

HEAD_BG, SUM_BG, OUT_BG = "#EEF2F7", "#F7F7F7", "#E6F1FA"
UP_BG, DOWN_BG = "#E3EFFA", "#FBE9DD"  # the step raises / lowers the weight (blue / orange)
MUTED = "#6A6A6A"
STYLE = """
<style>
body { font-size: 10pt; color: #262626; }
h2 { font-size: 13pt; margin: 10px 0 2px 0; color: #1F3B57; }
h3 { font-size: 10.5pt; margin: 8px 0 2px 0; }
p.explain { color: #3E3E3E; margin: 2px 0 6px 0; }
p.note { color: #3E3E3E; margin: 4px 0; }
table { border-color: #C8CED6; }
td, th { padding: 3px 8px; }
th { background: #EEF2F7; font-weight: 600; }
.muted { color: #6A6A6A; }
</style>
"""


def num(value: float) -> str:
    """Four significant digits with a real minus sign, as the explain() lines read. Zero has
    no sign: an input of 0 times a negative weight is -0.0, and "= −0" read as a value."""
    text = f"{float(value) + 0.0:.4g}"  # -0.0 + 0.0 is +0.0; any other value is unchanged
    return text.replace("-", "−")


def _paren(value: float) -> str:
    return f"({num(value)})" if value < 0 else num(value)


def _table(rows: list[str], header: list[str]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(rows)
    return (
        '<table border="1" cellspacing="0" cellpadding="4" style="border-collapse: collapse;">'
        f"<tr>{head}</tr>{body}</table>"
    )


def _row(first: str, cells: list[str], bg: str = "", bold: bool = False) -> str:
    style = f' style="background-color: {bg};"' if bg else ""
    wrap = ("<b>", "</b>") if bold else ("", "")
    tds = "".join(f'<td align="right"{style}>{wrap[0]}{c}{wrap[1]}</td>' for c in cells)
    return f'<tr><th align="left">{first}</th>{tds}</tr>'


def _input_name(layer_index: int, i: int, bias_row: bool, features: tuple[str, ...] = ()) -> str:
    """A layer input's name; ``features``: the first layer's inputs when they are features."""
    if bias_row:
        return "bias 1"
    if layer_index == 0:
        return escape(features[i]) if i < len(features) else f"x{i + 1}"
    return f"h{layer_index}[{i + 1}]"


def _layer_title(index: int, layer: LayerTrace, last: bool) -> str:
    n_out = layer.weighted_sums.size
    kind = "output" if last else "hidden"
    plural = "s" if n_out > 1 else ""
    return f"Layer {index + 1}: {kind} neuron{plural} ({n_out}, {escape(layer.activation)})"


def forward_table(
    index: int, layer: LayerTrace, bias: bool, last: bool, features: tuple[str, ...] = ()
) -> str:
    n_in, n_out = layer.inputs.size, layer.weighted_sums.size
    header = ["input", *(f"neuron {j + 1}" for j in range(n_out))]
    rows = []
    for i in range(n_in):
        bias_row = bias and i == n_in - 1
        name = f"{_input_name(index, i, bias_row, features)} = {num(layer.inputs[i])}"
        cells = [
            f"{num(layer.weights[i, j])} × {_paren(layer.inputs[i])}"
            f' <span style="color:{MUTED}">= {num(layer.weights[i, j] * layer.inputs[i])}</span>'
            for j in range(n_out)
        ]
        rows.append(_row(name, cells))
    rows.append(_row("z = Σ w·x", [num(v) for v in layer.weighted_sums], SUM_BG))
    act = escape(layer.activation)
    rows.append(_row(f"h = {act}(z)", [num(v) for v in layer.outputs], OUT_BG, bold=True))
    return f"<h3>{_layer_title(index, layer, last)}</h3>" + _table(rows, header)


def cost_block(trace: SampleTrace, spec: ExperimentSpec) -> str:
    out, target = trace.layers[-1].outputs, trace.target
    name = spec.training.cost
    if name == "bce":
        terms = " + ".join(
            f"{num(t)}·log {num(h)} + (1 − {num(t)})·log(1 − {num(h)})"
            for h, t in zip(out, target, strict=True)
        )
        formula = f"C = −({terms})" + (f" / {out.size}" if out.size > 1 else "")
    else:
        terms = " + ".join(f"({num(h)} − {num(t)})²" for h, t in zip(out, target, strict=True))
        formula = f"C = {terms}" + (f" / {out.size}" if name == "mse" and out.size > 1 else "")
    penalty = ""
    if spec.training.l2 > 0:
        penalty = f" + {num(spec.training.l2)}·ΣW² (the L2 penalty; bias weights excluded)"
    if spec.training.l1 > 0:
        penalty += f" + {num(spec.training.l1)}·Σ|W| (the L1 penalty; bias weights excluded)"
    return (
        "<h2>2. Cost</h2>"
        '<p class="explain">The cost says how far the output is from the target: 0 is '
        f"perfect. Here it is the {escape(COST_LABELS[name])}, for this sample alone.</p>"
        f"<p>{formula}{penalty} = <b>{num(trace.cost)}</b></p>"
    )


def backward_table(index: int, trace: SampleTrace, bias: bool) -> str:
    layer = trace.layers[index]
    last = index == len(trace.layers) - 1
    rows = []
    for j, delta in enumerate(layer.deltas):
        if last:
            source = "from the cost and the output's activation"
        else:
            after = trace.layers[index + 1]
            source = (
                f"{escape(layer.activation)}′(z) × ("
                + " + ".join(
                    f"{num(after.weights[j, k])}·{_paren(after.deltas[k])}"
                    for k in range(after.deltas.size)
                )
                + ")"
            )
        rows.append(_row(f"neuron {j + 1}", [source, f"<b>{num(delta)}</b>"]))
    title = _layer_title(index, layer, last)
    return f"<h3>{title}</h3>" + _table(rows, ["", "δ = ∂C/∂z is", "δ"])


def _step_bg(step: float) -> str:
    return UP_BG if step > 0 else DOWN_BG if step < 0 else "#FFFFFF"


def _penalty_terms(weight: float, l2: float, l1: float) -> str:
    """The penalties' parts of one weight's gradient: 2·λ₂·w and λ₁·sign(w)."""
    text = f" + 2·{num(l2)}·{_paren(weight)}" if l2 else ""
    if l1:
        text += f" + {num(l1)}·sign({num(weight)})"
    return text


def gradient_table(
    index: int,
    trace: SampleTrace,
    bias: bool,
    l2: float,
    l1: float = 0,
    features: tuple[str, ...] = (),
) -> str:
    layer = trace.layers[index]
    n_in, n_out = layer.gradient.shape
    header = ["weight from", *(f"to neuron {j + 1}" for j in range(n_out))]
    rows = []
    for i in range(n_in):
        bias_row = bias and i == n_in - 1
        cells = "".join(
            f'<td align="right" style="background-color: {_step_bg(layer.step[i, j])};">'
            f"{_paren(layer.inputs[i])}·{_paren(layer.deltas[j])}"
            f"{'' if bias_row else _penalty_terms(layer.weights[i, j], l2, l1)} = "
            f"{num(layer.gradient[i, j])}<br/><b>step {num(layer.step[i, j])}</b></td>"
            for j in range(n_out)
        )
        name = _input_name(index, i, bias_row, features)
        rows.append(f'<tr><th align="left">{name}</th>{cells}</tr>')
    return f"<h3>Layer {index + 1}: W{index + 1}</h3>" + _table(rows, header)


def _penalty_note(l2: float, l1: float) -> str:
    names = [name for name, on in (("L2", l2 > 0), ("L1", l1 > 0)) if on]
    if not names:
        return "."
    if len(names) == 1:
        return f" (the {names[0]} part counts once)."
    return " (the L2 and L1 parts count once)."


def update_notes(result: FormulaResult) -> list[str]:
    """How the steps shown relate to what training really does: optimizer and schedule."""
    tr = result.spec.training
    notes = []
    if tr.optimizer == "momentum":
        notes.append(
            "<b>Momentum:</b> the actual step also depends on past gradients: the velocity "
            f"v ← {num(tr.momentum)}·v − η·∂C/∂w carries on from the steps before, and w ← w + v. "
            "The steps shown are the plain gradient-descent part."
        )
    elif tr.optimizer == "adam":
        notes.append(
            "<b>Adam:</b> the actual step also depends on past gradients: it divides a running "
            "average of the gradient by the root of a running average of its square, so each "
            "weight moves by about η whatever its gradient's size. The steps shown are plain "
            "gradient descent's, for comparison."
        )
    n, k = result.n_samples, result.samples_per_step
    combine = "sums" if tr.cost == "sse" else "averages"
    if tr.schedule == "full" and n > 1:
        notes.append(
            f"<b>Full batch:</b> the real update {combine} the gradients of all {n} samples, "
            f"so this sample's gradient is one of {n} parts of every step"
            + _penalty_note(tr.l2, tr.l1)
        )
    elif k > 1:
        notes.append(
            f"<b>Mini-batches of {k}:</b> the real update {combine} the gradients of the "
            f"{k} samples in this sample's batch."
        )
    elif tr.optimizer == "sgd":
        notes.append(
            "<b>Per sample:</b> when training reaches this sample it makes exactly these steps "
            "(with the weights as they are at that moment)."
        )
    return notes


def render_html(result: FormulaResult, sample_label: str) -> str:
    trace, spec = result.trace, result.spec
    bias, layers = spec.network.bias, trace.layers
    when = "replayed from the timeline" if result.replayed else "live"
    lr = num(trace.learning_rate)
    parts = [
        STYLE,
        f"<p><b>Sample {trace.sample + 1}: {escape(sample_label)}</b> "
        f'<span class="muted">· weights of epoch {result.epoch:,} ({when}) · '
        f"learning rate η = {lr}</span></p>",
        "<h2>1. Forward pass</h2>",
        '<p class="explain">Each neuron multiplies every input by its weight, adds the '
        "products into its weighted sum <i>z</i>, and squashes <i>z</i> with its activation "
        "into its output <i>h</i>. A layer's outputs are the next layer's inputs."
        + (
            " The bias unit is a constant 1 added to every layer's input; its weight shifts "
            "the neuron's threshold."
            if bias
            else ""
        )
        + "</p>",
    ]
    features = tuple(spec.network.features) if uses_features(spec.network) else ()
    if features:
        x1, x2 = (num(v) for v in trace.x[:2])
        parts.append(
            '<p class="explain">The first layer\'s inputs are the chosen features, computed '
            f"from the sample's x1 = {x1} and x2 = {x2}: {escape(', '.join(features))}.</p>"
        )
    parts += [
        forward_table(i, layer, bias, i == len(layers) - 1, features)
        for i, layer in enumerate(layers)
    ]
    parts.append(cost_block(trace, spec))
    parts += [
        "<h2>3. Backward pass</h2>",
        '<p class="explain">Backpropagation applies the chain rule from the cost back to '
        "every weight. A neuron's <i>δ</i> = ∂C/∂z says how much the cost would change if "
        "its weighted sum grew a little. The output's δ comes from the cost and the "
        "activation; a hidden neuron's δ gathers the δs of the neurons it feeds, each "
        "through the weight between them, times the slope of its own activation.</p>",
    ]
    parts += [backward_table(i, trace, bias) for i in reversed(range(len(layers)))]
    parts += [
        "<h2>4. Gradients and steps</h2>",
        '<p class="explain">A weight\'s gradient is the input it carries times the δ of '
        "the neuron it feeds: ∂C/∂w = x·δ"
        + (" (plus 2λw from the L2 penalty)" if spec.training.l2 > 0 else "")
        + (" (plus λ·sign(w) from the L1 penalty)" if spec.training.l1 > 0 else "")
        + f". Gradient descent moves every weight against its gradient: step = −η·∂C/∂w "
        f"with η = {lr}. Blue cells: the weight grows; orange: it shrinks.</p>",
    ]
    tr = spec.training
    parts += [gradient_table(i, trace, bias, tr.l2, tr.l1, features) for i in range(len(layers))]
    notes = update_notes(result)
    if notes:
        parts.append("<h2>What training really does</h2>")
        parts += [f'<p class="note">{note}</p>' for note in notes]
    return "".join(parts)
