"""Train > Sweep: the dialog, its table and the runner thread."""
