"""Files: experiment files, safe reading and writing of the files a person names, strict
JSON numbers, and the standalone-script export."""
