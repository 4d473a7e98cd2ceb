"""Reading the small text files a person points xorlab at (CSV data, experiment files).

A wrong pick in a file dialog is common: a binary file, a huge log, a file deleted in the
meantime. Each becomes the caller's own error type with a message naming the file, checked
before anything large is read into memory.
"""

from __future__ import annotations

from pathlib import Path

from xorlab.core.io.safe_files import read_bounded


def read_small_text(
    path: Path, limit_bytes: int, error: type[Exception], encoding: str = "utf-8"
) -> str:
    """The file's text, or ``error`` (not a regular file, too large, unreadable, not text).

    A FIFO, device or /proc file is refused or read only up to the limit (read_bounded).
    """
    data = read_bounded(path, limit_bytes, error)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise error(f"{Path(path).name} is not a text file (not UTF-8)") from exc
