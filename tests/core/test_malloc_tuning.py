"""glibc keeps freed memory for the next allocation once keep_freed_memory has run."""

import platform
import resource

import numpy as np
import pytest

from xorlab.core.malloc_tuning import keep_freed_memory

glibc = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)


def _page_faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def _forward_pass_like(n: int) -> None:
    # What a snapshot's maps do: a large array made, a smaller one from it, both freed.
    x = np.ones(n)
    y = np.ones(n // 4) * 2
    del x
    z = y + 1
    del y, z


@glibc
def test_freed_large_arrays_are_reused_without_new_pages():
    assert keep_freed_memory()
    assert keep_freed_memory()  # once per process; asking again says the same
    n = 4 * 1024 * 1024 // 8  # 4 MB
    _forward_pass_like(n)  # the heap grows once
    before = _page_faults()
    for _ in range(20):
        _forward_pass_like(n)
    # glibc's defaults gave the heap's top back after each call: ~1,000 page faults here.
    assert _page_faults() - before < 50
