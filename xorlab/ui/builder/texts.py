"""What the builder says: field names, teaching tooltips and dataset titles."""

from __future__ import annotations

FIELD_LABELS = {
    "dataset.name": "Dataset",
    "dataset.size": "Points",
    "dataset.noise": "Noise",
    "dataset.seed": "Data seed",
    "dataset.path": "CSV file",
    "dataset.test_fraction": "Test split",
    "network.hidden": "Hidden layers",
    "network.activations": "Hidden activations",
    "network.output_activation": "Output activation",
    "network.bias": "Bias units",
    "network.features": "Input features",
    "network.init": "Initial weights",
    "network.seed": "Weight seed",
    "training.cost": "Cost",
    "training.optimizer": "Optimizer",
    "training.learning_rate": "Learning rate",
    "training.momentum": "Momentum",
    "training.schedule": "Schedule",
    "training.batch_size": "Batch size",
    "training.shuffle": "Shuffle",
    "training.l2": "L2 penalty",
    "training.l1": "L1 penalty",
    "training.epochs": "Epochs",
    "training.log_every": "Log every",
    "training.target_cost": "Stop at cost",
    "training.plateau_epochs": "Stop after flat",
    "training.plateau_tolerance": "Flat means under",
}

TOOLTIPS = {
    "preset": "Ready-made experiments, including the two classic XOR tutorials reproduced "
    "exactly. Choosing one fills in every field; you can change any of them afterwards.",
    "dataset.name": "The examples the network learns from. Truth tables list every input "
    "combination of a logic gate; point sets scatter samples over the plane, so you can "
    "watch the decision boundary form; CSV imports your own table.",
    "dataset.size": "How many points to generate. More points describe the shape better but "
    "make each full-batch step slower.",
    "dataset.noise": "How much random jitter is added to the points. With more noise the "
    "classes overlap and no network can classify every point right.",
    "dataset.seed": "Seed of the random generator that places the points: the same seed "
    "always gives the same points, so runs can be compared.",
    "dataset.test_fraction": "Share of the samples held out of training (0 to 0.9), to see "
    "whether the network generalizes: the test cost is drawn beside the training cost. When "
    "the training cost keeps falling while the test cost turns up, the network is learning "
    "the training points by heart (overfitting). Which samples are held out follows the data "
    "seed. 0 trains on every sample.",
    "regenerate": "Draw a new sample of points (and a new test split): the data seed goes up "
    "by one.",
    "dataset.path": "A CSV file with a header row. Every column is a number; the last column "
    "(or the columns named target... or y...) is what the network should output.",
    "network.hidden": "The layers between input and output. Each hidden neuron computes a "
    "weighted sum of the previous layer and squashes it with its activation; a single layer "
    "of a few neurons is already enough for XOR, which no network without one can learn.",
    "hidden.size": "Neurons in this layer. More neurons can carve more complex boundaries, "
    "but are slower and may overfit.",
    "hidden.activation": "The squashing function of this layer. Without a non-linear one, "
    "stacked layers collapse into one linear map and cannot learn XOR.",
    "add_layer": "Add another hidden layer after the last one. Deeper networks can learn "
    "more intricate shapes (like the spirals) but train more slowly.",
    "remove_layer": "Remove this hidden layer.",
    "network.output_activation": "The function applied to the output neuron. Sigmoid gives a "
    "value between 0 and 1, which reads as a probability of the answer being 1.",
    "network.bias": "Append a constant 1 to every layer's input, so each neuron also learns "
    "an offset. Without it every boundary must pass through the origin; the 28-line "
    "tutorial works without, the beginner tutorial adds them.",
    "network.features": "What the input neurons hold, for data with two inputs x1 and x2: "
    "the inputs themselves, or features computed from them (squares, their product, "
    "sines), as in TensorFlow Playground. With x1² and x2² a single linear neuron can draw "
    "a circle; the network diagram and the Graph tab show the features.",
    "network.init": "How the starting weights are drawn. Training starts from these random "
    "weights; different draws can end in different solutions.",
    "network.seed": "Seed of the random starting weights: the same seed reproduces a run "
    "exactly, step for step.",
    "training.cost": "How wrong the outputs are, as one number that training pushes down. "
    "Squared errors suit any output; cross-entropy punishes confident mistakes harder and "
    "needs a sigmoid output.",
    "training.optimizer": "How the weights move downhill on the cost. Gradient descent steps "
    "against the gradient; momentum keeps some of the previous step's velocity; Adam "
    "scales each weight's step by its recent gradients.",
    "training.learning_rate": "How big a step each update takes along the gradient. Too small "
    "and training crawls; too big and the cost jumps around or blows up. It can be changed "
    "while training runs.",
    "training.momentum": "How much of the previous step is kept (0 to below 1). Momentum "
    "rolls through flat stretches and damps zig-zagging; 0.9 is a common choice.",
    "training.schedule": "Which samples each step looks at: all of them (full batch), one at "
    "a time in order (as the beginner tutorial does), or small groups (mini-batches).",
    "training.batch_size": "Samples per mini-batch. Smaller batches take more, noisier steps "
    "per epoch.",
    "training.shuffle": "Visit the samples in a new random order every epoch (drawn from the "
    "weight seed, so a run still repeats exactly). Without it every epoch takes them in the "
    "same order, as the tutorials do; a fixed order can make the steps pull in a cycle.",
    "training.l2": "Weight decay: adds this factor times the sum of squared weights to the "
    "cost, which keeps weights small and boundaries smooth. 0 turns it off.",
    "training.l1": "Adds this factor times the sum of the weights' absolute values to the "
    "cost. Unlike L2 it pulls every weight towards 0 by the same amount, so weights that do "
    "not help end at exactly 0: the network uses fewer inputs and neurons. Bias weights are "
    "not penalised. 0 turns it off.",
    "training.epochs": "How many passes over the whole training set to run. The 28-line "
    "tutorial runs 60000 full-batch steps.",
    "training.log_every": "Print a progress line (epoch and cost) every this many epochs, as "
    "the tutorials do.",
    "training.target_cost": "Stop training as soon as an epoch's cost (the training cost, as "
    "plotted) is at or below this value. 0 trains to the epoch limit.",
    "training.plateau_epochs": "Stop when the cost has not improved for this many epochs in a "
    "row: training has reached a plateau and more epochs would change little. 0 turns it off.",
    "training.plateau_tolerance": "What counts as an improvement for the plateau rule: the "
    "cost must fall below the best so far by more than this share of it (0.001 = 0.1%).",
    "csv_browse": "Choose a CSV file to train on.",
}

DATASET_LABELS = {
    "xor": "XOR (28-line tutorial order)",
    "xor-beginner": "XOR (beginner tutorial order)",
    "and": "AND",
    "or": "OR",
    "nand": "NAND",
    "nor": "NOR",
    "xnor": "XNOR",
    "parity3": "3-bit parity",
    "parity4": "4-bit parity",
    "circle": "Circle (points)",
    "gaussians": "Two blobs (points)",
    "spiral": "Two spirals (points)",
    "xor-quadrants": "XOR quadrants (points)",
    "plane": "Plane (regression)",
    "gaussian-bumps": "Gaussian bumps (regression)",
    "csv": "Import CSV…",
}


def field_label(path: str) -> str:
    """A spec field path as a person would name it: 'network.hidden[0]' -> 'Layer 1'."""
    for prefix, suffix in (("network.hidden[", ""), ("network.activations[", " activation")):
        if path.startswith(prefix) and path.endswith("]"):
            return f"Layer {int(path[len(prefix) : -1]) + 1}{suffix}"
    return FIELD_LABELS.get(path, path)
