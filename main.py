"""Starts xorlab: the desktop app, or a headless command (`python main.py --help`)."""

import sys

from xorlab.cli import main

if __name__ == "__main__":
    sys.exit(main())
