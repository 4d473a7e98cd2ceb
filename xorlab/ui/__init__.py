"""The desktop app: the only package that imports Qt. Thin views over the core, no math."""
