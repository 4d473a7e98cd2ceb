"""Files: experiment files, spec files, pictures (PNG), safe reading and writing of the files
a person names, strict JSON numbers, and the standalone-script export."""
