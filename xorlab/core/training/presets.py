"""Ready-made experiments: the two tutorials, reproduced exactly, and a few that show off."""

from __future__ import annotations

from dataclasses import dataclass

from xorlab.core.training.spec import DatasetSpec, ExperimentSpec, NetworkSpec, TrainingSpec


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    spec: ExperimentSpec


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "xor-minimal",
            "XOR, the 28-line tutorial",
            "2-3-1 sigmoid net without biases, uniform(-1, 1) weights from seed 1234, sum of "
            "squared errors, full-batch gradient descent at 0.01 for 60000 steps.",
            ExperimentSpec(
                DatasetSpec("xor"),
                NetworkSpec((3,), ("sigmoid",), "sigmoid", bias=False, init="uniform", seed=1234),
                TrainingSpec("sse", "sgd", 0.01, schedule="full", epochs=60_000, log_every=10_000),
            ),
        ),
        Preset(
            "xor-bias",
            "XOR with bias units, the beginner tutorial",
            "2-3-1 sigmoid net with a constant 1 appended to each layer's input, rand weights, "
            "per-sample gradient descent at 0.1 for 10000 epochs, cost printed every 500.",
            ExperimentSpec(
                DatasetSpec("xor-beginner"),
                NetworkSpec((3,), ("sigmoid",), "sigmoid", bias=True, init="rand", seed=0),
                TrainingSpec("sse", "sgd", 0.1, schedule="sample", epochs=10_000, log_every=500),
            ),
        ),
        Preset(
            "parity3",
            "3-bit parity",
            "Odd number of ones -> 1. Harder than XOR: needs more hidden units and momentum.",
            ExperimentSpec(
                DatasetSpec("parity3"),
                NetworkSpec((6,), ("tanh",), "sigmoid", bias=True, init="glorot", seed=3),
                TrainingSpec("bce", "momentum", 0.3, schedule="full", epochs=5_000, log_every=500),
            ),
        ),
        Preset(
            "circle",
            "Circle",
            "A disc inside a ring: one hidden layer of 4 tanh units bends a line into a circle.",
            ExperimentSpec(
                DatasetSpec("circle", size=200, noise=0.1, seed=0),
                NetworkSpec((4,), ("tanh",), "sigmoid", bias=True, init="glorot", seed=1),
                TrainingSpec("bce", "adam", 0.03, schedule="full", epochs=2_000, log_every=200),
            ),
        ),
        Preset(
            "spiral",
            "Two spirals",
            "Interleaved spirals need depth: three tanh layers of 16, Adam on mini-batches.",
            ExperimentSpec(
                DatasetSpec("spiral", size=512, noise=0.1, seed=0),
                NetworkSpec(
                    (16, 16, 16),
                    ("tanh", "tanh", "tanh"),
                    "sigmoid",
                    bias=True,
                    init="glorot",
                    seed=2,
                ),
                TrainingSpec(
                    "bce",
                    "adam",
                    0.01,
                    schedule="minibatch",
                    batch_size=32,
                    epochs=1_000,
                    log_every=100,
                ),
            ),
        ),
        Preset(
            "circle-features",
            "Circle from x1² and x2²",
            "The circle again, but the inputs are the features x1² and x2² and the net has a "
            "single linear neuron: in the squares the disc is simply x1² + x2² < r², so one "
            "straight line in feature space is a circle in the plane.",
            ExperimentSpec(
                DatasetSpec("circle", size=200, noise=0.1, seed=0),
                NetworkSpec(
                    (1,),
                    ("linear",),
                    "sigmoid",
                    bias=True,
                    init="glorot",
                    seed=1,
                    features=("x1^2", "x2^2"),
                ),
                TrainingSpec("bce", "adam", 0.05, schedule="full", epochs=1_000, log_every=100),
            ),
        ),
        Preset(
            "regression",
            "Regression: gaussian bumps",
            "Not a class but a number to predict: the height of six signed bumps over the "
            "plane. A linear output and the mean squared error; the map shows the predicted "
            "value, the points their target, and the table each error. A fifth of the points "
            "is held out to test.",
            ExperimentSpec(
                DatasetSpec("gaussian-bumps", size=400, noise=0.05, seed=0, test_fraction=0.2),
                NetworkSpec((12, 12), ("tanh", "tanh"), "linear", bias=True, init="glorot", seed=0),
                TrainingSpec("mse", "adam", 0.01, schedule="full", epochs=2_000, log_every=200),
            ),
        ),
        Preset(
            "overfitting",
            "Overfitting",
            "60 noisy points, half held out as a test set, and a net far too big for them "
            "(two tanh layers of 16). The training cost falls towards zero while the test "
            "cost turns up after ~240 epochs: the net learns the noise of its 30 points by "
            "heart, and the test accuracy drops.",
            ExperimentSpec(
                DatasetSpec("gaussians", size=60, noise=0.5, seed=1, test_fraction=0.5),
                NetworkSpec(
                    (16, 16), ("tanh", "tanh"), "sigmoid", bias=True, init="glorot", seed=1
                ),
                TrainingSpec("bce", "adam", 0.01, schedule="full", epochs=2_000, log_every=200),
            ),
        ),
    )
}


def preset_spec(name: str) -> ExperimentSpec:
    try:
        return PRESETS[name].spec
    except KeyError:
        raise KeyError(f"unknown preset '{name}'; choose one of {', '.join(PRESETS)}") from None
