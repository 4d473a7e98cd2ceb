"""The network diagram: neurons, weights, neuron maps and the inline weight editor."""
