"""Reading and writing the files a person names, and nothing else.

Writing is atomic (a temporary file in the target's own folder, then a rename), goes
through a symlink to its real target so the link stays a link (as editors do), refuses
anything that is not a regular file (a device, FIFO, socket or folder is left as it was),
keeps an existing file's permission bits and gives a new file those the umask allows.

Reading opens without blocking (a FIFO would otherwise wait for a writer forever), checks
the type of what was opened (not of the name, which could change in between) and reads at
most a bound, so /dev/zero or a /proc file can never fill memory.
"""

from __future__ import annotations

import os
import secrets
import stat
import threading
from pathlib import Path

__all__ = [
    "SafeFileError",
    "check_target",
    "current_umask",
    "kind_of",
    "read_bounded",
    "write_atomically",
]


class SafeFileError(ValueError):
    """A file that cannot be read or written, with a message for the person who named it."""


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def kind_of(mode: int) -> str:
    """'a folder', 'a FIFO (named pipe)'...: what a non-regular file is, in words."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "not a regular file"


_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process umask, read without a window in which it is changed.

    ``os.umask`` can only be read by setting it, which races with other threads creating
    files; Linux shows it in /proc/self/status, so that is tried first.
    """
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _named_path(path: os.PathLike | str, error: type[Exception]) -> Path:
    text = os.fspath(path)
    if not isinstance(text, str):
        text = os.fsdecode(text)
    if not text.strip():
        raise error("no file name given")
    if text.endswith(("/", os.sep)) or os.path.basename(text) in (".", ".."):
        raise error(f"'{text}' names a folder, not a file")
    return Path(text)


def _real_target(named: Path, error: type[Exception]) -> tuple[Path, os.stat_result | None]:
    """The file a name leads to through symlinks (a dangling link's target is created, as
    editors do) and its status, or None if it does not exist yet; only regular files pass."""
    target = Path(os.path.realpath(named))
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    except NotADirectoryError as exc:  # a path through a regular file
        raise error(f"cannot write in {named.parent}: {exc.strerror or exc}") from exc
    except OSError as exc:  # a symlink loop...
        raise error(f"cannot save {named}: {exc.strerror or exc}") from exc
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise error(f"{named} is {kind_of(existing.st_mode)}; it was left as it was")
    return target, existing


def check_target(path: os.PathLike | str, error: type[Exception] = SafeFileError) -> Path:
    """Raise ``error`` now if write_atomically(path) would certainly fail: a bad name, a
    target that is not a regular file, a folder that is missing or not writable. Lets a
    long job check where it will save before it starts. Returns the real target."""
    named = _named_path(path, error)
    target, existing = _real_target(named, error)
    folder = target.parent
    if not folder.is_dir():
        raise error(f"cannot write in {folder}: no such folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise error(f"cannot write in {folder}: permission denied")
    return target


def write_atomically(
    path: os.PathLike | str, data: bytes, error: type[Exception] = SafeFileError
) -> None:
    """Replace the file at ``path`` (or its symlink's target) with ``data`` in one step.

    Readers see the old content or the new, never half. Raises ``error`` with a message for
    an empty name, a folder, a device, FIFO or socket (left untouched) or any OS failure;
    on failure no temporary file is left behind.
    """
    named = _named_path(path, error)
    target, existing = _real_target(named, error)
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~current_umask()
    folder = target.parent
    # A short random name: the target's name plus a suffix can exceed NAME_MAX (255 bytes).
    temporary = folder / f".xorlab-{secrets.token_hex(6)}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise error(f"cannot write in {folder}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise error(f"cannot save {named.name}: {exc.strerror or exc}") from exc
        raise


def read_bounded(path: os.PathLike | str, limit_bytes: int, error: type[Exception]) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit_bytes`` of them.

    Anything else (a folder, FIFO, device, socket, a file over the limit, one that grows
    past it while read, one that cannot be opened) raises ``error`` naming the file.
    """
    named = _named_path(path, error)
    try:
        fd = os.open(named, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise error(f"cannot read {named}: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"cannot read {named}: it is {kind_of(info.st_mode)}, not a file")
        if info.st_size > limit_bytes:
            raise error(_too_large(named, info.st_size, limit_bytes))
        chunks, total = [], 0
        while True:  # st_size may be 0 (/proc) or stale: stop at the bound whatever it says
            chunk = os.read(fd, min(1 << 20, limit_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit_bytes:
                raise error(_too_large(named, total, limit_bytes, at_least=True))
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"cannot read {named}: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def _too_large(path: Path, size: int, limit: int, at_least: bool = False) -> str:
    more = "over " if at_least else ""
    if limit >= 2**20:
        return f"{path.name} is {more}{size / 2**20:.0f} MiB; the limit is {limit // 2**20} MiB"
    return f"{path.name} is {more}{size:,} bytes; the limit is {limit:,} bytes"
