"""PyTensor's rewriter logs a traceback (at ERROR, to stderr) when one of its rewrites fails:
x**inf makes ``local_pow_to_nested_squaring`` call int(inf). The rewrite is skipped and the
graph stays correct, so for a learner that is a note, not a traceback. ``rewrite_failures``
turns those records into short lines while a compile runs on the calling thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

REWRITER_LOGGER = "pytensor.graph.rewriting.basic"


class _Capture(logging.Filter):
    """Drops the rewriter's records on threads that are capturing, keeping their text."""

    def __init__(self) -> None:
        super().__init__()
        self.local = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        captured = getattr(self.local, "records", None)
        if captured is None:
            return True
        captured.append(record.getMessage())
        return False


_CAPTURE = _Capture()
logging.getLogger(REWRITER_LOGGER).addFilter(_CAPTURE)


@contextmanager
def rewrite_failures() -> Iterator[list[str]]:
    """Within the block (on this thread), a failed rewrite is a line in the yielded list
    ("local_pow_to_nested_squaring on Pow(x, inf)") instead of a traceback on stderr."""
    outer = getattr(_CAPTURE.local, "records", None)
    records: list[str] = []
    _CAPTURE.local.records = records
    failures: list[str] = []
    try:
        yield failures
    finally:
        _CAPTURE.local.records = outer
        rewrite = node = ""
        for message in records:
            if message.startswith("Rewrite failure due to: "):
                rewrite = message.removeprefix("Rewrite failure due to: ")
            elif message.startswith("node: "):
                node = message.removeprefix("node: ")
                failures.append(f"{rewrite} on {node}")
            elif " apply " in message.splitlines()[0]:  # a whole-graph rewriter's failure
                failures.append(message.splitlines()[0].split(" apply ", 1)[1])
