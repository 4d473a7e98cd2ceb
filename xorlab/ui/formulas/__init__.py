"""The Formulas tab: one sample's forward and backward pass written out with its numbers."""
