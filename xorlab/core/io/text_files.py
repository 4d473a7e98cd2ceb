"""Reading the small text files a person points xorlab at (CSV data, experiment files).

A wrong pick in a file dialog is common: a binary file, a huge log, a file deleted in the
meantime. Each becomes the caller's own error type with a message naming the file, checked
before anything large is read into memory.
"""

from __future__ import annotations

from pathlib import Path


def read_small_text(
    path: Path, limit_bytes: int, error: type[Exception], encoding: str = "utf-8"
) -> str:
    """The file's text, or ``error`` (too large, unreadable, not text in ``encoding``)."""
    try:
        size = path.stat().st_size
        if size > limit_bytes:
            raise error(
                f"{path.name} is {size / 2**20:.0f} MiB; the limit is {limit_bytes // 2**20} MiB"
            )
        return path.read_text(encoding=encoding)
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path.name} is not a text file (not UTF-8)") from exc
