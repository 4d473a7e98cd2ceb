"""Shared widgets used by several features: plot style, SVG graph canvas, node details, fitted
tables and scroll areas, and when an out-of-sight view may skip a redraw (visibility)."""
