"""Files a person names: safe reading and writing, strict JSON numbers."""
