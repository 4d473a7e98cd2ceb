"""Files: experiment files, spec files, pictures; safe reading and writing."""
