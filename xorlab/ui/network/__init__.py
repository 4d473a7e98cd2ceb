"""The network diagram feature: its views and their helpers."""
