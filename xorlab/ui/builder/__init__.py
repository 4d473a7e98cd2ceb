"""The experiment builder's widgets (the redesign moves the existing builder modules here)."""
