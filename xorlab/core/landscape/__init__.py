"""The loss landscape: the total cost on a plane (or a line) through the weights, and the
path training took, projected onto it (after Li et al. 2018, "Visualizing the Loss Landscape
of Neural Nets").

- ``batched_cost``: one compiled function that evaluates the cost at many weight sets at once;
- ``directions``: which plane: two picked weights, two random filter-normalised directions,
  the top two principal directions of the path, or the gradient (the 1-D mode);
- ``projection``: where recorded snapshots lie on that plane;
- ``surface``: the grid evaluation and its result, as the CLI and the app use it;
- ``colour_scale`` and ``picture``: an honest colour range, and a PNG without Qt.
"""
