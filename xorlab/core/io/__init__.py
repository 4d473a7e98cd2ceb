"""Files: experiment files, spec files, pictures (PNG), reading small text files safely, and
the standalone-script export."""
