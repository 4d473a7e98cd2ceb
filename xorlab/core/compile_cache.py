"""A compile cache that can be written, chosen before PyTensor loads.

PyTensor keeps compiled code under ``base_compiledir`` (``~/.pytensor`` unless
PYTENSOR_FLAGS or a .pytensorrc names another folder). When that folder cannot be written (a
read-only home, a path through a file, a full disk), nothing fails at start: the quick tier
trains, and the first fast-loop compile then dies with a traceback (PyTensor's Numba cache
module makes its folder at import; its C compile folder raises ValueError when first asked
for). PyTensor reads the folder once, when it loads, and will not change it afterwards
(``mutable=False``), so the only time to choose another is before the first ``import
pytensor``: the process's environment then names a temporary folder, and the person is told
that compiled code is not kept this time.

Reads PyTensor's settings the way ``pytensor.configparser`` does (the last PYTENSOR_FLAGS
entry wins over the files; files on the left of PYTENSORRC win over those on the right)
without importing it: importing PyTensor is what must not have happened yet.
"""

from __future__ import annotations

import atexit
import configparser
import os
import shlex
import shutil
import tempfile
from collections.abc import MutableMapping
from pathlib import Path

# The settings that place compiled code: PyTensor's C modules under compiledir (derived from
# base_compiledir unless set itself), its Numba cache under base_compiledir/numba.
FOLDER_KEYS = ("base_compiledir", "compiledir")


def configured_folders(environ: MutableMapping[str, str]) -> dict[str, Path]:
    """The folders PyTensor will compile into, by key, as this environment configures them."""
    settings = _rc_settings(environ)
    settings.update(_flag_settings(environ.get("PYTENSOR_FLAGS", "")))
    home = Path(environ.get("HOME") or Path.home())
    base = Path(settings.get("base_compiledir") or home / ".pytensor")
    folders = {"base_compiledir": _expand(base, home)}
    if settings.get("compiledir"):
        folders["compiledir"] = _expand(Path(settings["compiledir"]), home)
    return folders


def _expand(path: Path, home: Path) -> Path:
    text = str(path)
    if text == "~" or text.startswith("~/"):
        return home / text[2:]
    return path


def _flag_settings(flags: str) -> dict[str, str]:
    splitter = shlex.shlex(flags, posix=True)
    splitter.whitespace = ","
    splitter.whitespace_split = True
    settings: dict[str, str] = {}
    try:
        for pair in splitter:
            key, sep, value = pair.strip().partition("=")
            if sep and key in FOLDER_KEYS:
                settings[key] = value
    except ValueError:  # unbalanced quotes: PyTensor will complain about them itself
        pass
    return settings


def _rc_settings(environ: MutableMapping[str, str]) -> dict[str, str]:
    settings: dict[str, str] = {}
    paths = environ.get("PYTENSORRC", "~/.pytensorrc").split(os.pathsep)
    home = Path(environ.get("HOME") or Path.home())
    # Leftmost file wins: read right to left, each overwriting the last.
    for name in reversed(paths):
        path = _expand(Path(name), home)
        if not path.is_file():
            continue
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError):
            continue  # PyTensor reports a broken file itself
        for key in FOLDER_KEYS:
            if parser.has_option("global", key):
                settings[key] = parser.get("global", key)
    return settings


def write_problem(folder: Path) -> str | None:
    """Why compiled code cannot be written into ``folder`` (None: it can). Makes the folder
    if it is missing, as PyTensor would at its first compile."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def ensure_writable(environ: MutableMapping[str, str] = os.environ) -> str | None:
    """Point PyTensor at a temporary folder when its own cannot be written; the notice to
    show the person (None when nothing changed). Call before PyTensor is imported: it reads
    the folder once, at import."""
    problems = {
        key: (folder, problem)
        for key, folder in configured_folders(environ).items()
        if (problem := write_problem(folder)) is not None
    }
    if not problems:
        return None
    folder, problem = next(iter(problems.values()))
    try:
        spare = Path(tempfile.mkdtemp(prefix="xorlab-pytensor-"))
    except OSError as exc:
        return (
            f"PyTensor's compile cache {folder} cannot be written ({problem}), nor can a "
            f"temporary folder be made ({exc.strerror or exc}): the fast training loops cannot "
            "compile, so training stays on the slow quick tier. Set "
            "PYTENSOR_FLAGS=base_compiledir=DIR to a folder you can write."
        )
    atexit.register(shutil.rmtree, spare, ignore_errors=True)
    redirect = [f"base_compiledir={_quote(str(spare))}"]
    if "compiledir" in problems:  # set on its own: a new base would not move it
        redirect.append(f"compiledir={_quote(str(spare / 'compiledir'))}")
    flags = environ.get("PYTENSOR_FLAGS", "")
    environ["PYTENSOR_FLAGS"] = ",".join(part for part in (flags, *redirect) if part)
    return (
        f"PyTensor's compile cache {folder} cannot be written ({problem}): this session "
        "compiles into a temporary folder, so the next start compiles again "
        "(PYTENSOR_FLAGS=base_compiledir=DIR names a folder to keep)."
    )


def _quote(path: str) -> str:
    """``path`` as one PYTENSOR_FLAGS value: PyTensor splits the flags with shlex on commas,
    and shlex.quote counts a comma as safe."""
    return "'" + path.replace("'", "'\"'\"'") + "'"
