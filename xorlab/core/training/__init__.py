"""Training: spec, data, model, trainer and loops (the redesign moves the existing modules
here); new training features live here from the start."""
