"""The Landscape tab: the cost surface around the shown weights and the path training took,
drawn live from the core's ``xorlab.core.landscape`` computed on a background thread."""
