"""Expressions in x: the whitelisting parser, the PyTensor graph of f and f', evaluation and finite
differences."""
