"""Training: the spec, datasets and presets, the model (graph builders), the Trainer and its loop
strategies and tiers, cost history and the time-travel timeline."""
