"""The experiment builder: every field of an ExperimentSpec as a validated widget."""
