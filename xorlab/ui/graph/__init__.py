"""The Graph tab: the network's PyTensor graphs, their legend, text, search, export and live node
values."""
