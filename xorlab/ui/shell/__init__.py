"""The shell: main window, menus, routing, file actions, status bar, settings and start-up. The
only package that knows every feature."""
