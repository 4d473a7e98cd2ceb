"""File formats: experiment files, spec files, pictures (PNG), strict JSON numbers, and the
standalone-script export. Reading and writing the files safely is xorlab.core.files, below."""
