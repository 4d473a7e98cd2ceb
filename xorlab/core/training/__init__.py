"""Training engine: tiers of the training loop (the redesign moves the trainer, spec,
datasets, model and strategies here too)."""
