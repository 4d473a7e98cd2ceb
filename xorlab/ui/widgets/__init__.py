"""Widgets and widget helpers shared by the feature views."""
