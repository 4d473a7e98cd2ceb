"""PyTensor graphs as something to read: which graph at which stage, node records, DOT, stats, live
node values and rendering to SVG/PNG."""
