"""read_small_text: every way a chosen file can be wrong is the caller's own error."""

from __future__ import annotations

import os
import re

import pytest

from xorlab.core.io.text_files import read_small_text


class PickError(ValueError):
    pass


def sparse(path, size: int) -> None:
    path.touch()
    os.truncate(path, size)  # a large file without writing its bytes


def test_reads_text_within_the_limit(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("\ufeffa,b\n1,2\n", encoding="utf-8")
    assert read_small_text(path, 1024, PickError, encoding="utf-8-sig") == "a,b\n1,2\n"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: None, "cannot read"),  # never created
        (lambda p: p.write_bytes(b"\x80\x81\xff"), "not a text file (not UTF-8)"),
        (lambda p: sparse(p, 3 * 2**20), "3 MiB; the limit is 2 MiB"),
        (lambda p: p.mkdir(), "cannot read"),  # a folder picked by mistake
    ],
)
def test_a_wrong_file_is_a_message_naming_it(tmp_path, make, words):
    path = tmp_path / "picked.json"
    make(path)
    with pytest.raises(PickError, match=re.escape(words)) as info:
        read_small_text(path, 2 * 2**20, PickError)
    assert "picked.json" in str(info.value)
