"""Sweeps: a grid of variants of one experiment, trained and summarised; the number lists a person
types for it."""
