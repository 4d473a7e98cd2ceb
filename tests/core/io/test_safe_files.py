"""Saving writes what the user named and only that; reading never hangs or fills memory."""

from __future__ import annotations

import os
import socket
import stat
import threading

import pytest

from xorlab.core.io.safe_files import (
    SafeFileError,
    check_target,
    current_umask,
    read_bounded,
    write_atomically,
)


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def test_a_symlink_stays_a_link_and_its_target_gets_the_content(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomically(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "made.json")
    write_atomically(link, b"x")
    assert link.is_symlink() and (tmp_path / "made.json").read_bytes() == b"x"


def _fifo(path):
    os.mkfifo(path)


def _socket(path):
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    return sock


def _link_to_a_device(path):
    # A device node of our own, like /dev/null: a regression must never get to replace
    # the machine's real one.
    device = path.parent / "device"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    path.symlink_to(device)


@pytest.mark.parametrize(
    ("make", "words", "kind"),
    [
        (_fifo, "a FIFO", stat.S_ISFIFO),
        (_socket, "a socket", stat.S_ISSOCK),
        (lambda p: p.mkdir(), "a folder", stat.S_ISDIR),
        (_link_to_a_device, "a character device", stat.S_ISCHR),
    ],
)
def test_special_targets_are_refused_and_left_intact(tmp_path, make, words, kind):
    target = tmp_path / "target"
    keep = make(target)
    for check in (check_target, lambda p: write_atomically(p, b"data")):
        with pytest.raises(SafeFileError, match=words):
            check(target)
    assert kind(os.stat(target).st_mode)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left in (["target"], ["device", "target"])  # no temp file left
    if keep is not None:
        keep.close()


def test_an_existing_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path, umask_027):
    old = tmp_path / "old.csv"
    old.write_text("x")
    old.chmod(0o604)
    write_atomically(old, b"y")
    assert stat.S_IMODE(old.stat().st_mode) == 0o604
    new = tmp_path / "new.csv"
    write_atomically(new, b"y")
    assert stat.S_IMODE(new.stat().st_mode) == 0o640
    assert current_umask() == 0o027


def test_the_umask_is_read_without_changing_it(umask_027):
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(current_umask())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [0o027] * 8 and os.umask(0o027) == 0o027


def test_a_legal_name_of_255_bytes_is_written(tmp_path):
    target = tmp_path / ("n" * 250 + ".json")
    write_atomically(target, b"long")
    assert target.read_bytes() == b"long"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("name", ["", " ", ".", "..", "folder/"])
def test_names_that_are_no_file_are_clear_errors(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    for check in (check_target, lambda p: write_atomically(p, b"data")):
        with pytest.raises(SafeFileError, match="no file name|names a folder"):
            check(name)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_found_before_writing(tmp_path):
    with pytest.raises(SafeFileError, match="cannot write in .*no such folder"):
        check_target(tmp_path / "absent" / "x.json")


# --- reading ---------------------------------------------------------------------------


def test_reads_a_regular_file(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"a,b\n")
    assert read_bounded(tmp_path / "a.csv", 100, SafeFileError) == b"a,b\n"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_fifo, "a FIFO"),  # used to block until a writer came: forever
        (lambda p: p.symlink_to("/dev/zero"), "a character device"),  # used to fill memory
        (lambda p: p.symlink_to("/dev/urandom"), "a character device"),
        (_socket, "No such device or address"),
        (lambda p: p.mkdir(), "a folder"),
    ],
)
def test_special_files_are_refused_without_blocking(tmp_path, make, words):
    path = tmp_path / "picked.json"
    keep = make(path)
    with pytest.raises(SafeFileError, match=words):
        read_bounded(path, 64 * 2**20, SafeFileError)
    if keep is not None:
        keep.close()


def test_a_proc_file_is_read_only_up_to_the_bound():
    # /proc files say size 0 and may be endless: the bound holds whatever stat says.
    with pytest.raises(SafeFileError, match="over .* bytes; the limit is 16 bytes"):
        read_bounded("/proc/self/status", 16, SafeFileError)
