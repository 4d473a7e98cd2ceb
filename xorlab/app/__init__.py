"""Qt-free session state and policies the views and the worker share."""
