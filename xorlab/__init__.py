"""xorlab: a desktop lab for learning how neural networks and symbolic differentiation work."""

__version__ = "0.1.0"
