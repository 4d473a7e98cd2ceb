"""Spec variants beyond the tutorials that the oracle tests share: other activations,
optimizers, costs and schedules, as changes to apply to the xor-minimal preset."""

VARIANTS = {
    "momentum-mse-tanh": dict(
        network={"activations": ("tanh",), "bias": True},
        training={"optimizer": "momentum", "cost": "mse", "learning_rate": 0.2},
    ),
    "adam-bce-minibatch-l2": dict(
        network={
            "hidden": (4, 3),
            "activations": ("relu", "softplus"),
            "bias": True,
            "init": "glorot",
            "seed": 7,
        },
        training={
            "optimizer": "adam",
            "cost": "bce",
            "learning_rate": 0.05,
            "schedule": "minibatch",
            "batch_size": 3,
            "l2": 0.01,
        },
    ),
    "sgd-sse-linear-output-per-sample": dict(
        network={"output_activation": "linear", "activations": ("sigmoid",)},
        training={"schedule": "sample", "learning_rate": 0.05},
    ),
}
