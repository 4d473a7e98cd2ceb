"""Training: the spec, datasets and presets, the model (graph builders), the Trainer and its loop
strategies, cost history and the time-travel timeline."""
