"""The main window, its menus, file actions and status bar (new modules of the shell)."""
