"""The Graph tab feature: its views and their helpers."""
