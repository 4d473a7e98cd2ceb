"""Files: experiment files, reading small text files safely, and the standalone-script export."""
