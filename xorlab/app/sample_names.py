"""How the views name a training sample: its inputs and target, as the outputs plot's legend
and the Formulas tab both show it."""

from __future__ import annotations

from xorlab.core.training.datasets import Dataset


def sample_label(dataset: Dataset, i: int, output: int) -> str:
    """'1,0 → 1' (inputs → target), naming the output when there are several."""
    inputs = ",".join(f"{v:g}" for v in dataset.X[i])
    target = f"{dataset.y[i, output]:g}"
    if dataset.n_outputs > 1:
        target = f"{dataset.target_names[output]}={target}"
    return f"{inputs} → {target}"
