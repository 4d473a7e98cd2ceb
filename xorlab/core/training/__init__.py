"""Training: what the worker computes for the live views, beside the trainer itself."""
